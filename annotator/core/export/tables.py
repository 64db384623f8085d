"""Research data for R and pandas: transcript (CSV and JSON), codings, characters, codebook.

UTF-8 (with a BOM when ``--bom`` asks, for Excel), RFC 4180 CSV, one header row; rows in
reading order or by id, so re-exports are byte-identical. Column names are documented in
the README and are part of the format: add columns at the end, never rename.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

from annotator import __version__
from annotator.core.export import ExportFormat, Options, Progress, Scope, register, write_file
from annotator.core.export.episode_data import Codebook, Episode, gather
from annotator.core.export.summary import episode_ids
from annotator.core.project import Project

TRANSCRIPT_COLUMNS = [
    "region_id", "episode_id", "series", "episode", "page_id", "page", "page_sha256", "panel_id", "panel",
    "order", "kind", "lang", "vertical", "speaker_id", "speaker", "speaker_zh", "ocr_text", "ocr_engine",
    "ocr_engine_version", "ocr_confidence", "corrected_text", "text", "translation", "motifs", "x", "y", "w", "h",
]
CODING_COLUMNS = [
    "coding_id", "coder", "motif_id", "motif_path", "motif_zh", "target", "target_id", "episode_id", "episode",
    "page", "panel", "region_id", "memo", "created_at", "updated_at",
]
CHARACTER_COLUMNS = [
    "character_id", "name", "name_zh", "role", "affiliation", "description", "episodes", "panels", "lines",
    "speech_chars",
]
CODEBOOK_COLUMNS = [
    "motif_id", "parent_id", "path", "name", "name_zh", "description", "keywords_en", "keywords_zh", "colour",
    "shortcut", "position", "codings",
]


def _episodes(project: Project, scope: Scope, progress: Progress | None) -> tuple[Codebook, list[Episode]]:
    book = Codebook(project)
    ids = episode_ids(project, scope)
    out = []
    for n, eid in enumerate(ids, 1):
        out.append(gather(project, eid, book))
        if progress:
            progress(n, len(ids), f"episode {out[-1].label}")
    return book, out


def transcript_rows(episodes: list[Episode]) -> list[dict]:
    """One row per text region in reading order, typed (None, numbers, lists) for JSON."""
    rows = []
    for ep in episodes:
        for order, (page, panel, r) in enumerate(ep.regions(), 1):
            rows.append({
                "region_id": r.id, "episode_id": ep.id, "series": ep.series, "episode": ep.number,
                "page_id": page.id, "page": page.index + 1, "page_sha256": page.sha256,
                "panel_id": panel.id if panel else None, "panel": panel.order + 1 if panel else None,
                "order": order, "kind": r.kind, "lang": r.lang, "vertical": r.vertical,
                "speaker_id": r.speaker_id, "speaker": r.speaker, "speaker_zh": r.speaker_zh,
                "ocr_text": r.ocr_text, "ocr_engine": r.ocr_engine, "ocr_engine_version": r.ocr_engine_version,
                "ocr_confidence": r.ocr_confidence, "corrected_text": r.text, "text": r.display_text,
                "translation": r.translation, "motifs": [t.path for t in r.tags],
                "x": r.bbox[0], "y": r.bbox[1], "w": r.bbox[2], "h": r.bbox[3],
            })
    return rows


def coding_rows(episodes: list[Episode]) -> list[dict]:
    rows = []

    def add(tag, target, target_id, ep, page=None, panel=None, region_id=None):
        rows.append({
            "coding_id": tag.coding_id, "coder": tag.coder, "motif_id": tag.motif_id, "motif_path": tag.path,
            "motif_zh": tag.name_zh, "target": target, "target_id": target_id, "episode_id": ep.id,
            "episode": ep.number, "page": page, "panel": panel, "region_id": region_id, "memo": tag.memo,
            "created_at": tag.created_at.isoformat(timespec="seconds"),
            "updated_at": tag.updated_at.isoformat(timespec="seconds"),
        })

    for ep in episodes:
        for tag in ep.tags:
            add(tag, "episode", ep.id, ep)
        for page in ep.pages:
            for tag in page.tags:
                add(tag, "page", page.id, ep, page.index + 1)
            for panel in page.panels:
                for tag in panel.tags:
                    add(tag, "panel", panel.id, ep, page.index + 1, panel.order + 1)
        for page, panel, region in ep.regions():
            for tag in region.tags:
                add(tag, "text_region", region.id, ep, page.index + 1, panel.order + 1 if panel else None, region.id)
    return rows


def character_rows(book: Codebook, episodes: list[Episode]) -> list[dict]:
    """Every character in the project, with appearances and speech counted over the exported episodes."""
    panels, lines, chars, seen = Counter(), Counter(), Counter(), {}
    for ep in episodes:
        for member in ep.cast:
            panels[member.id] += member.panels
            lines[member.id] += member.lines
            chars[member.id] += member.chars
            seen.setdefault(member.id, []).append(str(ep.number if ep.number is not None else f"id{ep.id}"))
    return [{
        "character_id": c.id, "name": c.name, "name_zh": c.name_zh, "role": c.role, "affiliation": c.affiliation,
        "description": c.description, "episodes": ";".join(seen.get(c.id, [])), "panels": panels[c.id],
        "lines": lines[c.id], "speech_chars": chars[c.id],
    } for c in sorted(book.characters.values(), key=lambda c: c.id)]


def codebook_rows(book: Codebook, episodes: list[Episode]) -> list[dict]:
    used = Counter(t.motif_id for ep in episodes for t in ep.all_tags())
    return [{
        "motif_id": m.id, "parent_id": m.parent_id, "path": book.path(m.id), "name": m.name, "name_zh": m.name_zh,
        "description": m.description, "keywords_en": ";".join(map(str, m.keywords_en)),
        "keywords_zh": ";".join(map(str, m.keywords_zh)), "colour": m.colour, "shortcut": m.shortcut,
        "position": m.position, "codings": used[m.id],
    } for m in book.tree_order()]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def csv_bytes(columns: list[str], rows: list[dict], bom: bool) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _csv_writer(columns, make_rows, needs_book=False):
    def write(project: Project, scope: Scope, out: Path, options: Options, progress: Progress | None) -> list[Path]:
        book, episodes = _episodes(project, scope, progress)
        rows = make_rows(book, episodes) if needs_book else make_rows(episodes)
        write_file(out, csv_bytes(columns, rows, options.bom))
        return [out]

    return write


def write_json(project: Project, scope: Scope, out: Path, options: Options, progress: Progress | None) -> list[Path]:
    _book, episodes = _episodes(project, scope, progress)
    doc = {
        "format": "annotator-transcript",
        "version": 1,
        "written_by": f"annotator {__version__}",
        "episodes": [{"id": ep.id, "series": ep.series, "number": ep.number, "title": ep.title,
                      "title_zh": ep.title_zh, "published_on": ep.published_on, "source_url": ep.source_url,
                      "pages": [{"id": p.id, "page": p.index + 1, "sha256": p.sha256, "file": p.original_filename,
                                 "width": p.width, "height": p.height} for p in ep.pages]}
                     for ep in episodes],
        "regions": transcript_rows(episodes),
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    write_file(out, text.encode("utf-8"))
    return [out]


register(ExportFormat("csv", "CSV (RFC 4180)", "Transcript: one row per text region (ids, episode, page, panel, "
                      "order, kind, speaker, OCR text with engine/version/confidence, correction, translation, "
                      "motifs)", "file", _csv_writer(TRANSCRIPT_COLUMNS, transcript_rows)))
register(ExportFormat("json", "annotator-transcript 1", "Transcript as JSON: episodes with page hashes, and the "
                      "transcript rows with typed values", "file", write_json))
register(ExportFormat("codings-csv", "CSV (RFC 4180)", "One row per coding: coder, motif path, target, memo, "
                      "times", "file", _csv_writer(CODING_COLUMNS, coding_rows)))
register(ExportFormat("characters-csv", "CSV (RFC 4180)", "The cast: names, role, affiliation, and appearances "
                      "and speech in the exported episodes", "file",
                      _csv_writer(CHARACTER_COLUMNS, character_rows, needs_book=True)))
register(ExportFormat("codebook-csv", "CSV (RFC 4180)", "The codebook tree (paths, names, keywords, colours) with "
                      "codings per motif in the exported episodes", "file",
                      _csv_writer(CODEBOOK_COLUMNS, codebook_rows, needs_book=True)))
