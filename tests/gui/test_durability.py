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
    from annotator.gui import commands
    from annotator.gui.dialogs import EpisodeDialog

    episode = window.library.model.episode_of(window.editor.page_id).id
    dialog = EpisodeDialog(gui_queries.episode_details(window.ctx.project, episode), window)
    dialog.url.setText("https://example.org/ep1-archived")
    dialog.account.setText("国家安全部 WeChat")
    changes = dialog.changes()
    assert set(changes) == {"source_url", "account"}
    window.ctx.undo.push(commands.Update(window.ctx, "Edit episode details", "library",
                                         gui_queries.update_episode, episode, changes))
    assert gui_queries.episode_details(window.ctx.project, episode)["account"] == "国家安全部 WeChat"
    window.ctx.undo.undo()
    assert gui_queries.episode_details(window.ctx.project, episode)["source_url"] != "https://example.org/ep1-archived"
