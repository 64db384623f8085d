"""Reading PAGE XML (2013, 2017 and 2019 schemas) from Transkribus, eScriptorium or this tool.

Text found in a PAGE file is a human transcription unless its ``TextEquiv`` is marked as an
engine reading (``comments="ocr ENGINE VERSION"``, as this tool writes it); the lowest
``index`` wins, as the PAGE schema says. Without a ``structure`` type, a ``caption`` region
is a caption and any other text region a speech balloon; ``ImageRegion``s are panels.
"""

from __future__ import annotations

from lxml import etree

from annotator.core import models
from annotator.core.exchange import common
from annotator.core.exchange.apply import CodingIn, OcrIn, PageIn, PanelIn, RegionIn
from annotator.core.exchange.xmlsafe import ExchangeError

NAMESPACES = tuple(f"http://schema.primaresearch.org/PAGE/gts/pagecontent/{v}"
                   for v in ("2019-07-15", "2017-07-15", "2016-07-15", "2013-07-15", "2010-03-19"))


def _children(el, tag: str) -> list:
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == tag]


def _child(el, tag: str):
    found = _children(el, tag)
    return found[0] if found else None


def _index(el) -> int:
    try:
        return int(el.get("index", "0"))
    except ValueError:
        return 0


def _equivs(el) -> tuple[str | None, OcrIn | None]:
    human, ocr = None, None
    for te in sorted(_children(el, "TextEquiv"), key=_index):
        unicode_ = _child(te, "Unicode")
        text = unicode_.text if unicode_ is not None and unicode_.text is not None else ""
        comment = (te.get("comments") or "").split()
        if comment and comment[0] == common.OCR_MARK:
            if ocr is None:
                conf = te.get("conf")
                ocr = OcrIn(text, float(conf) if conf else None, comment[1] if len(comment) > 1 else "unknown",
                            " ".join(comment[2:]))
        elif human is None:
            human = text
    return human, ocr


def _region_text(el) -> tuple[str | None, OcrIn | None]:
    human, ocr = _equivs(el)
    if human is None and ocr is None:
        lines = [_equivs(line) for line in _children(el, "TextLine")]
        texts = [h for h, _ in lines if h]
        readings = [o for _, o in lines if o is not None]
        human = "\n".join(texts) if texts else None
        if readings:
            ocr = OcrIn("\n".join(o.text for o in readings), readings[0].confidence, readings[0].engine,
                        readings[0].version)
    return (human or None), ocr


def _labels(el) -> list[tuple[str, str, dict]]:
    out = []
    for labels in _children(el, "Labels"):
        for label in _children(labels, "Label"):
            out.append((label.get("type") or "", label.get("value") or "", common.read_note(label.get("comments"))))
    return out


def _codings(labels) -> list[CodingIn]:
    return [CodingIn([p.strip() for p in value.split(" / ")], note.get("coder"), note.get("memo", ""))
            for kind, value, note in labels if kind == "motif" and value.strip()]


def _reading_order(page) -> tuple[list[str], dict[str, str]]:
    """Region ids in reading order, and the panel id that groups each text region."""
    order, owner = [], {}
    ro = _child(page, "ReadingOrder")
    if ro is None:
        return order, owner

    def walk(group, panel):
        for item in sorted((c for c in group if isinstance(c.tag, str)), key=_index):
            name = etree.QName(item).localname
            ref = item.get("regionRef")
            if name.startswith("RegionRef") and ref:
                order.append(ref)
                if panel:
                    owner[ref] = panel
            elif name.startswith(("OrderedGroup", "UnorderedGroup")):
                if ref:
                    order.append(ref)
                walk(item, ref or panel)

    for group in ro:
        if isinstance(group.tag, str):
            walk(group, None)
    return order, owner


def _sorted(regions, order: list[str]):
    def key(item):
        position, el = item
        custom = common.parse_custom(el.get("custom")).get("readingOrder", {})
        if "index" in custom and custom["index"].lstrip("-").isdigit():
            return (0, int(custom["index"]), position)
        if el.get("id") in order:
            return (1, order.index(el.get("id")), position)
        return (2, position, position)

    return [el for _, el in sorted(enumerate(regions), key=key)]


def read(root, source: str) -> PageIn:
    page = _child(root, "Page")
    if etree.QName(root).localname != "PcGts" or page is None:
        raise ExchangeError(f"{source}: not a PAGE document (no PcGts/Page)")
    sha = None
    meta = _child(root, "Metadata")
    for user in _children(meta, "UserDefined") if meta is not None else []:
        for attr in _children(user, "UserAttribute"):
            if attr.get("name") == "sha256":
                sha = attr.get("value")
    try:
        width, height = int(page.get("imageWidth", "0")), int(page.get("imageHeight", "0"))
    except ValueError:
        raise ExchangeError(f"{source}: imageWidth/imageHeight are not integers") from None
    item = PageIn(source, sha, page.get("imageFilename"), width or None, height or None)
    item.codings = _codings(_labels(page))
    order, owner = _reading_order(page)
    panels, texts = [], []
    for el in page.iter():
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        structure = common.parse_custom(el.get("custom")).get("structure", {}).get("type")
        if name == "ImageRegion" and structure in (None, "panel"):
            panels.append(el)
        elif name == "TextRegion":
            texts.append(el)
    panel_ids = []
    for el in _sorted(panels, order):
        labels = _labels(el)
        coords = _child(el, "Coords")
        item.panels.append(PanelIn(common.parse_points(coords.get("points") if coords is not None else ""),
                                   _codings(labels), [v for k, v, _ in labels if k == "character"],
                                   el.get("comments") or ""))
        panel_ids.append(el.get("id"))
    for el in _sorted(texts, order):
        coords = _child(el, "Coords")
        structure = common.parse_custom(el.get("custom")).get("structure", {}).get("type")
        kind = structure if structure in models.REGION_KINDS else ("caption" if el.get("type") == "caption" else "speech")
        text, ocr = _region_text(el)
        labels = _labels(el)
        parent = el.getparent()
        panel = owner.get(el.get("id"))
        if panel is None and etree.QName(parent).localname == "ImageRegion":
            panel = parent.get("id")
        item.regions.append(RegionIn(
            common.parse_points(coords.get("points") if coords is not None else ""), kind=kind, text=text, ocr=ocr,
            lang=common.LANG_CODES.get(el.get("primaryLanguage") or ""),
            vertical=(el.get("readingDirection") == "top-to-bottom") if el.get("readingDirection") else None,
            translation=next((v for k, v, _ in labels if k == "translation"), None),
            speaker=next((v for k, v, _ in labels if k == "speaker"), None),
            panel=panel_ids.index(panel) if panel in panel_ids else None,
            codings=_codings(labels)))
    return item
