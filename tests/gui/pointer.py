"""Real mouse events sent to a page view, in scene coordinates, for tests that drag things."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def mouse(view, kind, point, held=True):
    pos = QPointF(view.mapFromScene(QPointF(*point)))
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    buttons = Qt.MouseButton.LeftButton if held else Qt.MouseButton.NoButton
    QApplication.sendEvent(view.viewport(), QMouseEvent(kind, pos, view.viewport().mapToGlobal(pos), button, buttons,
                                                        Qt.KeyboardModifier.NoModifier))


def drag(view, points):
    mouse(view, QEvent.Type.MouseButtonPress, points[0])
    for p in points[1:]:
        mouse(view, QEvent.Type.MouseMove, p)
    mouse(view, QEvent.Type.MouseButtonRelease, points[-1], held=False)
