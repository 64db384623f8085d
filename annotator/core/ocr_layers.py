"""OCR text layers: every run keeps its own reading of every region it read.

A region's ``ocr_*`` fields hold the latest reading; an ``ocr_run`` row per run and page keeps
each engine's reading beside the others (engine, version, settings, confidence), so a coder
can see what RapidOCR read last month and what Tesseract reads today. A re-run that reads a
page exactly as the previous run with the same engine and settings adds no layer.
"""

from __future__ import annotations

from sqlmodel import select

from annotator.core import models
from annotator.core.project import Project


def reading(region: models.TextRegion, kind: str | None = None) -> dict:
    return {"region_id": region.id, "bbox": list(region.bbox), "text": region.ocr_text or "",
            "confidence": region.ocr_confidence, "vertical": region.vertical, "lang": region.lang,
            "kind": kind or region.kind}


def record_run(session, page_id: int, engine: str, version: str, settings: dict, readings: list[dict]) -> None:
    """Store one run's readings (call after the regions were flushed, so they have ids)."""
    last = session.exec(select(models.OcrRun).where(models.OcrRun.page_id == page_id)
                        .order_by(models.OcrRun.id.desc())).first()
    if last is not None and (last.engine, last.engine_version, last.settings, last.readings) == (
            engine, version, settings, readings):
        return
    session.add(models.OcrRun(page_id=page_id, engine=engine, engine_version=version, settings=settings,
                              readings=readings))


def region_readings(project: Project, region_id: int) -> list[dict]:
    """Every run's reading of one region, oldest first: engine, version, settings, text, confidence."""
    with project.session() as s:
        region = s.get(models.TextRegion, region_id)
        if region is None:
            return []
        runs = s.exec(select(models.OcrRun).where(models.OcrRun.page_id == region.page_id)
                      .order_by(models.OcrRun.id)).all()
    return [{"run": run.id, "engine": run.engine, "engine_version": run.engine_version, "settings": run.settings,
             "at": run.at.isoformat(), "text": r["text"], "confidence": r["confidence"]}
            for run in runs for r in run.readings if r.get("region_id") == region_id]


def page_runs(project: Project, page_id: int) -> list[models.OcrRun]:
    with project.session() as s:
        return list(s.exec(select(models.OcrRun).where(models.OcrRun.page_id == page_id).order_by(models.OcrRun.id)))
