"""GUI fixtures: offscreen Qt, a fresh copy of the demo project, settings in a temp file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    s.setValue("coder", "tester")
    return s


@pytest.fixture
def window(qtbot, demo_dir, settings):
    """An open main window on the demo project; closed (and its jobs stopped) afterwards."""
    from annotator.gui.app import Windows, application

    application()
    windows = Windows(settings)
    win = windows.open_window(demo_dir, show=False)
    win.show()
    qtbot.waitExposed(win)
    yield win
    _close(win)


def _close(win) -> None:
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    if shiboken6.isValid(win):
        win.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def close_window():
    """Close like a user would; the window deletes itself and closes its project."""
    return _close


@pytest.fixture
def wait_jobs(qtbot):
    """Wait until a window's background jobs (image decoding, OCR, ...) have all reported back."""

    def wait(window, timeout=120000):
        qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=timeout)

    return wait
