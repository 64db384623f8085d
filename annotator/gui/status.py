"""The status bar: last message, progress of the running jobs, and a cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QPushButton, QStatusBar

from annotator.gui.context import AppContext


class JobStatusBar(QStatusBar):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job_label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(ctx.jobs.cancel_all)
        self.details = QPushButton("Details…")  # the last failure's traceback, for a bug report
        self.details.setToolTip("Show what went wrong in full (also written to the log file)")
        self.details.clicked.connect(self.show_details)
        self.details.hide()
        self.failure: tuple[str, str] | None = None
        for widget in (self.job_label, self.bar, self.cancel, self.details):
            self.addPermanentWidget(widget)
        ctx.jobs.activity.connect(self._activity)
        ctx.jobs.progressed.connect(self._progress)
        ctx.jobs.failed.connect(self._failed)
        ctx.status.connect(lambda message: self.showMessage(message, 15000))
        self._activity()

    def _failed(self, message: str, details: str) -> None:
        self.failure = (message, details)
        self.showMessage(message)
        self.details.show()

    def show_details(self) -> QMessageBox:
        """A non-modal box: the one-line message, with the traceback under "Show Details..."."""
        message, details = self.failure or ("", "")
        box = QMessageBox(QMessageBox.Icon.Warning, "A background job failed", message, parent=self)
        box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self.details.hide())
        box.show()
        return box

    def _activity(self) -> None:
        jobs = self.ctx.jobs.visible_jobs()
        for widget in (self.job_label, self.bar, self.cancel):
            widget.setVisible(bool(jobs))
        if jobs:
            self.job_label.setText(", ".join(j.label for j in jobs))
            self.bar.setRange(0, 0)

    def _progress(self, label: str, done: int, total: int, name: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.job_label.setText(f"{label}: {done}/{total} {name}")
