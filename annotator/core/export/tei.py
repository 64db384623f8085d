"""TEI P5 with CBML (Comic Book Markup Language) for digital editions.

One document for the exported episodes. The header holds the sources (title, URL, date),
the motif codebook as a ``<taxonomy>`` of nested ``<category>``s and the characters as
``<person>``s. ``<facsimile>`` has one ``<surface>`` per page with a ``<zone>`` per panel and
text region (polygon ``points``). The body has one ``<div type="episode">`` per episode, a
``<pb>`` per page, and ``<cbml:panel>``s in reading order holding ``<cbml:balloon>``
(speech, thought, sfx; ``@who`` the speaker) and ``<cbml:caption>`` (captions, signs) with
the text (the human transcription, else the OCR reading) and the translation as
``<note type="translation">``. Motifs are ``@ana`` pointers into the taxonomy.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from annotator.core.exchange import common
from annotator.core.exchange.view import PageView, ProjectView, gather
from annotator.core.export import (
    ExportError,
    ExportFormat,
    Options,
    register,
    write_file,
)
from annotator.core.export.page import serialise

TEI = "http://www.tei-c.org/ns/1.0"
CBML = "http://www.cbml.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
BALLOONS = {"speech", "thought", "sfx"}


def _e(parent, tag: str, ns: str = TEI, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None and value != "":
            el.set(f"{{{XML}}}{key[4:]}" if key.startswith("xml_") else key, str(value))
    if text is not None:
        el.text = text
    return el


def _resp_id(region) -> str:
    return "ocr-" + "".join(c if c.isalnum() else "-" for c in (region.ocr_engine or "unknown"))


def _ana(view: ProjectView, kind: str, row_id: int) -> str | None:
    return " ".join(f"#motif-{c.motif_id}" for c in view.codings_of(kind, row_id)) or None


def _header(root, view: ProjectView) -> None:
    header = _e(root, "teiHeader")
    file_desc = _e(header, "fileDesc")
    title_stmt = _e(file_desc, "titleStmt")
    series = {ev.series.name for ev in view.episodes if ev.series}
    _e(title_stmt, "title", text="; ".join(sorted(series)) or "Comic episodes")
    engines = sorted({_resp_id(r) for pv in view.pages for r in pv.regions if r.text is None and r.ocr_text is not None})
    names = {_resp_id(r): " ".join(x for x in (r.ocr_engine, r.ocr_engine_version) if x) or "OCR"
             for pv in view.pages for r in pv.regions}
    for resp_id in engines:
        stmt = _e(title_stmt, "respStmt", xml_id=resp_id)
        _e(stmt, "resp", text="text recognition (OCR, not checked by a person)")
        _e(stmt, "name", text=names[resp_id])
    publication = _e(file_desc, "publicationStmt")
    _e(publication, "p", text=f"Exported by {common.CREATOR}.")
    source_desc = _e(file_desc, "sourceDesc")
    list_bibl = _e(source_desc, "listBibl")
    for ev in view.episodes:
        ep = ev.episode
        bibl = _e(list_bibl, "bibl", xml_id=f"bibl-ep{ep.id}")
        _e(bibl, "title", text=ep.title or f"Episode {ep.number}")
        if ep.title_zh:
            _e(bibl, "title", text=ep.title_zh, xml_lang="zh", type="alt")
        if ev.series:
            _e(bibl, "title", text=ev.series.name, level="s")
        if ep.published_on:
            _e(bibl, "date", text=ep.published_on.isoformat(), when=ep.published_on.isoformat())
        if ep.source_url:
            _e(bibl, "ref", text=ep.source_url, target=ep.source_url)
    encoding = _e(header, "encodingDesc")
    class_decl = _e(encoding, "classDecl")
    taxonomy = _e(class_decl, "taxonomy", xml_id="motifs")
    _e(_e(taxonomy, "desc"), "term", text="Motif codebook")

    def categories(parent, parent_id):
        for motif in view.children(parent_id):
            cat = _e(parent, "category", xml_id=f"motif-{motif.id}")
            desc = _e(cat, "catDesc")
            _e(desc, "term", text=motif.name)
            if motif.name_zh:
                _e(desc, "term", text=motif.name_zh, xml_lang="zh")
            if motif.description:
                _e(desc, "gloss", text=motif.description)
            categories(cat, motif.id)

    categories(taxonomy, None)
    if not view.characters:
        return
    list_person = _e(_e(_e(header, "profileDesc"), "particDesc"), "listPerson")
    for ch in view.characters.values():
        person = _e(list_person, "person", xml_id=f"char-{ch.id}", role=ch.role.replace(" ", "-") or None)
        _e(person, "persName", text=ch.name)
        if ch.name_zh:
            _e(person, "persName", text=ch.name_zh, xml_lang="zh")
        if ch.affiliation:
            _e(person, "affiliation", text=ch.affiliation)
        if ch.description:
            _e(person, "note", text=ch.description)


def _facsimile(root, pages: list[PageView]) -> None:
    facsimile = _e(root, "facsimile")
    for pv in pages:
        page = pv.page
        surface = _e(facsimile, "surface", xml_id=f"page-{page.id}", ulx=0, uly=0, lrx=page.width, lry=page.height)
        _e(surface, "graphic", url=pv.file_name, width=f"{page.width}px", height=f"{page.height}px")
        for panel in pv.panels:
            _e(surface, "zone", xml_id=f"zone-panel-{panel.id}", points=common.points(panel.polygon))
        for r in pv.regions:
            _e(surface, "zone", xml_id=f"zone-region-{r.id}", points=common.points(r.polygon))


def _text_element(parent, view: ProjectView, r) -> None:
    tag = "balloon" if r.kind in BALLOONS else "caption"
    who = f"#char-{r.speaker_id}" if r.speaker_id in view.characters else None
    el = _e(parent, tag, CBML, type=r.kind, who=who if tag == "balloon" else None, facs=f"#zone-region-{r.id}",
            ana=_ana(view, "text_region", r.id), xml_lang=r.lang)
    text = r.display_text
    for i, line in enumerate(text.split("\n")):
        if i:
            _e(el, "lb")
            el[-1].tail = line
        else:
            el.text = line
    if r.text is None and r.ocr_text is not None:
        el.set("resp", f"#{_resp_id(r)}")
    if r.translation:
        _e(el, "note", text=r.translation, type="translation", xml_lang="en")


def _body(root, view: ProjectView) -> None:
    body = _e(_e(root, "text"), "body")
    for ev in view.episodes:
        ep = ev.episode
        div = _e(body, "div", type="episode", n=ep.number, source=f"#bibl-ep{ep.id}", ana=_ana(view, "episode", ep.id))
        _e(div, "head", text=ep.title or f"Episode {ep.number}")
        for pv in ev.pages:
            _e(div, "pb", n=pv.page.index + 1, facs=f"#page-{pv.page.id}", ana=_ana(view, "page", pv.page.id))
            holder = div
            placed = set()
            for i, panel in enumerate(pv.panels, 1):
                el = _e(holder, "panel", CBML, n=i, facs=f"#zone-panel-{panel.id}", ana=_ana(view, "panel", panel.id),
                        corresp=" ".join(f"#char-{a.character_id}" for a in view.appearances.get(panel.id, [])
                                         if a.character_id in view.characters) or None)
                for r in pv.regions:
                    if r.panel_id == panel.id:
                        _text_element(el, view, r)
                        placed.add(r.id)
                if not len(el):
                    _e(el, "p")
            rest = [r for r in pv.regions if r.id not in placed]
            if rest:
                el = _e(holder, "panel", CBML, type="outside-panels")
                for r in rest:
                    _text_element(el, view, r)
        if not len(div) > 1:
            _e(div, "p")


def tei_document(view: ProjectView) -> etree._Element:
    root = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI, "cbml": CBML})
    _header(root, view)
    if view.pages:
        _facsimile(root, view.pages)
    _body(root, view)
    return root


def write(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    if not view.episodes:
        raise ExportError("nothing to export: no episodes chosen")
    write_file(out, serialise(tei_document(view)))
    return [out]


register(ExportFormat("tei", "TEI P5 + CBML", "episodes with cbml:panel in reading order, cbml:balloon with speaker "
                      "(@who), text and translation, persons, motifs as @ana into a taxonomy, facsimile zones",
                      "file", write))
