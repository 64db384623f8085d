"""Change notices are typed: views get a Change, and a misspelt kind fails where it is sent."""

from __future__ import annotations

import pytest

from annotator.gui.changes import COUNTED, Change, Kind


def test_notices_reach_views_as_changes(window):
    seen = []
    window.ctx.changed.connect(seen.append)
    page = window.editor.page_id
    window.editor.add_panel([[10, 10], [210, 10], [210, 110], [10, 110]])
    assert seen[-1] == Change(Kind.PANEL, page) and seen[-1].on_page(page) and not seen[-1].on_page(page + 1)
    window.ctx.undo.undo()
    assert seen[-1] == Change(Kind.PANEL, page)
    with pytest.raises(ValueError):
        window.ctx.notify("panels", page)  # a typo is an error, not a notice nobody hears
    assert Change(Kind.LIBRARY).on_page(page) and Kind.PAGE in COUNTED and Kind.CHARACTER not in COUNTED


def test_undoing_a_vertex_drag_leaves_an_automatic_panel_automatic(window):
    from pointer import drag

    from annotator.core import annotate
    from annotator.gui.canvas.tools import Tool

    view, editor, ctx = window.view, window.editor, window.ctx
    panel = next(p for p in editor.data.panels if p.source == "auto")  # found by segmentation
    window.resize(1400, 900)
    view.actual_size()
    x, y = panel.polygon[2]
    view.centerOn(x, y)
    window.set_tool(Tool.SELECT)
    view.select([("panel", panel.id)])
    drag(view, [(x, y), (x - 20, y - 15), (x - 40, y - 30)])
    moved = editor.panel(panel.id)
    assert moved.source == "manual" and moved.polygon != panel.polygon  # a human correction now
    assert ctx.undo.undoText() == "Move panel vertex"
    ctx.undo.undo()
    back = next(p for p in annotate.page_data(ctx.project, editor.page_id).panels if p.id == panel.id)
    assert (back.polygon, back.bbox, back.source) == (panel.polygon, panel.bbox, "auto")  # re-segmenting may replace it
    ctx.undo.redo()
    assert editor.panel(panel.id).source == "manual"


def test_library_counts_follow_edits_from_a_worker_thread(qtbot, window, monkeypatch):
    import threading

    from annotator.gui import library_dock

    threads = []
    real = library_dock.library

    def counted(project, *args):
        threads.append(threading.current_thread())
        return real(project, *args)

    monkeypatch.setattr(library_dock, "library", counted)
    page = window.editor.page_id
    before = window.library.model.page_info(page).panels
    window.editor.add_panel([[10, 10], [210, 10], [210, 110], [10, 110]])
    qtbot.waitUntil(lambda: window.library.model.page_info(page).panels == before + 1)
    assert threads and threading.main_thread() not in threads  # the window kept responding meanwhile
