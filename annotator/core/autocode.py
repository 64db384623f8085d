"""Auto-coding from a search: one motif, or one speaker, on every region a query finds.

``preview`` says what would change before anything does; ``apply_motif``/``apply_speaker``
are one transaction each and return what ``undo`` needs to put things back exactly. Codings
made this way record the query in ``Coding.source`` ("search: <query>"), so a researcher can
tell them from hand-made ones and revisit the query.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from annotator.core import models
from annotator.core.revisions import acting
from annotator.core.annotate import get_row
from annotator.core.project import Project
from annotator.core.search import hit_region_ids, search

SOURCE_PREFIX = "search: "


@dataclass
class Preview:
    query: str
    region_ids: list[int]  # every region with a hit, in reading order
    unchanged: int  # of those, already coded with the motif / already spoken by the speaker
    sample: list  # the first hits (``search.Hit``), to show the user

    @property
    def changes(self) -> int:
        return len(self.region_ids) - self.unchanged

    def to_json(self) -> dict:
        return {"query": self.query, "regions": len(self.region_ids), "changes": self.changes,
                "unchanged": self.unchanged, "sample": [h.to_json() for h in self.sample]}


def preview(project: Project, query: str, *, motif_id: int | None = None, speaker_id: int | None = None,
            sample: int = 20) -> Preview:
    if (motif_id is None) == (speaker_id is None):
        raise ValueError("auto-code applies either a motif or a speaker")
    region_ids = hit_region_ids(project, query)
    with project.session() as s:
        if motif_id is not None:
            get_row(s, models.Motif, motif_id)
            coded = set(s.exec(select(models.Coding.text_region_id).where(models.Coding.motif_id == motif_id,
                                                                          models.Coding.text_region_id.is_not(None))))
            unchanged = sum(1 for r in region_ids if r in coded)
        else:
            get_row(s, models.Character, speaker_id)
            spoken = set(s.exec(select(models.TextRegion.id).where(models.TextRegion.speaker_id == speaker_id)))
            unchanged = sum(1 for r in region_ids if r in spoken)
    return Preview(query, region_ids, unchanged, search(project, query, limit=sample, per_episode=False).hits)


def apply_motif(project: Project, region_ids: list[int], motif_id: int, query: str,
                coder_id: int | None = None) -> dict:
    """Code each region with the motif (regions already coded with it are left alone)."""
    with project.session() as s:
        get_row(s, models.Motif, motif_id)
        coded = set(s.exec(select(models.Coding.text_region_id).where(models.Coding.motif_id == motif_id,
                                                                      models.Coding.text_region_id.in_(region_ids))))
        rows = [models.Coding(motif_id=motif_id, text_region_id=rid, coder_id=coder_id,
                              source=SOURCE_PREFIX + query) for rid in region_ids if rid not in coded]
        s.add_all(rows)
        s.flush()
        return {"codings": [r.id for r in rows]}


def apply_speaker(project: Project, region_ids: list[int], speaker_id: int) -> dict:
    """Make the character the speaker of each region; returns the previous speakers."""
    with acting(source="auto-coded"), project.session() as s:
        get_row(s, models.Character, speaker_id)
        before = []
        for region in s.exec(select(models.TextRegion).where(models.TextRegion.id.in_(region_ids))).all():
            if region.speaker_id != speaker_id:
                before.append((region.id, region.speaker_id))
                region.speaker_id = speaker_id
                s.add(region)
        return {"speakers": before}


def undo(project: Project, done: dict) -> None:
    """Reverse ``apply_motif`` or ``apply_speaker`` (rows deleted since are skipped)."""
    with acting(source="reverted"), project.session() as s:
        for coding_id in done.get("codings", []):
            row = s.get(models.Coding, coding_id)
            if row is not None:
                s.delete(row)
        for region_id, speaker_id in done.get("speakers", []):
            region = s.get(models.TextRegion, region_id)
            if region is not None:
                region.speaker_id = speaker_id
                s.add(region)
