"""Comparing episodes: motifs, characters and dialogue counted per episode, in SQL.

Every figure is one grouped query (``GROUP BY``) over the whole project, never a Python loop
over codings or regions, so a project of millions of codings is counted by the database.

Conventions shared by every function here:

* **Where a coding is.** A coding sits on an episode, a page, a panel or a text region. It
  counts for the episode that holds its target; for "panels" it counts for the panel itself
  or, on a text region, for the panel that region belongs to. Codings on a whole episode or
  page count as codings but belong to no panel.
* **Motif rows aggregate their subtree.** A parent motif's row counts the codings of the
  motif *and all its descendants* (so "Threat actors" answers "any threat actor"), and its
  panel count is the number of distinct panels carrying any motif of the subtree, not a sum.
  Co-occurrence is the exception (see ``cooccurrence``).
* **Filters.** ``episode_ids`` (ids), ``series`` (a series name) and ``coder`` (a coder
  name) restrict what is counted. The coder filter applies to codings and appearances; who
  set a balloon's speaker is not recorded, so speech share ignores it (and says so).
* **Keys.** Episodes are keyed by their number, or by "series #number" when the selection
  holds two series with the same number; motifs by name, or "parent / name" when two motifs
  share a name; characters by name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import and_, func, null, or_, select, true, union_all

from annotator.core import models
from annotator.core.project import Project

BALLOON_KINDS = ("speech", "thought")
NO_SPEAKER = "(no speaker)"
BY = ("motif", "character", "speech", "cooccurrence", "timeline")

C, P, PG, T, E, S = models.Coding, models.Panel, models.Page, models.TextRegion, models.Episode, models.Series


class CompareError(ValueError):
    """A filter that names nothing in the project (unknown coder or series); meant for the user."""


@dataclass
class Selection:
    """The episodes a comparison covers, in series then number order, with their keys."""

    ids: list[int]
    keys: dict[int, object]  # episode id -> key used in every result
    info: list[dict]
    coder_id: int | None = None
    coder: str | None = None
    everything: bool = False  # no episode or series filter: skip the IN list

    def episode_filter(self, column):
        return true() if self.everything else column.in_(self.ids)

    def ordered_keys(self) -> list:
        return [self.keys[i] for i in self.ids]


def _select(project: Project, episode_ids=None, series=None, coder=None) -> Selection:
    with project.session() as s:
        query = (select(E.id, E.number, E.title, E.title_zh, E.published_on, S.name)
                 .join(S, S.id == E.series_id, isouter=True).order_by(S.name, E.number, E.id))
        if series is not None:
            if s.execute(select(S.id).where(S.name == series)).first() is None:
                raise CompareError(f"no series named {series!r}")
            query = query.where(S.name == series)
        if episode_ids is not None:
            query = query.where(E.id.in_(list(episode_ids)))
        rows = s.execute(query).all()
        panel_totals = dict(s.execute(
            select(PG.episode_id, func.count(P.id)).join(P, P.page_id == PG.id).group_by(PG.episode_id)).all())
        coder_id = None
        if coder is not None:
            coder_id = s.execute(select(models.Coder.id).where(models.Coder.name == coder)).scalar()
            if coder_id is None:
                raise CompareError(f"no coder named {coder!r}")
    numbers = [r.number for r in rows]
    clash = len(set(numbers)) != len(numbers) or None in numbers
    keys, info = {}, []
    for r in rows:
        key = r.number if not clash else f"{r.name or '?'} #{r.number if r.number is not None else r.id}"
        keys[r.id] = key
        info.append({"id": r.id, "key": key, "series": r.name, "number": r.number, "title": r.title,
                     "title_zh": r.title_zh, "published_on": r.published_on.isoformat() if r.published_on else None,
                     "panels": panel_totals.get(r.id, 0)})
    return Selection([r.id for r in rows], keys, info, coder_id, coder, episode_ids is None and series is None)


def _placements(sel: Selection):
    """One row per coding: (motif_id, episode_id, panel_id, page_id, coding_id), panel NULL off-panel.

    A UNION ALL of one indexed join per target kind, restricted to the selection.
    """
    def branch(query):
        if sel.coder_id is not None:
            query = query.where(C.coder_id == sel.coder_id)
        return query

    parts = [
        branch(select(C.motif_id, C.episode_id.label("episode_id"), null().label("panel_id"),
                      null().label("page_id"), C.id.label("coding_id"))
               .where(C.episode_id.is_not(None), sel.episode_filter(C.episode_id))),
        branch(select(C.motif_id, PG.episode_id, null(), C.page_id, C.id)
               .join(PG, PG.id == C.page_id).where(sel.episode_filter(PG.episode_id))),
        branch(select(C.motif_id, PG.episode_id, C.panel_id, P.page_id, C.id)
               .join(P, P.id == C.panel_id).join(PG, PG.id == P.page_id).where(sel.episode_filter(PG.episode_id))),
        branch(select(C.motif_id, PG.episode_id, T.panel_id, T.page_id, C.id)
               .join(T, T.id == C.text_region_id).join(PG, PG.id == T.page_id).where(sel.episode_filter(PG.episode_id))),
    ]
    return union_all(*parts).subquery("placement")


@dataclass
class Codebook:
    """The motif tree in display order (depth-first by position) with unique display keys."""

    ids: list[int]
    keys: dict[int, str]
    info: list[dict]
    subtree: dict[int, list[int]]  # motif id -> itself and all descendants


def _codebook(project: Project) -> Codebook:
    with project.session() as s:
        rows = s.execute(select(models.Motif.id, models.Motif.parent_id, models.Motif.position, models.Motif.name,
                                models.Motif.name_zh, models.Motif.colour)).all()
    children: dict[int | None, list] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    by_id = {r.id: r for r in rows}
    order, depth = [], {}

    def walk(parent, level):
        for r in sorted(children.get(parent, []), key=lambda r: (r.position, r.id)):
            order.append(r.id)
            depth[r.id] = level
            walk(r.id, level + 1)

    walk(None, 0)
    names = [by_id[i].name for i in order]
    keys = {}
    for i in order:
        r = by_id[i]
        parent = by_id.get(r.parent_id)
        keys[i] = f"{parent.name} / {r.name}" if names.count(r.name) > 1 and parent else r.name
    subtree = {}
    for i in reversed(order):
        subtree[i] = [i] + [d for c in children.get(i, []) for d in subtree[c.id]]
    info = [{"id": i, "key": keys[i], "name": by_id[i].name, "name_zh": by_id[i].name_zh,
             "parent_id": by_id[i].parent_id, "depth": depth[i], "colour": by_id[i].colour} for i in order]
    return Codebook(order, keys, info, subtree)


def _closure():
    """(ancestor, descendant) pairs of the codebook, itself included, as a recursive CTE, so
    one GROUP BY counts every subtree."""
    M = models.Motif
    closure = select(M.id.label("ancestor"), M.id.label("descendant")).cte("closure", recursive=True)
    child = select(closure.c.ancestor, M.id).join(M, M.parent_id == closure.c.descendant)
    return closure.union_all(child)


def _grid(rows: list[str], cols: list, zero=0) -> dict:
    return {r: {c: zero for c in cols} for r in rows}


def motif_matrix(project: Project, episode_ids=None, series=None, coder=None) -> dict:
    """Motif x episode: codings (``counts``), distinct panels (``panels``) and share of the
    episode's panels (``shares``), each motif row counting its whole subtree."""
    sel = _select(project, episode_ids, series, coder)
    book = _codebook(project)
    cols = sel.ordered_keys()
    motifs = [book.keys[i] for i in book.ids]
    counts, panels, shares = _grid(motifs, cols), _grid(motifs, cols), _grid(motifs, cols, 0.0)
    if sel.ids and book.ids:
        place = _placements(sel)
        closure = _closure()
        query = (select(closure.c.ancestor, place.c.episode_id, func.count(),
                        func.count(func.distinct(place.c.panel_id)))
                 .join(closure, closure.c.descendant == place.c.motif_id)
                 .group_by(closure.c.ancestor, place.c.episode_id))
        with project.session() as s:
            result = s.execute(query).all()
        totals = {e["id"]: e["panels"] for e in sel.info}
        for motif_id, episode_id, n, n_panels in result:
            key, col = book.keys[motif_id], sel.keys[episode_id]
            counts[key][col] = n
            panels[key][col] = n_panels
            shares[key][col] = n_panels / totals[episode_id] if totals[episode_id] else 0.0
    return {"episodes": cols, "motifs": motifs, "counts": counts, "panels": panels, "shares": shares,
            "episode_info": sel.info, "motif_info": book.info, "coder": sel.coder,
            "aggregation": "each motif row counts its subtree; panels are distinct panels of the subtree"}


def _characters(project: Project) -> dict[int, str]:
    with project.session() as s:
        rows = s.execute(select(models.Character.id, models.Character.name).order_by(models.Character.name,
                                                                                      models.Character.id)).all()
    names = [r.name for r in rows]
    return {r.id: (r.name if names.count(r.name) == 1 else f"{r.name} #{r.id}") for r in rows}


def appearances(project: Project, episode_ids=None, series=None, coder=None) -> dict:
    """Character x episode: panels each character is drawn in (``counts``) and their share."""
    sel = _select(project, episode_ids, series, coder)
    names = _characters(project)
    cols = sel.ordered_keys()
    counts, shares = _grid(list(names.values()), cols), _grid(list(names.values()), cols, 0.0)
    A = models.Appearance
    query = (select(A.character_id, PG.episode_id, func.count(func.distinct(A.panel_id)))
             .join(P, P.id == A.panel_id).join(PG, PG.id == P.page_id)
             .where(sel.episode_filter(PG.episode_id)).group_by(A.character_id, PG.episode_id))
    if sel.coder_id is not None:
        query = query.where(A.coder_id == sel.coder_id)
    with project.session() as s:
        rows = s.execute(query).all() if sel.ids else []
    totals = {e["id"]: e["panels"] for e in sel.info}
    for character_id, episode_id, n in rows:
        key, col = names[character_id], sel.keys[episode_id]
        counts[key][col] = n
        shares[key][col] = n / totals[episode_id] if totals[episode_id] else 0.0
    present = [n for n in names.values() if any(counts[n].values())]
    return {"episodes": cols, "characters": present, "counts": {n: counts[n] for n in present},
            "shares": {n: shares[n] for n in present}, "episode_info": sel.info, "coder": sel.coder}


def _text_length(column):
    """Characters a reader sees, without spaces or line breaks."""
    text = func.coalesce(T.text, T.ocr_text, "")
    for blank in (" ", "\n", "\r", "\t", "\u3000"):
        text = func.replace(text, blank, "")
    return func.length(text)


def speech_share(project: Project, episode_ids=None, series=None, coder=None) -> dict:
    """Per episode, each speaker's balloons and characters of text, and their shares.

    Balloons are speech and thought regions; text is the correction, else the OCR reading.
    Balloons without a speaker are counted under ``(no speaker)``, so the shares of an
    episode with any balloon sum to 1. Speakers carry no coder, so ``coder`` is not applied.
    """
    sel = _select(project, episode_ids, series, coder)
    names = _characters(project)
    query = (select(T.speaker_id, PG.episode_id, func.count(T.id), func.sum(_text_length(T)))
             .join(PG, PG.id == T.page_id)
             .where(sel.episode_filter(PG.episode_id), T.kind.in_(BALLOON_KINDS))
             .group_by(T.speaker_id, PG.episode_id))
    with project.session() as s:
        rows = s.execute(query).all() if sel.ids else []
    cols = sel.ordered_keys()
    speakers = [n for i, n in names.items() if any(r[0] == i for r in rows)]
    if any(r[0] is None for r in rows):
        speakers.append(NO_SPEAKER)
    balloons, chars = _grid(speakers, cols), _grid(speakers, cols)
    for speaker_id, episode_id, n, length in rows:
        key = names[speaker_id] if speaker_id is not None else NO_SPEAKER
        balloons[key][sel.keys[episode_id]] = n
        chars[key][sel.keys[episode_id]] = int(length or 0)

    def shares(table):
        out = _grid(speakers, cols, 0.0)
        for col in cols:
            total = sum(table[k][col] for k in speakers)
            for k in speakers:
                out[k][col] = table[k][col] / total if total else 0.0
        return out

    return {"episodes": cols, "characters": speakers, "balloons": balloons, "chars": chars,
            "balloon_share": shares(balloons), "char_share": shares(chars), "episode_info": sel.info,
            "coder": None, "note": "speaker attributions record no coder; the coder filter does not apply"
            if coder is not None else ""}


def _panel_motifs(sel: Selection):
    """Distinct (panel, motif) pairs in the selection: the unit of co-occurrence."""
    place = _placements(sel)
    return (select(place.c.panel_id, place.c.motif_id).where(place.c.panel_id.is_not(None))
            .distinct().subquery("panel_motif"))


def cooccurrence(project: Project, episode_ids=None, series=None, coder=None) -> dict:
    """Panels where two motifs meet (``motifs``, symmetric, diagonal = panels with the motif),
    and panels where a character appears with a motif (``characters``).

    Motifs are counted as tagged, without their subtree: a parent would trivially meet its
    children. A coding on a text region counts for its panel; codings on whole pages or
    episodes are in no panel and do not co-occur.
    """
    sel = _select(project, episode_ids, series, coder)
    book = _codebook(project)
    names = _characters(project)
    motif_keys = [book.keys[i] for i in book.ids]
    pairs = _grid(motif_keys, motif_keys)
    with_characters = _grid(list(names.values()), motif_keys)
    if sel.ids:
        pm = _panel_motifs(sel)
        other = pm.alias("other")
        motif_query = (select(pm.c.motif_id, other.c.motif_id, func.count())
                       .join(other, other.c.panel_id == pm.c.panel_id)
                       .group_by(pm.c.motif_id, other.c.motif_id))
        A = models.Appearance
        appear = select(A.character_id, A.panel_id).distinct()
        if sel.coder_id is not None:
            appear = appear.where(A.coder_id == sel.coder_id)
        appear = appear.subquery("appear")
        character_query = (select(appear.c.character_id, pm.c.motif_id, func.count())
                           .join(pm, pm.c.panel_id == appear.c.panel_id)
                           .group_by(appear.c.character_id, pm.c.motif_id))
        with project.session() as s:
            for a, b, n in s.execute(motif_query).all():
                pairs[book.keys[a]][book.keys[b]] = n
            for character_id, motif_id, n in s.execute(character_query).all():
                with_characters[names[character_id]][book.keys[motif_id]] = n
    used = [k for k in motif_keys if pairs[k][k]]
    present = [n for n in names.values() if any(with_characters[n].values())]
    return {"episodes": sel.ordered_keys(), "motifs": used,
            "counts": {a: {b: pairs[a][b] for b in used} for a in used},
            "characters": present, "character_counts": {n: {m: with_characters[n][m] for m in used} for n in present},
            "coder": sel.coder, "unit": "panel"}


def timeline(project: Project, episode_ids=None, series=None, coder=None) -> dict:
    """First and last episode (by publication date, then number) of every motif and character,
    with the episodes they occur in. Motifs count their subtree, as in the matrix."""
    matrix = motif_matrix(project, episode_ids, series, coder)
    cast = appearances(project, episode_ids, series, coder)
    info = {e["key"]: e for e in matrix["episode_info"]}
    order = sorted(info, key=lambda k: (info[k]["published_on"] is None, info[k]["published_on"] or "",
                                        info[k]["series"] or "", info[k]["number"] or 0))

    def span(kind: str, name: str, row: dict) -> dict | None:
        present = [k for k in order if row.get(k)]
        if not present:
            return None
        first, last = info[present[0]], info[present[-1]]
        return {"kind": kind, "name": name, "first": present[0], "first_date": first["published_on"],
                "last": present[-1], "last_date": last["published_on"], "episodes": present, "count": len(present)}

    rows = [span("motif", m, matrix["counts"][m]) for m in matrix["motifs"]]
    rows += [span("character", c, cast["counts"][c]) for c in cast["characters"]]
    rows = [r for r in rows if r is not None]
    return {"episodes": order, "episode_info": [info[k] for k in order], "rows": rows, "coder": matrix["coder"]}


def cell_targets(project: Project, motif_id: int, episode_id: int, coder=None) -> list[dict]:
    """What stands behind one matrix cell: the panels (and whole pages or the episode) coded
    with the motif or its subtree in that episode, in reading order, each once."""
    book = _codebook(project)
    subtree = book.subtree.get(motif_id, [motif_id])
    sel = _select(project, [episode_id], None, coder)
    place = _placements(sel)
    query = (select(place.c.panel_id, place.c.page_id, func.count())
             .where(place.c.motif_id.in_(subtree)).group_by(place.c.panel_id, place.c.page_id))
    with project.session() as s:
        found = s.execute(query).all()
        panel_ids = [r[0] for r in found if r[0] is not None]
        page_ids = {r[1] for r in found if r[0] is None and r[1] is not None}
        panels = s.execute(select(P.id, P.page_id, P.order, P.x, P.y, P.w, P.h, PG.index, PG.media_path, PG.width,
                                  PG.height).join(PG, PG.id == P.page_id).where(P.id.in_(panel_ids))).all()
        pages = s.execute(select(PG.id, PG.index, PG.media_path, PG.width, PG.height)
                          .where(PG.id.in_(page_ids))).all()
    out = [{"kind": "panel", "panel_id": r.id, "page_id": r.page_id, "page_index": r.index, "panel_order": r.order,
            "bbox": [r.x, r.y, r.w, r.h], "media_path": r.media_path} for r in panels]
    out += [{"kind": "page", "panel_id": None, "page_id": r.id, "page_index": r.index, "panel_order": -1,
             "bbox": [0, 0, r.width, r.height], "media_path": r.media_path} for r in pages]
    if any(r[0] is None and r[1] is None for r in found):
        out.append({"kind": "episode", "panel_id": None, "page_id": None, "page_index": -1, "panel_order": -1,
                    "bbox": None, "media_path": None})
    return sorted(out, key=lambda t: (t["page_index"], t["panel_order"]))


def compare(project: Project, by: str, episode_ids=None, series=None, coder=None) -> dict:
    functions = {"motif": motif_matrix, "character": appearances, "speech": speech_share,
                 "cooccurrence": cooccurrence, "timeline": timeline}
    if by not in functions:
        raise CompareError(f"unknown comparison {by!r}; use one of {', '.join(BY)}")
    return functions[by](project, episode_ids, series, coder)


def table(result: dict, by: str) -> list[list]:
    """A comparison as rows for a spreadsheet: a header, then one row per motif/character."""
    if by == "timeline":
        head = ["kind", "name", "first", "first_date", "last", "last_date", "episodes"]
        return [head] + [[r["kind"], r["name"], r["first"], r["first_date"], r["last"], r["last_date"], r["count"]]
                         for r in result["rows"]]
    if by == "cooccurrence":
        motifs = result["motifs"]
        rows = [["motif"] + motifs] + [[a] + [result["counts"][a][b] for b in motifs] for a in motifs]
        rows += [[]] + [["character"] + motifs]
        rows += [[c] + [result["character_counts"][c][m] for m in motifs] for c in result["characters"]]
        return rows
    label, names, measures = {
        "motif": ("motif", result.get("motifs"), ("counts", "panels", "shares")),
        "character": ("character", result.get("characters"), ("counts", "shares")),
        "speech": ("speaker", result.get("characters"), ("balloons", "chars", "balloon_share", "char_share")),
    }[by]
    head = [label, "measure"] + [str(e) for e in result["episodes"]]
    rows = [head]
    for measure in measures:
        for name in names:
            values_ = result[measure][name]
            rows.append([name, measure] + [_cell(values_[e]) for e in result["episodes"]])
    return rows


def _cell(value):
    return round(value, 4) if isinstance(value, float) else value


def to_csv(result: dict, by: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table(result, by))
    return out.getvalue()


def parse_episode_range(text: str) -> list[tuple[int, int]]:
    """``1-12``, ``3`` or ``1-3,7,9-10`` as inclusive (low, high) number ranges."""
    ranges = []
    for part in text.replace(" ", "").split(","):
        low, sep, high = part.partition("-")
        try:
            a = int(low)
            b = int(high) if sep else a
        except ValueError:
            raise CompareError(f"{text!r} is not an episode range (use e.g. 1-12 or 1-3,7)") from None
        if b < a:
            raise CompareError(f"episode range {part!r} runs backwards")
        ranges.append((a, b))
    return ranges


def episodes_in_range(project: Project, text: str, series=None) -> list[int]:
    """Ids of the episodes whose numbers fall in a range like ``1-12``."""
    ranges = parse_episode_range(text)
    query = select(E.id).join(S, S.id == E.series_id, isouter=True).where(
        or_(*[and_(E.number >= a, E.number <= b) for a, b in ranges]))
    if series is not None:
        query = query.where(S.name == series)
    with project.session() as s:
        return list(s.execute(query).scalars())


__all__ = ["BY", "CompareError", "appearances", "cell_targets", "compare", "cooccurrence", "episodes_in_range",
           "motif_matrix", "speech_share", "table", "timeline", "to_csv"]
