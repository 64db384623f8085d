"""The status bar: last message, progress of the running jobs (count, percentage, time left), and Cancel.

Cancel only asks the jobs to stop; they stop at the next page or tile boundary, and the bar
says so until they have ended, so a pressed button never looks ignored.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QPushButton, QStatusBar

from annotator.gui.context import AppContext


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes < 10 else f"{round(seconds / 60)} min"


class JobStatusBar(QStatusBar):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job_label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setFormat("%p%")
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop the running jobs at the next page or tile; finished pages are kept")
        self.cancel.clicked.connect(self._cancel)
        self.details = QPushButton("Details…")  # the last failure's traceback, for a bug report
        self.details.setToolTip("Show what went wrong in full (also written to the log file)")
        self.details.clicked.connect(self.show_details)
        self.details.hide()
        self.failure: tuple[str, str] | None = None
        for widget in (self.job_label, self.bar, self.cancel, self.details):
            self.addPermanentWidget(widget)
        self._rate: tuple[str, int, float, int] | None = None  # (label, total, start time, done at start)
        ctx.jobs.activity.connect(self._activity)
        ctx.jobs.progressed.connect(self._progress)
        ctx.jobs.failed.connect(self._failed)
        ctx.status.connect(lambda message: self.showMessage(message, 15000))
        self._activity()

    def _cancel(self) -> None:
        self.ctx.jobs.cancel_all()
        self.cancel.setEnabled(False)
        self.cancel.setText("Cancelling…")
        self.job_label.setText("Cancelling: stopping at the next page or tile…")

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
        if not jobs:
            self.cancel.setEnabled(True)
            self.cancel.setText("Cancel")
            self._rate = None
        elif self.cancel.isEnabled():
            self.job_label.setText(", ".join(j.label for j in jobs))
            self.bar.setRange(0, 0)

    def _progress(self, label: str, done: int, total: int, name: str) -> None:
        if not self.cancel.isEnabled():
            return  # keep saying "Cancelling" until the job has ended
        now = time.monotonic()
        if self._rate is None or self._rate[:2] != (label, total) or done < self._rate[3]:
            self._rate = (label, total, now, done)
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        text = f"{label}: {name}" if name else f"{label}: {done} of {total}"
        _label, _total, started, first = self._rate
        if done > first and total > done and now - started > 0.5:
            text += f" · about {duration((now - started) / (done - first) * (total - done))} left"
        self.job_label.setText(text)
