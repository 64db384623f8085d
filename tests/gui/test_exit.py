"""Leaving the interpreter with a window open exits cleanly (no segfault, no "Fatal Python error").

Each case runs in a fresh interpreter, because the failure happens during interpreter
finalisation, which a test inside pytest's own process never reaches.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Zooming and switching pages exercises the canvas (its scene index once kept stale item rectangles
# and crashed on paint); the characters dialog and undo history add more windows and signal connections.
SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QCoreApplication, QSettings, QTimer
    from annotator.gui import app as gui_app

    directory, mode, settings_file = sys.argv[1:4]
    settings = QSettings(settings_file, QSettings.Format.IniFormat)

    def busy(window):
        for _ in range(15):
            for key in ("zoom_in", "next_page", "fit_width", "prev_page", "fit_page", "tool_rect", "tool_select"):
                window.actions[key].trigger()
            QCoreApplication.processEvents()
        window.show_characters()
        window.history.show()

    if mode == "run":  # the real entry point; the event loop ends while the window is still open
        def later():
            window = next(w for w in gui_app.QApplication.topLevelWidgets() if hasattr(w, "editor"))
            busy(window)
            QCoreApplication.quit()
        gui_app.application()  # a timer needs the application's event dispatcher
        QTimer.singleShot(500, later)
        code = gui_app.run(directory, settings=settings)
        print("returned", code, flush=True)
    else:  # a script that opens a window and simply ends
        gui_app.application()
        window = gui_app.Windows(settings).open_window(directory)
        gui_app.wait_for_image(window)
        busy(window)
        print("returned 0", flush=True)
""")


@pytest.mark.parametrize("mode", ["run", "script"])
def test_exit_with_a_window_open_is_clean(demo_dir, tmp_path, mode):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), PYTHONFAULTHANDLER="1")
    (tmp_path / "settings.ini").write_text("[General]\ncoder=tester\n", encoding="utf-8")  # signed in
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(demo_dir), mode, str(tmp_path / "settings.ini")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert "returned 0" in done.stdout, done.stderr
    assert done.returncode == 0, done.stderr
    for sign in ("Fatal Python error", "Segmentation fault", "bool_dealloc", "Traceback"):
        assert sign not in done.stderr, done.stderr
