"""Overlay items: panels numbered in reading order, text regions coloured by kind.

Items only draw. They hold the row id and outline they were given; every change goes through
an undo command, after which the view hands them the stored outline again.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPolygonItem, QStyle

# Colours as names, not QColor objects: no Qt object lives at module level, where it would be
# destroyed during interpreter shutdown after the QApplication is gone.
PANEL_COLOUR = "#1e88e5"
MANUAL_COLOUR = "#43a047"
KIND_COLOURS = {"speech": "#f9a825", "thought": "#8e24aa", "caption": "#00897b", "sfx": "#e53935", "sign": "#6d4c41"}


def to_qpolygon(points) -> QPolygonF:
    return QPolygonF([QPointF(float(x), float(y)) for x, y in points])


class Overlay(QGraphicsPolygonItem):
    """Shared drawing of an outline with zoom-independent handles.

    ``unit`` is the size of one screen pixel in page pixels; the view sets it on every zoom
    so handles and labels keep their on-screen size.
    """

    kind = ""
    unit = 1.0

    def __init__(self, row_id: int, points, z: float):
        super().__init__()
        self.set_points(points)
        self.row_id = row_id
        self.setZValue(z)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)

    def set_points(self, points) -> None:
        """Keep the stored outline exactly, so an undo puts back the very same numbers."""
        self.points = [list(p) for p in points]
        self.setPolygon(to_qpolygon(points))

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.row_id)

    def handles(self) -> list[QPointF]:
        return list(self.polygon())

    def handle_at(self, pos: QPointF) -> int | None:
        reach = 7 * Overlay.unit
        for i, point in enumerate(self.handles()):
            if abs(point.x() - pos.x()) <= reach and abs(point.y() - pos.y()) <= reach:
                return i
        return None

    def boundingRect(self) -> QRectF:
        m = 8 * Overlay.unit
        return super().boundingRect().adjusted(-m, -m, m, m)

    def shape(self):
        path = QPainterPath()
        path.addPolygon(self.polygon())
        path.closeSubpath()
        return path

    def colour(self) -> QColor:
        raise NotImplementedError

    def paint(self, painter: QPainter, option, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = self.colour()
        pen = QPen(colour, (3.0 if selected else 2.0))
        pen.setCosmetic(True)
        fill = QColor(colour)
        fill.setAlpha(70 if selected else 22)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawPolygon(self.polygon())
        if selected:
            size = 5 * Overlay.unit
            painter.setBrush(QBrush(QColor("white")))
            for point in self.handles():
                painter.drawRect(QRectF(point.x() - size, point.y() - size, 2 * size, 2 * size))
        self.paint_label(painter, colour)

    def paint_label(self, painter: QPainter, colour: QColor) -> None:
        pass


class PanelItem(Overlay):
    kind = "panel"

    def __init__(self, row_id: int, points, number: int, manual: bool):
        super().__init__(row_id, points, z=1)
        self.number = number
        self.manual = manual

    def colour(self) -> QColor:
        return QColor(MANUAL_COLOUR if self.manual else PANEL_COLOUR)

    def badge_rect(self) -> QRectF:
        """The number disc in page pixels: 28 screen pixels at the panel's top-left whatever the zoom.
        Dragging it onto another panel moves this panel to that place in reading order."""
        corner = self.polygon().boundingRect().topLeft()
        u = Overlay.unit
        return QRectF(corner.x() + 4 * u, corner.y() + 4 * u, 28 * u, 28 * u)

    def badge_at(self, pos: QPointF) -> bool:
        return self.badge_rect().contains(pos)

    def paint_label(self, painter: QPainter, colour: QColor) -> None:
        """The reading-order number in a disc at the panel's top-left, constant on screen."""
        corner = self.polygon().boundingRect().topLeft()
        painter.save()
        painter.translate(corner)
        painter.scale(Overlay.unit, Overlay.unit)
        disc = QRectF(4, 4, 28, 28)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(disc)
        font = QFont(painter.font())
        font.setPixelSize(15)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, str(self.number))
        painter.restore()


class RegionItem(Overlay):
    kind = "region"

    def __init__(self, row_id: int, points, text_kind: str, number: int):
        super().__init__(row_id, points, z=2)
        self.text_kind = text_kind
        self.number = number

    def colour(self) -> QColor:
        return QColor(KIND_COLOURS.get(self.text_kind, "#757575"))

    def handles(self) -> list[QPointF]:
        """Regions resize by their box corners, whatever their outline."""
        r = self.polygon().boundingRect()
        return [r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()]
