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
from annotator.core.names import import_message, page_label
from annotator.gui.changes import Kind
from annotator.gui.context import AppContext


def import_paths(ctx: AppContext, paths: list[str | Path], spec: EpisodeSpec | None = None, on_done=None):
    def work(control):
        def progress(done, total, name):
            control.progress(done, total, f"file {done} of {total}: {name}")

        return import_pages(ctx.project, list(paths), spec or EpisodeSpec(), progress=progress,
                            cancelled=control.cancelled)

    def done(report):
        message = import_message(ctx.project, report.episode_id, report.page_ids, len(report.duplicates),
                                 len(report.errors))
        if report.errors:
            message += ": " + "; ".join(f"{n}: {e}" for n, e in report.errors[:3])
        if report.cancelled:
            message += " (cancelled; the pages imported so far are kept)"
        ctx.status.emit(message)
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


def ocr(ctx: AppContext, page_ids: list[int], on_done=None, progress=None):
    from annotator.core.ocr_service import ocr_pages

    engine = ctx.project.setting("ocr_engine", "") or None

    def work(control):
        return ocr_pages(ctx.project, page_ids, engine=engine, workers=1 if len(page_ids) == 1 else None,
                         progress=control.progress, cancelled=control.cancelled, isolate_strips=True)

    def done(report):
        _report(ctx, "OCR", report, page_ids)
        if on_done:
            on_done(report)

    return ctx.jobs.run_op(work, done, progress=progress, label="OCR")


def ocr_regions(ctx: AppContext, page_id: int, region_ids: list[int], on_done=None):
    """Re-read chosen regions (e.g. drawn by hand); the human text is never touched."""
    from annotator.core.ocr_service import ocr_region

    engine = ctx.project.setting("ocr_engine", "") or None

    def work(control):
        name = page_label(ctx.project, page_id)
        done = 0
        for n, region_id in enumerate(region_ids, 1):
            if control.cancelled():
                break
            ocr_region(ctx.project, region_id, engine)
            done = n
            control.progress(n, len(region_ids), f"{name} · region {n} of {len(region_ids)}")
        return done, name

    def done(result):
        count, name = result
        ctx.status.emit(f"OCR read {count} of {len(region_ids)} selected region(s) on {name}")
        ctx.notify(Kind.REGION, page_id)
        if on_done:
            on_done(count)

    return ctx.jobs.run_op(work, done, label="OCR")


def _report(ctx: AppContext, label: str, report, page_ids: list[int]) -> None:
    if report.cancelled:
        message = (f"{label} cancelled: {len(report.results)} of {len(page_ids)} page(s) finished and kept; "
                   "the page in progress was not stored")
    elif len(report.results) == 1:
        message = f"{label} {report.results[0].message}"
    else:
        message = f"{label}: {len(report.results)} of {len(page_ids)} page(s) done, {len(report.errors)} error(s)"
        if report.errors:
            message += " — " + "; ".join(r.message for r in report.errors[:2])
    ctx.status.emit(message)
    for page_id in {r.page_id for r in report.results}:
        ctx.notify(Kind.PAGE, page_id)
    ctx.notify(Kind.LIBRARY)
