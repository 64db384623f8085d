"""Starting the application: QApplication, fonts that cover Chinese, palettes, windows.

``run`` is what ``annotator gui`` calls. With ``screenshot`` it renders the window once the
first page's image is on screen, saves a PNG and quits (used for the README and smoke tests).

Teardown is explicit. Left to interpreter finalisation, Qt would destroy windows, models and
signal connections after Python has begun dismantling modules, and PySide would hand Python
objects back to a half-finalised interpreter ("Fatal Python error: bool_dealloc" and friends).
So ``run`` closes its windows before returning, and an application created here is deleted by
an ``atexit`` hook, which runs while the interpreter is still whole.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QStyleFactory

from annotator.bundled import APP_ID, resource
from annotator.core.database import ProjectError
from annotator.core.project import open_project
from annotator.gui.context import AppContext

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
                "Noto Sans SC", "Noto Serif CJK SC")
RECENT_LIMIT = 8


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
        atexit.register(shutdown)  # only for an application made here; a test harness deletes its own
    if app.property("annotator-configured") != "yes":  # an app made by a test harness gets the same look
        app.setProperty("annotator-configured", "yes")
        app.setOrganizationName("annotator")
        app.setApplicationName("Comic Panel Annotator")
        app.setDesktopFileName(APP_ID)  # Wayland and docks match the window to the installed .desktop file
        app.setWindowIcon(QIcon(str(resource("icons", f"{APP_ID}.svg"))))
        app.setStyle(QStyleFactory.create("Fusion"))
        set_font(app)
    return app


def close_windows() -> None:
    """Close every top-level window (each stops its jobs and closes its project) and destroy
    the ones that asked to be deleted, now rather than at some later turn of an event loop."""
    for widget in QApplication.topLevelWidgets():
        if shiboken6.isValid(widget) and widget.isVisible():
            widget.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def shutdown() -> None:
    """At interpreter exit: close what is still open, then delete the application itself."""
    app = QApplication.instance()
    if app is None:
        return
    close_windows()
    for widget in QApplication.topLevelWidgets():  # hidden leftovers (dialogs without a parent)
        if shiboken6.isValid(widget) and widget.parent() is None:
            shiboken6.delete(widget)
    shiboken6.delete(app)


def cjk_family() -> str | None:
    families = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in families), None)


def set_font(app: QApplication) -> None:
    """Use a CJK family for the whole interface so Chinese never falls back to tofu boxes."""
    family = cjk_family()
    if family:
        font = QFont(family, app.font().pointSize())
        app.setFont(font)


def apply_theme(app: QApplication, theme: str) -> None:
    """``light``, ``dark`` or ``system`` (Fusion's default palette)."""
    if theme != "dark":
        app.setPalette(app.style().standardPalette())
        return
    p = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2b2b"), (roles.WindowText, "#e6e6e6"), (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#2a2a2a"), (roles.ToolTipBase, "#333333"), (roles.ToolTipText, "#e6e6e6"),
        (roles.Text, "#e6e6e6"), (roles.Button, "#353535"), (roles.ButtonText, "#e6e6e6"),
        (roles.BrightText, "#ff5555"), (roles.Highlight, "#2f6fb2"), (roles.HighlightedText, "#ffffff"),
        (roles.Link, "#6ab0ff"), (roles.PlaceholderText, "#8a8a8a"),
    ):
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#7a7a7a"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, QColor("#7a7a7a"))
    app.setPalette(p)


def remember(settings: QSettings, root: Path) -> None:
    root = Path(root).resolve()  # a relative path would point elsewhere from the next working folder
    recent = [str(root)] + [p for p in (settings.value("recent", []) or []) if p != str(root)]
    settings.setValue("recent", recent[:RECENT_LIMIT])


class Windows:
    """The open windows, one per project, so none of them is a module-level global."""

    def __init__(self, settings: QSettings, db: str | None = None):
        self.settings = settings
        self.db = db
        self.open: list = []

    def open_window(self, directory: str | Path, show: bool = True):
        from annotator.gui.main_window import MainWindow

        project = open_project(directory, db=self.db)
        remember(self.settings, project.root)
        ctx = AppContext(project, self.settings)
        window = MainWindow(ctx)
        ctx.setParent(window)  # the context, its undo stack and thread pool go with the window
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.openProjectRequested.connect(self._open_other)
        window.closed.connect(lambda: self._closed(window, ctx))
        self.open.append(window)
        last = self.settings.value(f"last_page/{project.root}")
        ids = window.library.model.page_ids()
        if ids:
            window.editor.open_page(int(last) if last is not None and int(last) in ids else ids[0])
        if show:
            window.show()
        QTimer.singleShot(300, lambda: ctx.jobs.run_op(_warm_up, visible=False))
        return window

    def _open_other(self, path: str) -> None:
        try:
            self.open_window(path)
        except ProjectError as exc:
            QMessageBox.warning(None, "Cannot open project", str(exc))

    def _closed(self, window, ctx: AppContext) -> None:
        if window in self.open:
            self.open.remove(window)
        ctx.close()


def _warm_up(_control) -> None:
    """Import the OCR and segmentation stacks once the window is up (see ocr_service.warm_up)."""
    from annotator.core.ocr_service import warm_up

    warm_up()


def wait_for_image(window, timeout_ms: int = 20000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while window.editor.page_id and not window.view.has_image and timer.elapsed() < timeout_ms:
        QCoreApplication.processEvents()
        window.ctx.jobs.pool.waitForDone(20)
    QCoreApplication.processEvents()


def sign_in(settings: QSettings, parent=None) -> str | None:
    """The coder's name, asked once and kept in the settings: every edit records who made it."""
    name = str(settings.value("coder", "") or "").strip()
    while not name:
        name, ok = QInputDialog.getText(parent, "Sign in", "Your name as a coder (recorded with every edit you make):")
        if not ok:
            return None
        name = name.strip()
    settings.setValue("coder", name)
    return name


def run(directory: str | Path | None, db: str | None = None, screenshot: str | Path | None = None,
        settings: QSettings | None = None) -> int:
    from annotator.core import logs

    logs.setup()
    app = application()
    settings = settings or QSettings()
    apply_theme(app, str(settings.value("theme", "light")))
    if screenshot is None and sign_in(settings) is None:
        print("No coder signed in; nothing was opened (every edit must record its coder).", file=sys.stderr)
        return 1
    windows = Windows(settings, db)
    candidates = [directory] if directory is not None else [p for p in settings.value("recent", []) or []
                                                            if Path(p).is_dir()][:1]
    window = None
    while window is None:
        if not candidates:
            if screenshot is not None:
                print("error: no project given and no recent project to open", file=sys.stderr)
                return 1
            chosen = QFileDialog.getExistingDirectory(None, "Open an annotator project")
            if not chosen:
                return 1
            candidates = [chosen]
        try:
            target = candidates.pop(0)
            if Path(target).is_file():  # a comic opened from the file manager: import it
                from annotator.gui.open_file import open_file

                window = open_file(windows, Path(target))
                if window is None:
                    return 1
            else:
                window = windows.open_window(target)
        except ProjectError as exc:
            if screenshot is not None:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            QMessageBox.critical(None, "Cannot open project", str(exc))  # then let the user pick another
    if screenshot is not None:
        wait_for_image(window)
        window.grab().save(str(screenshot))
        close_windows()
        return 0
    QTimer.singleShot(0, window.raise_)
    code = app.exec()
    close_windows()  # quitting the event loop (e.g. from the desktop session) leaves windows open
    return code
