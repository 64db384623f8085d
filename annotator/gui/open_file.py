"""Opening a comic file from the file manager (``annotator gui FILE.cbz``): import it into a project.

A double-clicked CBZ has no project yet, so the user is asked which project receives it: a
recent one, or a default project in the documents folder that is created on first use. The
window then opens on that project and the import runs in the background like *File → Import*;
the first imported page is shown when it is done.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from annotator.core.importer import ARCHIVE_SUFFIXES, PDF_SUFFIXES, EpisodeSpec
from annotator.core.project import MARKER, init_project
from annotator.vision.images import IMAGE_SUFFIXES

IMPORTABLE = ARCHIVE_SUFFIXES | PDF_SUFFIXES | IMAGE_SUFFIXES

#: ``choose(file, candidates) -> Path | None``: which project receives the file (None: cancel).
Chooser = Callable[[Path, list[Path]], "Path | None"]


def default_project() -> Path:
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / "Comic Panel Annotator" / "Imported comics"


def candidates(settings: QSettings) -> list[Path]:
    """Recent projects that still exist, then the default project."""
    recent = [Path(p) for p in settings.value("recent", []) or [] if (Path(p) / MARKER).is_file()]
    default = default_project()
    return recent + ([default] if default not in recent else [])


class ImportTargetDialog(QDialog):
    """Which project a comic file opened from outside goes into."""

    def __init__(self, file: Path, choices: list[Path], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import a comic")
        layout = QVBoxLayout(self)
        label = QLabel(f"Import <b>{html.escape(file.name)}</b> as a new episode of this project:")
        label.setWordWrap(True)
        layout.addWidget(label)
        row = QHBoxLayout()
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setMinimumWidth(420)
        for path in choices:
            self.combo.addItem(str(path))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.combo, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        note = QLabel("A folder that is not a project yet becomes a new project with the default codebook.")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Project folder", self.combo.currentText())
        if chosen:
            self.combo.setCurrentText(chosen)

    def target(self) -> Path:
        return Path(self.combo.currentText().strip()).expanduser()


def ask(file: Path, choices: list[Path]) -> Path | None:
    dialog = ImportTargetDialog(file, choices)
    return dialog.target() if dialog.exec() == QDialog.DialogCode.Accepted and dialog.combo.currentText().strip() else None


def ensure_project(root: Path) -> Path:
    """``root`` as a project: opened as is, or created with the default codebook."""
    if not (root / MARKER).is_file():
        from annotator.core.seeds import load_codebook

        with init_project(root) as project:
            load_codebook(project)
    return root


def open_file(windows, file: Path, choose: Chooser = ask):
    """Ask for the target project, open a window on it and import ``file`` as a new episode.

    Returns the window, or None when the user cancelled. Raises ``ProjectError`` for a target
    that cannot be a project; the file itself is checked by the importer, whose errors reach
    the status bar like any import's.
    """
    from annotator.gui import operations

    file = Path(file).resolve()
    target = choose(file, candidates(windows.settings))
    if target is None:
        return None
    window = windows.open_window(ensure_project(target))

    def show_first(report) -> None:
        if report.page_ids:
            window.editor.open_page(report.page_ids[0])

    operations.import_paths(window.ctx, [file], EpisodeSpec(title=file.stem), on_done=show_first)
    return window
