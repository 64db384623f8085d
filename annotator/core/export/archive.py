"""Project archives: a whole project in one ZIP to hand to a colleague, and opening one.

The database goes in as a consistent snapshot made with SQLite's online backup API (a file
copy of a live WAL database can miss committed pages). Media go in stored (they are PNG or
JPEG already), with their SHA-256 in a manifest. Entries are sorted and carry a fixed date,
so the same project gives the same bytes. Opening checks every entry name, the manifest's
version and every checksum before the project appears at its destination; a failure leaves
nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from annotator import __version__
from annotator.core import models
from annotator.core.database import ProjectError, current_revision, head_revision, known_revisions
from annotator.core.export import ExportError, ExportFormat, Options, Progress, Scope, register
from annotator.core.project import DB_NAME, MARKER, Project, open_project

MANIFEST = "annotator-archive.json"
ARCHIVE_FORMAT = "annotator-archive"
ARCHIVE_VERSION = 1
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20


class ArchiveError(ProjectError):
    """An archive that cannot be opened; the message is one line for the user."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot_database(project: Project, target: Path) -> None:
    """A consistent copy of the project's SQLite database (backup API, safe while it is in use)."""
    if project.engine.url.get_backend_name() != "sqlite" or not project.engine.url.database:
        raise ExportError("a project archive needs a SQLite project; back up a server database with its own tools")
    src = sqlite3.connect(project.engine.url.database)
    try:
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
            # The copy is a standalone file: no WAL beside it, rollback journal like any plain .db.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _entry(name: str, date_time, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever the host, for identical bytes everywhere
    return info


def write_archive(project: Project, scope: Scope, out: Path, options: Options, progress: Progress | None) -> list[Path]:
    """The whole project (every episode, whatever the scope): database snapshot, media, manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with project.session() as s:
        media = sorted(set(s.exec(select(models.Page.media_path, models.Page.media_sha256)).all()))
    missing = [path for path, _sha in media if not project.media_file(path).is_file()]
    if missing:
        raise ExportError(f"{len(missing)} media file(s) are missing from the project, e.g. {missing[0]}")
    date_time = datetime.now(timezone.utc).timetuple()[:6] if options.stamp else FIXED_DATE
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=".tmp-", suffix=".zip")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".tmp-") as work:
            db_copy = Path(work) / DB_NAME
            snapshot_database(project, db_copy)
            manifest = {
                "format": ARCHIVE_FORMAT,
                "version": ARCHIVE_VERSION,
                "written_by": f"annotator {__version__}",
                "schema": head_revision(),
                "database": {"name": DB_NAME, "sha256": _sha256(db_copy)},
                "media": {path: sha for path, sha in media},
            }
            if options.stamp:
                manifest["written_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            marker = json.dumps({"format": 1, "db": "sqlite"}, ensure_ascii=False, indent=2) + "\n"
            with zipfile.ZipFile(tmp, "w") as zf:
                zf.writestr(_entry(MANIFEST, date_time, True),
                            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
                zf.writestr(_entry(MARKER, date_time, True), marker)
                with open(db_copy, "rb") as src, zf.open(_entry(DB_NAME, date_time, True), "w") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                for n, (path, _sha) in enumerate(media, 1):
                    with open(project.media_file(path), "rb") as src, \
                            zf.open(_entry(path, date_time, False), "w", force_zip64=True) as dst:
                        shutil.copyfileobj(src, dst, CHUNK)
                    if progress:
                        progress(n, len(media), path)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return [out]


# -- opening -----------------------------------------------------------------------------------


def _safe_name(name: str) -> PurePosixPath:
    """The entry's path inside DEST, or an error for anything that could land outside it."""
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        raise ArchiveError(f"refusing archive entry {name!r}: it would be written outside the destination")
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts) or not path.parts:
        raise ArchiveError(f"refusing archive entry {name!r}: it would be written outside the destination")
    return path


def _read_manifest(zf: zipfile.ZipFile, archive: Path) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise ArchiveError(f"{archive} is not an annotator project archive (no {MANIFEST})") from None
    except (ValueError, UnicodeDecodeError):
        raise ArchiveError(f"{archive}: its manifest is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError(f"{archive} is not an annotator project archive")
    version = manifest.get("version")
    if not isinstance(version, int) or version > ARCHIVE_VERSION or \
            (manifest.get("schema") and manifest["schema"] not in known_revisions()):
        raise ArchiveError(
            f"{archive} was written by a newer version of annotator ({manifest.get('written_by', 'unknown')}, "
            f"archive version {version}, schema {manifest.get('schema')}); upgrade annotator to open it")
    if not isinstance(manifest.get("media"), dict) or not isinstance(manifest.get("database"), dict):
        raise ArchiveError(f"{archive}: its manifest is damaged")
    return manifest


def open_archive(archive: str | Path, dest: str | Path, progress: Progress | None = None) -> dict:
    """Unpack a project archive into DEST (new or empty) after checking it whole; returns a summary."""
    archive, dest = Path(archive), Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ArchiveError(f"{dest} already exists and is not an empty folder; choose a new destination")
    if not archive.is_file():
        raise ArchiveError(f"{archive} does not exist")
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{archive} is not a readable ZIP archive (truncated or damaged: {exc})") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".tmp-{dest.name}-"))
    try:
        with zf:
            manifest = _read_manifest(zf, archive)
            infos = zf.infolist()
            names = {info.filename: info for info in infos if not info.is_dir()}
            for info in infos:
                _safe_name(info.filename)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise ArchiveError(f"refusing archive entry {info.filename!r}: it is a symbolic link")
            allowed = {MANIFEST, MARKER, DB_NAME} | set(manifest["media"])
            extra = sorted(set(names) - allowed)
            if extra:
                raise ArchiveError(f"refusing archive entry {extra[0]!r}: not part of a project")
            absent = sorted(n for n in allowed - {MARKER} if n not in names)
            if absent:
                raise ArchiveError(f"{archive} is incomplete: {absent[0]} is missing")
            expected = {DB_NAME: manifest["database"].get("sha256"), **manifest["media"]}
            total = len(expected)
            for n, name in enumerate(sorted(expected), 1):
                target = staging.joinpath(*_safe_name(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                try:
                    with zf.open(names[name]) as src, open(target, "wb") as dst:
                        for block in iter(lambda: src.read(CHUNK), b""):
                            digest.update(block)
                            dst.write(block)
                except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                    raise ArchiveError(f"{archive} is damaged or truncated ({name}: {exc})") from None
                if digest.hexdigest() != expected[name]:
                    raise ArchiveError(f"{archive}: {name} does not match its SHA-256 checksum; the archive is damaged")
                if progress:
                    progress(n, total, name)
        (staging / MARKER).write_text(json.dumps({"format": 1, "db": "sqlite"}, indent=2) + "\n", encoding="utf-8")
        (staging / "cache").mkdir(exist_ok=True)
        revision = _check_database(staging)
        with open_project(staging) as project, project.session() as s:
            pages = s.exec(select(models.Page.media_path, models.Page.media_sha256)).all()
        unlisted = [path for path, _sha in pages if path not in manifest["media"]]
        if unlisted:
            raise ArchiveError(f"{archive} is incomplete: the database uses {unlisted[0]}, which it does not hold")
        for leftover in staging.glob(f"{DB_NAME}.*.bak"):
            leftover.unlink()  # an older archive was migrated; the original is still in the zip
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        if dest.exists():
            dest.rmdir()
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {"archive": str(archive), "project": str(dest), "written_by": manifest.get("written_by"),
            "schema": revision, "media_files": len(manifest["media"]), "verified": True}


def _check_database(folder: Path) -> str | None:
    """Refuse a database from a newer schema before anything migrates it; returns its revision."""
    from annotator.core.database import make_engine

    engine = make_engine(f"sqlite:///{folder / DB_NAME}")
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:  # not a database at all
        raise ArchiveError(f"the archive's database cannot be read: {exc}") from None
    finally:
        engine.dispose()
    if revision is not None and revision not in known_revisions():
        raise ArchiveError(f"the archive's database was written by a newer version of annotator (schema {revision})")
    return revision


register(ExportFormat("archive", f"{ARCHIVE_FORMAT} {ARCHIVE_VERSION}", "The whole project: SQLite snapshot "
                      "(backup API), media, SHA-256 manifest; open with `annotator open-archive`", "file",
                      write_archive))
