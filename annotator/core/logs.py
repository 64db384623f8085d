"""One log file per user, so a failure nobody saw on screen can still be read afterwards.

The CLI and the window call :func:`setup` once; modules log through ``logging.getLogger(__name__)``.
The file rotates (three backups of 1 MB) in the user's log folder (platformdirs), or in
``$ANNOTATOR_LOG_DIR`` when set (tests, portable installs).
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"


def log_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_LOG_DIR") or platformdirs.user_log_dir("annotator", appauthor=False))


def setup(level: int = logging.INFO) -> Path | None:
    """Send the ``annotator`` loggers to the rotating file; returns its path (None if unwritable)."""
    path = log_dir() / "annotator.log"
    logger = logging.getLogger("annotator")
    logger.setLevel(level)
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as exc:  # a read-only home must not stop the program; say so once
        print(f"warning: cannot write the log file {path}: {exc}", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    return path
