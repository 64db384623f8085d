"""Exporters: one registry that the CLI (``annotator export --format NAME``) and the GUI share.

Each format lives in its own module and registers an :class:`ExportFormat`. A writer takes the
project, the scope (which episodes), the output path and options, and returns the files it
wrote. Writers must be reproducible: the same project gives byte-identical files (stable
order, no timestamps unless ``options.stamp``).
"""

from __future__ import annotations

import importlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from annotator.core.project import Project

Progress = Callable[[int, int, str], None]


class ExportError(ValueError):
    """A user-facing export problem (unknown format, empty scope, unwritable path)."""


@dataclass(frozen=True)
class Scope:
    """Which part of the project to export: these episode ids, in this order (empty: all)."""

    episode_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Options:
    stamp: bool = False  # put the export time into the files (off: byte-identical re-exports)
    bom: bool = False  # UTF-8 BOM on CSV files, for Excel
    paper: str = "a4"  # "a4" or "letter", for PDF
    extra: dict = field(default_factory=dict)


Writer = Callable[[Project, Scope, Path, Options, Optional[Progress]], list[Path]]


@dataclass(frozen=True)
class ExportFormat:
    name: str  # what --format takes
    version: str  # version of the format written (e.g. "PAGE 2019-07-15")
    carries: str  # one line: what the export holds
    output: str  # "file" or "folder"
    write: Writer


FORMATS: dict[str, ExportFormat] = {}

# Modules that define formats; each calls ``register`` at import. Add yours here.
_MODULES: list[str] = ["summary", "pdf", "tables", "archive"]
_MODULES += ["page", "alto", "tei", "refi", "webanno", "coco"]  # exchange formats (issue 18)


def write_file(path: Path, data: bytes) -> None:
    """Write an export file whole or not at all (temp file, then rename), readable like any new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(fmt: ExportFormat) -> ExportFormat:
    FORMATS[fmt.name] = fmt
    return fmt


def formats() -> dict[str, ExportFormat]:
    for module in _MODULES:
        importlib.import_module(f"annotator.core.export.{module}")
    return dict(sorted(FORMATS.items()))


def export(project: Project, name: str, out: Path, scope: Scope = Scope(), options: Options = Options(),
           progress: Progress | None = None) -> list[Path]:
    """Write the project (or the episodes in ``scope``) as format ``name`` to ``out``."""
    known = formats()
    if name not in known:
        raise ExportError(f"unknown export format {name!r}; known: {', '.join(known) or 'none'}")
    return known[name].write(project, scope, Path(out), options, progress)
