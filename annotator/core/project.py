"""A project is a folder: ``project.db`` (or a server URL), ``media/`` and ``cache/``.

Media are stored content-addressed (``media/ab/abcdef….png``) so originals are kept
byte-for-byte for citation, deduplicated, and never renamed under the database's feet.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from annotator.core import models
from annotator.core.database import ProjectError, make_engine, prepare_schema

DB_NAME = "project.db"
MARKER = "annotator-project.json"


class Project:
    """An open project: its folder, its engine, and sessions on it.

    Services take a ``Project`` and open short sessions, one transaction per user action, so
    every edit is durable the moment the call returns.
    """

    def __init__(self, root: Path, engine: Engine, backup: Path | None = None):
        self.root = root
        self.engine = engine
        self.backup = backup
        self._local = threading.local()  # the session of an open ``transaction()``, per thread

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def media_file(self, relative: str) -> Path:
        return self.root / relative

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error.

        Inside ``transaction()`` every service call shares that one session instead.
        """
        outer = getattr(self._local, "session", None)
        if outer is not None:
            yield outer
            return
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Several service calls as one transaction (e.g. a file import): all of them land or none.

        An inner ``transaction()`` joins the outer one.
        """
        outer = getattr(self._local, "session", None)
        if outer is not None:
            yield outer
            return
        with self.session() as s:
            self._local.session = s
            try:
                yield s
            finally:
                self._local.session = None

    def setting(self, key: str, default: str = "") -> str:
        with self.session() as s:
            row = s.get(models.Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as s:
            row = s.get(models.Setting, key) or models.Setting(key=key)
            row.value = value
            s.add(row)

    def coder(self, name: str) -> int:
        """Id of the coder with this name, created on first use."""
        name = name.strip() or "anonymous"
        with self.session() as s:
            row = s.exec(select(models.Coder).where(models.Coder.name == name)).first()
            if row is None:
                row = models.Coder(name=name)
                s.add(row)
                s.flush()
            return row.id

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


STALE_TEMP_SECONDS = 3600


def _sweep_interrupted_writes(root: Path) -> None:
    """Remove temp files left by a crashed write; the database never references them.

    Only old ones go: a fresh temp file may belong to another process importing right now.
    """
    cutoff = time.time() - STALE_TEMP_SECONDS
    for folder in ("media", "cache"):
        for leftover in root.joinpath(folder).rglob(".tmp-*"):
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
            except OSError:
                pass  # gone already, or not ours to remove


def _db_url(root: Path, db: str | None) -> str:
    return db or f"sqlite:///{(root / DB_NAME).resolve()}"


def init_project(root: str | Path, db: str | None = None) -> Project:
    """Create a project folder (or adopt an empty one) and its database."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{root} exists and is not a folder")
    if (root / MARKER).exists():
        raise ProjectError(f"{root} is already a project; open it instead")
    root.mkdir(parents=True, exist_ok=True)
    (root / "media").mkdir(exist_ok=True)
    (root / "cache").mkdir(exist_ok=True)
    engine = make_engine(_db_url(root, db))
    try:
        prepare_schema(engine, create=True)
    except Exception:
        engine.dispose()
        raise
    marker = {"format": 1, "db": "sqlite" if db is None else "server"}
    (root / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Project(root, engine)


def open_project(root: str | Path, db: str | None = None) -> Project:
    """Open an existing project, migrating an older schema after a backup; refuse a newer one."""
    root = Path(root)
    if not (root / MARKER).exists():
        if (root / DB_NAME).exists():
            raise ProjectError(f"{root} has a {DB_NAME} but no {MARKER}; is this an annotator project?")
        raise ProjectError(f"{root} is not an annotator project (run `annotator init {root}` first)")
    if db is None and not (root / DB_NAME).exists():
        raise ProjectError(f"{root / DB_NAME} is missing; the project's database is gone")
    engine = make_engine(_db_url(root, db))
    try:
        backup = prepare_schema(engine, create=db is not None)
    except Exception:
        engine.dispose()
        raise
    (root / "media").mkdir(exist_ok=True)
    (root / "cache").mkdir(exist_ok=True)
    _sweep_interrupted_writes(root)
    return Project(root, engine, backup)
