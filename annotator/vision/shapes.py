"""Plain geometry results returned by the vision layer.

Coordinates are float pixels in the full-resolution, upright image (origin top-left).
They are plain tuples so that the core can store them as JSON and the GUI can turn
them into Qt polygons without either side depending on the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator import geometry

Point = tuple[float, float]
BBox = tuple[int, int, int, int]  # x, y, w, h


bbox_of = geometry.bbox  # tight integer box (x, y, w, h) covering a polygon


def rect_polygon(x: float, y: float, w: float, h: float) -> list[Point]:
    """Polygon of an axis-aligned rectangle, clockwise from top-left."""
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


@dataclass(frozen=True)
class PanelShape:
    """One panel found on a page, in reading order when returned by ``segment``."""

    polygon: list[Point]
    bbox: BBox
    confidence: float = 1.0

    def to_json(self) -> dict:
        return {
            "bbox": list(self.bbox),
            "polygon": [[round(x, 1), round(y, 1)] for x, y in self.polygon],
            "confidence": round(float(self.confidence), 3),
        }


@dataclass(frozen=True)
class TextShape:
    """One balloon, caption or free text found and read on a page."""

    polygon: list[Point]
    bbox: BBox
    text: str
    confidence: float
    vertical: bool = False
    lang: str = "zh"
    kind: str = "speech"  # speech | thought | caption | sfx | sign
    engine: str = ""
    engine_version: str = ""
    lines: list[BBox] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "bbox": list(self.bbox),
            "polygon": [[round(x, 1), round(y, 1)] for x, y in self.polygon],
            "text": self.text,
            "confidence": round(float(self.confidence), 3),
            "vertical": self.vertical,
            "lang": self.lang,
            "kind": self.kind,
        }
