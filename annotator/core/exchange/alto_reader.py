"""Reading ALTO (v2 to v4) from Transkribus, eScriptorium or this tool.

Text is a human transcription unless the block is tagged ``ocr-reading`` (this tool's OCR-only
text); lines of a block are joined with newlines. Block outlines come from ``Shape/Polygon``,
else from HPOS/VPOS/WIDTH/HEIGHT. ``ComposedBlock TYPE="panel"`` (or ``Illustration``)
blocks are panels.
"""

from __future__ import annotations

from lxml import etree

from annotator.core import models
from annotator.core.exchange.apply import CodingIn, OcrIn, PageIn, PanelIn, RegionIn
from annotator.core.exchange.xmlsafe import ExchangeError

NAMESPACES = ("http://www.loc.gov/standards/alto/ns-v4#", "http://www.loc.gov/standards/alto/ns-v3#",
              "http://www.loc.gov/standards/alto/ns-v2#")


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _float(el, name: str) -> float:
    try:
        return float(el.get(name, "0"))
    except ValueError:
        raise ExchangeError(f"{name}={el.get(name)!r} is not a number") from None


def _polygon(el, scale: float) -> list:
    for shape in _kids(el, "Shape"):
        for poly in _kids(shape, "Polygon"):
            values = poly.get("POINTS", "").replace(",", " ").split()
            try:
                nums = [float(v) * scale for v in values]
            except ValueError:
                raise ExchangeError(f"polygon points {poly.get('POINTS')!r} are not numbers") from None
            return [[nums[i], nums[i + 1]] for i in range(0, len(nums) - 1, 2)]
    x, y, w, h = (_float(el, k) * scale for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def read(root, source: str) -> PageIn:
    if _local(root) != "alto":
        raise ExchangeError(f"{source}: not an ALTO document (root is {_local(root)})")
    desc = next(iter(_kids(root, "Description")), None)
    unit = "pixel"
    name = sha = None
    engine = ("unknown", "")
    if desc is not None:
        for mu in _kids(desc, "MeasurementUnit"):
            unit = (mu.text or "pixel").strip()
        for info in _kids(desc, "sourceImageInformation"):
            for fn in _kids(info, "fileName"):
                name = (fn.text or "").strip() or None
            for ident in _kids(info, "fileIdentifier"):
                if ident.get("fileIdentifierLocation") == "sha256":
                    sha = (ident.text or "").strip()
        for software in desc.iter(f"{{{NAMESPACES[0]}}}processingSoftware"):
            name_ = "".join(software.findtext(f"{{{NAMESPACES[0]}}}softwareName") or "").strip()
            version = "".join(software.findtext(f"{{{NAMESPACES[0]}}}softwareVersion") or "").strip()
            engine = (name_ or "unknown", version)
            break
    if unit != "pixel":
        raise ExchangeError(f"{source}: measurement unit {unit!r}; only pixel coordinates can be placed on an image")
    tags = {}
    for tags_el in _kids(root, "Tags"):
        for tag in tags_el:
            if isinstance(tag.tag, str) and tag.get("ID"):
                tags[tag.get("ID")] = (_local(tag), tag.get("TYPE") or "", tag.get("LABEL") or "")
    pages = [p for layout in _kids(root, "Layout") for p in _kids(layout, "Page")]
    if len(pages) != 1:
        raise ExchangeError(f"{source}: has {len(pages)} pages; one ALTO file per page image is expected")
    page = pages[0]
    item = PageIn(source, sha, name, round(_float(page, "WIDTH")) or None, round(_float(page, "HEIGHT")) or None)

    def refs(el):
        return [tags[t] for t in (el.get("TAGREFS") or "").split() if t in tags]

    def codings(el):
        return [CodingIn([p.strip() for p in label.split(" / ")]) for _, kind, label in refs(el) if kind == "motif"]

    block_ids: list[str] = []

    def text_block(el, panel):
        block_ids.append(el.get("ID") or f"#{len(block_ids)}")
        tagged = refs(el)
        lines, alternative, confidences = [], None, []
        for line in _kids(el, "TextLine"):
            words = []
            for string in _kids(line, "String"):
                words.append(string.get("CONTENT", ""))
                if string.get("WC"):
                    confidences.append(float(string.get("WC")))
                for alt in _kids(string, "ALTERNATIVE"):
                    if alt.get("PURPOSE") == "ocr" and alternative is None:
                        alternative = alt.text or ""
            lines.append(" ".join(words) if len(words) > 1 and el.get("LANG") != "zh" else "".join(words))
        text = "\n".join(lines)
        kind = next((label for _, t, label in tagged if t == "region" and label in models.REGION_KINDS), "speech")
        ocr_only = any(t == "provenance" and label == "ocr-reading" for _, t, label in tagged)
        conf = min(confidences) if confidences else None
        direction = el.get("BASEDIRECTION")
        region = RegionIn(_polygon(el, 1.0), kind=kind, lang=(el.get("LANG") or None),
                          vertical=direction in ("ttb", "btt") if direction else None,
                          speaker=next((label for _, t, label in tagged if t == "speaker"), None),
                          panel=panel, codings=codings(el))
        if ocr_only:
            region.ocr = OcrIn(text, conf, *engine)
        else:
            region.text = text or None
            if alternative is not None:
                region.ocr = OcrIn(alternative, None, *engine)
        item.regions.append(region)

    def walk(el, panel):
        for child in el:
            name_ = _local(child)
            if name_ == "TextBlock":
                text_block(child, panel)
            elif name_ in ("ComposedBlock", "Illustration") and (child.get("TYPE") in (None, "panel")
                                                                  or name_ == "Illustration"):
                tagged = refs(child)
                item.panels.append(PanelIn(_polygon(child, 1.0), codings(child),
                                           [label for _, t, label in tagged if t == "character"]))
                walk(child, len(item.panels) - 1)
            elif name_ in ("ComposedBlock", "PrintSpace", "TopMargin", "LeftMargin", "RightMargin", "BottomMargin"):
                walk(child, panel)

    walk(page, None)
    order = [ref for ro in _kids(root, "ReadingOrder") for ref in ro.iter() if _local(ref) == "ElementRef"]
    order = [ref.get("REF") for ref in order if ref.get("REF")]
    if order:
        rank = {block_id: i for i, block_id in enumerate(order)}
        paired = sorted(zip(block_ids, item.regions), key=lambda p: (rank.get(p[0], len(rank)), block_ids.index(p[0])))
        item.regions = [r for _, r in paired]
    return item
