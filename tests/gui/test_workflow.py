"""The whole annotation workflow on the demo project, driven through the window.

open → segment → move a vertex, split, merge, reorder → OCR → correct a text → set its
speaker → tag a panel with a motif and a memo → undo each step back, redo them all →
close, reopen: everything is there.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from annotator.core import annotate, coding
from annotator.gui.canvas.tools import Tool


def mouse(view, kind: QEvent.Type, point, held=True) -> None:
    pos = QPointF(view.mapFromScene(QPointF(*point)))
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    buttons = Qt.MouseButton.LeftButton if held else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, view.viewport().mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def drag(view, points) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, points[0])
    for point in points[1:]:
        mouse(view, QEvent.Type.MouseMove, point)
    mouse(view, QEvent.Type.MouseButtonRelease, points[-1], held=False)


def click(view, point) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, point)
    mouse(view, QEvent.Type.MouseButtonRelease, point, held=False)


def state(project, page_id):
    """Everything a coder can see of a page, as plain values."""
    data = annotate.page_data(project, page_id)
    panels = [(p.id, [list(map(float, q)) for q in p.polygon], p.memo) for p in data.panels]
    regions = [(r.id, r.text, r.speaker_id, r.kind) for r in data.regions]
    codings = sorted((c.motif_id, c.memo) for p in data.panels for c in coding.codings_for(project, ("panel", p.id)))
    return panels, regions, codings


def test_annotation_workflow(qtbot, window, wait_jobs, demo_dir, settings, close_window):
    from annotator.gui.app import Windows

    view, editor, ctx = window.view, window.editor, window.ctx
    page = window.library.model.page_ids()[0]
    editor.open_page(page)
    wait_jobs(window)
    window.segment_page()
    wait_jobs(window)
    panels = editor.data.panels
    assert len(panels) >= 3, "segmentation found the demo page's panels"
    history = [state(ctx.project, page)]

    def step(expected_undo_count):
        qtbot.waitUntil(lambda: ctx.undo.count() == expected_undo_count)
        history.append(state(ctx.project, page))

    # Move a vertex: one drag of many mouse moves is one undo step.
    first = panels[0]
    x, y, w, h = first.bbox
    click(view, (x + w / 2, y + h / 2))
    assert editor.selected() == [("panel", first.id)]
    corner = first.polygon[0]
    drag(view, [corner, (corner[0] + 5, corner[1] + 4), (corner[0] + 12, corner[1] + 9)])
    step(1)
    moved = editor.panel(first.id)
    slack = 2 / view.transform().m11()  # the pointer moves in whole screen pixels
    assert abs(moved.polygon[0][0] - corner[0] - 12) <= slack and abs(moved.polygon[0][1] - corner[1] - 9) <= slack
    assert moved.source == "manual"

    # Split the first panel with a vertical line, then merge the halves again.
    window.set_tool(Tool.SPLIT)
    drag(view, [(x + w / 2, y - 10), (x + w / 2, y + h / 2), (x + w / 2, y + h + 10)])
    step(2)
    assert len(editor.data.panels) == len(panels) + 1
    halves = [k for k in editor.selected() if k[0] == "panel"]
    assert len(halves) == 2
    window.set_tool(Tool.SELECT)
    window.actions["merge"].trigger()
    step(3)
    assert len(editor.data.panels) == len(panels)

    # Reorder: the selected panel moves one later in reading order.
    editor.view.select([("panel", first.id)])
    window.actions["later"].trigger()
    step(4)
    assert [p.id for p in editor.data.panels].index(first.id) == 1

    # OCR the page (not an edit: it fills OCR fields, never human ones).
    window.ocr_page()
    wait_jobs(window)
    assert editor.data.regions and editor.data.regions[0].ocr_text
    history[-1] = state(ctx.project, page)

    # Tab to the first text region, Enter into its corrected text, type, Ctrl+Enter.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    region = editor.data.regions[0]
    assert editor.selected() == [("region", region.id)]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    form = window.inspector.region_form
    assert form.ocr.toPlainText() == region.ocr_text
    form.text.selectAll()
    form.text.insertPlainText("西山矿区，北坡（校对）")  # QTest cannot type CJK key by key
    qtbot.keyClick(form.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    step(5)
    assert editor.region(region.id).text == "西山矿区，北坡（校对）"
    assert editor.region(region.id).ocr_text == region.ocr_text

    # Speaker: a character from the cast list.
    lin = next(c.id for c in coding.characters(ctx.project) if c.name == "Lin Feng")
    index = form.speaker.findData(lin)
    form.speaker.setCurrentIndex(index)
    form.speaker.activated.emit(index)
    step(6)
    assert editor.region(region.id).speaker_id == lin

    # Tag a panel with the motif on number key 1, then write a memo on that coding.
    # (The demo is coded: the panel already carries the two demo coders' tags.)
    seeded = {c.id for c in coding.codings_for(ctx.project, ("panel", first.id))}
    editor.view.select([("panel", first.id)])
    window.actions["tag_1"].trigger()
    step(7)
    codings = [c for c in coding.codings_for(ctx.project, ("panel", first.id)) if c.id not in seeded]
    assert len(codings) == 1 and codings[0].coder_id == ctx.coder_id()
    assert next(m for m in coding.motifs(ctx.project) if m.id == codings[0].motif_id).shortcut == "1"
    box = window.inspector.panel_form.codings
    new_item = next(box.list.item(i) for i in range(box.list.count())
                    if box.list.item(i).data(Qt.ItemDataRole.UserRole)[0] == codings[0].id)
    qtbot.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton, pos=box.list.visualItemRect(new_item).center())
    assert box.list.currentItem() is new_item
    memo_box = box.memo
    memo_box.setFocus()
    memo_box.setPlainText("测绘队 as a front")
    memo_box.document().setModified(True)
    memo_box.commit()
    step(8)
    mine = [c for c in coding.codings_for(ctx.project, ("panel", first.id)) if c.id not in seeded]
    assert [c.memo for c in mine] == ["测绘队 as a front"]

    # Undo each step back to where it started, comparing everything a coder sees.
    final = history[-1]
    for n in range(8, 0, -1):
        ctx.undo.undo()
        assert state(ctx.project, page)[0] == history[n - 1][0], f"undo of step {n} restores the panels"
        if n > 4:
            assert state(ctx.project, page) == history[n - 1], f"undo of step {n} restores the page"
    for _ in range(8):
        ctx.undo.redo()
    assert state(ctx.project, page) == final

    # Close and reopen: nothing shown as done is lost.
    close_window(window)
    again = Windows(settings).open_window(demo_dir, show=False)
    assert again.editor.page_id == page
    assert state(again.ctx.project, page) == final
    close_window(again)
