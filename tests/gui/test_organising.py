"""Putting things in order: dragging a panel's number disc, dragging motifs in the codebook,
and segmenting or reading a selection of library pages at once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from annotator.core import annotate
from annotator.gui import commands


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


def panel_order(ctx, page):
    return [p.id for p in annotate.page_data(ctx.project, page).panels]


def test_drag_number_disc_onto_another_panel_reorders_with_undo(window):
    view, editor, ctx = window.view, window.editor, window.ctx
    page = editor.page_id
    for x in (50, 350, 650):
        outline = [[x, 50], [x + 250, 50], [x + 250, 300], [x, 300]]
        ctx.undo.push(commands.Create(ctx, "Draw panel", "panel",
                                      lambda o=outline: annotate.add_panel(ctx.project, page, o), page))
    view.actual_size()
    view.centerOn(450, 200)
    before = panel_order(ctx, page)
    first, last = before[-3], before[-1]
    disc = view.overlays[("panel", last)].badge_rect().center()
    target = (175, 175)  # inside the first of the three new panels
    steps = ctx.undo.count()
    drag(view, [(disc.x(), disc.y()), (400, 180), target])
    after = panel_order(ctx, page)
    expected = list(before)
    expected.remove(last)
    expected.insert(before.index(first), last)
    assert after == expected
    assert ctx.undo.count() == steps + 1 and ctx.undo.undoText() == "Reorder panels"
    assert view.overlays[("panel", last)].number == after.index(last) + 1, "the disc shows the new number"
    ctx.undo.undo()
    assert panel_order(ctx, page) == before
    ctx.undo.redo()
    assert panel_order(ctx, page) == expected

    drag(view, [(disc.x(), disc.y()), (disc.x() + 3, disc.y() + 3)])  # dropped on itself: nothing happens
    assert ctx.undo.count() == steps + 1
