"""Reading JSON transcripts.

Two shapes: the transcript of ``annotator export --format json`` (``"format":
"annotator-transcript"``: episodes with page hashes and sizes, then one row per text region
with its box, kind, texts, speaker and motif paths; panels are not in it, so each region
joins the project panel that holds most of it), and a page-wise shape for hand-made or
converted files: ``{"pages": [{"sha256", "file", "width", "height", "panels": [{"polygon",
"motifs"}], "regions": [{"polygon", "kind", "text", "translation", "speaker", "lang",
"vertical", "panel", "motifs"}]}]}``, where ``panel`` is an index into ``panels`` and
``motifs`` a list of codebook paths ("Parent / Child") or ``{"motif", "coder", "memo"}``.
"""

from __future__ import annotations

from annotator.core.exchange.apply import CodingIn, OcrIn, PageIn, PanelIn, RegionIn
from annotator.core.exchange.xmlsafe import ExchangeError


def _codings(items) -> list[CodingIn]:
    out = []
    for item in items or []:
        if isinstance(item, str):
            out.append(CodingIn([p.strip() for p in item.split(" / ")]))
        elif isinstance(item, dict) and isinstance(item.get("motif"), str):
            out.append(CodingIn([p.strip() for p in item["motif"].split(" / ")], item.get("coder"),
                                item.get("memo") or ""))
    return out


def _box(row: dict) -> list:
    try:
        x, y, w, h = (float(row[k]) for k in ("x", "y", "w", "h"))
    except (KeyError, TypeError, ValueError):
        raise ExchangeError("a transcript row has no numeric x, y, w, h") from None
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def _transcript(data: dict, source: str) -> list[PageIn]:
    pages: dict[str, PageIn] = {}
    for episode in data.get("episodes") or []:
        for page in episode.get("pages") or []:
            if isinstance(page, dict) and page.get("sha256"):
                pages[page["sha256"]] = PageIn(f"{source} episode {episode.get('number')} page {page.get('page')}",
                                               page["sha256"], page.get("file"), page.get("width"), page.get("height"))
    for n, row in enumerate(data.get("regions") or [], 1):
        if not isinstance(row, dict) or row.get("page_sha256") not in pages:
            raise ExchangeError(f"{source}: region row {n} names no page listed in the file")
        ocr = None
        if row.get("ocr_text") is not None:
            confidence = row.get("ocr_confidence")
            ocr = OcrIn(row["ocr_text"], float(confidence) if confidence is not None else None,
                        row.get("ocr_engine") or "unknown", row.get("ocr_engine_version") or "")
        pages[row["page_sha256"]].regions.append(RegionIn(
            _box(row), kind=row.get("kind") or "speech", text=row.get("corrected_text"), ocr=ocr,
            lang=row.get("lang"), vertical=row.get("vertical"), translation=row.get("translation"),
            speaker=row.get("speaker"), codings=_codings(row.get("motifs"))))
    return [p for p in pages.values() if p.regions]


def read(data, source: str) -> list[PageIn]:
    if isinstance(data, dict) and data.get("format") == "annotator-transcript":
        return _transcript(data, source)
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, list):
        raise ExchangeError(f"{source}: not a JSON transcript (no \"pages\" list)")
    out = []
    for n, page in enumerate(pages, 1):
        if not isinstance(page, dict):
            raise ExchangeError(f"{source}: page {n} is not an object")
        item = PageIn(f"{source} page {n}", page.get("sha256"), page.get("file"), page.get("width"),
                      page.get("height"), codings=_codings(page.get("motifs")))
        for panel in page.get("panels") or []:
            item.panels.append(PanelIn(panel.get("polygon") or [], _codings(panel.get("motifs")),
                                       list(panel.get("characters") or [])))
        for region in page.get("regions") or []:
            item.regions.append(RegionIn(
                region.get("polygon") or [], kind=region.get("kind") or "speech", text=region.get("text"),
                lang=region.get("lang"), vertical=region.get("vertical"), translation=region.get("translation"),
                speaker=region.get("speaker"), panel=region.get("panel"), codings=_codings(region.get("motifs"))))
        out.append(item)
    return out
