"""Coding services: motifs applied to targets, character appearances, characters, motifs.

Same conventions as ``annotate``: one transaction per call, deletions return snapshots that
``annotate.restore`` (or the matching ``un*`` function) puts back with the same ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from annotator.core import models
from annotator.core.annotate import TABLES, get_row, restore, snapshot_rows
from annotator.core.project import Project

CHARACTER_FIELDS = {"name", "name_zh", "role", "affiliation", "description", "portrait"}
MOTIF_FIELDS = {"name", "name_zh", "description", "keywords_en", "keywords_zh", "colour", "shortcut"}


def _target_column(kind: str):
    if kind not in models.CODING_TARGETS:
        raise ValueError(f"unknown coding target {kind!r}; use one of {', '.join(models.CODING_TARGETS)}")
    return getattr(models.Coding, f"{kind}_id")


def add_coding(project: Project, motif_id: int, target: tuple[str, int], coder_id: int | None = None,
               memo: str = "") -> int:
    """Tag a target with a motif; the same coder tagging twice gets the existing coding back.

    Two coders applying one motif to one target keep a coding each: agreement needs both.
    """
    kind, target_id = target
    column = _target_column(kind)
    with project.session() as s:
        get_row(s, models.Motif, motif_id)
        existing = s.exec(select(models.Coding).where(models.Coding.motif_id == motif_id, column == target_id,
                                                      models.Coding.coder_id == coder_id)).first()
        if existing is not None:
            return existing.id
        coding = models.Coding(motif_id=motif_id, coder_id=coder_id, memo=memo, **{f"{kind}_id": target_id})
        s.add(coding)
        s.flush()
        return coding.id


def update_coding(project: Project, coding_id: int, memo: str) -> str:
    with project.session() as s:
        coding = get_row(s, models.Coding, coding_id)
        before = coding.memo
        coding.memo = memo
        s.add(coding)
        return before


def delete_coding(project: Project, coding_id: int) -> dict:
    with project.session() as s:
        coding = get_row(s, models.Coding, coding_id)
        snap = {"rows": snapshot_rows(coding)}
        s.delete(coding)
        return snap


def codings_for(project: Project, target: tuple[str, int]) -> list[models.Coding]:
    kind, target_id = target
    with project.session() as s:
        return list(s.exec(select(models.Coding).where(_target_column(kind) == target_id).order_by(models.Coding.id)))


def add_appearance(project: Project, character_id: int, panel_id: int, coder_id: int | None = None) -> int:
    with project.session() as s:
        get_row(s, models.Character, character_id)
        get_row(s, models.Panel, panel_id)
        existing = s.exec(
            select(models.Appearance).where(
                models.Appearance.character_id == character_id, models.Appearance.panel_id == panel_id
            )
        ).first()
        if existing is not None:
            return existing.id
        row = models.Appearance(character_id=character_id, panel_id=panel_id, coder_id=coder_id)
        s.add(row)
        s.flush()
        return row.id


def delete_appearance(project: Project, appearance_id: int) -> dict:
    with project.session() as s:
        row = get_row(s, models.Appearance, appearance_id)
        snap = {"rows": snapshot_rows(row)}
        s.delete(row)
        return snap


def appearances_of(project: Project, character_id: int) -> list[dict]:
    """Panels a character appears in, with where to find them (episode, page)."""
    with project.session() as s:
        rows = s.exec(
            select(models.Appearance, models.Panel, models.Page, models.Episode)
            .join(models.Panel, models.Panel.id == models.Appearance.panel_id)
            .join(models.Page, models.Page.id == models.Panel.page_id)
            .join(models.Episode, models.Episode.id == models.Page.episode_id)
            .where(models.Appearance.character_id == character_id)
            .order_by(models.Episode.number, models.Page.index, models.Panel.order)
        ).all()
        return [
            {"appearance_id": a.id, "panel_id": p.id, "panel_order": p.order, "page_id": pg.id,
             "page_index": pg.index, "episode_id": ep.id, "episode_number": ep.number}
            for a, p, pg, ep in rows
        ]


# -- characters and motifs --------------------------------------------------------------------


def _check(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def create_character(project: Project, name: str, **fields: Any) -> int:
    _check(fields, CHARACTER_FIELDS)
    if not name.strip():
        raise ValueError("a character needs a name")
    with project.session() as s:
        row = models.Character(name=name.strip(), **fields)
        s.add(row)
        s.flush()
        return row.id


def update_character(project: Project, character_id: int, expected_version: int | None = None,
                     **fields: Any) -> dict:
    _check(fields, CHARACTER_FIELDS)
    with project.session() as s:
        row = get_row(s, models.Character, character_id, expected_version)
        before = {k: getattr(row, k) for k in fields}
        for key, value in fields.items():
            setattr(row, key, value)
        s.add(row)
        return before


def delete_character(project: Project, character_id: int) -> dict:
    with project.session() as s:
        row = get_row(s, models.Character, character_id)
        apps = s.exec(select(models.Appearance).where(models.Appearance.character_id == character_id)).all()
        spoken = s.exec(select(models.TextRegion.id).where(models.TextRegion.speaker_id == character_id)).all()
        snap = {"rows": snapshot_rows(row, *apps), "speaker_of": list(spoken)}
        s.delete(row)
        return snap


def restore_character(project: Project, snapshot: dict) -> None:
    restore(project, snapshot)
    with project.session() as s:
        character_id = snapshot["rows"][0][1]["id"]
        for region_id in snapshot.get("speaker_of", []):
            region = s.get(models.TextRegion, region_id)
            if region is not None:
                region.speaker_id = character_id
                s.add(region)


def characters(project: Project) -> list[models.Character]:
    with project.session() as s:
        return list(s.exec(select(models.Character).order_by(models.Character.name)))


def create_motif(project: Project, name: str, parent_id: int | None = None, **fields: Any) -> int:
    _check(fields, MOTIF_FIELDS)
    if not name.strip():
        raise ValueError("a motif needs a name")
    with project.session() as s:
        if parent_id is not None:
            get_row(s, models.Motif, parent_id)
        siblings = s.exec(select(func.count()).select_from(models.Motif).where(models.Motif.parent_id == parent_id)).one()
        row = models.Motif(name=name.strip(), parent_id=parent_id, position=siblings, **fields)
        s.add(row)
        s.flush()
        return row.id


def update_motif(project: Project, motif_id: int, **fields: Any) -> dict:
    _check(fields, MOTIF_FIELDS)
    with project.session() as s:
        row = get_row(s, models.Motif, motif_id)
        before = {k: getattr(row, k) for k in fields}
        for key, value in fields.items():
            setattr(row, key, value)
        s.add(row)
        return before


def _siblings(session, parent_id: int | None, without: int) -> list[models.Motif]:
    rows = session.exec(select(models.Motif).where(models.Motif.parent_id == parent_id)
                        .order_by(models.Motif.position, models.Motif.id)).all()
    return [r for r in rows if r.id != without]


def _renumber(session, rows: list[models.Motif]) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            session.add(row)


def move_motif(project: Project, motif_id: int, parent_id: int | None, position: int | None = None) -> tuple:
    """Re-parent a motif, at ``position`` among its new siblings (last if None); refuses to move
    it under itself. Siblings are renumbered so positions stay 0..n-1 and a drop lands exactly
    where it was aimed. Returns (old parent, old position), which moves it back."""
    with project.session() as s:
        row = get_row(s, models.Motif, motif_id)
        ancestor = parent_id
        while ancestor is not None:
            if ancestor == motif_id:
                raise ValueError("a motif cannot be moved under itself")
            ancestor = get_row(s, models.Motif, ancestor).parent_id
        old = _siblings(s, row.parent_id, motif_id)
        before = (row.parent_id, sum(1 for r in old if (r.position, r.id) < (row.position, row.id)))
        _renumber(s, old)
        new = _siblings(s, parent_id, motif_id)
        position = len(new) if position is None else max(0, min(len(new), position))
        new.insert(position, row)
        row.parent_id = parent_id
        _renumber(s, new)
        s.add(row)
        return before


def merge_motifs(project: Project, source_id: int, target_id: int) -> dict:
    """Fold one motif into another: its codings and children move, then it is deleted."""
    if source_id == target_id:
        raise ValueError("cannot merge a motif into itself")
    with project.session() as s:
        source = get_row(s, models.Motif, source_id)
        get_row(s, models.Motif, target_id)
        undo = {"motif": snapshot_rows(source)[0][1], "moved": [], "dropped": [], "children": []}
        for coding in s.exec(select(models.Coding).where(models.Coding.motif_id == source_id)).all():
            kind, tid = coding.target
            clash = s.exec(
                select(models.Coding.id).where(models.Coding.motif_id == target_id, _target_column(kind) == tid)
            ).first()
            if clash is None:
                undo["moved"].append(coding.id)
                coding.motif_id = target_id
                s.add(coding)
            else:
                undo["dropped"].append(snapshot_rows(coding)[0])
                s.delete(coding)
        for child in s.exec(select(models.Motif).where(models.Motif.parent_id == source_id)).all():
            undo["children"].append(child.id)
            child.parent_id = target_id
            s.add(child)
        s.flush()
        s.delete(source)
        return undo


def unmerge_motifs(project: Project, undo: dict) -> None:
    source = undo["motif"]
    with project.session() as s:
        s.add(models.Motif(**source))
        s.flush()
        for coding_id in undo["moved"]:
            coding = s.get(models.Coding, coding_id)
            if coding is not None:
                coding.motif_id = source["id"]
                s.add(coding)
        for child_id in undo["children"]:
            child = s.get(models.Motif, child_id)
            if child is not None:
                child.parent_id = source["id"]
                s.add(child)
        s.flush()
        for table, data in undo["dropped"]:
            s.add(TABLES[table](**data))


def delete_motif(project: Project, motif_id: int) -> dict:
    """Delete a motif with its subtree and codings; the snapshot restores all of it."""
    with project.session() as s:
        root = get_row(s, models.Motif, motif_id)
        rows, queue = [], [root]
        while queue:
            node = queue.pop(0)
            rows.append(node)
            queue.extend(s.exec(select(models.Motif).where(models.Motif.parent_id == node.id)).all())
        codings = s.exec(select(models.Coding).where(models.Coding.motif_id.in_([m.id for m in rows]))).all()
        snap = {"rows": snapshot_rows(*rows, *codings)}
        for row in reversed(rows):
            s.delete(row)
            s.flush()
        return snap


def motifs(project: Project) -> list[models.Motif]:
    with project.session() as s:
        return list(s.exec(select(models.Motif).order_by(models.Motif.parent_id, models.Motif.position)))


def motif_counts(project: Project) -> dict[int, int]:
    """Codings per motif (own codings only; the GUI sums subtrees)."""
    with project.session() as s:
        return dict(s.exec(select(models.Coding.motif_id, func.count()).group_by(models.Coding.motif_id)).all())
