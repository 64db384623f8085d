"""``annotator import-annotations``: files or folders in, one transaction per call.

The format is recognised from the file (XML root namespace, JSON shape) unless given. Every
file is read and checked before anything is written; one bad file refuses the whole call
with a one-line message and leaves the project as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.exchange import (
    alto_reader,
    page_reader,
    transcript_reader,
    webanno_reader,
    xmlsafe,
)
from annotator.core.exchange.apply import ImportResult, PageIn, apply
from annotator.core.exchange.xmlsafe import ExchangeError
from annotator.core.project import Project

FORMATS = ("page", "alto", "webanno", "json", "qdc")
SUFFIXES = {".xml", ".json", ".jsonld", ".qdc", ".qdpx"}
MAX_JSON_BYTES = 64 * 1024 * 1024


def expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise ExchangeError(f"{path}: no such file or folder")
    if not files:
        raise ExchangeError("no annotation files found (.xml, .json, .jsonld, .qdc, .qdpx)")
    return files


def _json(path: Path):
    if path.stat().st_size > MAX_JSON_BYTES:
        raise ExchangeError(f"{path.name}: larger than {MAX_JSON_BYTES // 2**20} MB; refused")
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ExchangeError(f"{path.name}: not valid JSON ({exc})") from None


def sniff(path: Path) -> str:
    """The format of one file, from its content."""
    suffix = path.suffix.lower()
    if suffix in (".qdc", ".qdpx"):
        return "qdc"  # a .qdpx contributes its codebook
    if suffix in (".json", ".jsonld"):
        data = _json(path)
        return "webanno" if webanno_reader.looks_like(data) else "json"
    root = xmlsafe.read(path)
    ns = xmlsafe.namespace(root)
    if ns in page_reader.NAMESPACES:
        return "page"
    if ns in alto_reader.NAMESPACES:
        return "alto"
    if ns == "urn:QDA-XML:codebook:1.0":
        return "qdc"
    raise ExchangeError(f"{path.name}: not PAGE, ALTO or a REFI-QDA codebook (root namespace {ns or 'none'})")


def read(path: Path, fmt: str) -> list[PageIn]:
    if fmt == "page":
        return [page_reader.read(xmlsafe.read(path, page_reader.NAMESPACES), path.name)]
    if fmt == "alto":
        return [alto_reader.read(xmlsafe.read(path, alto_reader.NAMESPACES), path.name)]
    if fmt == "webanno":
        return webanno_reader.read(_json(path), path.name)
    if fmt == "json":
        return transcript_reader.read(_json(path), path.name)
    raise ExchangeError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")


def import_annotations(project: Project, paths: list[Path], fmt: str | None = None,
                       coder: str | None = None) -> ImportResult:
    """Import annotation files (or folders of them) into the project as one transaction."""
    from annotator.core import revisions
    from annotator.core.exchange import codebook

    if fmt is not None and fmt not in FORMATS:
        raise ExchangeError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")
    files = expand(paths)
    kinds = {path: fmt or sniff(path) for path in files}
    codebooks = [p for p in files if kinds[p] == "qdc"]
    items = [item for p in files if kinds[p] != "qdc" for item in read(p, kinds[p])]
    with project.transaction(), revisions.acting(coder=coder, source="imported"):
        added = sum(codebook.import_codebook(project, p) for p in codebooks)
        result = apply(project, items, coder, files=len(files)) if items else ImportResult(files=len(files))
    result.motifs_added = added
    return result
