"""Storing OCR readings with provenance, never over a human's correction.

A page's raw readings are cached on disk by page hash + engine fingerprint (engine, version,
settings, pipeline), so an interrupted run resumes where it stopped and a re-run with the same
engine costs nothing. Storing a page's readings is one transaction:
- untouched automatic regions are replaced;
- a region a human touched (corrected text, translation, speaker, codings, or drawn by hand) is
  kept; an overlapping new reading updates only its ``ocr_*`` fields, and ``ocr_differs`` is set
  when the engine now reads something else than what the correction was made against.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable

from sqlmodel import select

from annotator import geometry
from annotator.core import models, ocr_layers
from annotator.core.batch import map_pages
from annotator.core.media import write_atomic
from annotator.core.names import page_labels
from annotator.core.project import Project
from annotator.core.reruns import drop_untouched, renumber
from annotator.core.segmentation import owner_panel
from annotator.vision.shapes import TextShape

log = logging.getLogger(__name__)

SAME_REGION = 0.3  # IoU above which a new reading is the same balloon as a kept region
PAGE_TIMEOUT = 300.0  # seconds; a 1080x40,000 strip reads in well under a minute on two cores


@dataclass
class OcrResult:
    page_id: int
    regions: int = 0
    added: int = 0
    kept: int = 0
    differs: int = 0
    cached: bool = False
    error: str | None = None
    label: str = ""

    @property
    def message(self) -> str:
        name = self.label or f"page {self.page_id}"
        if self.error:
            return f"{name}: {self.error}"
        extra = f"; kept {self.kept} corrected region(s)" if self.kept else ""
        extra += f"; OCR now differs on {self.differs}" if self.differs else ""
        return f"{name}: {self.regions} text regions ({self.added} new{extra})"


@dataclass
class OcrReport:
    results: list[OcrResult] = field(default_factory=list)
    cancelled: bool = False
    engine: str = ""
    engine_version: str | None = None

    @property
    def errors(self) -> list[OcrResult]:
        return [r for r in self.results if r.error]


def _shape_from_json(item: dict, engine: str, version: str) -> TextShape:
    return TextShape(
        polygon=[tuple(p) for p in item["polygon"]], bbox=tuple(item["bbox"]), text=item["text"],
        confidence=float(item["confidence"]), vertical=bool(item["vertical"]), lang=item["lang"], kind=item["kind"],
        engine=engine, engine_version=version,
    )


def _ocr_task(task: tuple[str, str, str, str], step=None, should_stop=None) -> dict:
    """Worker: read one page (or take its cached reading). Returns the cache payload.

    ``step(done, total, unit)`` (in-process runs only) follows the page's tiles and may raise
    ``OcrCancelled``, and ``should_stop()`` stops tiles not yet started; a cancelled page writes no cache entry and stores nothing. A fifth task
    item, a queue, receives the same steps from a worker process."""
    from annotator.vision.images import load_array
    from annotator.vision.ocr import get_engine
    from annotator.vision.reading import read_page

    path, engine_name, lang, cache_path, *relay = task
    if step is None and relay:
        step = partial(_put, relay[0])
    cache = Path(cache_path) if cache_path else None  # no cache without a known engine version
    if cache is not None and cache.exists():
        try:
            return json.loads(cache.read_text(encoding="utf-8")) | {"cached": True}
        except (OSError, ValueError) as exc:
            log.warning("damaged OCR cache entry %s (%s); reading the page again", cache, exc)
    engine = get_engine(engine_name)
    shapes = read_page(load_array(path), engine, lang=lang, should_stop=should_stop, progress=step)
    payload = {"engine": engine.name, "engine_version": engine.version or None,
               "texts": [s.to_json() for s in shapes]}
    if cache is not None:
        write_atomic(cache, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return payload | {"cached": False}


def _put(queue, done: int, total: int, unit: str) -> None:
    queue.put((done, total, unit))


class _TileRelay:
    """Tile progress from a worker process back to ``show(done, total, unit)`` in this one."""

    def __init__(self, show: Callable[[int, int, str], None]):
        import multiprocessing

        self.manager = multiprocessing.get_context("spawn").Manager()
        self.queue = self.manager.Queue()
        self.thread = threading.Thread(target=self._drain, args=(show,), daemon=True)
        self.thread.start()

    def _drain(self, show) -> None:
        while (item := self.queue.get()) is not None:
            show(*item)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(5)
        self.manager.shutdown()


def _human_touched(session, page_id: int) -> set[int]:
    regions = session.exec(select(models.TextRegion).where(models.TextRegion.page_id == page_id)).all()
    ids = {r.id for r in regions if r.text is not None or r.translation or r.speaker_id or r.source == "manual"}
    region_ids = [r.id for r in regions]
    if region_ids:
        ids |= set(session.exec(
            select(models.Coding.text_region_id).where(models.Coding.text_region_id.in_(region_ids))).all())
    return ids


def store_regions(project: Project, page_id: int, shapes: list[TextShape], settings: dict | None = None) -> OcrResult:
    """Replace a page's untouched automatic regions with ``shapes``; see the module docstring.

    The run's readings are also kept as a text layer of their own (``core.ocr_layers``).
    """
    from annotator.vision.reading import order_regions

    result = OcrResult(page_id)
    now = datetime.now(timezone.utc)
    with project.session() as s:
        page = s.get(models.Page, page_id)
        if page is None:
            result.error = "page no longer exists"
            return result
        kept, _ = drop_untouched(s, models.TextRegion, page_id, _human_touched(s, page_id))
        panels = s.exec(select(models.Panel).where(models.Panel.page_id == page_id).order_by(models.Panel.order)).all()
        ordered = order_regions(list(shapes), [p.polygon for p in panels] or None)
        rows: list[models.TextRegion] = []
        matched: set[int] = set()
        for shape in ordered:
            twin, score = geometry.best_match(tuple(shape.bbox), [k for k in kept if k.id not in matched])
            if score > SAME_REGION:
                matched.add(twin.id)
                if twin.text is not None and twin.ocr_text is not None and twin.ocr_text != shape.text:
                    twin.ocr_differs = True
                    result.differs += 1
                _set_reading(twin, shape, now)
                rows.append(twin)
                continue
            x, y, w, h = (int(v) for v in shape.bbox)
            region = models.TextRegion(page_id=page_id, polygon=[[float(a), float(b)] for a, b in shape.polygon],
                                       x=x, y=y, w=w, h=h, kind=shape.kind, vertical=shape.vertical, lang=shape.lang,
                                       source="auto")
            _set_reading(region, shape, now)
            rows.append(region)
            result.added += 1
        sequence = renumber(s, rows, [k for k in kept if k.id not in matched])
        for region in sequence:
            region.panel_id = owner_panel(region.bbox, panels)
        if ordered:
            s.flush()
            ocr_layers.record_run(s, page_id, ordered[0].engine, ordered[0].engine_version, settings or {},
                                  [ocr_layers.reading(r, shape.kind) for r, shape in zip(rows, ordered)])
        page.ocr_at = now
        s.add(page)
        result.kept, result.regions = len(kept), len(sequence)
    return result


def _set_reading(region: models.TextRegion, shape: TextShape, now: datetime) -> None:
    region.ocr_text = shape.text
    region.ocr_confidence = float(shape.confidence)
    region.ocr_engine = shape.engine
    region.ocr_engine_version = shape.engine_version
    region.ocr_at = now


def available_engines() -> list[str]:
    """Names of the OCR engines installed here, best first (the settings dialog's choices)."""
    from annotator.vision.ocr import available_engines as installed

    return installed()


def warm_up() -> None:
    """Import the OCR and segmentation stacks now: a first import holds the interpreter lock
    for ~100 ms, which a window should spend before the user's first run, not during it."""
    import annotator.vision.ocr  # noqa: F401
    import annotator.vision.panels  # noqa: F401


def project_engine(project: Project, engine: str | None) -> str:
    """The engine to use: the caller's choice, else the project's setting, else the best installed."""
    from annotator.vision.ocr import get_engine

    return get_engine(engine or project.setting("ocr_engine") or None).name


def ocr_pages(
    project: Project,
    page_ids: list[int],
    *,
    engine: str | None = None,
    lang: str = "auto",
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    timeout: float | None = PAGE_TIMEOUT,
    isolate_strips: bool = False,
) -> OcrReport:
    """OCR many pages in worker processes, storing each page as soon as it is read.

    A page whose engine crashes or exceeds ``timeout`` seconds is reported; the rest go on.
    ``progress(done, total, text)`` counts pages; with ``workers=1`` (in this process) it also
    follows the tiles of each page ("Ep 2 p. 1 · tiles 3 of 19"), and ``cancelled`` is polled
    at every tile boundary: the page being read is dropped whole (no regions, no cache entry),
    pages finished before it stay stored. ``isolate_strips`` (the window's choice) reads a single
    long strip in a worker process instead, so Cancel stops it at once by stopping the process
    (its tiles are still reported); an ordinary page stays in this process, where the engine's
    models are already loaded.
    """
    from annotator.vision.ocr import OcrCancelled, engine_fingerprint, get_engine

    name = project_engine(project, engine)
    resolved = get_engine(name)
    # An engine whose version probe failed must not share a cache key ("" for every version)
    # with readings made by another version: such pages are read afresh and not cached.
    fingerprint = engine_fingerprint(resolved, {"lang": lang}) if resolved.version else None
    if fingerprint is None:
        log.warning("could not tell the version of OCR engine %s; its readings are not cached", name)
    report = OcrReport(engine=resolved.name, engine_version=resolved.version or None)
    tasks, names = {}, {}
    with project.session() as s:
        for page_id in page_ids:
            page = s.get(models.Page, page_id)
            cache = (project.cache_dir / "ocr" / page.media_sha256[:2] / f"{page.media_sha256}-{fingerprint}.json"
                     if fingerprint else "")
            key = (str(project.media_file(page.media_path)), name, lang, str(cache))
            tasks.setdefault(key, []).append(page_id)
            strip = page.kind == "strip"
    names = page_labels(project, page_ids)
    relay = None
    if workers == 1 and isolate_strips and len(page_ids) == 1 and strip:
        label = names.get(page_ids[0], str(page_ids[0]))
        relay = _TileRelay(lambda n, total, unit: progress and total and progress(
            n, total, f"{label} · {unit} {n} of {total}"))
        workers, tasks = None, {key + (relay.queue,): ids for key, ids in tasks.items()}

    def in_process(task):
        """The in-process variant follows the page's tiles and stops at a tile boundary."""
        first = tasks[task][0]

        def step(n: int, total: int, unit: str) -> None:
            if cancelled and cancelled():
                raise OcrCancelled("cancelled")
            if progress and total:
                text = f"{names.get(first, first)} · {unit} {n} of {total}"
                if len(page_ids) > 1:
                    text = f"page {len(report.results) + 1} of {len(page_ids)}: {text}"
                progress(n, total, text)

        return _ocr_task(task, step, cancelled)

    results = map_pages(in_process if workers == 1 else _ocr_task, list(tasks), workers=workers,
                        cancelled=cancelled, timeout=timeout)
    try:
        _store_all(project, report, results, tasks, names, page_ids, progress, lang)
    finally:
        if relay is not None:  # stopping the relay's manager process takes a moment: not on the caller's time
            threading.Thread(target=relay.close, daemon=True).start()
    report.cancelled = len(report.results) < len(page_ids)
    return report


def _store_all(project, report, results, tasks, names, page_ids, progress, lang: str) -> None:
    from annotator.vision.ocr import OcrCancelled

    done = 0
    for task, payload, error in results:
        if isinstance(error, OcrCancelled):
            break
        for page_id in tasks[task]:
            if error is not None:
                report.results.append(OcrResult(page_id, error=f"{error.__class__.__name__}: {error}",
                                                label=names.get(page_id, "")))
            else:
                shapes = [_shape_from_json(t, payload["engine"], payload["engine_version"]) for t in payload["texts"]]
                result = store_regions(project, page_id, shapes, {"lang": lang})
                result.cached = payload.get("cached", False)
                result.label = names.get(page_id, "")
                report.results.append(result)
            done += 1
            if progress:
                progress(done, len(page_ids), names.get(page_id, str(page_id)))


def ocr_region(project: Project, region_id: int, engine: str | None = None) -> models.TextRegion:
    """Read one region (e.g. drawn by hand) and store the reading as its OCR provenance."""
    from annotator.vision.images import load_array
    from annotator.vision.ocr import get_engine

    with project.session() as s:
        region = s.get(models.TextRegion, region_id)
        page = s.get(models.Page, region.page_id)
        path = project.require_media(page.media_path)
    image = load_array(path)
    x, y, w, h = region.bbox
    crop = image[max(0, y): y + h, max(0, x): x + w]
    reader = get_engine(project_engine(project, engine))
    reading = reader.recognize(crop, lang=region.lang or "auto", vertical=region.vertical)
    with project.session() as s:
        row = s.get(models.TextRegion, region_id)
        if row.text is not None and row.ocr_text is not None and row.ocr_text != reading.text:
            row.ocr_differs = True
        row.ocr_text, row.ocr_confidence = reading.text, float(reading.confidence)
        row.ocr_engine, row.ocr_engine_version = reader.name, reader.version or None
        row.ocr_at = datetime.now(timezone.utc)
        s.add(row)
        ocr_layers.record_run(s, row.page_id, reader.name, reader.version, {"lang": row.lang or "auto", "region": True},
                              [ocr_layers.reading(row)])
        return row
