"""The search dock: type a query, pick a hit, land on the region with the match highlighted;
results follow edits; auto-code from the dock is one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from search_project import build

from annotator.core import annotate
from annotator.core.project import init_project
from annotator.gui.models.search_model import SearchModel


@pytest.fixture
def search_window(qtbot, tmp_path, settings):
    from annotator.gui.app import Windows, application

    with init_project(tmp_path / "coded") as project:
        ids = build(project, tmp_path)
    application()
    win = Windows(settings).open_window(tmp_path / "coded", show=False)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.ids = ids
    yield win
    win.close()


def type_chinese(widget, text: str) -> None:
    """Chinese arrives through an input method, one committed string per phrase (QTest's key
    clicks only know ASCII)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        event = QInputMethodEvent()
        event.setCommitString(ch)
        QApplication.sendEvent(widget, event)


def test_type_a_query_pick_a_hit_and_the_region_is_selected(qtbot, search_window):
    win = search_window
    win.actions["search"].trigger()  # Ctrl+F
    dock = win.search
    assert dock.isVisible() and dock.query.hasFocus()
    type_chinese(dock.query, "境外組織")
    qtbot.waitUntil(lambda: dock.model.rowCount() == 4, timeout=5000)
    assert "4 hit(s) in 2 episode(s)" in dock.status_label.text()
    assert dock.model.index(2, 2).data() == "[境外组织]的人又来了"
    target = win.ids["regions"][("Secret Division", 2, 0)]
    rect = dock.table.visualRect(dock.model.index(2, 2))
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.editor.selected() == [("region", target)]
    assert win.editor.page_id == dock.model.hits[2].page_id
    marks = win.inspector.region_form.text.extraSelections()
    assert [(m.cursor.selectionStart(), m.cursor.selectedText()) for m in marks] == [(0, "境外组织")]


def test_results_follow_edits_and_errors_show_in_the_dock(qtbot, search_window):
    win = search_window
    dock = win.search
    dock.query.setText("特务")
    dock.run()
    assert dock.model.rowCount() == 1
    annotate.update_region(win.ctx.project, win.ids["regions"][("Secret Division", 1, 0)], text="他也是特务")
    win.ctx.notify("region", None)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=5000)
    dock.query.setText('"unclosed')
    dock.run()
    assert dock.model.rowCount() == 0 and "unclosed quote" in dock.status_label.text()


def test_auto_code_from_the_dock_is_one_undo_step(qtbot, search_window):
    from annotator.core import autocode

    win = search_window
    dock = win.search
    dock.query.setText("间谍")
    dock.run()
    motif = win.ids["motifs"]["Espionage"]
    preview = autocode.preview(win.ctx.project, "间谍", motif_id=motif)
    dock.apply_auto_code("间谍", preview, motif, None)
    assert win.ctx.undo.count() == 1 and "Auto-code 3 region(s)" in win.ctx.undo.text(0)
    dock.query.setText("motif:Espionage 间谍")
    dock.run()
    assert dock.model.rowCount() == 3
    win.ctx.undo.undo()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 0, timeout=5000)


def test_search_model_passes_the_model_tester(qtmodeltester):
    qtmodeltester.check(SearchModel())
