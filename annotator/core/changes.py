"""Hearing other coders' edits: a notice with every commit, and a watcher for the window.

On PostgreSQL every transaction that changed rows sends ``NOTIFY annotator_changes`` with the
pages it touched (inside the transaction, so it is delivered only if the commit succeeds), and
a :class:`ChangeWatcher` LISTENs on its own connection. SQLite has no notifications; there the
watcher compares ``PRAGMA data_version``, which moves whenever another connection commits, so
a window can check cheaply when it gets the focus.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import event, text
from sqlmodel import Session

from annotator.core import models

if TYPE_CHECKING:
    from annotator.core.project import Project

CHANNEL = "annotator_changes"
SENDER = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"  # lets a window ignore its own notices
MAX_PAGES = 200  # NOTIFY payloads are limited to 8000 bytes; more pages means "reload everything"


@dataclass
class Change:
    """What another coder changed: these pages (None: anything), and which kinds of rows."""

    pages: set[int] | None
    tables: set[str] = field(default_factory=set)
    sender: str = ""


def _page_of(obj) -> int | None:
    if isinstance(obj, models.Page):
        return obj.id
    return getattr(obj, "page_id", None)


@event.listens_for(Session, "after_flush")
def _collect(session, _context) -> None:
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return
    info = session.info.setdefault("changes", {"pages": set(), "tables": set()})
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None:
            continue
        info["tables"].add(table)
        page = _page_of(obj)
        if page is not None:
            info["pages"].add(page)


@event.listens_for(Session, "before_commit")
def _notify(session) -> None:
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return
    session.flush()  # commit flushes after this hook; collect its changes first
    info = session.info.pop("changes", None)
    if not info or not info["tables"]:
        return
    pages = sorted(info["pages"]) if len(info["pages"]) <= MAX_PAGES else None
    payload = json.dumps({"pages": pages, "tables": sorted(info["tables"]), "sender": SENDER})
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop("changes", None)


class ChangeWatcher:
    """Reports commits made by other connections since the last call to :meth:`poll`."""

    def __init__(self, project: "Project"):
        url = project.engine.url
        self.postgres = url.get_backend_name() == "postgresql"
        if self.postgres:
            import psycopg

            self._conn = psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                         dbname=url.database, autocommit=True)
            self._conn.execute(f"LISTEN {CHANNEL}")
        else:
            self._conn = sqlite3.connect(url.database, check_same_thread=False)
            self._version = self._data_version()

    def _data_version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def poll(self, timeout: float = 0.0) -> list[Change]:
        """Changes by others, waiting up to ``timeout`` seconds for the first one (PostgreSQL)."""
        if not self.postgres:
            version = self._data_version()
            changed, self._version = version != self._version, version
            return [Change(pages=None)] if changed else []
        changes = []
        for notice in self._conn.notifies(timeout=timeout, stop_after=1):
            changes.append(notice)
        while True:  # drain what else is queued, without waiting
            more = list(self._conn.notifies(timeout=0.0, stop_after=1))
            if not more:
                break
            changes += more
        result = []
        for notice in changes:
            data = json.loads(notice.payload)
            if data.get("sender") != SENDER:
                pages = data.get("pages")
                result.append(Change(pages=None if pages is None else set(pages), tables=set(data.get("tables", [])),
                                     sender=data.get("sender", "")))
        return result

    def close(self) -> None:
        self._conn.close()
