"""An edit shown as done survives kill -9 of the window's process, and dialogs write provenance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.core import annotate, gui_queries
from annotator.core.project import open_project

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QSettings
    from annotator.gui.app import Windows, application
    application()
    window = Windows(QSettings(sys.argv[2], QSettings.Format.IniFormat)).open_window(sys.argv[1])
    window.editor.add_panel([[10, 10], [210, 10], [210, 110], [10, 110]])
    region = window.editor.data.regions[0].id
    window.editor.update_region(region, "Correct text", text="改过的文字")
    print("done", flush=True)
    time.sleep(60)
""")


def test_kill_9_after_an_edit_loses_nothing(demo_dir, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(demo_dir), str(tmp_path / "s.ini")],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "done"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    with open_project(demo_dir) as project:
        data = annotate.page_data(project, 1)
        assert any(p.bbox == (10, 10, 200, 100) for p in data.panels)
        assert data.regions[0].text == "改过的文字"


def test_episode_dialog_edits_provenance_with_undo(window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    episode = window.library.model.episode_of(window.editor.page_id).id
    before = gui_queries.episode_details(window.ctx.project, episode)

    def fill_in():
        dialog = QApplication.activeModalWidget()
        dialog.url.setText("https://example.org/ep1-archived")
        dialog.account.setText("国家安全部 WeChat")
        assert set(dialog.changes()) == {"source_url", "account"}
        dialog.accept()

    QTimer.singleShot(0, fill_in)
    window.edit_episode(episode)  # the user's path: the dialog, then one undoable step
    after = gui_queries.episode_details(window.ctx.project, episode)
    assert (after["source_url"], after["account"]) == ("https://example.org/ep1-archived", "国家安全部 WeChat")
    assert window.ctx.undo.undoText() == "Edit episode details"
    window.ctx.undo.undo()
    assert gui_queries.episode_details(window.ctx.project, episode) == before
    window.ctx.undo.redo()
    assert gui_queries.episode_details(window.ctx.project, episode) == after
