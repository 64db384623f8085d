"""Tesseract 5 (via pytesseract) with a per-balloon pipeline tuned for comic lettering.

Tesseract reads whole pages badly (97 % CER on vertical Chinese with the naive call) and
cannot find balloons, so it only ever sees one balloon at a time:

1. crop to the balloon's ink (blobs touching the crop edge, i.e. outline and art, are dropped);
2. find orientation and glyph size from the ink (``balloons.ink_layout``) unless the
   detector already knows the orientation;
3. rescale so glyphs are about 40 px tall, the size Tesseract's LSTM models read best;
4. binarise (Otsu, dark text on white whatever the caption polarity) and pad with white;
5. ``chi_sim`` psm 6 for horizontal Chinese, ``chi_sim_vert`` psm 5 for vertical columns,
   ``eng`` psm 6 for English; with ``lang="auto"`` Chinese is tried first and English
   retried when the result is mostly Latin letters.

Text and confidence come from one ``image_to_data`` call. Each call has a time limit;
exceeding it raises ``OcrTimeout``.

The page detector is RapidOCR's text detector when installed (boxes only), else the
OpenCV balloon finder in ``balloons``.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np

from annotator.vision.ocr.base import (
    EngineUnavailable,
    OcrEngine,
    OcrError,
    OcrTimeout,
    Recognition,
    TextLine,
)
from annotator.vision.balloons import find_balloons, ink_layout, ink_mask
from annotator.vision.text_regions import cjk_punctuation, is_cjk, join_lines

GLYPH_PX = 40  # glyph height Tesseract reads best at
TESS_LANG = {"zh": "chi_sim", "zh_vert": "chi_sim_vert", "en": "eng"}


def _install_locations() -> list[Path]:
    """Where the usual installers put Tesseract when it is not on PATH (a desktop app started
    from the Start menu or the Finder often does not get the shell's PATH)."""
    if sys.platform == "win32":
        env = os.environ.get
        roots = [env("ProgramFiles"), env("ProgramFiles(x86)"), env("LOCALAPPDATA") and Path(env("LOCALAPPDATA"), "Programs")]
        return [Path(root, "Tesseract-OCR", "tesseract.exe") for root in roots if root]
    if sys.platform == "darwin":  # Homebrew (Apple silicon, Intel), MacPorts
        return [Path("/opt/homebrew/bin/tesseract"), Path("/usr/local/bin/tesseract"), Path("/opt/local/bin/tesseract")]
    return [Path("/usr/bin/tesseract"), Path("/usr/local/bin/tesseract")]


@functools.lru_cache(maxsize=1)
def find_tesseract() -> str | None:
    """The tesseract program: ``$TESSERACT_CMD``, else PATH, else the usual install locations."""
    named = os.environ.get("TESSERACT_CMD")
    if named:
        return named if Path(named).is_file() else None
    found = shutil.which("tesseract")
    if found:
        return found
    return next((str(p) for p in _install_locations() if p.is_file()), None)


def not_found_message() -> str:
    named = os.environ.get("TESSERACT_CMD")
    if named:
        return f"Tesseract not found: TESSERACT_CMD is {named}, which does not exist. RapidOCR reads without it."
    where = ", ".join(str(p.parent) for p in _install_locations())
    how = {"win32": "install it from https://github.com/UB-Mannheim/tesseract/wiki",
           "darwin": "brew install tesseract tesseract-lang"}.get(
        sys.platform, "apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert")
    return (f"Tesseract is not installed (not on PATH, not in {where}; set TESSERACT_CMD to its path): "
            f"{how}. RapidOCR reads without it.")


def _pytesseract():
    """pytesseract, pointed at the tesseract program found by ``find_tesseract``."""
    import pytesseract

    command = find_tesseract()
    if command is None:
        raise EngineUnavailable(not_found_message())
    pytesseract.pytesseract.tesseract_cmd = command
    return pytesseract


@functools.lru_cache(maxsize=1)
def _tesseract_version() -> str:
    """Asked once per process: it runs ``tesseract --version``."""
    try:
        pytesseract = _pytesseract()
        return str(pytesseract.get_tesseract_version())
    except Exception:
        return ""


def debian_package(code: str) -> str:
    """Debian package holding a Tesseract traineddata file (chi_sim_vert -> tesseract-ocr-chi-sim-vert)."""
    return "tesseract-ocr-" + code.lower().replace("_", "-")


_LANG_CACHE: dict[str, set[str]] = {}


def installed_languages() -> set[str]:
    """Traineddata installed for the current TESSDATA_PREFIX (cached per prefix)."""
    pytesseract = _pytesseract()
    key = os.environ.get("TESSDATA_PREFIX", "")
    if key not in _LANG_CACHE:
        try:
            _LANG_CACHE[key] = set(pytesseract.get_languages(config=""))
        except pytesseract.TesseractNotFoundError:
            raise EngineUnavailable(not_found_message()) from None
        except Exception:  # tesseract runs but cannot list its data directory
            _LANG_CACHE[key] = set()
    return _LANG_CACHE[key]


class TesseractEngine(OcrEngine):
    name = "tesseract"
    languages = ("zh", "en")
    # measured (tests/vision/test_misreads.py): chi_sim reads a lone '。' as a capital O and a circle
    misread_stops = frozenset({"O〇", "〇", "O"})

    def __init__(self, timeout: float = 30.0, detector: str = "auto"):
        if detector not in ("auto", "rapidocr", "opencv"):
            raise ValueError(f"unknown detector {detector!r} (auto, rapidocr, opencv)")
        self.timeout = timeout
        self.detector = detector

    def __reduce__(self):
        return (TesseractEngine, (self.timeout, self.detector))

    @property
    def version(self) -> str:
        return _tesseract_version()

    def require(self, code: str) -> None:
        """Raise ``EngineUnavailable`` unless Tesseract and the traineddata ``code`` are installed."""
        try:
            import pytesseract  # noqa: F401
        except ImportError:
            raise EngineUnavailable("pytesseract is not installed: pip install pytesseract") from None
        if code not in installed_languages():
            raise EngineUnavailable(
                f"Tesseract language data '{code}' missing: apt-get install {debian_package(code)}"
            )

    def check(self) -> None:
        for code in TESS_LANG.values():
            self.require(code)

    def settings(self) -> dict:
        return {"glyph_px": GLYPH_PX, "detector": self._detector_name()}

    def _detector_name(self) -> str:
        if self.detector != "auto":
            return self.detector
        from annotator.vision.ocr.rapid import RapidEngine

        return "rapidocr" if RapidEngine().available() else "opencv"

    def find_lines(self, page: np.ndarray, should_stop=None, progress=None) -> list[TextLine]:
        """Boxes only: Tesseract cannot find balloons on a comic page, so a detector does it."""
        if self._detector_name() == "rapidocr":
            from annotator.vision.ocr.rapid import RapidEngine

            return RapidEngine().find_lines(page, read=False, should_stop=should_stop, progress=progress)
        return find_balloons(page)

    def recognize(self, crop: np.ndarray, lang: str = "auto", vertical: bool | None = None) -> Recognition:
        if crop.size == 0 or min(crop.shape[:2]) < 4:
            return Recognition("", 0.0, [])
        gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
        found_vertical, glyph = ink_layout(gray)
        if glyph <= 0:
            return Recognition("", 0.0, [])
        if vertical is None:
            vertical = found_vertical
        img, scale, offset = _prepare(gray, glyph)
        if lang == "en" and not vertical:
            return self._read(img, "eng", 6, scale, offset)
        rec = self._read(img, "chi_sim_vert" if vertical else "chi_sim", 5 if vertical else 6, scale, offset)
        if lang == "auto" and not vertical:
            latin = sum(c.isascii() and c.isalpha() for c in rec.text)
            if latin > sum(is_cjk(c) for c in rec.text):
                rec = self._read(img, "eng", 6, scale, offset)
        return rec

    def _read(self, img: np.ndarray, code: str, psm: int, scale: float, offset: tuple[int, int]) -> Recognition:
        self.require(code)
        pytesseract = _pytesseract()
        try:
            data = pytesseract.image_to_data(
                img, lang=code, config=f"--psm {psm}", output_type=pytesseract.Output.DICT, timeout=self.timeout
            )
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise OcrTimeout(f"Tesseract ({code}) took longer than {self.timeout:g} s on one crop") from None
            raise OcrError(f"Tesseract ({code}) failed: {exc}") from exc
        except pytesseract.TesseractError as exc:
            raise OcrError(f"Tesseract ({code}) failed: {exc.message or exc}") from exc
        lines: dict[tuple, list[int]] = {}
        for i, word in enumerate(data["text"]):
            # stray specks (art, screentone) come back as low-confidence symbol-only "words"
            speck = code == "eng" and not any(c.isalnum() for c in word) and float(data["conf"][i]) < 50
            if word.strip() and not speck:
                lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        sep = " " if code == "eng" else ""
        texts, boxes, confs = [], [], []
        ox, oy = offset
        for idx in lines.values():
            texts.append(sep.join(data["text"][i].strip() for i in idx))
            confs += [float(data["conf"][i]) for i in idx if float(data["conf"][i]) >= 0]
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            boxes.append((int(x0 / scale) + ox, int(y0 / scale) + oy, max(1, int((x1 - x0) / scale)),
                          max(1, int((y1 - y0) / scale))))
        stops = self.misread_stops
        text = join_lines(texts) if code == "eng" else cjk_punctuation(
            "".join("。" if t.strip() in stops else t.replace(" ", "") for t in texts), self.misread_marks)
        return Recognition(text, float(np.mean(confs)) / 100.0 if confs else 0.0, boxes)


def _prepare(gray: np.ndarray, glyph: float) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Ink-tight, rescaled, binarised, padded image; returns it with the scale and crop offset."""
    ink = ink_mask(gray)
    ys, xs = np.nonzero(ink)
    pad = int(0.5 * glyph) + 1
    x0, y0 = max(0, xs.min() - pad), max(0, ys.min() - pad)
    x1, y1 = min(gray.shape[1], xs.max() + pad + 1), min(gray.shape[0], ys.max() + pad + 1)
    sub_ink = ink[y0:y1, x0:x1]
    sub = gray[y0:y1, x0:x1].copy()
    # keep only the text's ink: outline, tail and art outside it become background
    background = np.median(sub[sub_ink == 0]) if (sub_ink == 0).any() else 255
    sub[cv2.dilate(sub_ink, np.ones((3, 3), np.uint8)) == 0] = background
    scale = float(np.clip(GLYPH_PX / glyph, 0.5, 4.0))
    size = (max(1, round(sub.shape[1] * scale)), max(1, round(sub.shape[0] * scale)))
    # make the text dark on white before thresholding (white-on-black captions)
    if sub_ink.any() and sub[sub_ink == 1].mean() > sub[sub_ink == 0].mean():
        sub = 255 - sub
    big = cv2.resize(sub, size, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    _, bw = cv2.threshold(big, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    border = GLYPH_PX // 2
    bw = cv2.copyMakeBorder(bw, border, border, border, border, cv2.BORDER_CONSTANT, value=255)
    return bw, scale, (int(x0 - border / scale), int(y0 - border / scale))
