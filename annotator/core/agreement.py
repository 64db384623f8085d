"""Inter-coder agreement on motif codings: Cohen's kappa (two coders) and Krippendorff's alpha.

A research team reports how far its coders agree before it trusts a motif. Units are the
panels (or text regions) of the chosen episodes; for each motif every coder's judgement on a
unit is "tagged" (1) or "not tagged" (0). A coder who tagged nothing of that unit kind in an
episode is taken not to have coded the episode: their judgements there are *missing*, which
Krippendorff's alpha allows and Cohen's kappa handles by using only the units both coded.
Alpha is computed by the ``krippendorff`` package (nominal); "overall" pools every
(unit, motif) decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import krippendorff
import numpy as np
from sqlmodel import select

from annotator.core import models
from annotator.core.database import ProjectError
from annotator.core.project import Project

UNITS = ("panel", "text_region")


@dataclass
class Disagreement:
    unit_id: int
    page_id: int
    episode: int | None
    page: int  # 1-based page number in the episode
    order: int  # 1-based reading order on the page
    values: dict[str, int | None]  # coder -> 1 tagged, 0 not tagged, None not coded


@dataclass
class MotifAgreement:
    motif_id: int | None
    motif: str
    units: int  # units judged by at least two coders
    observed: float | None  # share of those units where all coders agree
    kappa: float | None  # two coders only; None when undefined (one category only)
    alpha: float | None  # None when undefined
    disagreements: list[Disagreement] = field(default_factory=list)


@dataclass
class AgreementReport:
    unit: str
    coders: list[str]
    episodes: list[int | None]
    units: int
    motifs: list[MotifAgreement]
    overall: MotifAgreement

    def to_json(self) -> dict:
        def one(m: MotifAgreement) -> dict:
            return {"motif": m.motif, "units": m.units, "observed": _round(m.observed), "kappa": _round(m.kappa),
                    "alpha": _round(m.alpha), "disagreements": [d.__dict__ for d in m.disagreements]}

        return {"unit": self.unit, "coders": self.coders, "episodes": self.episodes, "units": self.units,
                "overall": {k: v for k, v in one(self.overall).items() if k != "disagreements"},
                "motifs": [one(m) for m in self.motifs]}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float | None:
    """Kappa of two coders on the units both judged (NaN marks a missing judgement)."""
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    if not len(a):
        return None
    categories = np.union1d(a, b)
    observed = float(np.mean(a == b))
    expected = float(sum(np.mean(a == c) * np.mean(b == c) for c in categories))
    return None if expected >= 1.0 else (observed - expected) / (1.0 - expected)


def nominal_alpha(data: np.ndarray) -> float | None:
    """Krippendorff's alpha (nominal) of a coders × units matrix with NaN for missing values."""
    pairable = data[:, np.sum(~np.isnan(data), axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if values.size == 0 or np.unique(values).size < 2:
        return None  # no variation: alpha is undefined, not perfect
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _measure(motif_id, name, data: np.ndarray, coders: list[str], units: list[tuple]) -> MotifAgreement:
    judged = np.sum(~np.isnan(data), axis=0) >= 2
    columns = data[:, judged]
    agree = [len(set(col[~np.isnan(col)])) == 1 for col in columns.T]
    disagreements = []
    if motif_id is not None:
        for index in np.flatnonzero(judged):
            column = data[:, index]
            if len(set(column[~np.isnan(column)])) > 1:
                unit_id, page_id, episode, page, order = units[index]
                disagreements.append(Disagreement(unit_id, page_id, episode, page, order, {
                    c: (None if np.isnan(v) else int(v)) for c, v in zip(coders, column)}))
    return MotifAgreement(
        motif_id=motif_id, motif=name, units=int(judged.sum()),
        observed=float(np.mean(agree)) if agree else None,
        kappa=cohen_kappa(data[0], data[1]) if len(coders) == 2 else None,
        alpha=nominal_alpha(data), disagreements=disagreements)


def agreement(project: Project, coders: list[str] | None = None, episode_ids: list[int] | None = None,
              unit: str = "panel") -> AgreementReport:
    """Per-motif and overall agreement between ``coders`` (default: everyone who coded such units)."""
    if unit not in UNITS:
        raise ProjectError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    table = models.Panel if unit == "panel" else models.TextRegion
    column = models.Coding.panel_id if unit == "panel" else models.Coding.text_region_id
    with project.session() as s:
        query = (select(table.id, table.page_id, models.Page.episode_id, models.Page.index, table.order,
                        models.Episode.number)
                 .join(models.Page, models.Page.id == table.page_id)
                 .join(models.Episode, models.Episode.id == models.Page.episode_id)
                 .order_by(models.Episode.number, models.Episode.id, models.Page.index, table.order, table.id))
        if episode_ids:
            query = query.where(models.Page.episode_id.in_(episode_ids))
        rows = s.exec(query).all()
        names = {c.id: c.name for c in s.exec(select(models.Coder))}
        motif_names = {m.id: m.name for m in s.exec(select(models.Motif))}
        unit_ids = [r[0] for r in rows]
        codings = s.exec(select(column, models.Coding.motif_id, models.Coding.coder_id)
                         .where(column.in_(unit_ids))).all() if unit_ids else []
    episode_of = {r[0]: r[2] for r in rows}
    if coders is None:
        coders = sorted({names[c] for _, _, c in codings if c in names})
    unknown = [c for c in coders if c not in names.values()]
    if unknown:
        raise ProjectError(f"no coder named {', '.join(map(repr, unknown))}; known: {', '.join(sorted(names.values()))}")
    if len(coders) < 2:
        raise ProjectError("agreement needs at least two coders who coded these units")
    coder_index = {name: i for i, name in enumerate(coders)}
    id_index = {cid: coder_index[n] for cid, n in names.items() if n in coder_index}
    position = {uid: i for i, uid in enumerate(unit_ids)}
    covered = np.zeros((len(coders), len(unit_ids)), dtype=bool)
    episodes_coded = {(id_index[c], episode_of[u]) for u, _, c in codings if c in id_index}
    for i, uid in enumerate(unit_ids):
        for k in range(len(coders)):
            covered[k, i] = (k, episode_of[uid]) in episodes_coded
    base = np.where(covered, 0.0, np.nan)
    tagged: dict[int, np.ndarray] = {}
    for uid, motif_id, coder_id in codings:
        if coder_id in id_index:
            data = tagged.setdefault(motif_id, base.copy())
            data[id_index[coder_id], position[uid]] = 1.0
    units = [(r[0], r[1], r[5], r[3] + 1, r[4] + 1) for r in rows]
    per_motif = [_measure(m, motif_names.get(m, str(m)), data, coders, units)
                 for m, data in sorted(tagged.items(), key=lambda kv: motif_names.get(kv[0], ""))]
    pooled = np.hstack(list(tagged.values())) if tagged else base
    overall = _measure(None, "(all motifs)", pooled, coders, units * max(1, len(tagged)))
    episode_numbers = sorted({r[5] for r in rows}, key=lambda n: (n is None, n))
    return AgreementReport(unit=unit, coders=coders, episodes=episode_numbers, units=len(unit_ids),
                           motifs=per_motif, overall=overall)
