"""Page images cut into horizontal tiles, decoded off the GUI thread.

A 1080×40,000 strip is one 170 MB image; as tiles, the view paints only the two or three
on screen, so scrolling stays smooth. Pages wider than ``MAX_WIDTH`` are shown downscaled
(the scene stays in full-resolution page pixels; tiles are scaled back up when drawn).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from annotator.vision.images import load_image

TILE_HEIGHT = 1024
MAX_WIDTH = 2400


@dataclass
class TiledImage:
    width: int  # page pixels
    height: int
    scale: float  # display pixels per page pixel
    tiles: list[tuple[float, QImage]]  # (top in page pixels, tile)

    @property
    def nbytes(self) -> int:
        return sum(t.sizeInBytes() for _, t in self.tiles)


def decode_tiles(path: str) -> TiledImage:
    """Decode a page into RGB32 tiles; safe to call on a worker thread (QImage, not QPixmap)."""
    img = load_image(path)
    width, height = img.size
    scale = min(1.0, MAX_WIDTH / width)
    if scale < 1.0:
        img = img.resize((round(width * scale), round(height * scale)), Image.Resampling.BILINEAR)
    display = img.convert("RGBA")
    tiles = []
    for top in range(0, display.height, TILE_HEIGHT):
        # Two rows of overlap hide the hairline seam smooth scaling leaves between tiles.
        part = display.crop((0, top, display.width, min(display.height, top + TILE_HEIGHT + 2)))
        data = part.tobytes("raw", "BGRA")
        image = QImage(data, part.width, part.height, part.width * 4, QImage.Format.Format_ARGB32).copy()
        tiles.append((top / scale, image))
    return TiledImage(width, height, scale, tiles)


class TileCache:
    """Recently shown pages, bounded by bytes, so flipping back and forth does not re-decode."""

    def __init__(self, budget: int = 400 * 2**20):
        self.budget = budget
        self._items: OrderedDict[str, TiledImage] = OrderedDict()

    def get(self, key: str) -> TiledImage | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: str, image: TiledImage) -> None:
        self._items[key] = image
        self._items.move_to_end(key)
        while len(self._items) > 1 and sum(i.nbytes for i in self._items.values()) > self.budget:
            self._items.popitem(last=False)


class TileItem(QGraphicsItem):
    """One tile; draws its QImage scaled to page pixels."""

    def __init__(self, top: float, image: QImage, scale: float):
        super().__init__()
        self.image = image
        self.rect = QRectF(0, top, image.width() / scale, image.height() / scale)
        self.setZValue(-10)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(self.rect, self.image)
