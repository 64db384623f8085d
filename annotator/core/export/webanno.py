"""W3C Web Annotation (JSON-LD), one ``AnnotationCollection`` file per episode.

Each panel and each text region is an ``Annotation`` on its page image (the target's
``source`` is ``urn:sha256:HASH`` of the stored image; rectangles use a ``FragmentSelector``
``xywh=`` conforming to Media Fragments, other outlines an ``SvgSelector`` polygon).
Bodies: the human transcription (purpose ``transcribing``), the OCR reading (also
``transcribing``, its creator the engine as ``Software``), the translation (``translating``,
with ``language``), the region kind (``classifying``), the speaker or the characters present
(``identifying``) and motifs (``tagging``, value the codebook path, creator the coder and a
memo as ``describing`` body). Page-level motifs annotate the whole image.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.exchange import common
from annotator.core.exchange.view import PageView, ProjectView, gather, guid, iso
from annotator.core.export import ExportError, ExportFormat, Options, register
from annotator.core.export.page import write_folder

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/"
TRANSLATION_LANGUAGE = "en"


def _person(name: str | None) -> dict | None:
    return {"type": "Person", "name": name} if name else None


def _is_box(polygon) -> bool:
    xs, ys = {round(p[0]) for p in polygon}, {round(p[1]) for p in polygon}
    return len(polygon) == 4 and len(xs) == 2 and len(ys) == 2


def _target(pv: PageView, polygon=None) -> dict:
    source = {"id": f"urn:sha256:{pv.page.media_sha256}", "type": "Image", "format": pv.mime}
    if polygon is None:
        return {"type": "SpecificResource", "source": source}
    if _is_box(polygon):
        x, y = round(min(p[0] for p in polygon)), round(min(p[1] for p in polygon))
        w, h = round(max(p[0] for p in polygon)) - x, round(max(p[1] for p in polygon)) - y
        selector = {"type": "FragmentSelector", "conformsTo": MEDIA_FRAGMENTS, "value": f"xywh={x},{y},{w},{h}"}
    else:
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{pv.page.width}" height="{pv.page.height}">'
               f'<polygon points="{common.points(polygon)}"/></svg>')
        selector = {"type": "SvgSelector", "value": svg}
    return {"type": "SpecificResource", "source": source, "selector": selector}


def _text(value: str, purpose: str, **extra) -> dict:
    body = {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def _motif_bodies(view: ProjectView, kind: str, row_id: int) -> list[dict]:
    bodies = []
    for coding in view.codings_of(kind, row_id):
        path = " / ".join(view.motif_path(coding.motif_id))
        # no body ids: the W3C test suite reads a body with an id as an external resource, which has no purpose
        bodies.append(_text(path, "tagging", creator=_person(view.coder_name(coding.coder_id))))
        if coding.memo:
            bodies.append(_text(coding.memo, "commenting", creator=_person(view.coder_name(coding.coder_id))))
    return bodies


def _annotation(kind: str, row, bodies: list[dict], target: dict) -> dict:
    anno = {"id": f"urn:uuid:{guid(kind, row.id)}", "type": "Annotation",
            "motivation": "tagging" if any(b["purpose"] == "tagging" for b in bodies) else "describing",
            "created": iso(row.created_at), "modified": iso(row.updated_at),
            "generator": {"type": "Software", "name": common.CREATOR}}
    creators = list(dict.fromkeys(b["creator"]["name"] for b in bodies if b.get("creator", {}).get("type") == "Person"))
    if creators:
        anno["creator"] = [_person(n) for n in creators] if len(creators) > 1 else _person(creators[0])
    if bodies:
        anno["body"] = bodies
    anno["target"] = target
    return anno


def page_annotations(view: ProjectView, pv: PageView) -> list[dict]:
    items = []
    page_bodies = _motif_bodies(view, "page", pv.page.id)
    if page_bodies:
        items.append(_annotation("page", pv.page, page_bodies, _target(pv)))
    for i, panel in enumerate(pv.panels):
        bodies = [_text("panel", "classifying")]
        bodies += [_text(view.characters[a.character_id].name, "identifying", creator=_person(view.coder_name(a.coder_id)))
                   for a in view.appearances.get(panel.id, []) if a.character_id in view.characters]
        if panel.memo:
            bodies.append(_text(panel.memo, "commenting"))
        bodies += _motif_bodies(view, "panel", panel.id)
        items.append(_annotation("panel", panel, bodies, _target(pv, panel.polygon)))
    for r in pv.regions:
        bodies = [_text(r.kind, "classifying")]
        if r.text is not None:
            bodies.append(_text(r.text, "transcribing", language=r.lang or None))
        if r.ocr_text is not None:
            engine = " ".join(x for x in (r.ocr_engine, r.ocr_engine_version) if x) or "OCR"
            bodies.append(_text(r.ocr_text, "transcribing", language=r.lang or None,
                                creator={"type": "Software", "name": engine}))
        if r.translation:
            bodies.append(_text(r.translation, "translating", language=TRANSLATION_LANGUAGE))
        if r.speaker_id in view.characters:
            bodies.append(_text(view.characters[r.speaker_id].name, "identifying"))
        bodies += _motif_bodies(view, "text_region", r.id)
        target = _target(pv, r.polygon)
        anno = _annotation("region", r, bodies, target)
        if r.vertical:
            target["styleClass"] = "vertical"
            anno["stylesheet"] = {"type": "CssStylesheet", "value": ".vertical { writing-mode: vertical-rl; }"}
        items.append(anno)
    return items


def collection(view: ProjectView, ev) -> dict:
    episode = ev.episode
    items = [a for pv in ev.pages for a in page_annotations(view, pv)]
    label = f"{ev.series.name if ev.series else ''} episode {episode.number}: {episode.title}".strip()
    coll_id = f"urn:uuid:{guid('episode', episode.id)}"
    return {
        "@context": CONTEXT, "id": coll_id, "type": "AnnotationCollection", "label": label, "total": len(items),
        "generator": {"type": "Software", "name": common.CREATOR},
        "first": {"id": f"urn:uuid:{guid('episode-page', episode.id)}", "type": "AnnotationPage", "startIndex": 0,
                  "partOf": {"id": coll_id, "label": label, "total": len(items)}, "items": items},
    }


def write(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    if not view.episodes:
        raise ExportError("nothing to export: no episodes chosen")
    files = {}
    for done, ev in enumerate(view.episodes, 1):
        name = f"ep{ev.episode.number or ev.episode.id:03d}.jsonld"
        files[name] = (json.dumps(collection(view, ev), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        if progress:
            progress(done, len(view.episodes), name)
    return write_folder(out, files)


register(ExportFormat("webanno", "W3C Web Annotation 2017", "one AnnotationCollection per episode: panels and "
                      "text regions on page images (media-fragment boxes, SVG polygons), transcriptions, OCR, "
                      "translations, speakers, characters, motifs with coders", "folder", write))
