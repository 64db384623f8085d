"""Revision history, revert and its undo, and page status, driven through the window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core import page_status, revisions


def _select_first_region(window):
    editor = window.editor
    editor.open_page(window.library.model.page_ids()[0])
    region = editor.data.regions[0]
    editor.view.select([("region", region.id)])
    return region


def test_gui_edit_is_a_revision_and_revert_is_undoable(qtbot, window):
    ctx = window.ctx
    region = _select_first_region(window)
    form = window.inspector.region_form
    start = region.text
    form.text.setFocus()
    form.text.setPlainText("改正一次")
    form.text.document().setModified(True)
    qtbot.keyClick(form.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.region(region.id).text == "改正一次"
    last = revisions.history(ctx.project, region.id)[-1]
    assert (last.field, last.new_value, last.coder, last.source) == ("text", "改正一次", "tester", "typed")

    form.history.click()
    dialog = form.history_dialog
    assert dialog.list.count() == len(revisions.history(ctx.project, region.id))
    assert "改正一次" in dialog.list.item(0).text()  # newest first
    assert "background:#c8e6c9" in dialog.diff.toHtml() or "c8e6c9" in dialog.diff.toHtml()
    dialog.list.setCurrentRow(dialog.list.count() - 1)  # the oldest revision
    oldest = revisions.history(ctx.project, region.id)[0]
    dialog.revert.click()
    reverted = revisions.field_value(oldest.field, oldest.new_value)
    assert getattr(window.editor.region(region.id), oldest.field) == reverted
    assert revisions.history(ctx.project, region.id)[-1].source == "reverted"
    assert dialog.list.count() == len(revisions.history(ctx.project, region.id))  # the dialog follows

    ctx.undo.undo()
    assert window.editor.region(region.id).text == "改正一次"
    ctx.undo.undo()
    assert window.editor.region(region.id).text == start
    assert revisions.history(ctx.project, region.id)[-1].source == "reverted"


def test_page_status_from_the_library_filter_and_undo(qtbot, window):
    ctx, library = window.ctx, window.library
    first = library.model.page_ids()[0]
    library.select_page(first)
    library.tree.selectionModel().select(library.model.find("page", first),
                                         library.tree.selectionModel().SelectionFlag.ClearAndSelect
                                         | library.tree.selectionModel().SelectionFlag.Rows)
    mark_done = next(a for a in library.tree.actions() if a.text() == "Mark pages done")
    mark_done.trigger()
    qtbot.waitUntil(lambda: library.model.page_info(first).status == "done")
    assert "done" in library.model.data(library.model.find("page", first))
    combo = library.findChild(type(library.widget().layout().itemAt(0).widget()), "statusFilter")
    combo.setCurrentIndex(combo.findData("done"))
    assert library.model.page_ids() == [first]
    combo.setCurrentIndex(combo.findData(None))
    assert len(library.model.page_ids()) > 1
    ctx.undo.undo()
    assert {r["status"] for r in page_status.statuses(ctx.project) if r["page_id"] == first} != {"done"}


def test_suggested_speakers_are_confirmed_with_alt_keys(qtbot, tmp_path, settings, close_window):
    from speaker_project import build
    from sqlmodel import select

    from annotator.core import models
    from annotator.core.annotate import update_region
    from annotator.core.project import init_project, open_project
    from annotator.gui.app import Windows, application

    with init_project(tmp_path / "dialogue") as project:
        truth = build(project, tmp_path / "pages", episodes=1, pages=2, seed=3)
        cast = dict(project.cast)
    regions = list(truth)
    target = regions[-1]
    with open_project(tmp_path / "dialogue") as project:
        for region_id in regions[:-1]:  # everything before is attributed already
            update_region(project, region_id, speaker_id=cast[truth[region_id][0]])

    application()
    window = Windows(settings).open_window(tmp_path / "dialogue", show=False)
    window.show()
    qtbot.waitExposed(window)
    try:
        editor, box = window.editor, window.inspector.region_form.suggestions
        with window.ctx.project.session() as s:
            page_id = s.get(models.TextRegion, target).page_id
        editor.open_page(page_id)
        editor.view.select([("region", target)])
        qtbot.waitUntil(lambda: box.buttons[0].isVisible(), timeout=60000)
        shown = list(box.shown)
        assert shown[0].character_id == cast[truth[target][0]]
        assert editor.region(target).speaker_id is None  # shown, not stored
        qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        assert editor.region(target).speaker_id == shown[0].character_id
        with window.ctx.project.session() as s:
            rows = s.exec(select(models.SpeakerSuggestion).where(models.SpeakerSuggestion.region_id == target)).all()
        assert sorted((r.rank, r.accepted) for r in rows) == [(i + 1, i == 0) for i in range(len(shown))]
        assert revisions.history(window.ctx.project, target)[-1].coder == "tester"
        window.ctx.undo.undo()
        assert editor.region(target).speaker_id is None
        qtbot.waitUntil(lambda: box.buttons[0].isVisible(), timeout=60000)
        if len(shown) >= 2:
            qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
            assert editor.region(target).speaker_id == shown[1].character_id
    finally:
        close_window(window)

