"""The self-test's window step: open the main window on a project offscreen, show the first page, close it.

It uses a private settings file so the throw-away project never enters the user's recent list.
"""

from __future__ import annotations

import os
from pathlib import Path


def open_and_close(root: Path) -> str:
    """Open ``root`` in a main window (offscreen unless a platform was chosen), wait for the page image,
    close it; returns what was shown. Raises if the window did not show the page."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication exists
    from PySide6.QtCore import QSettings

    from annotator.gui.app import Windows, application, close_windows, wait_for_image

    app = application()
    settings = QSettings(str(Path(root) / "self-test-settings.ini"), QSettings.Format.IniFormat)
    window = Windows(settings).open_window(root)
    try:
        wait_for_image(window)
        shown = window.isVisible() and window.view.has_image
        detail = (f"{app.platformName()}: '{window.windowTitle()}' {window.width()}x{window.height()}, "
                  f"{window.library.model.rowCount()} series in the library, page image shown")
    finally:
        close_windows()
    if not shown:
        raise RuntimeError(f"the window opened on {root} but did not show the first page's image")
    return detail
