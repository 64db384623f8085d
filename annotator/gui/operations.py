"""Slow project operations (import, segmentation, OCR) started from the window.

Each runs through the one background helper; progress lands in the status bar, the result
in a status message, and views reload through ``ctx.changed``. Pages are stored one by one by
the core, so cancelling keeps every finished page. The segmentation and OCR services are
imported when first used: they pull in OpenCV and the OCR engines, which would delay the
window's first paint.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.importer import EpisodeSpec, import_pages
from annotator.gui.changes import Kind
from annotator.gui.context import AppContext


def import_paths(ctx: AppContext, paths: list[str | Path], spec: EpisodeSpec | None = None, on_done=None):
    def work(control):
        return import_pages(ctx.project, list(paths), spec or EpisodeSpec(), progress=control.progress,
                            cancelled=control.cancelled)

    def done(report):
        bits = [f"imported {len(report.page_ids)} page(s)"]
        if report.duplicates:
            bits.append(f"{len(report.duplicates)} duplicate(s) skipped")
        if report.errors:
            bits.append(f"{len(report.errors)} error(s): " + "; ".join(f"{n}: {e}" for n, e in report.errors[:3]))
        if report.cancelled:
            bits.append("cancelled")
        ctx.status.emit(", ".join(bits))
        ctx.notify(Kind.LIBRARY)
        if on_done:
            on_done(report)

    return ctx.jobs.run_op(work, done, label="Importing")


def segment(ctx: AppContext, page_ids: list[int], on_done=None):
    from annotator.core.segmentation import segment_pages

    def work(control):
        # No direction given: each page's own, its episode's, series' or the project's setting applies.
        # Worker processes even for one page: a crash or the time limit stops the page, not the window.
        return segment_pages(ctx.project, page_ids,
                             progress=control.progress, cancelled=control.cancelled)

    def done(report):
        _report(ctx, "Segmentation", report, page_ids)
        if on_done:
            on_done(report)

    return ctx.jobs.run_op(work, done, label="Segmenting")


def ocr(ctx: AppContext, page_ids: list[int], on_done=None):
    from annotator.core.ocr_service import ocr_pages

    engine = ctx.project.setting("ocr_engine", "") or None

    def work(control):
        return ocr_pages(ctx.project, page_ids, engine=engine,  # worker processes: crash and time limit
                         progress=control.progress, cancelled=control.cancelled)

    def done(report):
        _report(ctx, "OCR", report, page_ids)
        if on_done:
            on_done(report)

    return ctx.jobs.run_op(work, done, label="OCR")


def ocr_regions(ctx: AppContext, page_id: int, region_ids: list[int], on_done=None):
    """Re-read chosen regions (e.g. drawn by hand); the human text is never touched."""
    from annotator.core.ocr_service import ocr_region

    engine = ctx.project.setting("ocr_engine", "") or None

    def work(control):
        for n, region_id in enumerate(region_ids, 1):
            if control.cancelled():
                break
            ocr_region(ctx.project, region_id, engine)
            control.progress(n, len(region_ids), f"region {region_id}")
        return len(region_ids)

    def done(count):
        ctx.status.emit(f"OCR read {count} region(s)")
        ctx.notify(Kind.REGION, page_id)
        if on_done:
            on_done(count)

    return ctx.jobs.run_op(work, done, label="OCR")


def _report(ctx: AppContext, label: str, report, page_ids: list[int]) -> None:
    if len(report.results) == 1:
        message = report.results[0].message
    else:
        message = f"{label}: {len(report.results)} of {len(page_ids)} page(s) done, {len(report.errors)} error(s)"
    if report.cancelled:
        message += " (cancelled)"
    ctx.status.emit(message)
    for page_id in {r.page_id for r in report.results}:
        ctx.notify(Kind.PAGE, page_id)
    ctx.notify(Kind.LIBRARY)
