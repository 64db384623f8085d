"""The application context handed to every window part instead of a global main window.

It owns the open project, the undo stack, the background runner and the user's settings, and
broadcasts ``changed(Change)`` after every write so each view reloads only what it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from annotator.core.project import Project
from annotator.gui.changes import Change, Kind
from annotator.gui.jobs import Jobs


class AppContext(QObject):
    changed = Signal(object)  # a Change
    status = Signal(str)

    def __init__(self, project: Project, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.undo = QUndoStack(self)
        self.jobs = Jobs(self)
        self._coder: tuple[str, int] | None = None

    @property
    def coder_name(self) -> str:
        return str(self.settings.value("coder", "") or "anonymous")

    def coder_id(self) -> int:
        """The current coder's id, looked up once per name."""
        name = self.coder_name
        if self._coder is None or self._coder[0] != name:
            self._coder = (name, self.project.coder(name))
        return self._coder[1]

    def notify(self, kind: Kind | str, page_id: int | None = None) -> None:
        """Tell the views; ``kind`` is a Kind or its value (an unknown name raises ValueError here)."""
        self.changed.emit(Change(Kind(kind), page_id))

    def close(self) -> None:
        self.jobs.shutdown()
        self.project.close()
