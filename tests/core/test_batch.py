"""The page batch runner: a page that crashes its worker or hangs is reported; the rest go on."""

from __future__ import annotations

import os
import signal
import time

from annotator.core.batch import PageCrashed, PageTimedOut, map_pages


def _work(task: str) -> str:
    if task == "crash":
        os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in native OCR code would
    if task == "hang":
        time.sleep(600)
    if task == "error":
        raise ValueError("cannot read this page")
    return task.upper()


def _run(tasks, **kwargs):
    return {task: (result, error) for task, result, error in map_pages(_work, tasks, workers=2, **kwargs)}


def test_crash_hang_and_error_are_reported_and_the_rest_finish():
    tasks = ["a", "crash", "b", "hang", "c", "error", "d"]
    started = time.monotonic()
    out = _run(tasks, timeout=8)
    assert set(out) == set(tasks)
    assert {t: out[t][0] for t in "abcd"} == {"a": "A", "b": "B", "c": "C", "d": "D"}
    assert isinstance(out["crash"][1], PageCrashed)
    assert isinstance(out["hang"][1], PageTimedOut) and "8 s" in str(out["hang"][1])
    assert isinstance(out["error"][1], ValueError)
    assert time.monotonic() - started < 120  # the hung page was stopped, not waited for


def test_cancel_stops_the_batch_and_its_workers():
    seen = []
    for task, _result, _error in map_pages(_work, ["a", "hang", "b", "c"], workers=2,
                                           cancelled=lambda: len(seen) >= 1):
        seen.append(task)
    assert len(seen) < 4


def test_single_worker_runs_in_process():
    out = list(map_pages(_work, ["x", "error"], workers=1))
    assert out[0] == ("x", "X", None) and isinstance(out[1][2], ValueError)
