"""Editing services: panels, text regions, codings, appearances, characters and motifs.

Each function is one transaction, so an edit is durable when it returns. Deletions return a
snapshot of every row they remove (cascaded codings and appearances included) that
``restore`` puts back with the same ids; GUI undo commands are built from these pairs and
hold only ids and plain values. ``expected_version`` lets a caller that read a row earlier
refuse to overwrite somebody else's newer edit (team databases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel, select

from annotator import geometry
from annotator.core import models
from annotator.core.project import Conflict, Project

TABLES: dict[str, type[SQLModel]] = {
    "panel": models.Panel,
    "textregion": models.TextRegion,
    "coding": models.Coding,
    "appearance": models.Appearance,
    "character": models.Character,
    "motif": models.Motif,
}
REGION_FIELDS = {"text", "translation", "kind", "lang", "vertical", "speaker_id", "panel_id", "polygon", "order"}


class NotFound(LookupError):
    pass


@dataclass
class PageData:
    page: models.Page
    panels: list[models.Panel]
    regions: list[models.TextRegion]


def get_row(session, model, row_id: int, expected_version: int | None = None):
    row = session.get(model, row_id)
    label = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()  # TextRegion -> "text region"
    if row is None:
        raise NotFound(f"{label} {row_id} does not exist")
    if expected_version is not None and row.version != expected_version:
        raise Conflict(
            f"{label} {row_id} was changed elsewhere (version {row.version}, "
            f"you edited version {expected_version}); reload to see it"
        )
    return row


def snapshot_rows(*rows) -> list[tuple[str, dict]]:
    return [(row.__tablename__, row.model_dump()) for row in rows]


def restore(project: Project, snapshot: dict) -> None:
    """Put back rows removed by a delete_* call, with their original ids."""
    with project.session() as s:
        for table, data in snapshot["rows"]:
            s.add(TABLES[table](**data))
            s.flush()
        for region_id, panel_id in snapshot.get("links", []):
            region = s.get(models.TextRegion, region_id)
            if region is not None:
                region.panel_id = panel_id
                s.add(region)
        if snapshot.get("page_id") is not None and snapshot.get("panel_order"):
            _apply_order(s, snapshot["page_id"], snapshot["panel_order"])
            _relink_regions(s, snapshot["page_id"])


def page_data(project: Project, page_id: int) -> PageData:
    with project.session() as s:
        page = get_row(s, models.Page, page_id)
        panels = s.exec(
            select(models.Panel).where(models.Panel.page_id == page_id).order_by(models.Panel.order, models.Panel.id)
        ).all()
        regions = s.exec(
            select(models.TextRegion)
            .where(models.TextRegion.page_id == page_id)
            .order_by(models.TextRegion.order, models.TextRegion.id)
        ).all()
        return PageData(page, list(panels), list(regions))


# -- panels -------------------------------------------------------------------------------


def _panel_ids(session, page_id: int) -> list[int]:
    return list(
        session.exec(
            select(models.Panel.id).where(models.Panel.page_id == page_id).order_by(models.Panel.order, models.Panel.id)
        ).all()
    )


def _apply_order(session, page_id: int, ordered_ids: list[int]) -> None:
    present = _panel_ids(session, page_id)
    ordered = [i for i in ordered_ids if i in present] + [i for i in present if i not in ordered_ids]
    for position, panel_id in enumerate(ordered):
        panel = session.get(models.Panel, panel_id)
        if panel.order != position:
            panel.order = position
            session.add(panel)


def _relink_regions(session, page_id: int, region_ids: list[int] | None = None) -> None:
    """Link text regions to the panel holding most of them (None outside every panel).

    Run after every panel edit (draw, reshape, split, merge, delete, undo) and region move, so a
    region never keeps a deleted panel's place or misses the panel redrawn around it.
    """
    session.flush()
    panels = session.exec(select(models.Panel).where(models.Panel.page_id == page_id)).all()
    query = select(models.TextRegion).where(models.TextRegion.page_id == page_id)
    if region_ids is not None:
        query = query.where(models.TextRegion.id.in_(region_ids))
    for region in session.exec(query).all():
        best, _ = geometry.best_match(region.bbox, panels, score=geometry.overlap)
        owner = best.id if best is not None else None
        if region.panel_id != owner:
            region.panel_id = owner
            session.add(region)


def _set_geometry(row, polygon) -> None:
    points = geometry.normalise(polygon)
    row.polygon = points
    row.x, row.y, row.w, row.h = geometry.bbox(points)


def add_panel(project: Project, page_id: int, polygon, *, order: int | None = None, source: str = "manual",
              confidence: float | None = None) -> int:
    with project.session() as s:
        get_row(s, models.Page, page_id)
        ids = _panel_ids(s, page_id)
        panel = models.Panel(page_id=page_id, order=len(ids), source=source, confidence=confidence)
        _set_geometry(panel, polygon)
        s.add(panel)
        s.flush()
        if order is not None and order < len(ids):
            _apply_order(s, page_id, ids[:order] + [panel.id] + ids[order:])
        _relink_regions(s, page_id)
        return panel.id


PANEL_FIELDS = {"polygon", "memo", "source", "confidence"}


def update_panel(project: Project, panel_id: int, expected_version: int | None = None, **fields: Any) -> dict:
    """Change a panel's outline, memo or source; returns the previous values (calling again with
    them undoes the edit exactly). A new outline without a ``source`` makes the panel ``manual``
    with no machine confidence, so re-segmenting keeps a human's correction; text regions follow
    the new outline to the panel that holds them."""
    unknown = set(fields) - PANEL_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "polygon" in fields:
        fields.setdefault("source", "manual")
        if fields["source"] == "manual":
            fields.setdefault("confidence", None)
    with project.session() as s:
        panel = get_row(s, models.Panel, panel_id, expected_version)
        before = {key: getattr(panel, key) for key in fields}
        for key, value in fields.items():
            if key == "polygon":
                _set_geometry(panel, value)
            else:
                setattr(panel, key, value)
        s.add(panel)
        if "polygon" in fields:
            _relink_regions(s, panel.page_id)
        return before


def set_panel_polygon(project: Project, panel_id: int, polygon, expected_version: int | None = None) -> dict:
    """Change a panel's outline (it becomes ``manual``); returns the previous outline and source."""
    return update_panel(project, panel_id, expected_version, polygon=polygon)


def set_panel_memo(project: Project, panel_id: int, memo: str, expected_version: int | None = None) -> dict:
    return update_panel(project, panel_id, expected_version, memo=memo)


def _panel_snapshot(s, panel: models.Panel) -> dict:
    codings = s.exec(select(models.Coding).where(models.Coding.panel_id == panel.id)).all()
    appearances = s.exec(select(models.Appearance).where(models.Appearance.panel_id == panel.id)).all()
    links = s.exec(select(models.TextRegion.id).where(models.TextRegion.panel_id == panel.id)).all()
    return {
        "rows": snapshot_rows(panel, *codings, *appearances),
        "links": [(rid, panel.id) for rid in links],
        "page_id": panel.page_id,
        "panel_order": _panel_ids(s, panel.page_id),
    }


def delete_panel(project: Project, panel_id: int) -> dict:
    with project.session() as s:
        panel = get_row(s, models.Panel, panel_id)
        snap = _panel_snapshot(s, panel)
        page_id = panel.page_id
        s.delete(panel)
        s.flush()
        _apply_order(s, page_id, [i for i in snap["panel_order"] if i != panel_id])
        _relink_regions(s, page_id)
        return snap


def reorder_panels(project: Project, page_id: int, ordered_ids: list[int]) -> list[int]:
    """Set reading order; returns the previous order (for undo)."""
    with project.session() as s:
        before = _panel_ids(s, page_id)
        _apply_order(s, page_id, ordered_ids)
        return before


def split_panel(project: Project, panel_id: int, a, b) -> dict:
    """Cut a panel along the line ab. Returns {"ids": [first, second], "undo": snapshot}.

    The first part keeps the panel's id (and its codings and appearances); the second is new.
    """
    with project.session() as s:
        panel = get_row(s, models.Panel, panel_id)
        one, two = geometry.split(panel.polygon, tuple(a), tuple(b))
        before = snapshot_rows(panel)[0][1]
        order = _panel_ids(s, panel.page_id)
        _set_geometry(panel, one)
        panel.source, panel.confidence = "manual", None
        s.add(panel)
        new = models.Panel(page_id=panel.page_id, order=len(order), source="manual")
        _set_geometry(new, two)
        s.add(new)
        s.flush()
        position = order.index(panel_id) + 1
        _apply_order(s, panel.page_id, order[:position] + [new.id] + order[position:])
        _relink_regions(s, panel.page_id)
        return {"ids": [panel.id, new.id], "before": before, "order": order}


def unsplit_panel(project: Project, result: dict) -> None:
    """Undo ``split_panel``: drop the new part and give the first its old outline back."""
    with project.session() as s:
        first_id, second_id = result["ids"]
        second = s.get(models.Panel, second_id)
        if second is not None:
            s.delete(second)
            s.flush()
        first = get_row(s, models.Panel, first_id)
        for key in ("polygon", "x", "y", "w", "h", "source", "confidence"):
            setattr(first, key, result["before"][key])
        s.add(first)
        s.flush()
        _apply_order(s, first.page_id, result["order"])
        _relink_regions(s, first.page_id)


def merge_panels(project: Project, panel_ids: list[int]) -> dict:
    """Replace several panels by one covering them; the first in reading order survives.

    Codings and appearances of the others are copied to the survivor (duplicates dropped) and
    their text regions relinked. The result holds what ``unmerge_panels`` needs to undo it.
    """
    if len(panel_ids) < 2:
        raise ValueError("select at least two panels to merge")
    with project.session() as s:
        panels = [get_row(s, models.Panel, i) for i in panel_ids]
        if len({p.page_id for p in panels}) != 1:
            raise ValueError("panels on different pages cannot be merged")
        page_id = panels[0].page_id
        order = _panel_ids(s, page_id)
        panels.sort(key=lambda p: order.index(p.id))
        keep, others = panels[0], panels[1:]
        undo = {"keep": snapshot_rows(keep)[0][1], "deleted": [_panel_snapshot(s, o) for o in others], "order": order}
        motifs = set(s.exec(select(models.Coding.motif_id).where(models.Coding.panel_id == keep.id)).all())
        chars = set(s.exec(select(models.Appearance.character_id).where(models.Appearance.panel_id == keep.id)).all())
        copies = []
        for other in others:
            for coding in s.exec(select(models.Coding).where(models.Coding.panel_id == other.id)).all():
                if coding.motif_id not in motifs:
                    motifs.add(coding.motif_id)
                    copies.append(models.Coding(motif_id=coding.motif_id, panel_id=keep.id,
                                                coder_id=coding.coder_id, memo=coding.memo))
            for app in s.exec(select(models.Appearance).where(models.Appearance.panel_id == other.id)).all():
                if app.character_id not in chars:
                    chars.add(app.character_id)
                    copies.append(models.Appearance(character_id=app.character_id, panel_id=keep.id,
                                                    coder_id=app.coder_id))
            for region in s.exec(select(models.TextRegion).where(models.TextRegion.panel_id == other.id)).all():
                region.panel_id = keep.id
                s.add(region)
        _set_geometry(keep, geometry.merge([p.polygon for p in panels]))
        keep.source, keep.confidence = "manual", None
        s.add(keep)
        for other in others:
            s.delete(other)
        s.flush()
        s.add_all(copies)
        s.flush()
        undo["copies"] = [(row.__tablename__, row.id) for row in copies]
        _apply_order(s, page_id, [i for i in order if i == keep.id or i not in panel_ids])
        _relink_regions(s, page_id)
        return {"id": keep.id, "undo": undo}


def unmerge_panels(project: Project, result: dict) -> None:
    """Undo ``merge_panels``: survivor outline back, copies dropped, merged panels restored."""
    undo = result["undo"]
    keep = undo["keep"]
    with project.session() as s:
        for table, row_id in undo["copies"]:
            row = s.get(TABLES[table], row_id)
            if row is not None:
                s.delete(row)
        row = get_row(s, models.Panel, keep["id"])
        for key in ("polygon", "x", "y", "w", "h", "source", "confidence"):
            setattr(row, key, keep[key])
        s.add(row)
    for snap in undo["deleted"]:
        restore(project, snap)
    with project.session() as s:
        _apply_order(s, keep["page_id"], undo["order"])
        _relink_regions(s, keep["page_id"])


# -- text regions ---------------------------------------------------------------------------


def _region_ids(session, page_id: int) -> list[int]:
    return list(
        session.exec(
            select(models.TextRegion.id)
            .where(models.TextRegion.page_id == page_id)
            .order_by(models.TextRegion.order, models.TextRegion.id)
        ).all()
    )


def add_region(project: Project, page_id: int, polygon, **fields: Any) -> int:
    unknown = set(fields) - REGION_FIELDS - {"source"}
    if unknown:
        raise ValueError(f"unknown text-region fields: {sorted(unknown)}")
    with project.session() as s:
        get_row(s, models.Page, page_id)
        region = models.TextRegion(page_id=page_id, order=len(_region_ids(s, page_id)), source="manual")
        for key, value in fields.items():
            setattr(region, key, value)
        _set_geometry(region, polygon)
        s.add(region)
        s.flush()
        if "panel_id" not in fields:
            _relink_regions(s, page_id, [region.id])
        return region.id


def update_region(project: Project, region_id: int, expected_version: int | None = None, **fields: Any) -> dict:
    """Change human fields of a region; returns their previous values (for undo).

    OCR fields are not accepted here: provenance is written only by the OCR service.
    """
    unknown = set(fields) - REGION_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with project.session() as s:
        region = get_row(s, models.TextRegion, region_id, expected_version)
        before = {}
        for key, value in fields.items():
            before[key] = getattr(region, key)
            if key == "polygon":
                _set_geometry(region, value)
            else:
                setattr(region, key, value)
        if "text" in fields:
            region.ocr_differs = False
        s.add(region)
        if "polygon" in fields and "panel_id" not in fields:
            _relink_regions(s, region.page_id, [region.id])
        return before


def delete_region(project: Project, region_id: int) -> dict:
    with project.session() as s:
        region = get_row(s, models.TextRegion, region_id)
        codings = s.exec(select(models.Coding).where(models.Coding.text_region_id == region_id)).all()
        snap = {"rows": snapshot_rows(region, *codings)}
        s.delete(region)
        return snap
