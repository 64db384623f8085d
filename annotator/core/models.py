"""SQLModel tables: the research data a project holds.

Every editable row carries ``created_at``, ``updated_at`` and ``version``. ``version`` is
SQLAlchemy's ``version_id_col``: an UPDATE that finds a different version than the one it
read raises ``StaleDataError``, so two coders editing one team database cannot silently
overwrite each other. Geometry is plain JSON (lists of [x, y] floats in upright page pixels)
plus an integer bbox for indexing and sorting; nothing here knows about Qt.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, ForeignKey, Integer, MetaData, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# Stable constraint names keep Alembic batch migrations on SQLite predictable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

PANEL_SOURCES = ("auto", "manual")
#: "other": watermarks, signatures, page numbers, credits — kept, but not dialogue.
REGION_KINDS = ("speech", "thought", "caption", "sfx", "sign", "other")
PAGE_KINDS = ("page", "strip")
DIRECTIONS = ("auto", "ltr", "rtl")
CODING_TARGETS = ("episode", "page", "panel", "text_region")
PAGE_STATUSES = ("new", "in_progress", "done", "reviewed")
REVISION_FIELDS = ("text", "translation", "speaker_id")
REVISION_SOURCES = ("typed", "accepted-ocr", "imported", "auto-coded", "reverted")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE", index: bool = True):
    """A foreign key whose deletes cascade in the database itself, not only in the ORM."""
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index),
    )


# Ids are never reused (SQLite AUTOINCREMENT): undo restores deleted rows under their old ids,
# which must not have been handed to a new row in the meantime.
NO_REUSE = {"sqlite_autoincrement": True}


class Versioned(SQLModel):
    """Timestamps and the optimistic-locking counter shared by every editable table."""

    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False, sa_column_kwargs={"onupdate": utcnow})
    version: int = Field(default=1, nullable=False)

    @declared_attr
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy's declared_attr protocol
        return {"version_id_col": cls.__table__.c.version}


class Coder(Versioned, table=True):
    """A person who annotates; every annotation records one."""

    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)


class Series(Versioned, table=True):
    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    name_zh: str = ""
    publisher: str = ""
    url: str = ""
    notes: str = ""
    direction: str = "auto"


class Episode(Versioned, table=True):
    """One published instalment; provenance (URL, dates) is what researchers cite."""

    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    series_id: Optional[int] = _fk("series.id")
    number: Optional[int] = Field(default=None, index=True)
    title: str = ""
    title_zh: str = ""
    published_on: Optional[date] = None
    source_url: str = ""
    retrieved_at: Optional[datetime] = None
    notes: str = ""
    direction: Optional[str] = None  # None: inherit the series setting


class Page(Versioned, table=True):
    """One image of an episode: a printed page or a whole vertical strip.

    ``media_path`` is relative to the project folder and content-addressed by sha256, so
    two episodes sharing an image share one file.
    """

    __table_args__ = (UniqueConstraint("episode_id", "media_sha256", name="uq_page_episode_media"), NO_REUSE)

    id: Optional[int] = Field(default=None, primary_key=True)
    episode_id: Optional[int] = _fk("episode.id")
    index: int = 0
    media_sha256: str = Field(index=True)
    media_path: str
    original_filename: str = ""
    width: int
    height: int
    kind: str = "page"
    direction: Optional[str] = None  # None: inherit the episode's; a book may mix layouts
    segmented_at: Optional[datetime] = None
    ocr_at: Optional[datetime] = None
    # see PAGE_STATUSES; set by core.page_status. The server default lets migration 0004 add the
    # column in place (a table copy of ``page`` would cascade-delete its panels and regions).
    status: str = Field(default="new", index=True, sa_column_kwargs={"server_default": "new"})


class Panel(Versioned, table=True):
    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    page_id: Optional[int] = _fk("page.id")
    order: int = 0
    polygon: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0
    source: str = "auto"
    confidence: Optional[float] = None
    memo: str = ""

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


class Character(Versioned, table=True):
    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    name_zh: str = ""
    role: str = ""  # officer | foreign agent | civilian | local recruit | ...
    affiliation: str = ""
    description: str = ""
    # Portrait: a crop of a page, {"page_id": int, "bbox": [x, y, w, h]}.
    portrait: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))


class TextRegion(Versioned, table=True):
    """A balloon, caption or free text. OCR fields and human fields never mix.

    ``ocr_*`` is what an engine read (with provenance); ``text`` is the human correction and
    is never written by OCR. ``ocr_differs`` flags a re-run whose reading no longer matches
    the reading the correction was made against.
    """

    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    page_id: Optional[int] = _fk("page.id")
    panel_id: Optional[int] = _fk("panel.id", nullable=True, ondelete="SET NULL")
    order: int = 0
    polygon: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0
    kind: str = "speech"
    vertical: bool = False
    lang: str = "zh"
    source: str = "auto"
    ocr_text: Optional[str] = None
    ocr_engine: Optional[str] = None
    ocr_engine_version: Optional[str] = None
    ocr_confidence: Optional[float] = None
    ocr_at: Optional[datetime] = None
    ocr_differs: bool = False
    text: Optional[str] = None
    translation: str = ""
    speaker_id: Optional[int] = _fk("character.id", nullable=True, ondelete="SET NULL")

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    @property
    def display_text(self) -> str:
        """What a reader should see: the correction when there is one, else the OCR reading."""
        return self.text if self.text is not None else (self.ocr_text or "")


class Appearance(Versioned, table=True):
    __table_args__ = (UniqueConstraint("character_id", "panel_id", name="uq_appearance_character_panel"), NO_REUSE)

    id: Optional[int] = Field(default=None, primary_key=True)
    character_id: Optional[int] = _fk("character.id")
    panel_id: Optional[int] = _fk("panel.id")
    coder_id: Optional[int] = _fk("coder.id", nullable=True, ondelete="SET NULL")


class Motif(Versioned, table=True):
    """A node of the codebook tree."""

    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    parent_id: Optional[int] = _fk("motif.id", nullable=True)
    position: int = 0
    name: str = Field(index=True)
    name_zh: str = ""
    description: str = ""
    keywords_en: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    keywords_zh: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    colour: str = "#888888"
    shortcut: str = ""


class Coding(Versioned, table=True):
    """A motif applied to exactly one target: an episode, page, panel or text region.

    One nullable foreign key per target kind (rather than a type/id pair) lets the database
    cascade deletes and enforce integrity itself.
    """

    __table_args__ = (
        CheckConstraint(
            " + ".join(f"(CASE WHEN {kind}_id IS NULL THEN 0 ELSE 1 END)" for kind in CODING_TARGETS) + " = 1",
            name="one_target",
        ),
        NO_REUSE,
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    motif_id: Optional[int] = _fk("motif.id")
    episode_id: Optional[int] = _fk("episode.id", nullable=True)
    page_id: Optional[int] = _fk("page.id", nullable=True)
    panel_id: Optional[int] = _fk("panel.id", nullable=True)
    text_region_id: Optional[int] = _fk("textregion.id", nullable=True)
    coder_id: Optional[int] = _fk("coder.id", nullable=True, ondelete="SET NULL")
    memo: str = ""
    source: str = ""  # how it was made when not by hand, e.g. "search: 境外组织" (auto-code)

    @property
    def target(self) -> tuple[str, int]:
        for kind in CODING_TARGETS:
            value = getattr(self, f"{kind}_id")
            if value is not None:
                return kind, value
        raise ValueError("coding without a target")


SEARCH_FIELDS = ("text", "translation", "memo", "character", "motif")


class SearchDoc(SQLModel, table=True):
    """One searchable field of one row, folded (see ``core.fold``); the search index's source.

    Written by ``core.search_index`` in the same transaction as the row it mirrors; the foreign
    keys cascade, so a row deleted by the database itself (a page and its regions) takes its
    documents along. ``region_id`` and ``pos`` (episode number, page index and region order
    packed into one integer) let text hits come back in reading order straight from an index.
    """

    __tablename__ = "search_doc"
    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    field: str
    region_id: Optional[int] = _fk("textregion.id", nullable=True)
    coding_id: Optional[int] = _fk("coding.id", nullable=True)
    character_id: Optional[int] = _fk("character.id", nullable=True)
    motif_id: Optional[int] = _fk("motif.id", nullable=True)
    pos: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, index=True))
    folded: str = ""


class Revision(SQLModel, table=True):
    """One change to a region's human layer: its correction, translation or speaker.

    Written by ``core.revisions`` from a flush hook, so no service can forget it. ``region_id``
    is deliberately not a foreign key: the history outlives a deleted region (ids are never
    reused) and is there again when undo restores it. Values are stored as text (a speaker as
    its character id); ``None`` means "no value" (no correction, no speaker).
    """

    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    region_id: int = Field(index=True)
    field: str
    old_value: Optional[str] = None
    new_value: Optional[str] = None
    coder_id: Optional[int] = _fk("coder.id", nullable=True, ondelete="SET NULL")
    source: str = "typed"  # see REVISION_SOURCES
    at: datetime = Field(default_factory=utcnow, nullable=False)


class OcrRun(SQLModel, table=True):
    """One OCR run on a page: a text layer (engine, version, settings) with every reading it made.

    ``readings`` is a list of {"region_id", "bbox", "text", "confidence", "vertical", "lang",
    "kind"}; the regions' ``ocr_*`` fields stay the latest reading, this keeps all of them.
    """

    __tablename__ = "ocr_run"
    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    page_id: Optional[int] = _fk("page.id")
    engine: str = ""
    engine_version: str = ""
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    readings: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, nullable=False)


class SpeakerSuggestion(SQLModel, table=True):
    """A speaker suggested for a region and what the coder did with it.

    Suggestions are never written to ``TextRegion.speaker_id`` by themselves; a row here is
    recorded when a coder confirms one (``accepted``) or picks someone else / dismisses them
    (``accepted`` false for every suggestion not taken), so the suggester can be scored.
    """

    __tablename__ = "speaker_suggestion"
    __table_args__ = NO_REUSE

    id: Optional[int] = Field(default=None, primary_key=True)
    region_id: Optional[int] = _fk("textregion.id")
    character_id: Optional[int] = _fk("character.id")
    rank: int = 0
    score: float = 0.0
    accepted: bool = False
    coder_id: Optional[int] = _fk("coder.id", nullable=True, ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, nullable=False)


class Setting(SQLModel, table=True):
    """Project-wide settings shared by every coder (reading direction, OCR engine, ...)."""

    key: str = Field(primary_key=True)
    value: str = ""
