"""The small interface every OCR engine implements, and the errors it may raise.

An engine has two jobs of different cost: *recognize* one balloon crop (every engine can),
and optionally *find text lines* on a whole page (only engines with a detector can;
Tesseract cannot find balloons on a comic page). ``annotator.vision.reading`` combines them,
so the page logic (grouping lines into balloons, reading order) lives in one place.

Errors are typed so that the batch service can catch them per page or per crop:
``EngineUnavailable`` (install something; message names the Debian package),
``OcrTimeout`` (one call took too long) and the common base ``OcrError``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from annotator.vision.shapes import BBox
from annotator.vision.text_regions import TextLine  # noqa: F401  (re-exported: part of the engine interface)


class OcrError(RuntimeError):
    """An engine failed on one input. The message is one line for the user."""


class EngineUnavailable(OcrError):
    """The engine, its models or its language data are not installed."""


class OcrTimeout(OcrError):
    """One recognition call exceeded the engine's per-call time limit."""


class OcrCancelled(Exception):
    """Reading a page was stopped between two steps: the caller's ``should_stop()`` said so, or
    its ``progress`` callback raised this.

    Not an ``OcrError``: nothing failed, and batch code must not report it as a page error.
    """


#: ``progress(done, total, unit)`` after each step of a page ("tiles", "balloons"); it may
#: raise ``OcrCancelled`` to stop, so a long strip can be cancelled at a tile boundary.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Recognition:
    """What an engine read in one crop: text in reading order, 0..1 confidence, line boxes in crop pixels."""

    text: str
    confidence: float
    line_boxes: list[BBox] = field(default_factory=list)


class OcrEngine(ABC):
    """One OCR backend. Instances are cheap to ask for by name (``get_engine``) and hold heavy state lazily."""

    name: str = ""
    #: Languages the engine can read, as the project's codes ("zh", "en").
    languages: tuple[str, ...] = ()
    #: What this engine reads a lone ideographic full stop as (a line of its own, cut off a
    #: column); only these are turned back into '。', and only in Chinese text.
    misread_stops: frozenset[str] = frozenset()
    #: Characters this engine emits for small CJK marks right after a CJK glyph, and the mark.
    misread_marks: dict[str, str] = {}

    @property
    @abstractmethod
    def version(self) -> str:
        """Engine and model version, part of cache keys."""

    @abstractmethod
    def check(self) -> None:
        """Raise ``EngineUnavailable`` (naming what to install) unless the engine can run."""

    def available(self) -> bool:
        try:
            self.check()
        except EngineUnavailable:
            return False
        return True

    @abstractmethod
    def recognize(self, crop: np.ndarray, lang: str = "auto", vertical: bool | None = None) -> Recognition:
        """Read one balloon/caption crop (HxWx3 uint8 RGB). ``vertical=None``: decide from the ink."""

    def find_lines(self, page: np.ndarray, should_stop=None, progress=None) -> list[TextLine] | None:
        """Detect (and, if the engine can, read) text lines on a whole page; ``None`` if it has no detector.

        Engines that work in tiles ask ``should_stop()`` between tiles (True: raise
        ``OcrCancelled``) and report ``progress(done, total, unit)`` (see :data:`Progress`).
        """
        return None

    def settings(self) -> dict:
        """Settings that change results; part of the cache fingerprint."""
        return {}
