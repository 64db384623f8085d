"""The page view: shows one page's tiles and overlays and turns pointer gestures into requests.

The view never writes to the database. It emits what the user asked for (a drawn panel, a
dragged vertex, a split line); the page editor turns requests into undo commands, and the
stored result comes back through :meth:`PageView.sync`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QGraphicsPathItem, QGraphicsScene, QGraphicsView

from annotator.core.annotate import PageData
from annotator.gui.canvas.items import Overlay, PanelItem, RegionItem, to_qpolygon
from annotator.gui.canvas.tiles import TiledImage, TileItem
from annotator.gui.canvas.tools import Tool, ToolState, big_enough, rect_points


def _pt(p: QPointF) -> tuple[float, float]:
    return (p.x(), p.y())


class PageView(QGraphicsView):
    selectionChanged = Signal(list)  # [(kind, id)], panels first
    geometryEdited = Signal(str, int, list, list, int)  # kind, id, before, after, drag id
    panelDrawn = Signal(list)
    regionDrawn = Signal(list)
    splitDrawn = Signal(int, tuple, tuple)
    panelDropped = Signal(int, int)  # a panel's number disc dropped on another panel: (moved, target)
    stepRequested = Signal(int)  # Tab / Shift+Tab: next or previous text region
    editRequested = Signal()  # Enter: edit the selected region's text

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor("#3a3a3a"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tools = ToolState()
        self.fit_mode: str | None = "page"  # re-applied on resize until the user zooms by hand
        self.page_id: int | None = None
        self.overlays: dict[tuple[str, int], Overlay] = {}
        self._tiles: list[TileItem] = []
        self._preview = QGraphicsPathItem()
        pen = QPen(QColor("#ff4081"), 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self._preview.setPen(pen)
        self._preview.setZValue(100)
        self.scene().addItem(self._preview)
        self.scene().selectionChanged.connect(self._emit_selection)

    # -- content --------------------------------------------------------------------------

    def show_page(self, data: PageData) -> None:
        """Switch to another page: drop its tiles, build overlays, frame it for reading."""
        self.tools.reset()
        for tile in self._tiles:
            self.scene().removeItem(tile)
        self._tiles = []
        for item in self.overlays.values():
            self.scene().removeItem(item)
        self.overlays = {}
        self.page_id = data.page.id
        self.scene().setSceneRect(QRectF(0, 0, data.page.width, data.page.height))
        self.sync(data)
        if data.page.height > 2 * data.page.width:
            self.fit_width()
        else:
            self.fit_page()

    def clear(self) -> None:
        """Show nothing (the page on screen was deleted)."""
        self.tools.reset()
        for item in [*self._tiles, *self.overlays.values()]:
            self.scene().removeItem(item)
        self._tiles, self.overlays, self.page_id = [], {}, None
        self._emit_selection()

    def set_image(self, page_id: int, image: TiledImage) -> None:
        if page_id != self.page_id or self._tiles:
            return
        for top, tile in image.tiles:
            item = TileItem(top, tile, image.scale)
            self.scene().addItem(item)
            self._tiles.append(item)

    @property
    def has_image(self) -> bool:
        return bool(self._tiles)

    def sync(self, data: PageData) -> None:
        """Bring overlays in line with the stored page, keeping items (and selection) that remain."""
        if data.page.id != self.page_id:
            return
        wanted: dict[tuple[str, int], tuple] = {}
        for n, panel in enumerate(data.panels, 1):
            wanted[("panel", panel.id)] = (panel.polygon, n, panel.source == "manual")
        for n, region in enumerate(data.regions, 1):
            wanted[("region", region.id)] = (region.polygon, region.kind, n)
        blocker = self.scene().blockSignals(True)
        try:
            for key in [k for k in self.overlays if k not in wanted]:
                self.scene().removeItem(self.overlays.pop(key))
            for key, values in wanted.items():
                item = self.overlays.get(key)
                if item is None:
                    cls = PanelItem if key[0] == "panel" else RegionItem
                    item = cls(key[1], *values)
                    self.overlays[key] = item
                    self.scene().addItem(item)
                    continue
                if self.tools.drag is None or self.tools.drag.row_id != key[1]:
                    item.set_points(values[0])
                if key[0] == "panel":
                    item.number, item.manual = values[1], values[2]
                else:
                    item.text_kind, item.number = values[1], values[2]
                item.update()
        finally:
            self.scene().blockSignals(blocker)
        self._emit_selection()

    # -- selection ------------------------------------------------------------------------

    def selected(self) -> list[tuple[str, int]]:
        keys = [item.key for item in self.scene().selectedItems() if isinstance(item, Overlay)]
        return sorted(keys, key=lambda k: (k[0] != "panel", k[1]))

    def select(self, keys: list[tuple[str, int]], centre: bool = True) -> None:
        blocker = self.scene().blockSignals(True)
        try:
            self.scene().clearSelection()
            for key in keys:
                item = self.overlays.get(key)
                if item is not None:
                    item.setSelected(True)
                    if centre:  # Tab puts the region in the middle of the view, not at an edge
                        self.centerOn(item)
        finally:
            self.scene().blockSignals(blocker)
        self._emit_selection()

    def _emit_selection(self) -> None:
        self.selectionChanged.emit(self.selected())

    # -- zoom -----------------------------------------------------------------------------

    def fit_page(self) -> None:
        self.fit_mode = "page"
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._zoomed()

    def fit_width(self) -> None:
        rect = self.sceneRect()
        if rect.width() <= 0:
            return
        self.fit_mode = "width"
        scale = (self.viewport().width() - 4) / rect.width()
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center().x(), self.mapToScene(self.viewport().rect().center()).y())
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self._zoomed()

    def actual_size(self) -> None:
        """One page pixel per screen pixel: for precise vertex work."""
        self.fit_mode = None
        self.resetTransform()
        self._zoomed()

    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        if 0.02 <= current * factor <= 16:
            self.fit_mode = None
            self.scale(factor, factor)
            self._zoomed()

    def _zoomed(self) -> None:
        """Overlay bounds depend on ``Overlay.unit``: the scene index must hear of the change
        *before* it happens, or it keeps items filed under stale rectangles and a later paint
        walks into deleted items (a segfault after zooming and switching pages)."""
        scale = self.transform().m11() or 1.0
        for item in self.overlays.values():
            item.prepareGeometryChange()
        Overlay.unit = 1.0 / scale

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit_mode == "page":
            self.fit_page()
        elif self.fit_mode == "width":
            top = self.mapToScene(0, 0).y()
            self.fit_width()
            self.verticalScrollBar().setValue(int(top * self.transform().m22()))

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)

    # -- gestures -------------------------------------------------------------------------

    def set_tool(self, tool: Tool) -> None:
        self.tools.set_tool(tool)
        self._preview.setPath(QPainterPath())
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag if tool == Tool.SELECT
                         else QGraphicsView.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor if tool == Tool.SELECT else Qt.CursorShape.CrossCursor)

    def _grab(self, pos: QPointF) -> bool:
        """Start a drag on a selected item's handle (or a selected region's body)."""
        for key in self.selected():
            item = self.overlays[key]
            handle = item.handle_at(pos)
            if handle is not None or (key[0] == "region" and item.contains(pos)):
                self.tools.start_drag(key[0], key[1], handle, _pt(pos), item.points)
                return True
        return False

    def _panel_at(self, pos: QPointF) -> int | None:
        """The topmost panel under ``pos`` (panels may overlap after hand edits)."""
        for item in self.scene().items(pos):
            if isinstance(item, PanelItem) and item.contains(pos):
                return item.row_id
        return None

    def _grab_badge(self, pos: QPointF) -> bool:
        """Start dragging a panel's number disc; dropping it on another panel reorders."""
        for item in self.scene().items(pos):
            if isinstance(item, PanelItem) and item.badge_at(pos):
                self.tools.badge = item.row_id
                self.tools.cursor = _pt(pos)
                self.select([item.key], centre=False)
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
                return True
        return False

    def mousePressEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        tool = self.tools.tool
        if event.button() != Qt.MouseButton.LeftButton or self.page_id is None:
            super().mousePressEvent(event)
            return
        if tool == Tool.SELECT:
            if not self._grab(pos) and not self._grab_badge(pos):
                super().mousePressEvent(event)
            return
        if tool == Tool.POLYGON:
            self.tools.points.append(_pt(pos))
        else:
            self.tools.points = [_pt(pos)]
        self.tools.cursor = _pt(pos)
        self._update_preview()

    def mouseMoveEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        drag = self.tools.drag
        if drag is not None:
            outline = self.tools.dragged(_pt(pos))
            self.overlays[(drag.kind, drag.row_id)].set_points(outline)
            self.geometryEdited.emit(drag.kind, drag.row_id, drag.before, outline, drag.drag_id)
            return
        if self.tools.points or self.tools.badge is not None:
            self.tools.cursor = _pt(pos)
            self._update_preview()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        pos = _pt(self.mapToScene(event.position().toPoint()))
        tools = self.tools
        if tools.drag is not None:
            tools.drag = None
            return
        if tools.badge is not None:
            moved = tools.badge
            tools.reset()
            self._update_preview()
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            target = self._panel_at(QPointF(*pos))
            if target not in (None, moved):
                self.panelDropped.emit(moved, target)
            return
        if tools.tool in (Tool.RECT, Tool.REGION, Tool.SPLIT) and tools.points:
            start = tools.points[0]
            tools.reset()
            self._update_preview()
            if not big_enough(start, pos) and tools.tool != Tool.SPLIT:
                return
            if tools.tool == Tool.RECT:
                self.panelDrawn.emit(rect_points(start, pos))
            elif tools.tool == Tool.REGION:
                self.regionDrawn.emit(rect_points(start, pos))
            else:
                self._request_split(start, pos)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if self.tools.tool == Tool.POLYGON:
            self.finish_polygon()
            return
        super().mouseDoubleClickEvent(event)

    def event(self, event) -> bool:
        """Tab walks through text regions here instead of moving keyboard focus."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.stepRequested.emit(-1 if event.key() == Qt.Key.Key_Backtab else 1)
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.tools.tool == Tool.POLYGON:
            self.finish_polygon()
        elif enter:
            self.editRequested.emit()
        elif event.key() == Qt.Key.Key_Escape and (self.tools.points or self.tools.drag
                                                    or self.tools.badge is not None):
            self.tools.reset()
            self._update_preview()
        else:
            super().keyPressEvent(event)

    def finish_polygon(self) -> None:
        points = _dedupe(self.tools.points)
        self.tools.reset()
        self._update_preview()
        if len(points) >= 3:
            self.panelDrawn.emit([list(p) for p in points])

    def _request_split(self, a, b) -> None:
        if abs(a[0] - b[0]) + abs(a[1] - b[1]) < 6:
            return
        mid = QPointF((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        chosen = [k for k in self.selected() if k[0] == "panel"]
        if not chosen:
            chosen = [item.key for item in self.overlays.values()
                      if isinstance(item, PanelItem) and item.contains(mid)]
        if chosen:
            self.splitDrawn.emit(chosen[0][1], a, b)

    def _update_preview(self) -> None:
        tools = self.tools
        path = QPainterPath()
        badge = self.overlays.get(("panel", tools.badge)) if tools.badge is not None else None
        if badge is not None and tools.cursor is not None:
            path.moveTo(badge.badge_rect().center())
            path.lineTo(*tools.cursor)
        elif tools.points and tools.cursor is not None:
            if tools.tool in (Tool.RECT, Tool.REGION):
                path.addPolygon(to_qpolygon(rect_points(tools.points[0], tools.cursor)))
                path.closeSubpath()
            else:
                path.moveTo(*tools.points[0])
                for p in tools.points[1:] + [tools.cursor]:
                    path.lineTo(*p)
        self._preview.setPath(path)


def _dedupe(points):
    out = []
    for p in points:
        if not out or abs(out[-1][0] - p[0]) + abs(out[-1][1] - p[1]) > 2:
            out.append(p)
    return out
