"""RapidOCR (PP-OCR models on onnxruntime): the default engine, with its own text-line detector.

Why tiling: RapidOCR shrinks any image whose long side exceeds ``Global.max_side_len``
(2000 px) before detection, so a 1080 x 10000 WeChat strip would be read at a fifth of its
size and lose nearly all its text. We cut pages into overlapping tiles that fit the limit,
drop lines cut by a tile edge (the overlap guarantees another tile holds them whole) and
merge duplicates. Raising the limit instead costs far more time and memory.

Why long strips are read differently: a strip is mostly art and gaps with large lettering,
so it is detected once on a reduced copy and each line found is recognised from the full-size
strip (``_read_strip``), with tiles and batches spread over ``threads`` single-threaded
models. That is a fraction of the work of detecting every full-size tile.

Why glyph-size rescaling: the detector and recogniser work best with glyphs roughly
20-60 px tall. After a first pass we measure the median line thickness and, if the
glyphs are tiny (low-resolution scans), detect again on an upscaled page. Nothing here
depends on the corpus font or size.

Loading the models takes a moment, so one ``RapidOCR`` instance is kept per process and
per thread setting; the engine object itself only holds settings and pickles by name.
"""

from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

import cv2
import numpy as np

from annotator import geometry
from annotator.vision.images import is_long_strip
from annotator.vision.ocr.base import EngineUnavailable, OcrCancelled, OcrEngine, OcrError, Recognition, TextLine
from annotator.vision.text_regions import join_lines, order_lines

#: Tile side; below RapidOCR's 2000 px ``max_side_len`` so tiles are never shrunk.
TILE = 1800
#: Tile overlap; longer than a vertical column at normal glyph sizes, so every line is whole in some tile.
OVERLAP = 400
#: Median line thickness (px) below which the page is upscaled and detected again ...
SMALL_GLYPH = 14
#: ... so that the median line becomes this thick (the recogniser's comfortable range is 20-60 px).
TARGET_GLYPH = 32
#: Upscaled pages are capped at this many pixels to bound memory on huge scans.
MAX_UPSCALED_PIXELS = 60_000_000
#: Long strips are detected on a copy this many px across: RapidOCR's own detector input
#: size (``Det.limit_side_len``), so the detector does not rescale it again.
COARSE_SIDE = 736
#: ... unless that is hardly smaller than the strip (then it is read tile by tile).
MAX_COARSE_SCALE = 0.8
#: Median line thickness (px, on that copy) under which its detections are not trusted.
COARSE_MIN_GLYPH = 10
#: Pixels added around each line cut from the full-size strip for recognition.
CROP_PAD = 3
#: Lines recognised per call (RapidOCR batches six at a time inside).
REC_BATCH = 12
#: RapidOCR's own ``Global.text_score``: recognitions below it are dropped.
TEXT_SCORE = 0.5

_MODELS: dict[tuple[int, int | None], object] = {}
_LOCK = threading.Lock()
_CALL_LOCK = threading.Lock()  # RapidOCR keeps per-call flags on the shared model: one call at a time


def default_threads() -> int:
    """onnxruntime threads per process: ANNOTATOR_OCR_THREADS, else all cores up to 4.

    The batch service runs several worker processes; it should set the variable so that
    processes x threads does not exceed the cores.
    """
    env = os.environ.get("ANNOTATOR_OCR_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(4, os.cpu_count() or 1))


class RapidEngine(OcrEngine):
    name = "rapidocr"
    languages = ("zh", "en")
    # measured (tests/vision/test_misreads.py): its detector cuts a lone '。' tightly and the
    # recogniser then reads a circle; after rotation a vertical column's comma reads as a quote
    misread_stops = frozenset({"o", "O", "0", "°", "º"})
    misread_marks = {"°": "。", "º": "。", "'": "，", "’": "，", "‘": "，", "`": "，"}

    def __init__(self, threads: int | None = None):
        self.threads = threads or default_threads()

    def __reduce__(self):
        return (RapidEngine, (self.threads,))

    @property
    def version(self) -> str:
        try:
            return f"{metadata.version('rapidocr')} PP-OCRv6-small"
        except metadata.PackageNotFoundError:
            return ""

    def check(self) -> None:
        try:
            import onnxruntime  # noqa: F401
            import rapidocr  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable(
                f"RapidOCR is not installed ({exc.name}): pip install rapidocr onnxruntime"
            ) from None

    def settings(self) -> dict:
        return {"tile": TILE, "overlap": OVERLAP, "small_glyph": SMALL_GLYPH, "target_glyph": TARGET_GLYPH,
                "coarse_side": COARSE_SIDE, "coarse_min_glyph": COARSE_MIN_GLYPH, "crop_pad": CROP_PAD}

    def _model(self, slot: int | None = None):
        """The shared model (``slot=None``, ``threads`` onnxruntime threads, one call at a time), or
        the single-threaded model of one parallel tile worker (``slot`` = its index)."""
        self.check()
        key = (self.threads, slot)
        with _LOCK:
            model = _MODELS.get(key)
            if model is None:
                from rapidocr import RapidOCR

                model = RapidOCR(params={
                    "Global.log_level": "error",
                    "EngineConfig.onnxruntime.intra_op_num_threads": self.threads if slot is None else 1,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                })
                _MODELS[key] = model
        return model

    def _run(self, img: np.ndarray, slot: int | None = None, **kw):
        model = self._model(slot)
        try:
            if slot is None:
                with _CALL_LOCK:
                    return model(np.ascontiguousarray(img[:, :, ::-1]), **kw)  # RapidOCR wants BGR
            return model(np.ascontiguousarray(img[:, :, ::-1]), **kw)  # this worker's own model
        except EngineUnavailable:
            raise
        except Exception as exc:  # onnxruntime/opencv errors: report as one clear type
            raise OcrError(f"RapidOCR failed on a {img.shape[1]}x{img.shape[0]} image: {exc}") from exc

    def _read_tile(self, img: np.ndarray, read: bool, slot: int | None = None) -> list[TextLine]:
        # the flags persist on the model, so always pass all of them
        out = self._run(img, slot, use_det=True, use_cls=read, use_rec=read)
        if out is None or getattr(out, "boxes", None) is None:
            return []
        if not read:
            return [TextLine([(float(x), float(y)) for x, y in box]) for box in out.boxes]
        if getattr(out, "txts", None) is None:
            return []
        return [
            TextLine([(float(x), float(y)) for x, y in box], str(txt), float(score))
            for box, txt, score in zip(out.boxes, out.txts, out.scores)
            if str(txt).strip()
        ]

    def _read_tiled(self, page: np.ndarray, read: bool, should_stop=None, progress=None) -> list[TextLine]:
        """Lines of ``page``, tile by tile; tiles run in parallel.

        With ``threads`` > 1 each of ``threads`` workers reads tiles with its own
        single-threaded model: tiles are independent, so this keeps every core busy where
        one model's intra-op threads idle between small kernels. ``should_stop()`` is asked
        before each tile (True: ``OcrCancelled``); ``progress(done, total, "tiles")`` after each.
        """
        h, w = page.shape[:2]
        tiles = [(x0, y0) for y0 in _starts(h) for x0 in _starts(w)]
        found: list[TextLine] = []

        def read_one(tile_origin, slot):
            x0, y0 = tile_origin
            tile = page[y0:y0 + TILE, x0:x0 + TILE]
            th, tw = tile.shape[:2]
            kept = []
            for line in self._read_tile(tile, read, slot):
                bx, by, bw, bh = line.bbox
                # a line touching an inner tile edge is cut; the overlapping tile holds it whole
                if (y0 > 0 and by <= 2) or (y0 + th < h and by + bh >= th - 2):
                    continue
                if (x0 > 0 and bx <= 2) or (x0 + tw < w and bx + bw >= tw - 2):
                    continue
                kept.append(TextLine([(x + x0, y + y0) for x, y in line.polygon], line.text, line.confidence))
            return kept

        workers = min(self.threads, len(tiles))
        if workers <= 1:
            for k, tile in enumerate(tiles):
                if should_stop is not None and should_stop():
                    raise OcrCancelled("reading cancelled")
                found.extend(read_one(tile, None))
                if progress is not None:
                    progress(k + 1, len(tiles), "tiles")
        else:
            slots: queue.SimpleQueue[int] = queue.SimpleQueue()
            for k in range(workers):
                slots.put(k)

            def task(tile):
                if should_stop is not None and should_stop():
                    return None
                slot = slots.get()
                try:
                    return read_one(tile, slot)
                finally:
                    slots.put(slot)

            with ThreadPoolExecutor(max_workers=workers) as pool:
                for k, lines in enumerate(pool.map(task, tiles)):
                    if lines is None:
                        raise OcrCancelled("reading cancelled")
                    found.extend(lines)
                    if progress is not None:
                        progress(k + 1, len(tiles), "tiles")
        return _dedupe(found) if len(tiles) > 1 else found

    def _read_strip(self, page: np.ndarray, should_stop=None, progress=None) -> list[TextLine] | None:
        """Lines of a long strip: detect once at reduced size, then recognise each line's crop.

        A strip is mostly art and gaps, and its lettering is large, so detection (the costly
        half, proportional to area) runs on a copy scaled to ``COARSE_SIDE`` px wide, in
        parallel tiles; each line found is cut from the full-size page and recognised, in
        parallel batches. No second detection pass and no angle classifier (comic lettering
        is never upside down). None when this does not apply (not a long strip, already
        narrow, or text too small to be seen at reduced size): read it tile by tile instead.
        """
        h, w = page.shape[:2]
        scale = COARSE_SIDE / min(w, h)
        if not is_long_strip(w, h) or max(w, h) <= TILE or scale > MAX_COARSE_SCALE:
            return None
        small = cv2.resize(page, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        found = self._read_tiled(small, False, should_stop)
        if not found:
            return []
        if float(np.median([min(b[2], b[3]) for b in (ln.bbox for ln in found)])) < COARSE_MIN_GLYPH:
            return None
        boxes = []
        for ln in found:
            x, y, bw, bh = ln.bbox
            x0, y0 = max(0, int(x / scale) - CROP_PAD), max(0, int(y / scale) - CROP_PAD)
            x1, y1 = min(w, int((x + bw) / scale) + CROP_PAD + 1), min(h, int((y + bh) / scale) + CROP_PAD + 1)
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                boxes.append((x0, y0, x1, y1))
        batches = [boxes[k:k + REC_BATCH] for k in range(0, len(boxes), REC_BATCH)]
        workers = max(1, min(self.threads, len(batches)))
        slots: queue.SimpleQueue[int] = queue.SimpleQueue()
        for k in range(workers):
            slots.put(k)

        def task(batch):
            if should_stop is not None and should_stop():
                return None
            crops = []
            for x0, y0, x1, y1 in batch:
                crop = np.ascontiguousarray(page[y0:y1, x0:x1, ::-1])  # BGR, as RapidOCR's own crops
                crops.append(np.ascontiguousarray(np.rot90(crop)) if (y1 - y0) >= 1.5 * (x1 - x0) else crop)
            slot = slots.get() if workers > 1 else None
            try:
                model = self._model(slot)
                if slot is None:
                    with _CALL_LOCK:
                        res = model.recognize_txt(crops)
                else:
                    res = model.recognize_txt(crops)
            except Exception as exc:  # onnxruntime errors: one clear type
                raise OcrError(f"RapidOCR failed on a strip line: {exc}") from exc
            finally:
                if slot is not None:
                    slots.put(slot)
            return [TextLine([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], str(t), float(sc))
                    for (x0, y0, x1, y1), t, sc in zip(batch, res.txts or (), res.scores or ())
                    if str(t).strip() and float(sc) >= TEXT_SCORE]

        lines: list[TextLine] = []
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for k, got in enumerate(pool.map(task, batches)):
                if got is None:
                    raise OcrCancelled("reading cancelled")
                lines.extend(got)
                if progress is not None:
                    progress(k + 1, len(batches), "line batches")
        return lines

    def find_lines(self, page: np.ndarray, read: bool = True, *, should_stop=None, progress=None) -> list[TextLine]:
        """Text lines on a page with their text (``read=False``: boxes only, for other recognisers).

        ``should_stop()`` is asked between tiles (True raises ``OcrCancelled``) and
        ``progress(done, total, unit)`` is told after each tile or batch.
        """
        strip = self._read_strip(page, should_stop, progress) if read else None
        if strip is not None:
            return strip
        lines = self._read_tiled(page, read, should_stop, progress)
        thick = [min(b[2], b[3]) for b in (ln.bbox for ln in lines)]
        if thick and float(np.median(thick)) < SMALL_GLYPH:
            scale = min(3.0, TARGET_GLYPH / max(4.0, float(np.median(thick))))
            h, w = page.shape[:2]
            if h * w * scale * scale <= MAX_UPSCALED_PIXELS:
                big = cv2.resize(page, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_CUBIC)
                lines = [
                    TextLine([(x / scale, y / scale) for x, y in ln.polygon], ln.text, ln.confidence)
                    for ln in self._read_tiled(big, read, should_stop, progress)
                ]
        return lines

    def recognize(self, crop: np.ndarray, lang: str = "auto", vertical: bool | None = None) -> Recognition:
        """Detect and read the lines of one crop, then join them in balloon reading order."""
        if crop.size == 0 or min(crop.shape[:2]) < 4:
            return Recognition("", 0.0, [])
        lines = self.find_lines(crop)
        if not lines:
            return Recognition("", 0.0, [])
        ordered, _ = order_lines(lines, vertical)
        text = join_lines([ln.text for ln in ordered], self.misread_stops, self.misread_marks)
        conf = float(np.mean([ln.confidence for ln in ordered]))
        return Recognition(text, conf, [ln.bbox for ln in ordered])


def _starts(n: int) -> list[int]:
    """Tile origins along one axis: tiles of TILE px overlapping by OVERLAP, the last one flush with the end."""
    if n <= TILE:
        return [0]
    step = TILE - OVERLAP
    starts = list(range(0, n - TILE, step)) + [n - TILE]
    return sorted(set(starts))


def _dedupe(lines: list[TextLine]) -> list[TextLine]:
    """Drop lines found twice in overlapping tiles.

    The larger box wins: near a tile edge a column can be cut into a fragment that still
    passes the edge test, and the fragment is often the more confident read.
    """
    kept: list[TextLine] = []
    for line in sorted(lines, key=lambda ln: (-ln.bbox[2] * ln.bbox[3], -ln.confidence)):
        b = line.bbox
        if all(_overlap(b, k.bbox) < 0.5 for k in kept):
            kept.append(line)
    return kept


_overlap = geometry.overlap_of_smaller

