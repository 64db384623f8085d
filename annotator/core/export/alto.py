"""ALTO 4 (validates against 4.4), one file per page, for library and OCR pipelines.

Panels are ``ComposedBlock TYPE="panel"`` holding the ``TextBlock``s of their balloons in
reading order (balloons outside any panel follow them); every block has its polygon as
``Shape/Polygon``. A balloon is one ``TextLine`` per line of its text, each one ``String``
whose ``CONTENT`` is the human transcription when there is one (``WC="1"``), else the OCR
reading with the engine's confidence as ``WC``; the OCR reading also stays as
``ALTERNATIVE PURPOSE="ocr"`` beside a correction. Region kind, speaker and motifs are
``Tags`` referenced by ``TAGREFS``; vertical text is ``BASEDIRECTION="ttb"``; OCR-only text is tagged ``ocr-reading`` so an import
keeps it apart from human text.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from annotator.core.exchange import common
from annotator.core.exchange.view import PageView, ProjectView, gather
from annotator.core.export import ExportError, ExportFormat, Options, register
from annotator.core.export.page import serialise, write_folder

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XLINK = "http://www.w3.org/1999/xlink"
LOCATION = f"{NS} http://www.loc.gov/alto/v4/alto-4-4.xsd"


def _e(parent, tag: str, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            el.set(key, str(value))
    return el


def _box(x, y, w, h) -> dict:
    return {"HPOS": x, "VPOS": y, "WIDTH": w, "HEIGHT": h}


def _shape(parent, polygon) -> None:
    _e(_e(parent, "Shape"), "Polygon", POINTS=common.points(polygon))


class _Tags:
    """ALTO tags are declared once per file and referenced by id."""

    def __init__(self):
        self.items: dict[tuple[str, str, str], str] = {}

    def ref(self, element: str, type_: str, label: str) -> str:
        key = (element, type_, label)
        if key not in self.items:
            self.items[key] = f"tag{len(self.items) + 1}"
        return self.items[key]

    def write(self, tags_el) -> None:
        for (element, type_, label), tag_id in self.items.items():
            _e(tags_el, element, ID=tag_id, TYPE=type_, LABEL=label)


def _text_block(parent, view: ProjectView, r, tags: _Tags) -> None:
    refs = [tags.ref("StructureTag", "region", r.kind)]
    if r.speaker_id in view.characters:
        refs.append(tags.ref("NamedEntityTag", "speaker", view.characters[r.speaker_id].name))
    for coding in view.codings_of("text_region", r.id):
        refs.append(tags.ref("OtherTag", "motif", " / ".join(view.motif_path(coding.motif_id))))
    human = r.text is not None
    text = r.text if human else (r.ocr_text or "")
    if not human and r.ocr_text is not None:
        refs.append(tags.ref("OtherTag", "provenance", "ocr-reading"))
    block = _e(parent, "TextBlock", ID=f"r{r.id}", TAGREFS=" ".join(dict.fromkeys(refs)), LANG=r.lang or None,
               **_box(*r.bbox))
    if r.vertical:
        block.set("BASEDIRECTION", "ttb")
    _shape(block, r.polygon)
    lines = text.split("\n") if text else [""]
    x, y, w, h = r.bbox
    for i, line_text in enumerate(lines):
        if r.vertical:  # columns right to left
            lw = w / len(lines)
            box = (round(x + w - (i + 1) * lw), y, max(1, round(lw)), h)
        else:
            lh = h / len(lines)
            box = (x, round(y + i * lh), w, max(1, round(lh)))
        line = _e(block, "TextLine", ID=f"r{r.id}l{i + 1}", **_box(*box))
        wc = 1.0 if human else (r.ocr_confidence if r.ocr_confidence is not None else None)
        string = _e(line, "String", CONTENT=line_text, WC=None if wc is None else f"{min(max(wc, 0), 1):.3f}",
                    **_box(*box))
        if human and r.ocr_text is not None and i == 0:
            _e(string, "ALTERNATIVE", PURPOSE="ocr").text = r.ocr_text


def alto_document(view: ProjectView, pv: PageView) -> etree._Element:
    page = pv.page
    root = etree.Element(f"{{{NS}}}alto", nsmap={None: NS, "xsi": XSI, "xlink": XLINK})
    root.set(f"{{{XSI}}}schemaLocation", LOCATION)
    desc = _e(root, "Description")
    _e(desc, "MeasurementUnit").text = "pixel"
    info = _e(desc, "sourceImageInformation")
    _e(info, "fileName").text = pv.file_name
    _e(info, "fileIdentifier", fileIdentifierLocation="sha256").text = page.media_sha256
    engines = sorted({(r.ocr_engine, r.ocr_engine_version or "") for r in pv.regions if r.ocr_engine})
    for i, (engine, version) in enumerate(engines, 1):
        step = _e(_e(desc, "OCRProcessing", ID=f"ocr{i}"), "ocrProcessingStep")
        software = _e(step, "processingSoftware")
        _e(software, "softwareName").text = engine
        if version:
            _e(software, "softwareVersion").text = version
    tags = _Tags()
    tags_el = _e(root, "Tags")
    if pv.regions:  # the text's own order; the layout below groups it by panel
        group = _e(_e(root, "ReadingOrder"), "OrderedGroup", ID="ro")
        for r in pv.regions:
            _e(group, "ElementRef", ID=f"ro-r{r.id}", REF=f"r{r.id}")
    layout = _e(root, "Layout")
    page_el = _e(layout, "Page", ID=f"page{page.index + 1}", PHYSICAL_IMG_NR=page.index + 1, WIDTH=page.width,
                 HEIGHT=page.height)
    space = _e(page_el, "PrintSpace", **_box(0, 0, page.width, page.height))
    placed = set()
    for panel in pv.panels:
        refs = [tags.ref("OtherTag", "motif", " / ".join(view.motif_path(c.motif_id)))
                for c in view.codings_of("panel", panel.id)]
        refs += [tags.ref("NamedEntityTag", "character", view.characters[a.character_id].name)
                 for a in view.appearances.get(panel.id, []) if a.character_id in view.characters]
        block = _e(space, "ComposedBlock", ID=f"p{panel.id}", TYPE="panel",
                   TAGREFS=" ".join(dict.fromkeys(refs)) or None, **_box(*panel.bbox))
        _shape(block, panel.polygon)
        for r in pv.regions:
            if r.panel_id == panel.id:
                _text_block(block, view, r, tags)
                placed.add(r.id)
    for r in pv.regions:
        if r.id not in placed:
            _text_block(space, view, r, tags)
    if tags.items:
        tags.write(tags_el)
    else:
        root.remove(tags_el)
    return root


def write(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    pages = view.pages
    if not pages:
        raise ExportError("nothing to export: no pages in the chosen episodes")
    files = {}
    for done, pv in enumerate(pages, 1):
        files[f"{pv.stem}.xml"] = serialise(alto_document(view, pv))
        if progress:
            progress(done, len(pages), pv.stem)
    return write_folder(out, files)


register(ExportFormat("alto", "ALTO 4.4", "one file per page: panels as composed blocks, balloons as text blocks "
                      "with lines, text and confidence (WC), kind, speaker and motif tags", "folder", write))
