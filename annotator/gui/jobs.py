"""The one way to run slow work (import, segmentation, OCR, image decoding) off the GUI thread.

Like Anki's CollectionOp: ``run_op(fn, on_done, on_error, progress)``. ``fn`` runs on a
QThreadPool worker and receives a :class:`JobControl` to report progress and poll for
cancellation; the callbacks always run on the GUI thread, because the worker's signals are
queued to this QObject's slots. Core services open their own short sessions, so every worker
gets its own database session. Quitting cancels and waits, so no job writes into a closed
project.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class JobControl:
    """What a running job sees: a cancel flag and a progress reporter."""

    def __init__(self, report: Callable[[int, int, str], None]):
        self._cancel = threading.Event()
        self._report = report

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int, name: str = "") -> None:
        self._report(done, total, name)


class _Bridge(QObject):
    done = Signal(int, object)
    failed = Signal(int, str, str)
    progress = Signal(int, int, int, str)


@dataclass
class Job:
    id: int
    label: str
    control: JobControl
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[str, str], None] | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    visible: bool = True
    state: dict = field(default_factory=dict)


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: Callable[[JobControl], Any], bridge: _Bridge):
        super().__init__()
        self.job, self.fn, self.bridge = job, fn, bridge

    def run(self) -> None:
        try:
            result = self.fn(self.job.control)
        except Exception as exc:  # reported to the GUI thread; a job must never kill the pool
            self.bridge.failed.emit(self.job.id, f"{exc.__class__.__name__}: {exc}", traceback.format_exc())
        else:
            self.bridge.done.emit(self.job.id, result)


class Jobs(QObject):
    """Background runner; ``activity`` fires whenever the set of visible jobs changes."""

    activity = Signal()
    progressed = Signal(str, int, int, str)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)
        self._bridge.failed.connect(self._on_failed)
        self._bridge.progress.connect(self._on_progress)
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self.closed = False

    def run_op(
        self,
        fn: Callable[[JobControl], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str, str], None] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        *,
        label: str = "",
        visible: bool = True,
    ) -> Job | None:
        """Start ``fn(control)`` on a worker; invisible jobs (image decoding) stay out of the status bar."""
        if self.closed:
            return None
        job_id = next(self._ids)
        control = JobControl(lambda d, t, n: self._bridge.progress.emit(job_id, d, t, n))
        job = Job(job_id, label, control, on_done, on_error, progress, visible)
        self._jobs[job_id] = job
        self.pool.start(_Runnable(job, fn, self._bridge))
        if visible:
            self.activity.emit()
        return job

    def visible_jobs(self) -> list[Job]:
        return [j for j in self._jobs.values() if j.visible]

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def cancel_all(self) -> None:
        for job in self._jobs.values():
            job.control.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel everything and wait for the workers; True if they all stopped in time."""
        if self.closed:
            return True
        self.closed = True
        self.cancel_all()
        return self.pool.waitForDone(timeout_ms)

    def _finish(self, job_id: int) -> Job | None:
        job = self._jobs.pop(job_id, None)
        if job is not None and job.visible:
            self.activity.emit()
        return job

    @Slot(int, object)
    def _on_done(self, job_id: int, result: Any) -> None:
        job = self._finish(job_id)
        if job is not None and job.on_done is not None and not self.closed:
            job.on_done(result)

    @Slot(int, str, str)
    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        job = self._finish(job_id)
        log.error("job %r failed: %s\n%s", job.label if job else job_id, message, details)
        if job is None or self.closed:
            return
        if job.on_error is not None:
            job.on_error(message, details)
        else:
            self.failed.emit(f"{job.label}: {message}" if job.label else message, details)

    @Slot(int, int, int, str)
    def _on_progress(self, job_id: int, done: int, total: int, name: str) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if job.on_progress is not None:
            job.on_progress(done, total, name)
        if job.visible:
            self.progressed.emit(job.label, done, total, name)
