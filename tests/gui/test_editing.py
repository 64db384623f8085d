"""Drawing and editing tools, the codebook, characters and background jobs, each undoable."""

from __future__ import annotations

import threading

from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pointer import drag, mouse

from annotator.core import annotate, coding
from annotator.gui.canvas.tools import Tool


def test_draw_rect_polygon_region_then_move_resize_delete_and_undo(qtbot, window):
    view, editor, ctx = window.view, window.editor, window.ctx
    page = editor.page_id
    before = annotate.page_data(ctx.project, page)
    panels_before, regions_before = len(before.panels), len(before.regions)

    def near(a, b, slack=2):
        return all(abs(x - y) <= slack for x, y in zip(a, b))

    window.resize(1400, 900)
    view.actual_size()
    view.centerOn(400, 400)

    window.set_tool(Tool.RECT)
    drag(view, [(100, 100), (300, 200), (400, 300)])
    drawn = editor.data.panels[-1]
    assert len(editor.data.panels) == panels_before + 1 and near(drawn.bbox, (100, 100, 300, 200))
    window.set_tool(Tool.POLYGON)
    for point in [(500, 500), (700, 500), (600, 700)]:
        mouse(view, QEvent.Type.MouseButtonPress, point)
        mouse(view, QEvent.Type.MouseButtonRelease, point, held=False)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(editor.data.panels) == panels_before + 2 and len(editor.data.panels[-1].polygon) == 3
    window.set_tool(Tool.REGION)
    drag(view, [(120, 120), (220, 170)])
    region = editor.data.regions[-1]
    assert len(editor.data.regions) == regions_before + 1
    assert near(region.bbox, (120, 120, 100, 50)) and region.source == "manual"

    window.set_tool(Tool.SELECT)
    view.select([("region", region.id)])
    x0, y0, w0, h0 = region.bbox
    drag(view, [(x0 + 30, y0 + 20), (x0 + 40, y0 + 30), (x0 + 50, y0 + 40)])  # move the body by (20, 20)
    assert near(editor.region(region.id).bbox, (x0 + 20, y0 + 20, w0, h0))
    x, y, w, h = editor.region(region.id).bbox
    drag(view, [(x + w, y + h), (x + w + 40, y + h + 40)])  # bottom-right corner grows the box
    assert near(editor.region(region.id).bbox, (x, y, w + 40, h + 40))
    assert ctx.undo.count() == 5

    view.select([("panel", drawn.id)])
    window.actions["delete"].trigger()
    assert len(editor.data.panels) == panels_before + 1
    ctx.undo.undo()
    assert len(editor.data.panels) == panels_before + 2
    while ctx.undo.canUndo():
        ctx.undo.undo()
    data = annotate.page_data(ctx.project, page)
    assert len(data.panels) == panels_before and len(data.regions) == regions_before


def test_codebook_create_rename_move_merge_undo(qtbot, window, monkeypatch):
    dock, ctx = window.codebook, window.ctx
    parent = dock.new_motif(None, {"name": "Test group", "name_zh": "测试组", "colour": "#336699"})
    child = dock.new_motif(parent, {"name": "Leaf", "shortcut": ""})
    other = dock.new_motif(None, {"name": "Other"})
    assert dock.model.motif(child).parent_id == parent
    dock.search.setText("测试")
    assert dock.model.rowCount() == 1 and dock.model.find("motif", child).isValid()
    dock.search.setText("")

    def rename():  # the motif dialog, filled in and accepted as a user would
        dialog = QApplication.activeModalWidget()
        dialog.name.setText("Leaf renamed")
        dialog.shortcut.setCurrentText("9")
        dialog.accept()

    dock.select_motif(child)
    QTimer.singleShot(0, rename)
    dock.edit_current()
    assert (dock.model.motif(child).name, ctx.undo.undoText()) == ("Leaf renamed", "Edit motif Leaf")
    for motif in coding.motifs(ctx.project):  # the seed codebook's 9 moves out of the way
        if motif.shortcut == "9" and motif.id != child:
            coding.update_motif(ctx.project, motif.id, shortcut="")
    dock.refresh()
    window.editor.view.select([])
    window.actions["tag_9"].trigger()  # nothing selected: the page is tagged
    page_codings = coding.codings_for(ctx.project, ("page", window.editor.page_id))
    assert [c.motif_id for c in page_codings] == [child]

    dock.select_motif(child)
    monkeypatch.setattr(dock, "_choose", lambda *a: (True, other))
    dock.move_current()
    assert dock.model.motif(child).parent_id == other
    dock.select_motif(child)
    dock.merge_current()
    assert dock.model.motif(child) is None
    assert [c.motif_id for c in coding.codings_for(ctx.project, ("page", window.editor.page_id))] == [other]
    ctx.undo.undo()
    ctx.undo.undo()
    assert dock.model.motif(child).parent_id == parent
    assert [c.motif_id for c in coding.codings_for(ctx.project, ("page", window.editor.page_id))] == [child]


def test_characters_manager_portrait_and_jump(qtbot, window, wait_jobs):
    editor, ctx = window.editor, window.ctx
    panel = annotate.add_panel(ctx.project, editor.page_id, [[50, 50], [400, 50], [400, 400], [50, 400]])
    editor.reload()
    window.show_characters()
    dialog = window.characters
    new = dialog.new_character("Old Wang")
    dialog.fields["name_zh"].setText("老王")
    dialog.fields["name_zh"].editingFinished.emit()
    assert next(c for c in coding.characters(ctx.project) if c.id == new).name_zh == "老王"
    editor.view.select([("panel", panel)])
    editor.add_appearance(new, panel)
    dialog.portrait_from_selection()
    wait_jobs(window)
    assert dialog.portrait.pixmap() is not None and not dialog.portrait.pixmap().isNull()
    assert dialog.appearances.count() == 1
    other_page = window.library.model.page_ids()[2]
    editor.open_page(other_page)
    dialog.appearances.itemDoubleClicked.emit(dialog.appearances.item(0))
    assert editor.selected() == [("panel", panel)]
    for _ in range(4):
        ctx.undo.undo()
    assert all(c.id != new for c in coding.characters(ctx.project))


def test_jobs_report_errors_and_cancel_on_close(qtbot, window):
    jobs = window.ctx.jobs
    errors, started, release = [], threading.Event(), threading.Event()
    jobs.run_op(lambda c: 1 / 0, on_error=lambda message, details: errors.append(message))
    qtbot.waitUntil(lambda: bool(errors))
    assert errors[0].startswith("ZeroDivisionError")

    def slow(control):
        started.set()
        while not control.cancelled():
            release.wait(0.01)
        return "stopped"

    jobs.run_op(slow, label="Slow")
    assert started.wait(5)
    assert window.statusBar().cancel.isVisible()
    window.close()  # returns only once the job saw the cancel flag
    assert not jobs.busy or jobs.pool.activeThreadCount() == 0


def test_drop_files_imports_them(qtbot, window, wait_jobs, tmp_path):
    from PIL import Image

    before = len(window.library.model.page_ids())
    dropped = tmp_path / "dropped-page.png"
    Image.new("RGB", (400, 560), (230, 120, 40)).save(dropped)  # a page the demo project does not hold
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    tree = window.library.tree
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)

    def accept_import_dialog():  # the drop asks where the pages go; its guesses are fine here
        from PySide6.QtWidgets import QApplication

        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, accept_import_dialog)
        else:
            dialog.accept()

    QTimer.singleShot(0, accept_import_dialog)
    tree.dropEvent(event)
    wait_jobs(window)
    qtbot.waitUntil(lambda: len(window.library.model.page_ids()) == before + 1)


def test_shortcut_help_lists_keys(window):
    keys = dict(window.shortcut_rows())
    assert "PgDown" in keys and "Tab / Shift+Tab" in keys and "1" in keys
