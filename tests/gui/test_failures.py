"""A background job that fails says so in one line, keeps its traceback one click away, and logs it."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from annotator.core import logs


def test_failed_job_shows_details_and_is_logged(qtbot, window, wait_jobs, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(tmp_path / "logs"))
    log_file = logs.setup()
    try:
        def boom(_control):
            return {}["missing media"]

        status = window.statusBar()
        assert not status.details.isVisible()
        window.ctx.jobs.run_op(boom, label="Reading text")
        wait_jobs(window)
        qtbot.waitUntil(status.details.isVisible)
        assert status.currentMessage() == "Reading text: KeyError: 'missing media'"
        box = status.show_details()
        assert box.text() == "Reading text: KeyError: 'missing media'"
        assert "Traceback (most recent call last)" in box.detailedText() and "in boom" in box.detailedText()
        box.close()
        qtbot.waitUntil(lambda: not status.details.isVisible())
        for handler in logging.getLogger("annotator").handlers:
            handler.flush()
        text = log_file.read_text(encoding="utf-8")
        assert "job 'Reading text' failed: KeyError: 'missing media'" in text and "in boom" in text
    finally:
        logger = logging.getLogger("annotator")
        for handler in [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]:
            logger.removeHandler(handler)
            handler.close()
