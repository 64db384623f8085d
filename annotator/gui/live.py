"""Other coders' edits appear without reopening the project.

On PostgreSQL the window listens (``core.changes.ChangeWatcher``) and checks for notices twice a
second, so another coder's edit shows within about a second. On SQLite there are no notices;
the check runs when the window gets the focus back, which is when a second process (a script,
another window) could have changed the file.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer

from annotator.core.changes import ChangeWatcher
from annotator.gui.changes import Kind
from annotator.gui.context import AppContext

log = logging.getLogger(__name__)
POLL_MS = 500
TABLE_KINDS = {"motif": Kind.MOTIF, "character": Kind.CHARACTER, "appearance": Kind.APPEARANCE,
               "episode": Kind.LIBRARY, "series": Kind.LIBRARY}


class LiveUpdates(QObject):
    """Turns other connections' commits into the context's ordinary change notices."""

    def __init__(self, ctx: AppContext, window):
        super().__init__(window)
        self.ctx = ctx
        self.watcher = ChangeWatcher(ctx.project)
        self.timer = QTimer(self)
        if self.watcher.postgres:
            self.timer.setInterval(POLL_MS)
            self.timer.timeout.connect(self.check)
            self.timer.start()
        else:
            window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.WindowActivate:
            self.check()
        return False

    def check(self) -> int:
        """Apply what others changed; returns how many notices arrived."""
        try:
            changes = self.watcher.poll()
        except Exception:  # the server went away: say so once, keep the window usable
            log.exception("checking for other coders' edits failed")
            self.timer.stop()
            self.ctx.status.emit("Lost the connection that shows other coders' edits; reopen the project to see them")
            return 0
        for change in changes:
            if change.pages is None:
                self.ctx.notify(Kind.PAGE, None)
            else:
                for page_id in sorted(change.pages):
                    self.ctx.notify(Kind.PAGE, page_id)
            for table in sorted(change.tables & TABLE_KINDS.keys()):
                self.ctx.notify(TABLE_KINDS[table], None)
        if changes:
            self.ctx.status.emit("Updated with another coder's edits")
        return len(changes)

    def close(self) -> None:
        self.timer.stop()
        self.watcher.close()
