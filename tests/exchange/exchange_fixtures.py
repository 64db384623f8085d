"""A coded demo-like project, built only through the core services.

The demo's pages with their true panels and balloons (``seeds/demo/truth.json``): the
balloons arrive as an OCR reading (with an engine name, some readings slightly wrong), then
coders Lin and Morgan correct text, add translations and speakers, code panels, balloons
and pages with motifs (with memos) and record character appearances.
"""

from __future__ import annotations

import json

import yaml

from annotator.core import annotate, coding
from annotator.core.ocr_service import store_regions
from annotator.core.seeds import SEEDS_DIR, build_demo
from annotator.vision.shapes import TextShape

TRANSLATIONS = ["West Hill mine, north slope.", "We'll pose as lost hikers.", "Understood, setting off now!"]


def _octagon(x, y, w, h):
    dx, dy = w * 0.2, h * 0.2
    return [(x + dx, y), (x + w - dx, y), (x + w, y + dy), (x + w, y + h - dy), (x + w - dx, y + h),
            (x + dx, y + h), (x, y + h - dy), (x, y + dy)]


def build_coded(root):
    project, reports = build_demo(root, analyse=False)
    truth = {p["image"]: p for p in json.loads((SEEDS_DIR / "demo" / "truth.json").read_text("utf-8"))["pages"]}
    meta = yaml.safe_load((SEEDS_DIR / "demo" / "episodes.yaml").read_text("utf-8"))
    meta_pages = [image for ep in meta["episodes"] for image in ep["pages"]]
    page_ids = [pid for report in reports for pid in report.page_ids]
    lin, morgan = project.coder("Lin"), project.coder("Morgan")
    leaves = [m for m in coding.motifs(project) if m.parent_id is not None]
    cast = coding.characters(project)
    n = 0
    for image, page_id in zip(meta_pages, page_ids):
        page = truth[image]
        for panel in page["panels"]:
            annotate.add_panel(project, page_id, panel["polygon"])
        shapes = []
        for i, b in enumerate(page["balloons"]):
            x, y, w, h = b["bbox"]
            poly = _octagon(x, y, w, h) if b["kind"] == "speech" else [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
            text = b["text"][:-1] if i % 3 == 1 else b["text"]  # some OCR readings miss a character
            shapes.append(TextShape(polygon=poly, bbox=(x, y, w, h), text=text, confidence=0.8 + 0.01 * i,
                                    vertical=b["vertical"], lang=b["lang"], kind=b["kind"],
                                    engine="rapidocr", engine_version="3.4.0"))
        store_regions(project, page_id, shapes)
        data = annotate.page_data(project, page_id)
        truth_by_box = {tuple(b["bbox"]): b for b in page["balloons"]}
        for i, region in enumerate(data.regions):
            n += 1
            b = truth_by_box.get(region.bbox) or page["balloons"][0]
            fields = {}
            if i % 3 == 1:
                fields["text"] = b["text"]
            if i % 2 == 0:
                fields["translation"] = TRANSLATIONS[n % len(TRANSLATIONS)]
            if region.kind == "speech":
                fields["speaker_id"] = cast[n % len(cast)].id
            if fields:
                annotate.update_region(project, region.id, **fields)
            if i % 2 == 1:
                coding.add_coding(project, leaves[n % len(leaves)].id, ("text_region", region.id), morgan,
                                  memo="说话人压低声音" if n % 4 == 1 else "")
        for j, panel in enumerate(data.panels):
            coding.add_coding(project, leaves[(j + page_id) % len(leaves)].id, ("panel", panel.id), lin,
                              memo="the officers in disguise" if j == 0 else "")
            coding.add_appearance(project, cast[(j + page_id) % len(cast)].id, panel.id, lin)
        coding.add_coding(project, leaves[page_id % len(leaves)].id, ("page", page_id), morgan)
    return project


def annotations(project, *, fields=("text", "ocr", "kind", "lang", "vertical", "translation", "speaker", "panel",
                                    "region_codings", "panel_codings", "page_codings", "appearances", "memo")):
    """Everything a user annotated, per page image (by hash), in reading order, without database ids."""
    from annotator.core.exchange.view import gather

    view = gather(project)
    out = {}
    for pv in view.pages:
        def codes(kind, row_id):
            return sorted((" / ".join(view.motif_path(c.motif_id)), view.coder_name(c.coder_id), c.memo)
                          for c in view.codings_of(kind, row_id))

        panels = []
        for p in pv.panels:
            item = {"polygon": [[round(x), round(y)] for x, y in p.polygon]}
            if "panel_codings" in fields:
                item["codings"] = codes("panel", p.id)
            if "appearances" in fields:
                item["characters"] = sorted(view.characters[a.character_id].name for a in view.appearances.get(p.id, []))
            if "memo" in fields:
                item["memo"] = p.memo
            panels.append(item)
        regions = []
        for r in pv.regions:
            item = {"polygon": [[round(x), round(y)] for x, y in r.polygon]}
            values = {"text": r.text, "ocr": (r.ocr_text, r.ocr_engine, r.ocr_engine_version), "kind": r.kind,
                      "lang": r.lang, "vertical": r.vertical, "translation": r.translation,
                      "speaker": view.characters[r.speaker_id].name if r.speaker_id else None,
                      "panel": pv.panel_index(r.panel_id), "region_codings": codes("text_region", r.id)}
            item.update({k: v for k, v in values.items() if k in fields})
            regions.append(item)
        page = {"panels": panels, "regions": regions}
        if "page_codings" in fields:
            page["codings"] = codes("page", pv.page.id)
        out[pv.page.media_sha256] = page
    return out
