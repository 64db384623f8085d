"""Reading a JSON transcript: the ``page`` records of this tool's JSON data export.

Until the JSON data export (issue 14) settles its shape, this reads the shape documented in
the README: ``{"pages": [{"sha256", "file", "width", "height", "panels": [{"polygon",
"motifs"}], "regions": [{"polygon", "kind", "text", "translation", "speaker", "lang",
"vertical", "panel", "motifs"}]}]}``, where ``panel`` is an index into ``panels`` and
``motifs`` a list of codebook paths ("Parent / Child") or ``{"motif", "coder", "memo"}``.
"""

from __future__ import annotations

from annotator.core.exchange.apply import CodingIn, PageIn, PanelIn, RegionIn
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


def read(data, source: str) -> list[PageIn]:
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
