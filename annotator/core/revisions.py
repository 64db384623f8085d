"""The human layer's history: every change to a correction, translation or speaker is a revision.

Revisions are written by an ``after_flush`` hook on every session, so no path (GUI edit, CLI,
auto-code, import, undo, a script) can change these fields without leaving one. Who made the
change and how come from :func:`acting`, which services and front ends wrap around their writes:
the coder's name (else ``$ANNOTATOR_CODER``, else the login name) and the source (``typed``
unless said otherwise). A correction that equals the OCR reading where there was none is
recorded as ``accepted-ocr`` without anybody having to say so.

A region created with values (an import, a restored undo) gets a revision only for values that
differ from the last one its history recorded, so undoing a delete does not add noise.
"""

from __future__ import annotations

import difflib
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session
from sqlmodel import select

from annotator.core import models
from annotator.core.models import REVISION_FIELDS, REVISION_SOURCES, utcnow

if TYPE_CHECKING:
    from annotator.core.project import Project

_acting: ContextVar[tuple[str | None, str | None]] = ContextVar("annotator_acting", default=(None, None))


@contextmanager
def acting(coder: str | None = None, source: str | None = None) -> Iterator[None]:
    """Attribute the revisions written inside the block; inner blocks override what they name."""
    if source is not None and source not in REVISION_SOURCES:
        raise ValueError(f"unknown revision source {source!r}; one of {', '.join(REVISION_SOURCES)}")
    outer_coder, outer_source = _acting.get()
    token = _acting.set((coder or outer_coder, source or outer_source))
    try:
        yield
    finally:
        _acting.reset(token)


def default_coder() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        login = ""
    return os.environ.get("ANNOTATOR_CODER") or login or "anonymous"


def _stored(field: str, value: Any) -> str | None:
    if value is None:
        return None
    return str(int(value)) if field == "speaker_id" else str(value)


def field_value(field: str, stored: str | None) -> Any:
    """A revision's stored text back as the region field's value (for revert)."""
    if field == "speaker_id":
        return int(stored) if stored not in (None, "") else None
    if field == "translation":
        return stored or ""
    return stored


def _empty(field: str, value: Any) -> bool:
    return value is None or (field == "translation" and value == "")


def _coder_id(conn, session: Session, name: str) -> int:
    cache = session.info.setdefault("revision_coders", {})
    if name not in cache:
        table = models.Coder.__table__
        found = conn.execute(sa_select(table.c.id).where(table.c.name == name)).scalar()
        if found is None:
            now = utcnow()
            found = conn.execute(table.insert().values(name=name, created_at=now, updated_at=now, version=1)
                                 ).inserted_primary_key[0]
        cache[name] = found
    return cache[name]


def _last_values(conn, region_id: int) -> dict[str, str | None]:
    table = models.Revision.__table__
    rows = conn.execute(sa_select(table.c.field, table.c.new_value).where(table.c.region_id == region_id)
                        .order_by(table.c.id)).all()
    return {field: value for field, value in rows}


@event.listens_for(Session, "after_flush")
def _record(session: Session, _context) -> None:
    changes: list[tuple[models.TextRegion, str, str | None, str | None]] = []
    fresh = [o for o in session.new if isinstance(o, models.TextRegion)]
    for region in session.dirty:
        if not isinstance(region, models.TextRegion) or region in session.deleted:
            continue
        state = inspect(region)
        for field in REVISION_FIELDS:
            history = state.attrs[field].history
            if not history.has_changes():
                continue
            old = _stored(field, history.deleted[0]) if history.deleted else None
            new = _stored(field, getattr(region, field))
            if old != new and not (_empty(field, old) and _empty(field, new)):
                changes.append((region, field, old, new))
    if not changes and not any(not _empty(f, getattr(r, f)) for r in fresh for f in REVISION_FIELDS):
        return
    conn = session.connection()
    for region in fresh:
        last = None
        for field in REVISION_FIELDS:
            value = getattr(region, field)
            if _empty(field, value):
                continue
            if last is None:
                last = _last_values(conn, region.id)
            if last.get(field) != _stored(field, value):
                changes.append((region, field, last.get(field), _stored(field, value)))
    if not changes:
        return
    coder, source = _acting.get()
    coder_id = _coder_id(conn, session, coder or default_coder())
    now = utcnow()
    rows = []
    for region, field, old, new in changes:
        how = source or "typed"
        if how == "typed" and field == "text" and old is None and new is not None and new == region.ocr_text:
            how = "accepted-ocr"
        rows.append({"region_id": region.id, "field": field, "old_value": old, "new_value": new,
                     "coder_id": coder_id, "source": how, "at": now})
    conn.execute(models.Revision.__table__.insert(), rows)
    pages = {region.page_id for region, *_ in changes}
    page = models.Page.__table__
    conn.execute(page.update().where(page.c.id.in_(pages), page.c.status == "new").values(status="in_progress"))


# -- reading and reverting -------------------------------------------------------------------


@dataclass
class RevisionInfo:
    id: int
    region_id: int
    field: str
    old_value: str | None
    new_value: str | None
    coder: str | None
    source: str
    at: datetime
    old_label: str | None = None  # a speaker's name instead of its id
    new_label: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "region": self.region_id, "field": self.field, "old": self.old_value,
                "new": self.new_value, "old_label": self.old_label, "new_label": self.new_label,
                "coder": self.coder, "source": self.source, "at": self.at.isoformat()}


def history(project: Project, region_id: int, field: str | None = None) -> list[RevisionInfo]:
    """A region's revisions, oldest first (optionally of one field)."""
    with project.session() as s:
        query = (select(models.Revision, models.Coder.name)
                 .join(models.Coder, models.Coder.id == models.Revision.coder_id, isouter=True)
                 .where(models.Revision.region_id == region_id).order_by(models.Revision.id))
        if field is not None:
            query = query.where(models.Revision.field == field)
        rows = s.exec(query).all()
        names = {c.id: (f"{c.name_zh} {c.name}".strip() if c.name_zh else c.name)
                 for c in s.exec(select(models.Character))}
    out = []
    for rev, coder in rows:
        info = RevisionInfo(rev.id, rev.region_id, rev.field, rev.old_value, rev.new_value, coder, rev.source, rev.at)
        if rev.field == "speaker_id":
            info.old_label = _speaker_label(names, rev.old_value)
            info.new_label = _speaker_label(names, rev.new_value)
        out.append(info)
    return out


def _speaker_label(names: dict[int, str], stored: str | None) -> str | None:
    if stored in (None, ""):
        return None
    return names.get(int(stored), f"(deleted character {stored})")


def diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """Character-level diff of two versions as (op, text) runs: ``=`` kept, ``-`` removed, ``+`` added.

    Characters, not words: Chinese has no spaces to split on.
    """
    a, b = old or "", new or ""
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("=", a[i1:i2]))
        else:
            if i2 > i1:
                runs.append(("-", a[i1:i2]))
            if j2 > j1:
                runs.append(("+", b[j1:j2]))
    return runs


def revert_fields(project: Project, revision_id: int) -> tuple[int, dict]:
    """(region id, {field: value}) that puts a region's field back to what this revision made it."""
    with project.session() as s:
        rev = s.get(models.Revision, revision_id)
        if rev is None:
            raise LookupError(f"revision {revision_id} does not exist")
        value = field_value(rev.field, rev.new_value)
        if rev.field == "speaker_id" and value is not None and s.get(models.Character, value) is None:
            raise ValueError(f"the speaker of revision {revision_id} (character {value}) has been deleted")
        return rev.region_id, {rev.field: value}


def revert(project: Project, revision_id: int, coder: str | None = None) -> dict:
    """Put the region's field back to this revision's value (a new ``reverted`` revision).

    Returns the previous values, as ``annotate.update_region`` does, for undo.
    """
    from annotator.core import annotate

    region_id, fields = revert_fields(project, revision_id)
    with acting(coder, "reverted"):
        return annotate.update_region(project, region_id, **fields)
