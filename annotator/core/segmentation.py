"""Storing panel segmentation results, without ever discarding a human's work.

Re-segmenting replaces only untouched automatic panels. A panel a user drew or corrected
(``source=manual``), tagged, linked to a character or wrote a memo on is kept; a new automatic
panel overlapping a kept one is dropped in its favour, and the result says how many were kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlmodel import select

from annotator import geometry
from annotator.core import models
from annotator.core.batch import map_pages
from annotator.core.names import page_labels
from annotator.core.project import Project
from annotator.core.reruns import drop_untouched, renumber

KEEP_OVERLAP = 0.3  # IoU above which a new auto panel is the same panel as a kept one


@dataclass
class SegmentResult:
    page_id: int
    panels: int = 0
    added: int = 0
    kept: int = 0
    removed: int = 0
    error: str | None = None
    label: str = ""

    @property
    def message(self) -> str:
        name = self.label or f"page {self.page_id}"
        if self.error:
            return f"{name}: {self.error}"
        kept = f"; kept {self.kept} corrected panel(s) untouched" if self.kept else ""
        return f"{name}: {self.panels} panels ({self.added} new{kept})"


@dataclass
class BatchReport:
    results: list[SegmentResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def errors(self) -> list[SegmentResult]:
        return [r for r in self.results if r.error]


def page_direction(project: Project, page_id: int) -> str:
    """The reading direction for a page: its own, else the episode's, series', project's, else auto."""
    with project.session() as s:
        page = s.get(models.Page, page_id)
        episode = s.get(models.Episode, page.episode_id)
        series = s.get(models.Series, episode.series_id)
        for value in (page.direction, episode.direction, series.direction if series else None):
            if value and value != "auto":
                return value
    return project.setting("direction", "auto") or "auto"


def _annotated_ids(session, page_id: int) -> set[int]:
    panels = session.exec(select(models.Panel).where(models.Panel.page_id == page_id)).all()
    ids = {p.id for p in panels if p.source == "manual" or p.memo}
    panel_ids = [p.id for p in panels]
    if panel_ids:
        ids |= set(session.exec(select(models.Coding.panel_id).where(models.Coding.panel_id.in_(panel_ids))).all())
        ids |= set(
            session.exec(select(models.Appearance.panel_id).where(models.Appearance.panel_id.in_(panel_ids))).all()
        )
    return ids


def store_panels(project: Project, page_id: int, shapes: list) -> SegmentResult:
    """Replace a page's untouched automatic panels with ``shapes`` (vision PanelShapes, in order)."""
    result = SegmentResult(page_id)
    with project.session() as s:
        page = s.get(models.Page, page_id)
        if page is None:
            result.error = "page no longer exists"
            return result
        kept, result.removed = drop_untouched(s, models.Panel, page_id, _annotated_ids(s, page_id))
        # Reading order: the new sequence, with each kept panel standing in for the auto panel it overlaps.
        sequence: list[models.Panel] = []
        placed: set[int] = set()
        for shape in shapes:
            twin, score = geometry.best_match(tuple(shape.bbox), kept)
            if score > KEEP_OVERLAP:
                if twin.id not in placed:
                    sequence.append(twin)
                    placed.add(twin.id)
                continue
            x, y, w, h = (int(v) for v in shape.bbox)
            panel = models.Panel(page_id=page_id, polygon=[[float(px), float(py)] for px, py in shape.polygon],
                                 x=x, y=y, w=w, h=h, source="auto", confidence=float(shape.confidence))
            s.add(panel)
            sequence.append(panel)
            result.added += 1
        renumber(s, sequence, [k for k in kept if k.id not in placed])
        s.flush()
        _assign_regions(s, page_id, sequence)
        page.segmented_at = datetime.now(timezone.utc)
        s.add(page)
        result.kept = len(kept)
        result.panels = len(sequence)
    return result


def owner_panel(box: tuple, panels: list) -> int | None:
    """Id of the panel holding most of a box (balloons may straddle gutters)."""
    best, _ = geometry.best_match(box, panels, score=geometry.overlap)
    return best.id if best is not None else None


def _assign_regions(session, page_id: int, panels: list[models.Panel]) -> None:
    """Link each text region to the panel holding most of it."""
    regions = session.exec(select(models.TextRegion).where(models.TextRegion.page_id == page_id)).all()
    for region in regions:
        new = owner_panel(region.bbox, panels)
        if region.panel_id != new:
            region.panel_id = new
            session.add(region)


def _segment_task(task: tuple[str, str]) -> list:
    from annotator.vision.images import load_array
    from annotator.vision.panels import segment

    path, direction = task
    return segment(load_array(path), direction=direction)


def segment_page(project: Project, page_id: int, direction: str | None = None) -> SegmentResult:
    with project.session() as s:
        page = s.get(models.Page, page_id)
        path = str(project.require_media(page.media_path))
    shapes = _segment_task((path, direction or page_direction(project, page_id)))
    return store_panels(project, page_id, shapes)


def episode_page_ids(project: Project, episode_id: int | None = None) -> list[int]:
    with project.session() as s:
        query = select(models.Page.id).order_by(models.Page.episode_id, models.Page.index)
        if episode_id is not None:
            query = query.where(models.Page.episode_id == episode_id)
        return list(s.exec(query).all())


def segment_pages(
    project: Project,
    page_ids: list[int],
    *,
    direction: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    timeout: float | None = 120.0,
) -> BatchReport:
    """Segment many pages on all cores, storing each page as soon as it is done."""
    tasks = []
    with project.session() as s:
        for page_id in page_ids:
            page = s.get(models.Page, page_id)
            tasks.append((page_id, str(project.media_file(page.media_path)), page.original_filename))
    directions = {pid: direction or page_direction(project, pid) for pid in page_ids}
    report = BatchReport()
    by_path = {}
    for page_id, path, _name in tasks:
        by_path.setdefault((path, directions[page_id]), []).append(page_id)
    names = page_labels(project, page_ids)
    done = 0
    results = map_pages(_segment_task, list(by_path), workers=workers, cancelled=cancelled, timeout=timeout)
    for task, shapes, error in results:
        for page_id in by_path[task]:
            if error is not None:
                result = SegmentResult(page_id, error=str(error) or error.__class__.__name__)
            else:
                result = store_panels(project, page_id, shapes)
            result.label = names.get(page_id, "")
            report.results.append(result)
            done += 1
            if progress:
                progress(done, len(tasks), names.get(page_id, str(page_id)))
    report.cancelled = done < len(tasks)
    return report
