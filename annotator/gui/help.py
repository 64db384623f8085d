"""Help ▸ Manual and Help ▸ About: the bundled manual (``manual.md``) and version information."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

import annotator

MANUAL = Path(__file__).with_name("manual.md")


def version() -> str:
    try:
        return metadata.version("annotator")
    except metadata.PackageNotFoundError:
        return getattr(annotator, "__version__", "development copy")


class ManualDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Comic Panel Annotator — Manual")
        self.resize(760, 720)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(MANUAL.read_text(encoding="utf-8"))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(box)


def show_manual(parent: QWidget) -> ManualDialog:
    dialog = ManualDialog(parent)
    dialog.show()
    return dialog


def show_about(parent: QWidget) -> None:
    from PySide6 import __version__ as pyside

    QMessageBox.about(parent, "About Comic Panel Annotator", (
        f"<h3>Comic Panel Annotator {version()}</h3>"
        "<p>A research tool for studying political comics: import episodes, cut pages into panels, "
        "read Chinese and English balloons with OCR (keeping OCR provenance apart from human "
        "corrections), annotate speakers, translations and motifs, search, compare and export.</p>"
        "<p>Help ▸ Manual explains every step; F1 lists every key.</p>"
        f"<p>PySide6 {pyside}. Your projects stay on your machine (SQLite) or on your team's PostgreSQL.</p>"))
