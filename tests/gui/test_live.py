"""Other coders' edits appear in an open window: NOTIFY on PostgreSQL, a focus check on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys

from PIL import Image
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from annotator.core import annotate
from annotator.core.importer import EpisodeSpec, import_pages
from annotator.core.project import init_project

MEMO = "另一位编码员的备注"


def _edit_elsewhere(root, db, panel_id: int) -> None:
    script = ("from annotator.core import annotate\nfrom annotator.core.project import open_project\n"
              f"with open_project({str(root)!r}, {db!r}) as p:\n"
              f"    annotate.set_panel_memo(p, {panel_id}, {MEMO!r})\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120, env=dict(os.environ))


def test_sqlite_window_shows_another_process_edit_when_it_gets_the_focus(qtbot, window, demo_dir):
    panel = window.editor.data.panels[0]
    _edit_elsewhere(demo_dir, None, panel.id)
    assert window.editor.panel(panel.id).memo != MEMO  # nothing polls SQLite behind the user's back
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: window.editor.panel(panel.id).memo == MEMO, timeout=5000)


def test_postgresql_window_shows_another_coders_edit_within_a_second(qtbot, pg_url, tmp_path, settings,
                                                                     close_window):
    from annotator.gui.app import Windows

    root = tmp_path / "team"
    with init_project(root, pg_url) as project:
        image = tmp_path / "page.png"
        Image.new("RGB", (400, 300), "white").save(image)
        page = import_pages(project, [image], EpisodeSpec(series="S", number=1)).page_ids[0]
        panel = annotate.add_panel(project, page, [[10, 10], [190, 10], [190, 290], [10, 290]])
    window = Windows(settings, db=pg_url).open_window(root, show=False)
    try:
        assert window.editor.page_id == page
        _edit_elsewhere(root, pg_url, panel)
        qtbot.waitUntil(lambda: window.editor.panel(panel).memo == MEMO, timeout=1500)
    finally:
        close_window(window)
