"""Reading W3C Web Annotation JSON-LD: a collection, a page, a list or a single annotation.

Targets must point at a page image: ``urn:sha256:HASH`` (as this tool writes) or an IRI whose
last segment is the image file name. Boxes come from ``xywh=`` fragment selectors (pixels),
polygons from SVG selectors (``polygon``, ``rect`` or ``path`` of straight segments).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from lxml import etree

from annotator.core import models
from annotator.core.exchange.apply import CodingIn, OcrIn, PageIn, PanelIn, RegionIn
from annotator.core.exchange.xmlsafe import ExchangeError, parse

TYPES = {"Annotation", "AnnotationCollection", "AnnotationPage"}
SVG = "http://www.w3.org/2000/svg"


def looks_like(data) -> bool:
    if isinstance(data, list):
        return bool(data) and all(isinstance(d, dict) and d.get("type") in TYPES for d in data)
    return isinstance(data, dict) and data.get("type") in TYPES


def _annotations(data, source: str) -> list[dict]:
    if isinstance(data, list):
        return [a for d in data for a in _annotations(d, source)]
    if not isinstance(data, dict) or data.get("type") not in TYPES:
        raise ExchangeError(f"{source}: not a Web Annotation, AnnotationPage or AnnotationCollection")
    if data["type"] == "Annotation":
        return [data]
    if data["type"] == "AnnotationPage":
        return [a for a in data.get("items", []) if isinstance(a, dict)]
    first = data.get("first")
    if not isinstance(first, dict):
        raise ExchangeError(f"{source}: the collection's first page is not embedded (only a link); cannot follow links")
    return _annotations(first, source)


def _list(value) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _svg_polygon(value: str, source: str) -> list:
    root = parse(value.encode("utf-8"), f"{source}: SVG selector", (SVG, ""))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        if name == "polygon":
            nums = [float(v) for v in re.split(r"[\s,]+", (el.get("points") or "").strip()) if v]
            return [[nums[i], nums[i + 1]] for i in range(0, len(nums) - 1, 2)]
        if name == "rect":
            x, y, w, h = (float(el.get(k, "0")) for k in ("x", "y", "width", "height"))
            return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
        if name == "path":
            nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", el.get("d") or "")]
            return [[nums[i], nums[i + 1]] for i in range(0, len(nums) - 1, 2)]
    raise ExchangeError(f"{source}: SVG selector has no polygon, rect or path")


def _geometry(target: dict, source: str):
    for selector in _list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        if selector.get("type") == "SvgSelector" and isinstance(selector.get("value"), str):
            return _svg_polygon(selector["value"], source)
        if selector.get("type") == "FragmentSelector":
            match = re.fullmatch(r"xywh=(?:pixel:)?([\d.]+),([\d.]+),([\d.]+),([\d.]+)", str(selector.get("value", "")))
            if match:
                x, y, w, h = map(float, match.groups())
                return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
            if str(selector.get("value", "")).startswith("xywh=percent:"):
                raise ExchangeError(f"{source}: percent fragment selectors are not supported; use pixels")
    return None


def _image(target) -> tuple[str | None, str | None]:
    source = target.get("source") if isinstance(target, dict) else target
    iri = source.get("id") if isinstance(source, dict) else source
    if not isinstance(iri, str):
        return None, None
    iri = iri.split("#", 1)[0]
    if iri.startswith("urn:sha256:"):
        return iri.rsplit(":", 1)[1], None
    return None, PurePosixPath(unquote(urlparse(iri).path)).name or None


def _name(agent) -> str | None:
    agent = _list(agent)[0] if _list(agent) else None
    return agent.get("name") if isinstance(agent, dict) else None


def read(data, source: str) -> list[PageIn]:
    pages: dict[tuple, PageIn] = {}
    for n, anno in enumerate(_annotations(data, source), 1):
        where = f"{source}: annotation {n}"
        targets = [t for t in _list(anno.get("target")) if t]
        if not targets:
            raise ExchangeError(f"{where} has no target")
        target = targets[0] if isinstance(targets[0], dict) else {"source": targets[0]}
        sha, filename = _image(target)
        if sha is None and filename is None:
            raise ExchangeError(f"{where}: target names no image")
        page = pages.setdefault((sha, filename), PageIn(source, sha, filename))
        polygon = _geometry(target, where)
        bodies = [b for b in _list(anno.get("body")) if isinstance(b, dict)]
        codings, texts = [], {}
        for i, body in enumerate(bodies):
            purpose, value = body.get("purpose"), body.get("value")
            if not isinstance(value, str):
                continue
            if purpose == "tagging":
                memo = next((b.get("value", "") for b in bodies[i + 1:i + 2] if b.get("purpose") == "commenting"), "")
                codings.append(CodingIn([p.strip() for p in value.split(" / ")], _name(body.get("creator")), memo))
            elif purpose == "commenting" and i and bodies[i - 1].get("purpose") == "tagging":
                continue  # the memo of the coding before it
            elif purpose == "transcribing":
                texts.setdefault("lang", body.get("language"))
                if (_list(body.get("creator")) or [{}])[0].get("type") == "Software":
                    engine, _, version = (_name(body.get("creator")) or "unknown").partition(" ")
                    texts["ocr"] = OcrIn(value, None, engine, version)
                else:
                    texts.setdefault("text", value)
            else:
                texts.setdefault(purpose, []).append(value)
        kinds = texts.get("classifying", [])
        if polygon is None:
            page.codings.extend(codings)
        elif "panel" in kinds:
            page.panels.append(PanelIn(polygon, codings, texts.get("identifying", []),
                                       "\n".join(texts.get("commenting", [])[:1])))
        else:
            kind = next((k for k in kinds if k in models.REGION_KINDS), "speech")
            page.regions.append(RegionIn(
                polygon, kind=kind, text=texts.get("text"), ocr=texts.get("ocr"), lang=texts.get("lang"),
                vertical=target.get("styleClass") == "vertical",
                translation=(texts.get("translating") or [None])[0],
                speaker=(texts.get("identifying") or [None])[0], codings=codings))
    return list(pages.values())
