"""Running a per-page function over many pages in worker processes.

Workers compute; the calling process stores each result in its own transaction as it
arrives, so cancelling (or a crash) keeps every page finished so far and never leaves a page
half-written. One page's failure, crash or time-out is reported and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator


def _init_worker(threads: int) -> None:
    # Tesseract, OpenMP and onnxruntime would otherwise each start a thread per core in every
    # worker, oversubscribing the machine when several pages run at once.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    os.environ.setdefault("ANNOTATOR_OCR_THREADS", str(threads))
    # Batch pages yield the CPU to the window: a researcher keeps annotating while OCR runs.
    if hasattr(os, "nice"):
        os.nice(5)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class PageCrashed(RuntimeError):
    """The worker process died on this page (a crash in native code: OCR engine, decoder)."""


class PageTimedOut(TimeoutError):
    """The page took longer than the batch's per-page limit; its worker was stopped."""


def map_pages(
    func: Callable[[Any], Any],
    tasks: Iterable[Any],
    *,
    workers: int | None = None,
    cancelled: Callable[[], bool] | None = None,
    timeout: float | None = None,
) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """Yield ``(task, result, error)`` as pages finish (not in input order).

    ``func`` must be a picklable top-level function. ``workers=1`` runs pages in this process
    (no start-up cost, no isolation); otherwise each page runs in a worker process, and a page
    whose worker crashes or exceeds ``timeout`` seconds is reported (``PageCrashed``,
    ``PageTimedOut``) while the rest of the batch goes on in fresh workers.
    """
    tasks = list(tasks)
    if workers == 1:
        for task in tasks:
            if cancelled and cancelled():
                return
            try:
                yield task, func(task), None
            except Exception as exc:  # reported per page; the batch goes on
                yield task, None, exc
        return
    yield from _pooled(func, tasks, min(workers or default_workers(), max(1, len(tasks))), cancelled, timeout)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")  # fork is unsafe beside Qt and onnxruntime threads
    threads = max(1, default_workers() // workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(threads,))


def _kill(pool: ProcessPoolExecutor) -> None:
    # The executor has no public way to stop a running call; its worker processes are killed.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _pooled(func, tasks, workers, cancelled, timeout):
    """Keep exactly ``workers`` pages in flight, so a page's submit time is its start time.

    When a worker dies, every page in flight fails with it; those pages are re-run one at a
    time ("suspects") so only the page that really kills its worker is reported.
    """
    queue = list(reversed(tasks))
    suspects: list = []
    pool = _new_pool(workers)
    pending: dict[Future, tuple[Any, float]] = {}
    try:
        while queue or suspects or pending:
            if cancelled and cancelled():
                return
            limit = 1 if suspects else workers
            while len(pending) < limit and (suspects or queue):
                task = suspects.pop() if suspects else queue.pop()
                pending[pool.submit(func, task)] = (task, time.monotonic())
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task, _started = pending.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    broken = True
                    if limit == 1:
                        yield task, None, PageCrashed("the worker process crashed on this page")
                    else:
                        suspects.append(task)
                else:
                    yield task, (None if error else future.result()), error
            overdue = [f for f, (_, started) in pending.items() if timeout and time.monotonic() - started > timeout]
            if overdue:
                for future in overdue:
                    task, _ = pending.pop(future)
                    yield task, None, PageTimedOut(f"no result after {timeout:g} s; stopped")
                queue.extend(task for task, _ in pending.values())  # innocent: run again
                pending.clear()
                broken = True
            if broken:
                suspects.extend(task for task, _ in pending.values())
                pending.clear()
                _kill(pool)
                pool = _new_pool(workers)
    finally:
        _kill(pool) if pending else pool.shutdown(wait=True, cancel_futures=True)
