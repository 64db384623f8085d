"""Running a per-page function over many pages in worker processes.

Workers compute; the calling process stores each result in its own transaction as it
arrives, so cancelling (or a crash) keeps every page finished so far and never leaves a page
half-written. One page's failure is reported and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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


def map_pages(
    func: Callable[[Any], Any],
    tasks: Iterable[Any],
    *,
    workers: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """Yield ``(task, result, error)`` as pages finish (not in input order).

    ``func`` must be a picklable top-level function. With one worker, pages run in this
    process (no start-up cost, easier debugging).
    """
    tasks = list(tasks)
    workers = min(workers or default_workers(), max(1, len(tasks)))
    if workers == 1:
        for task in tasks:
            if cancelled and cancelled():
                return
            try:
                yield task, func(task), None
            except Exception as exc:  # reported per page; the batch goes on
                yield task, None, exc
        return
    context = multiprocessing.get_context("spawn")  # fork is unsafe beside Qt and onnxruntime threads
    threads = max(1, default_workers() // workers)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(threads,))
    pending: dict[Future, Any] = {}
    queue = iter(tasks)
    try:
        for task in queue:
            pending[pool.submit(func, task)] = task
            if len(pending) >= workers * 2:
                break
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if cancelled and cancelled():
                return
            for future in done:
                task = pending.pop(future)
                error = future.exception()
                yield task, (None if error else future.result()), error
                following = next(queue, None)
                if following is not None:
                    pending[pool.submit(func, following)] = following
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
