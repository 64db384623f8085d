"""RapidOCR (PP-OCR models on onnxruntime): the default engine, with its own text-line detector.

Why tiling: RapidOCR shrinks any image whose long side exceeds ``Global.max_side_len``
(2000 px) before detection, so a 1080 x 10000 WeChat strip would be read at a fifth of its
size and lose nearly all its text. We cut pages into overlapping tiles that fit the limit,
drop lines cut by a tile edge (the overlap guarantees another tile holds them whole) and
merge duplicates. Raising the limit instead costs far more time and memory.

Why glyph-size rescaling: the detector and recogniser work best with glyphs roughly
20-60 px tall. After a first pass we measure the median line thickness and, if the
glyphs are tiny (low-resolution scans), detect again on an upscaled page. Nothing here
depends on the corpus font or size.

Loading the models takes a moment, so one ``RapidOCR`` instance is kept per process and
per thread setting; the engine object itself only holds settings and pickles by name.
"""

from __future__ import annotations

import os
import threading
from importlib import metadata

import cv2
import numpy as np

from annotator import geometry
from annotator.vision.ocr.base import EngineUnavailable, OcrEngine, OcrError, Progress, Recognition, TextLine
from annotator.vision.text_regions import join_lines, order_lines

TILE = 1800  # tile side; below RapidOCR's 2000 px max_side_len so tiles are never shrunk
OVERLAP = 400  # larger than a long vertical column at normal glyph sizes
SMALL_GLYPH = 14  # median line thickness (px) below which the page is upscaled and detected again
TARGET_GLYPH = 32

_MODELS: dict[int, object] = {}
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
        return {"tile": TILE, "overlap": OVERLAP, "small_glyph": SMALL_GLYPH, "target_glyph": TARGET_GLYPH}

    def _model(self):
        self.check()
        with _LOCK:
            model = _MODELS.get(self.threads)
            if model is None:
                from rapidocr import RapidOCR

                model = RapidOCR(params={
                    "Global.log_level": "error",
                    "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                })
                _MODELS[self.threads] = model
        return model

    def _run(self, img: np.ndarray, **kw):
        model = self._model()
        try:
            with _CALL_LOCK:
                return model(np.ascontiguousarray(img[:, :, ::-1]), **kw)  # RapidOCR wants BGR
        except EngineUnavailable:
            raise
        except Exception as exc:  # onnxruntime/opencv errors: report as one clear type
            raise OcrError(f"RapidOCR failed on a {img.shape[1]}x{img.shape[0]} image: {exc}") from exc

    def _read_tile(self, img: np.ndarray, read: bool) -> list[TextLine]:
        # the flags persist on the shared model, so always pass all of them
        out = self._run(img, use_det=True, use_cls=read, use_rec=read)
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

    def _read_tiled(self, page: np.ndarray, read: bool, progress: Progress | None = None) -> list[TextLine]:
        h, w = page.shape[:2]
        ys = _starts(h)
        xs = _starts(w)
        found: list[TextLine] = []
        started = 0
        for y0 in ys:
            for x0 in xs:
                if progress:  # before each tile, so a cancel stops at the next tile boundary
                    progress(started, len(ys) * len(xs), "tiles")
                started += 1
                tile = page[y0:y0 + TILE, x0:x0 + TILE]
                th, tw = tile.shape[:2]
                for line in self._read_tile(tile, read):
                    bx, by, bw, bh = line.bbox
                    # a line touching an inner tile edge is cut; the overlapping tile holds it whole
                    if (y0 > 0 and by <= 2) or (y0 + th < h and by + bh >= th - 2):
                        continue
                    if (x0 > 0 and bx <= 2) or (x0 + tw < w and bx + bw >= tw - 2):
                        continue
                    found.append(TextLine([(x + x0, y + y0) for x, y in line.polygon], line.text, line.confidence))
        if progress:
            progress(started, started, "tiles")
        return _dedupe(found) if len(ys) * len(xs) > 1 else found

    def find_lines(self, page: np.ndarray, read: bool = True, progress: Progress | None = None) -> list[TextLine]:
        """Text lines on a page with their text (``read=False``: boxes only, for other recognisers)."""
        lines = self._read_tiled(page, read, progress)
        thick = [min(b[2], b[3]) for b in (ln.bbox for ln in lines)]
        if thick and float(np.median(thick)) < SMALL_GLYPH:
            scale = min(3.0, TARGET_GLYPH / max(4.0, float(np.median(thick))))
            h, w = page.shape[:2]
            if h * w * scale * scale <= 60_000_000:  # keep memory bounded on huge scans
                big = cv2.resize(page, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_CUBIC)
                lines = [
                    TextLine([(x / scale, y / scale) for x, y in ln.polygon], ln.text, ln.confidence)
                    for ln in self._read_tiled(big, read, progress)
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
        text = join_lines([ln.text for ln in ordered])
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

