"""PAGE XML 2019-07-15, one file per page, for Transkribus, eScriptorium and OCR-D.

Panels are ``ImageRegion``s (a panel is a picture area, and transcription tools would show
an empty ``TextRegion`` as a region awaiting text); balloons and captions are
``TextRegion``s with one ``TextLine`` over the whole balloon. The reading order is explicit
twice: a ``ReadingOrder`` with one ``OrderedGroupIndexed`` per panel holding its text
regions, and Transkribus's ``custom="readingOrder {index:n;} structure {type:speech;}"``.

TextEquiv convention (PAGE: the lowest ``index`` is the main text): the human transcription
is ``index="0"``; the OCR reading is ``index="1"`` with ``conf`` and
``comments="ocr ENGINE VERSION"``. A region with no correction carries only the OCR reading.
Speaker, translation and motifs (with coder and memo) are ``Labels``.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from annotator.core.exchange import common
from annotator.core.exchange.view import PageView, ProjectView, gather, iso
from annotator.core.export import (
    ExportError,
    ExportFormat,
    Options,
    register,
    write_file,
)

NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LOCATION = f"{NS} {NS}/pagecontent.xsd"
DIRECTIONS = {"ltr": "left-to-right", "rtl": "right-to-left"}


def _e(parent, tag: str, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            el.set(key, str(value))
    return el


def _text_equiv(parent, index: int, text: str, conf=None, comments=None) -> None:
    te = _e(parent, "TextEquiv", index=index, conf=None if conf is None else f"{min(max(conf, 0), 1):.3f}",
            comments=comments)
    _e(te, "Unicode").text = text


def _equivs(parent, region) -> None:
    if region.text is not None:
        _text_equiv(parent, 0, region.text)
    if region.ocr_text is not None:
        engine = " ".join(x for x in (common.OCR_MARK, region.ocr_engine, region.ocr_engine_version) if x)
        _text_equiv(parent, 1, region.ocr_text, region.ocr_confidence, engine)


def _labels(parent, view: ProjectView, kind: str, row_id: int, extra: list[tuple[str, str]]) -> None:
    items = list(extra)
    for coding in view.codings_of(kind, row_id):
        items.append(("motif", " / ".join(view.motif_path(coding.motif_id)),
                      common.note(coder=view.coder_name(coding.coder_id), memo=coding.memo)))
    if not items:
        return
    labels = _e(parent, "Labels", externalModel="annotator")
    for item in items:
        _e(labels, "Label", type=item[0], value=item[1], comments=item[2] if len(item) > 2 and item[2] != "{}" else None)


def _direction(pv: PageView, series) -> str | None:
    value = pv.page.direction or pv.episode.direction or (series.direction if series else None)
    return DIRECTIONS.get(value or "")


def page_document(view: ProjectView, pv: PageView, series=None) -> etree._Element:
    page = pv.page
    root = etree.Element(f"{{{NS}}}PcGts", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", LOCATION)
    root.set("pcGtsId", f"page-{page.media_sha256[:16]}")
    meta = _e(root, "Metadata")
    _e(meta, "Creator").text = common.CREATOR
    _e(meta, "Created").text = iso(page.created_at)
    _e(meta, "LastChange").text = iso(pv.last_change())
    episode = pv.episode
    _e(meta, "Comments").text = (f"{series.name if series else ''} episode {episode.number}: {episode.title} "
                                 f"- page {page.index + 1}").strip()
    user = _e(meta, "UserDefined")
    _e(user, "UserAttribute", name="sha256", type="xsd:string", value=page.media_sha256)
    _e(user, "UserAttribute", name="episode", type="xsd:integer", value=episode.number or 0)
    _e(user, "UserAttribute", name="pageIndex", type="xsd:integer", value=page.index)
    pe = _e(root, "Page", imageFilename=pv.file_name, imageWidth=page.width, imageHeight=page.height,
            readingDirection=_direction(pv, series))
    _reading_order(pe, pv)
    _labels(pe, view, "page", page.id, [])
    for i, panel in enumerate(pv.panels):
        region = _e(pe, "ImageRegion", id=f"p{panel.id}", custom=common.custom(readingOrder={"index": i},
                                                                               structure={"type": "panel"}),
                    comments=panel.memo or None)
        _e(region, "Coords", points=common.points(panel.polygon))
        characters = [("character", view.characters[a.character_id].name, common.note(coder=view.coder_name(a.coder_id)))
                      for a in view.appearances.get(panel.id, []) if a.character_id in view.characters]
        _labels(region, view, "panel", panel.id, characters)
    for i, r in enumerate(pv.regions):
        attrs = {"id": f"r{r.id}", "type": "caption" if r.kind == "caption" else "other",
                 "custom": common.custom(readingOrder={"index": i}, structure={"type": r.kind}),
                 "primaryLanguage": common.LANGUAGES.get(r.lang)}
        if r.vertical:
            attrs["readingDirection"] = "top-to-bottom"
            attrs["textLineOrder"] = "right-to-left"
        region = _e(pe, "TextRegion", **attrs)
        _e(region, "Coords", points=common.points(r.polygon))
        extra = []
        if r.speaker_id in view.characters:
            extra.append(("speaker", view.characters[r.speaker_id].name))
        if r.translation:
            extra.append(("translation", r.translation))
        _labels(region, view, "text_region", r.id, extra)
        line = _e(region, "TextLine", id=f"r{r.id}l1")
        _e(line, "Coords", points=common.points(r.polygon))
        x, y, w, h = r.bbox
        base = [(x + w / 2, y), (x + w / 2, y + h)] if r.vertical else [(x, y + h * 0.8), (x + w, y + h * 0.8)]
        _e(line, "Baseline", points=common.points(base))
        _equivs(line, r)
        _equivs(region, r)
    return root


def _reading_order(pe, pv: PageView) -> None:
    if not pv.panels and not pv.regions:
        return
    group = _e(_e(pe, "ReadingOrder"), "OrderedGroup", id="ro", caption="panels and their text in reading order")
    by_panel: dict[int | None, list] = {}
    for r in pv.regions:
        by_panel.setdefault(r.panel_id if pv.panel_index(r.panel_id) is not None else None, []).append(r)
    index = 0
    for panel in pv.panels:
        inner = by_panel.get(panel.id, [])
        if inner:
            sub = _e(group, "OrderedGroupIndexed", id=f"ro-p{panel.id}", regionRef=f"p{panel.id}", index=index,
                     caption=f"panel {index + 1}")
            for j, r in enumerate(inner):
                _e(sub, "RegionRefIndexed", index=j, regionRef=f"r{r.id}")
        else:
            _e(group, "RegionRefIndexed", index=index, regionRef=f"p{panel.id}")
        index += 1
    for r in by_panel.get(None, []):
        _e(group, "RegionRefIndexed", index=index, regionRef=f"r{r.id}")
        index += 1


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_folder(out: Path, files: dict[str, bytes]) -> list[Path]:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        write_file(out / name, data)
        written.append(out / name)
    return written


def write(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    pages = [(ev, pv) for ev in view.episodes for pv in ev.pages]
    if not pages:
        raise ExportError("nothing to export: no pages in the chosen episodes")
    files = {}
    for done, (ev, pv) in enumerate(pages, 1):
        files[f"{pv.stem}.xml"] = serialise(page_document(view, pv, ev.series))
        if progress:
            progress(done, len(pages), pv.stem)
    return write_folder(out, files)


register(ExportFormat("page", "PAGE XML 2019-07-15",
                      "one file per page: panels, text regions with OCR and human text, reading order, "
                      "speakers, translations and motifs as labels", "folder", write))
