"""REFI-QDA (QDA-XML 1.0): the codebook as ``.qdc`` and the whole project as ``.qdpx``.

For QualCoder, MAXQDA, ATLAS.ti and NVivo. The codebook keeps its hierarchy and colours
(motifs under a parent are codable; a Chinese name rides in the description as a
``[zh] ...`` line). In the project, every page image is a ``PictureSource`` (stored inside the
archive under ``sources/``), every panel and text region a ``PictureSelection`` with its box
(the bounding box: REFI-QDA has no polygons), named by kind and reading position, the text
and translation in its description; a box coded by two coders is one selection per coder,
since QualCoder takes a coding's coder from its selection. Codings carry their coder as a ``User`` and their memo as a
``Note``. Characters are a second, non-codable code group whose codes mark who speaks in a
region and who appears in a panel. GUIDs are derived from database ids, so re-exports match.
"""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from annotator.core.exchange import common
from annotator.core.exchange.view import ProjectView, gather, guid, iso
from annotator.core.export import (
    ExportError,
    ExportFormat,
    Options,
    register,
    write_file,
)
from annotator.core.export.page import serialise

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
CHARACTERS = "Characters"
EPOCH = (1980, 1, 1, 0, 0, 0)


def _e(parent, ns: str, tag: str, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            el.set(key, str(value))
    return el


def _colour(value: str) -> str | None:
    value = (value or "").strip()
    return value.upper() if len(value) in (4, 7) and value.startswith("#") else None


def description(motif) -> str:
    text = motif.description.strip()
    if motif.name_zh:
        text = f"{text}\n\n[zh] {motif.name_zh}".strip()
    return text


def _codes(parent, ns: str, view: ProjectView, parent_id=None) -> None:
    for motif in view.children(parent_id):
        code = _e(parent, ns, "Code", guid=guid("motif", motif.id), name=motif.name, isCodable="true",
                  color=_colour(motif.colour))
        if description(motif):
            _e(code, ns, "Description").text = description(motif)
        _codes(code, ns, view, motif.id)


def codebook_document(view: ProjectView) -> etree._Element:
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=common.CREATOR)
    codes = _e(root, CODEBOOK_NS, "Codes")
    _codes(codes, CODEBOOK_NS, view)
    if not len(codes):
        raise ExportError("the codebook is empty")
    return root


def _selection_box(bbox, page) -> dict:
    x, y, w, h = bbox
    return {"firstX": max(0, x), "firstY": max(0, y), "secondX": min(page.width, x + w),
            "secondY": min(page.height, y + h)}


class _ProjectWriter:
    def __init__(self, view: ProjectView):
        self.view = view
        self.notes: list[tuple[str, str, str | None, str]] = []  # guid, text, user guid, created
        self.users: dict[int, str] = {}

    def user(self, coder_id) -> str | None:
        if coder_id is None or coder_id not in self.view.coders:
            return None
        self.users[coder_id] = guid("coder", coder_id)
        return self.users[coder_id]

    def coding(self, parent, code_guid: str, row_guid: str, coder_id=None, created=None, memo: str = "") -> None:
        coding = _e(parent, PROJECT_NS, "Coding", guid=row_guid, creatingUser=self.user(coder_id),
                    creationDateTime=iso(created) if created else None)
        _e(coding, PROJECT_NS, "CodeRef", targetGUID=code_guid)
        if memo:
            note_guid = guid("note", row_guid)
            self.notes.append((note_guid, memo, self.user(coder_id), iso(created) if created else None))
            _e(coding, PROJECT_NS, "NoteRef", targetGUID=note_guid)

    def motif_codings(self, parent, kind: str, row_id: int) -> None:
        for c in self.view.codings_of(kind, row_id):
            self.coding(parent, guid("motif", c.motif_id), guid("coding", c.id), c.coder_id, c.created_at, c.memo)

    def document(self, name: str, sources: dict[str, str]) -> etree._Element:
        view = self.view
        root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS}, name=name, origin=common.CREATOR)
        users_el = _e(root, PROJECT_NS, "Users")
        book = _e(_e(root, PROJECT_NS, "CodeBook"), PROJECT_NS, "Codes")
        _codes(book, PROJECT_NS, view)
        if view.characters:
            group = _e(book, PROJECT_NS, "Code", guid=guid("group", CHARACTERS), name=CHARACTERS, isCodable="false")
            _e(group, PROJECT_NS, "Description").text = "Who speaks in a text region or appears in a panel."
            for ch in view.characters.values():
                code = _e(group, PROJECT_NS, "Code", guid=guid("character", ch.id), name=ch.name, isCodable="true")
                if ch.name_zh or ch.description:
                    _e(code, PROJECT_NS, "Description").text = " - ".join(x for x in (ch.name_zh, ch.description) if x)
        sources_el = _e(root, PROJECT_NS, "Sources")
        for ev in view.episodes:
            for pv in ev.pages:
                self._source(sources_el, ev, pv, sources)
        if self.notes:
            notes_el = _e(root, PROJECT_NS, "Notes")
            for note_guid, text, user, created in self.notes:
                note = _e(notes_el, PROJECT_NS, "Note", guid=note_guid, name="memo", creatingUser=user,
                          creationDateTime=created)
                _e(note, PROJECT_NS, "PlainTextContent").text = text
        for coder_id in sorted(self.users):
            _e(users_el, PROJECT_NS, "User", guid=self.users[coder_id], name=view.coders[coder_id].name)
        if not len(users_el):
            root.remove(users_el)
        if not len(sources_el):
            root.remove(sources_el)
        return root

    def _source(self, parent, ev, pv, sources: dict[str, str]) -> None:
        view, page = self.view, pv.page
        source_guid = guid("page", page.id)
        suffix = page.media_path.rsplit(".", 1)[-1]
        sources[f"{source_guid}.{suffix}"] = page.media_path
        el = _e(parent, PROJECT_NS, "PictureSource", guid=source_guid, name=f"{pv.stem} {pv.file_name}",
                path=f"internal://{source_guid}.{suffix}", creationDateTime=iso(page.created_at))
        _e(el, PROJECT_NS, "Description").text = (
            f"{ev.series.name if ev.series else ''} episode {ev.episode.number}: {ev.episode.title}, "
            f"page {page.index + 1}; sha256 {page.media_sha256}").strip()
        for i, panel in enumerate(pv.panels, 1):
            codings = [(guid("motif", c.motif_id), guid("coding", c.id), c.coder_id, c.created_at, c.memo)
                       for c in view.codings_of("panel", panel.id)]
            codings += [(guid("character", a.character_id), guid("appearance", a.id), a.coder_id, a.created_at, "")
                        for a in view.appearances.get(panel.id, [])]
            self._selections(el, ("panel", panel.id), f"panel {i}", panel, page, panel.memo, codings)
        for i, r in enumerate(pv.regions, 1):
            lines = [r.display_text] + ([f"[translation] {r.translation}"] if r.translation else [])
            codings = [(guid("motif", c.motif_id), guid("coding", c.id), c.coder_id, c.created_at, c.memo)
                       for c in view.codings_of("text_region", r.id)]
            if r.speaker_id in view.characters:
                codings.append((guid("character", r.speaker_id), guid("speaker", r.id), None, None, ""))
            self._selections(el, ("region", r.id), f"{r.kind} {i}", r, page, "\n".join(lines), codings)
        for c in view.codings_of("page", page.id):
            self.coding(el, guid("motif", c.motif_id), guid("coding", c.id), c.coder_id, c.created_at, c.memo)


    def _selections(self, parent, key: tuple, name: str, row, page, text: str, codings: list) -> None:
        """One selection per coder of the row's codings (tools such as QualCoder take a coding's
        coder from its selection), or one uncoded selection."""
        by_coder: dict = {}
        for item in codings:
            by_coder.setdefault(item[2], []).append(item)
        for n, (coder_id, items) in enumerate(by_coder.items() or [(None, [])]):
            sel = _e(parent, PROJECT_NS, "PictureSelection", guid=guid(*key) if n == 0 else guid(key[0], f"{key[1]}:{n}"),
                     name=name, creatingUser=self.user(coder_id), creationDateTime=iso(row.created_at),
                     **_selection_box(row.bbox, page))
            if text:
                _e(sel, PROJECT_NS, "Description").text = text
            for code_guid, row_guid, coder, created, memo in items:
                self.coding(sel, code_guid, row_guid, coder, created, memo)


def _zip_time(options: Options) -> tuple:
    return datetime.now(timezone.utc).timetuple()[:6] if options.stamp else EPOCH


def write_qdpx(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    if not view.pages:
        raise ExportError("nothing to export: no pages in the chosen episodes")
    sources: dict[str, str] = {}
    name = view.episodes[0].series.name if len(view.episodes) == 1 and view.episodes[0].series else project.root.name
    document = serialise(_ProjectWriter(view).document(name, sources))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".tmp-{out.name}")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("project.qde", _zip_time(options)), document, zipfile.ZIP_DEFLATED)
        for done, (member, media) in enumerate(sorted(sources.items()), 1):
            info = zipfile.ZipInfo(f"sources/{member}", _zip_time(options))
            zf.writestr(info, project.media_file(media).read_bytes(), zipfile.ZIP_STORED)
            if progress:
                progress(done, len(sources), member)
    tmp.replace(out)
    return [out]


def write_qdc(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    write_file(out, serialise(codebook_document(view)))
    return [out]


register(ExportFormat("qdpx", "REFI-QDA project 1.0", "page images as picture sources, panels and text regions as "
                      "picture selections (boxes), codings with coder and memo, codebook tree and colours, "
                      "characters as codes", "file", write_qdpx))
register(ExportFormat("qdc", "REFI-QDA codebook 1.0", "the motif codebook: hierarchy, colours, descriptions",
                      "file", write_qdc))
