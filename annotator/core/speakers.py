"""Suggested speakers: who most likely says a balloon, for a coder to confirm with one key.

Three kinds of evidence are combined for every character of the project:
- the tail: the figure the balloon's tail points at (``vision.tails``, ``vision.figures``),
  recognised as a character by its costume, i.e. its likeness to the figures that earlier
  balloons of this episode with a confirmed speaker pointed at (the character last linked to
  that figure); with no such history yet, by the characters tagged in the panel, by position;
- the dialogue: in a two-person exchange the speaker alternates, so the one who spoke before
  the previous speaker is likely to answer;
- the episode: who is present in the panel (appearances) and who speaks most.

A suggestion is only a suggestion: nothing here writes ``TextRegion.speaker_id``.
``confirm`` sets the speaker (a revision like any edit) and records which suggestion was
taken and which were passed over, so suggestions can be scored against coders' choices.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from sqlmodel import select

from annotator.core import models
from annotator.core.annotate import get_row, update_region
from annotator.core.project import Project
from annotator.core.revisions import acting

WEIGHTS = {"tail": 0.6, "dialogue": 0.25, "present": 0.1, "frequency": 0.05}
HISTORY = 6  # likeness is measured against this many most recent figures of a character


@dataclass
class Suggestion:
    character_id: int
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"character": self.character_id, "name": self.name, "score": round(self.score, 4),
                "reasons": self.reasons}


@lru_cache(maxsize=4)
def _image(path: str):
    from annotator.vision.images import load_array

    return load_array(path)


@lru_cache(maxsize=4096)
def _pointed(path: str, box: tuple, panel: tuple, exclude: tuple):
    """(figures, weights over them from the tail, tail found) for one balloon."""
    from annotator.vision.figures import find_figures, pointed_at
    from annotator.vision.tails import find_tail

    image = _image(path)
    figures = find_figures(image, panel, list(exclude))
    tail = find_tail(image, box)
    if tail is None or not figures:
        return figures, None
    scores = pointed_at(figures, tail.base, tail.direction)
    total = sum(scores)
    return figures, [s / total for s in scores] if total else None


def _panel_box(panels: list[models.Panel], region: models.TextRegion, page: models.Page) -> tuple:
    panel = next((p for p in panels if p.id == region.panel_id), None)
    return panel.bbox if panel is not None else (0, 0, page.width, page.height)


class _Episode:
    """What one episode knows so far: each confirmed balloon's page, panel and pointed figure."""

    def __init__(self, project: Project, session, page: models.Page):
        self.project, self.s = project, session
        pages = session.exec(select(models.Page).where(models.Page.episode_id == page.episode_id)
                             .order_by(models.Page.index)).all()
        self.pages = {p.id: p for p in pages}
        ids = list(self.pages)
        self.panels = {pid: [] for pid in ids}
        for panel in session.exec(select(models.Panel).where(models.Panel.page_id.in_(ids))).all():
            self.panels[panel.page_id].append(panel)
        self.regions = session.exec(select(models.TextRegion).where(models.TextRegion.page_id.in_(ids))).all()
        index = {p.id: p.index for p in pages}
        self.regions = sorted(self.regions, key=lambda r: (index[r.page_id], r.order, r.id))

    def figures(self, region: models.TextRegion):
        page = self.pages[region.page_id]
        same_page = tuple(r.bbox for r in self.regions if r.page_id == page.id)
        path = str(self.project.media_file(page.media_path))
        return _pointed(path, tuple(region.bbox), tuple(_panel_box(self.panels[page.id], region, page)), same_page)


def suggest(project: Project, region_id: int, limit: int = 3) -> list[Suggestion]:
    """The ``limit`` most likely speakers of a text region, best first, with their reasons."""
    from annotator.vision.figures import similarity

    with project.session() as s:
        region = get_row(s, models.TextRegion, region_id)
        page = get_row(s, models.Page, region.page_id)
        cast = {c.id: c for c in s.exec(select(models.Character)).all()}
        if not cast:
            return []
        episode = _Episode(project, s, page)
        present = set(s.exec(select(models.Appearance.character_id)
                             .where(models.Appearance.panel_id == region.panel_id)).all()) if region.panel_id else set()
    position = next(i for i, r in enumerate(episode.regions) if r.id == region_id)
    before = [r for r in episode.regions[:position] if r.speaker_id in cast]
    after = [r for r in episode.regions[position + 1:] if r.speaker_id in cast]
    scores: dict[int, Counter] = {c: Counter() for c in cast}

    # The figures: who each one is, by likeness to figures confirmed balloons pointed at. A figure
    # like nobody seen yet is most likely someone not seen yet.
    figures, weights = episode.figures(region)
    likeness = _likeness(episode, before + after, figures, similarity)
    unseen = [c for c in cast if c not in {k for known in likeness for k in known}] if figures else []
    identity = []
    for known in likeness:
        share = dict(known)
        rest = 1.0 - max(known.values(), default=0.0)
        pool = unseen or ([c for c in present] if not known else [])
        for c in pool:
            share[c] = share.get(c, 0.0) + rest / len(pool)
        total = sum(share.values()) or 1.0
        identity.append({c: v / total for c, v in share.items()})
    visible = Counter()
    for share in identity:
        for c, v in share.items():
            visible[c] = max(visible[c], v)
    if weights:
        for f, weight in enumerate(weights):
            for c, v in identity[f].items():
                scores[c]["tail"] += weight * v

    # The dialogue: A spoke last; whoever spoke before A (not A) likely answers now.
    recent = [r.speaker_id for r in before if r.page_id == region.page_id and r.panel_id == region.panel_id] \
        or [r.speaker_id for r in before[-3:]]
    if recent:
        last = recent[-1]
        other = next((c for c in reversed(recent[:-1]) if c != last), None)
        if other is not None:
            scores[other]["dialogue"] += 1.0
        else:
            # Only one voice so far: someone else in the panel answers.
            around = {c: max(visible.get(c, 0.0), 1.0 if c in present else 0.0) for c in present | set(visible)}
            around = {c: v for c, v in around.items() if c != last and v > 0}
            total = sum(around.values())
            for c, v in around.items():
                scores[c]["dialogue"] += v / total
    for c in present:
        scores[c]["present"] += 1.0 / len(present)
    for c, v in visible.items():
        scores[c]["present"] += v / max(1, len(figures))
    spoken = Counter(r.speaker_id for r in before + after)
    for c, n in spoken.items():
        scores[c]["frequency"] += n / max(1, sum(spoken.values()))

    out = []
    for c, parts in scores.items():
        total = sum(WEIGHTS[k] * v for k, v in parts.items())
        if total > 0:
            reasons = [k for k, v in sorted(parts.items(), key=lambda kv: -WEIGHTS[kv[0]] * kv[1]) if v > 0]
            name = f"{cast[c].name_zh} {cast[c].name}".strip() if cast[c].name_zh else cast[c].name
            out.append(Suggestion(c, name, total, reasons))
    out.sort(key=lambda sug: (-sug.score, sug.name))
    return out[:limit]


def _likeness(episode: _Episode, confirmed: list[models.TextRegion], figures, similarity) -> list[dict[int, float]]:
    """For each figure, {character: likeness} to the figures confirmed balloons pointed at."""
    seen: dict[int, list] = {}
    for other in confirmed[-200:]:
        their_figures, their_weights = episode.figures(other)
        if not their_weights:
            continue
        best = max(range(len(their_weights)), key=their_weights.__getitem__)
        if their_weights[best] >= 0.5:
            seen.setdefault(other.speaker_id, []).append(their_figures[best].signature)
    out = []
    for fig in figures:
        out.append({c: max(similarity(fig.signature, sig) for sig in sigs[-HISTORY:]) ** 2
                    for c, sigs in seen.items()})
    return out


def confirm(project: Project, region_id: int, character_id: int | None, suggestions: list[Suggestion],
            coder: str | None = None) -> dict:
    """Make ``character_id`` the speaker and record the suggestions' fate; returns the previous speaker.

    Every suggestion shown is recorded: the one taken as accepted, the others as rejected (a
    coder who picks someone not suggested rejects them all).
    """
    with acting(coder):
        before = update_region(project, region_id, speaker_id=character_id)
    record(project, region_id, character_id, suggestions, coder)
    return before


def record(project: Project, region_id: int, character_id: int | None, suggestions: list[Suggestion],
           coder: str | None = None) -> None:
    coder_id = project.coder(coder) if coder else None
    with project.session() as s:
        for rank, sug in enumerate(suggestions, start=1):
            s.add(models.SpeakerSuggestion(region_id=region_id, character_id=sug.character_id, rank=rank,
                                           score=sug.score, accepted=sug.character_id == character_id,
                                           coder_id=coder_id))


def outcomes(project: Project) -> dict:
    """How coders received suggestions: shown, accepted, and accepted at each rank."""
    with project.session() as s:
        rows = s.exec(select(models.SpeakerSuggestion)).all()
    taken = Counter(r.rank for r in rows if r.accepted)
    return {"shown": len({(r.region_id, r.at) for r in rows}), "accepted": sum(taken.values()),
            "accepted_at_rank": {str(k): v for k, v in sorted(taken.items())}}
