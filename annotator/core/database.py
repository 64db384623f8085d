"""Opening a project's database: engines, pragmas, and the schema-version gate.

The flow follows Taguette: a fresh database gets ``create_all`` and an Alembic stamp; an
older one is backed up (SQLite's online backup API, safe under WAL) and upgraded; one written
by a newer annotator, or not by annotator at all, is refused and left untouched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

from annotator.core import models, search_index  # noqa: F401 - search_index keeps the index in step
from annotator.core import revisions  # noqa: F401 - revisions records every change to the human layer

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class ProjectError(Exception):
    """A project that cannot be opened or used; the message is meant for the user."""


class DatabaseTooNew(ProjectError):
    pass


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file or a server URL; SQLite gets WAL and enforced foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(engine: Engine, revision: str) -> Path | None:
    """Copy a SQLite database beside itself with the online backup API (consistent under WAL)."""
    path = engine.url.database
    if not path or path == ":memory:":
        return None
    target = Path(f"{path}.{revision}.bak")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def prepare_schema(engine: Engine, *, create: bool) -> Path | None:
    """Bring the schema to head, or refuse. Returns the backup path when a migration ran."""
    url = engine.url.render_as_string(hide_password=False)
    tables = set(inspect(engine).get_table_names())
    head = head_revision()
    if not tables:
        if not create:
            raise ProjectError("the database is empty; create a project with `annotator init`")
        models.metadata.create_all(engine)
        cfg = alembic_config(url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.stamp(cfg, "head")
        return None
    if "alembic_version" not in tables:
        raise ProjectError("this database was not written by annotator (no schema version); it was left untouched")
    revision = current_revision(engine)
    if revision == head:
        return None
    if revision not in known_revisions():
        raise DatabaseTooNew(
            f"this project was written by a newer version of annotator (schema {revision}; this version "
            f"knows up to {head}). Upgrade annotator to open it; the database was left untouched."
        )
    backup = backup_sqlite(engine, revision or "base") if engine.url.get_backend_name() == "sqlite" else None
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
