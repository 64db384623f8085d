"""Importing episodes: image files, folders, CBZ/ZIP archives, PDF pages and long strips.

Inputs are recognised by their bytes, not their names. Each page is decoded fully before
anything is written, stored content-addressed, then committed in its own transaction; an
episode row is created in the same transaction as its first page, so a killed import never
leaves a page without media or an episode without pages. Bad files are reported one line
each and the rest of the batch goes on. Pages are decoded by the one batch runner
(``core.batch.map_pages``) in worker processes, so a file that crashes or hangs a decoder is
reported as that file's error instead of taking the program down.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from sqlalchemy import func
from sqlmodel import select

from annotator.core import models
from annotator.core.batch import map_pages
from annotator.core.media import (
    FORMAT_SUFFIX,
    make_thumbnail,
    media_relpath,
    sha256_bytes,
    thumb_relpath,
    write_atomic,
)
from annotator.core.project import Project
from annotator.vision.images import IMAGE_SUFFIXES, MAX_PIXELS, ImageLoadError, is_vertical_strip, load_image

ARCHIVE_SUFFIXES = {".zip", ".cbz"}
PDF_SUFFIXES = {".pdf"}
MAX_ENTRY_BYTES = 512 * 1024 * 1024
PDF_DPI = 200

Progress = Callable[[int, int, str], None]
PDFIUM_LOCK = threading.Lock()


class ImportError_(ValueError):
    """An input that cannot be imported at all (unreadable archive, missing file)."""


PAGE_TIMEOUT = 120.0  # seconds to decode one page; a 40,000-px strip takes a few


@dataclass(frozen=True)
class Source:
    """One candidate page: a display name and where its bytes are (picklable, for worker processes)."""

    name: str
    path: str
    member: str | None = None  # entry of a ZIP/CBZ archive
    pdf_page: int | None = None  # page index of a PDF

    def read(self) -> bytes:
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member)
        if self.pdf_page is not None:
            return _render_pdf_page(self.path, self.pdf_page)
        return Path(self.path).read_bytes()


@dataclass
class ImportReport:
    episode_id: int | None = None
    page_ids: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False

    def to_json(self) -> dict:
        return {
            "episode_id": self.episode_id,
            "pages_added": len(self.page_ids),
            "page_ids": self.page_ids,
            "duplicates": self.duplicates,
            "errors": [{"file": n, "error": e} for n, e in self.errors],
            "cancelled": self.cancelled,
        }


def natural_key(text: str) -> list:
    """Sort key that puts page 2 before page 10."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


def _sniff(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"%PDF"):
        return "pdf"
    return "image"


def _archive_sources(path: Path, errors: list[tuple[str, str]]) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        errors.append((path.name, f"not a readable ZIP/CBZ archive ({exc})"))
        return
    entries = []
    for info in archive.infolist():
        name = info.filename
        label = f"{path.name}:{name}"
        if info.is_dir():
            continue
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            errors.append((label, "unsafe path in archive (escapes the folder); entry skipped"))
            continue
        if any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        if PurePosixPath(name).suffix.lower() not in IMAGE_SUFFIXES:
            errors.append((label, "not an image entry; skipped"))
            continue
        if info.file_size > MAX_ENTRY_BYTES:
            errors.append((label,
                           f"entry is {info.file_size / 1e6:.0f} MB, over the {MAX_ENTRY_BYTES // 2**20} MB limit"))
            continue
        entries.append(info)
    archive.close()
    for info in sorted(entries, key=lambda i: natural_key(i.filename)):
        yield Source(f"{path.name}:{info.filename}", str(path), member=info.filename)


def _pdf_sources(path: Path, errors: list[tuple[str, str]]) -> Iterator[Source]:
    import pypdfium2 as pdfium

    try:
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            count = len(pdf)
            pdf.close()
    except Exception as exc:  # pypdfium2 raises its own PdfiumError for every kind of damage
        errors.append((path.name, f"not a readable PDF ({exc})"))
        return
    for index in range(count):
        yield Source(f"{path.name}#page{index + 1}", str(path), pdf_page=index)


def _render_pdf_page(path: str, index: int) -> bytes:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # pdfium is not thread-safe (in-process imports may run beside each other)
        pdf = pdfium.PdfDocument(path)
        try:
            page = pdf[index]
            w, h = page.get_size()
            scale = PDF_DPI / 72
            if w * h * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / (w * h)) ** 0.5 * 0.99
            image = page.render(scale=scale).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def expand(paths: list[str | Path], errors: list[tuple[str, str]]) -> Iterator[Source]:
    """Every page the given files and folders hold, in reading order (natural sort)."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append((str(raw), "no such file or folder"))
            continue
        if not path.is_dir() and not path.is_file():  # a FIFO or device would block the first read
            errors.append((path.name, "not a regular file"))
            continue
        if path.is_dir():
            children = [
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            wanted = IMAGE_SUFFIXES | ARCHIVE_SUFFIXES | PDF_SUFFIXES
            children = [p for p in children if p.suffix.lower() in wanted]
            yield from expand(sorted(children, key=lambda p: natural_key(str(p.relative_to(path)))), errors)
            continue
        kind = _sniff(path)
        if kind == "zip":
            yield from _archive_sources(path, errors)
        elif kind == "pdf":
            yield from _pdf_sources(path, errors)
        else:
            yield Source(path.name, str(path))


@dataclass
class Prepared:
    name: str
    sha: str
    data: bytes
    suffix: str
    width: int
    height: int
    thumbnail: bytes


def prepare(source: Source) -> Prepared:
    """Read, validate and thumbnail one page; raises ImageLoadError/OSError for bad input."""
    data = source.read()
    name = source.name
    img = load_image(data, name=name)
    from PIL import Image

    with Image.open(io.BytesIO(data)) as probe:
        suffix = FORMAT_SUFFIX.get(probe.format or "", ".img")
    return Prepared(name, sha256_bytes(data), data, suffix, img.width, img.height, make_thumbnail(img))


@dataclass
class EpisodeSpec:
    """Where imported pages go; fields left None keep the episode's current values."""

    series: str | None = None
    number: int | None = None
    title: str | None = None
    title_zh: str | None = None
    url: str | None = None
    published_on: date | None = None
    notes: str | None = None
    direction: str | None = None
    episode_id: int | None = None


def _series_id(session, name: str) -> int:
    row = session.exec(select(models.Series).where(models.Series.name == name)).first()
    if row is None:
        row = models.Series(name=name)
        session.add(row)
        session.flush()
    return row.id


def _find_episode(session, spec: EpisodeSpec) -> models.Episode | None:
    if spec.episode_id is not None:
        return session.get(models.Episode, spec.episode_id)
    if spec.number is None:
        return None
    series_id = _series_id(session, spec.series or "Unsorted")
    return session.exec(
        select(models.Episode).where(models.Episode.series_id == series_id, models.Episode.number == spec.number)
    ).first()


def _apply_spec(episode: models.Episode, spec: EpisodeSpec) -> None:
    for attr, column in (
        ("title", "title"),
        ("title_zh", "title_zh"),
        ("url", "source_url"),
        ("published_on", "published_on"),
        ("notes", "notes"),
        ("direction", "direction"),
    ):
        value = getattr(spec, attr)
        if value is not None and getattr(episode, column) != value:
            setattr(episode, column, value)


def _new_episode(session, spec: EpisodeSpec) -> models.Episode:
    series_id = _series_id(session, spec.series or "Unsorted")
    number = spec.number
    if number is None:
        top = session.exec(select(func.max(models.Episode.number)).where(models.Episode.series_id == series_id)).one()
        number = (top or 0) + 1
    episode = models.Episode(series_id=series_id, number=number, retrieved_at=datetime.now(timezone.utc))
    _apply_spec(episode, spec)
    session.add(episode)
    session.flush()
    return episode


def import_pages(
    project: Project,
    paths: list[str | Path],
    spec: EpisodeSpec | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = 2,
    timeout: float | None = PAGE_TIMEOUT,
) -> ImportReport:
    """Import pages into one episode; see the module docstring for the guarantees.

    ``workers``: decoding processes (``1``: in this process, without crash isolation or time limit).
    """
    spec = spec or EpisodeSpec()
    report = ImportReport()
    sources = list(expand(paths, report.errors))
    total = len(sources)
    with project.session() as s:
        existing = _find_episode(s, spec)
        if existing is not None:
            _apply_spec(existing, spec)
            s.add(existing)
            report.episode_id = existing.id
        elif spec.episode_id is not None:
            raise ImportError_(f"episode {spec.episode_id} does not exist")

    # Pages finish in any order; they are stored in input order as soon as each one's turn comes.
    ready: dict[int, Prepared | str] = {}
    stored = 0
    indexed = list(enumerate(sources))
    for (index, _source), page, error in map_pages(_prepare_task, indexed, workers=workers, cancelled=cancelled,
                                                   timeout=timeout):
        ready[index] = page if error is None else _error_message(sources[index], error)
        while stored in ready:
            result, source = ready.pop(stored), sources[stored]
            if isinstance(result, str):
                report.errors.append((source.name, result))
            else:
                _store_page(project, result, spec, report)
            stored += 1
            if progress:
                progress(stored, total, source.name)
    report.cancelled = stored < total and bool(cancelled and cancelled())
    return report


def _prepare_task(task: tuple[int, Source]) -> Prepared:
    return prepare(task[1])


def _error_message(source: Source, exc: BaseException) -> str:
    if not isinstance(exc, (ImageLoadError, OSError, zipfile.BadZipFile, RuntimeError, ValueError, TimeoutError)):
        raise exc  # a programming error, not a bad file: let it surface
    message = str(exc) or exc.__class__.__name__
    return message.removeprefix(f"{source.name}: ")


def _store_page(project: Project, page: Prepared, spec: EpisodeSpec, report: ImportReport) -> None:
    media_rel = media_relpath(page.sha, page.suffix)
    with project.session() as s:
        if report.episode_id is not None:
            dup = s.exec(
                select(models.Page.id).where(
                    models.Page.episode_id == report.episode_id, models.Page.media_sha256 == page.sha
                )
            ).first()
            if dup is not None:
                report.duplicates.append(page.name)
                return
        known = s.exec(select(models.Page.media_path).where(models.Page.media_sha256 == page.sha)).first()
        if known:
            media_rel = known
        target = project.media_file(media_rel)
        if not target.exists():
            write_atomic(target, page.data)
        thumb = project.root / thumb_relpath(page.sha)
        if not thumb.exists():
            write_atomic(thumb, page.thumbnail)
        episode = s.get(models.Episode, report.episode_id) if report.episode_id else _new_episode(s, spec)
        top = s.exec(select(func.max(models.Page.index)).where(models.Page.episode_id == episode.id)).one()
        row = models.Page(
            episode_id=episode.id,
            index=(top + 1) if top is not None else 0,
            media_sha256=page.sha,
            media_path=media_rel,
            original_filename=page.name,
            width=page.width,
            height=page.height,
            kind="strip" if is_vertical_strip(page.width, page.height) else "page",
        )
        s.add(row)
        s.flush()
        report.episode_id = episode.id
        report.page_ids.append(row.id)
