"""Importing a REFI-QDA codebook (``.qdc`` from QualCoder, MAXQDA, ATLAS.ti, NVivo) or the
codebook of a ``.qdpx`` project into the motif tree.

Codes become motifs under the same parents, with their colour and description (a ``[zh]``
line, as this tool writes it, becomes the Chinese name). A code that already exists under
the same parent with the same name is kept and only its children are merged, so importing a
codebook twice adds nothing. Runs through ``coding.create_motif``; the caller's transaction
makes the whole import land or not at all.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from sqlmodel import select

from annotator.core import coding, models
from annotator.core.exchange import xmlsafe
from annotator.core.exchange.xmlsafe import ExchangeError
from annotator.core.project import Project

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ZH = re.compile(r"\n*\[zh\] *(.+?)\s*$")
MAX_MEMBERS = 100_000
MAX_UNPACKED = 4 * 1024 ** 3


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _kids(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def open_qdpx(path: Path) -> tuple[zipfile.ZipFile, bytes]:
    """The archive and its ``project.qde``; refuses unsafe member names and zip bombs."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExchangeError(f"{path.name}: not a readable .qdpx archive ({exc})") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED:
        zf.close()
        raise ExchangeError(f"{path.name}: archive unpacks too large; refused")
    for info in infos:
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            zf.close()
            raise ExchangeError(f"{path.name}: member {info.filename!r} points outside the archive (zip-slip); refused")
    qde = [i for i in infos if i.filename.lower().endswith(".qde") and "/" not in i.filename.strip("/")]
    if len(qde) != 1:
        zf.close()
        raise ExchangeError(f"{path.name}: a .qdpx holds exactly one .qde project file at its top; found {len(qde)}")
    return zf, zf.read(qde[0])


def codes_root(path: Path):
    """The ``Codes`` element of a .qdc codebook or of the project inside a .qdpx."""
    if zipfile.is_zipfile(path):
        zf, data = open_qdpx(path)
        zf.close()
        root = xmlsafe.parse(data, f"{path.name}: project.qde", (PROJECT_NS,))
        book = _kids(root, "CodeBook")
    else:
        root = xmlsafe.read(path, (CODEBOOK_NS, PROJECT_NS))
        book = [root] if _local(root) == "CodeBook" else _kids(root, "CodeBook")
    codes = [c for b in book for c in _kids(b, "Codes")]
    if not codes:
        raise ExchangeError(f"{path.name}: has no codebook (no CodeBook/Codes)")
    return codes[0]


def import_codebook(project: Project, path: Path) -> int:
    """Add the codes of a .qdc (or .qdpx) file as motifs; returns how many were added."""
    codes = codes_root(Path(path))
    added = 0
    with project.transaction() as s:

        def walk(parent_el, parent_id):
            nonlocal added
            for code in _kids(parent_el, "Code"):
                name = (code.get("name") or "").strip()
                if not name:
                    raise ExchangeError(f"{Path(path).name}: a code has no name")
                if parent_id is None and name == "Characters" and code.get("isCodable") == "false":
                    continue  # this tool's character group in a .qdpx, not motifs
                desc_el = _kids(code, "Description")
                desc = (desc_el[0].text or "") if desc_el else ""
                zh = ZH.search(desc)
                name_zh = zh.group(1) if zh else ""
                desc = ZH.sub("", desc).strip()
                colour = code.get("color") or ""
                if re.fullmatch(r"#[0-9A-Fa-f]{3}", colour):
                    colour = "#" + "".join(c * 2 for c in colour[1:])
                row = s.exec(select(models.Motif).where(models.Motif.parent_id == parent_id,
                                                         models.Motif.name == name)).first()
                if row is None:
                    fields = {"description": desc, "name_zh": name_zh}
                    if re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
                        fields["colour"] = colour.upper()
                    motif_id = coding.create_motif(project, name, parent_id, **fields)
                    added += 1
                else:
                    motif_id = row.id
                walk(code, motif_id)

        walk(codes, None)
    return added
