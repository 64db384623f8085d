"""COCO object detection data set: panels and text regions on page images, for training detectors.

A folder with ``annotations.json`` and ``images/`` (copies of the page images, named
``epNNN-pNNN.ext``). Categories: panel, speech, caption, thought, sfx, sign; outlines are
polygon ``segmentation``s, with their ``bbox`` and polygon ``area``. Ids are stable (image
and annotation ids follow the export order), so a re-export is byte-identical.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from annotator.core import geometry
from annotator.core.exchange import common
from annotator.core.exchange.view import gather
from annotator.core.export import ExportError, ExportFormat, Options, register
from annotator.core.export.page import write_folder

CATEGORIES = ["panel", "speech", "caption", "thought", "sfx", "sign"]


def _annotation(ann_id: int, image_id: int, category: str, polygon, bbox) -> dict:
    flat = [round(float(v), 1) for point in polygon for v in point]
    return {"id": ann_id, "image_id": image_id, "category_id": CATEGORIES.index(category) + 1,
            "segmentation": [flat], "area": round(geometry.area([tuple(p) for p in polygon]), 1),
            "bbox": [float(v) for v in bbox], "iscrowd": 0}


def write(project, scope, out: Path, options: Options, progress=None) -> list[Path]:
    view = gather(project, scope.episode_ids)
    pages = view.pages
    if not pages:
        raise ExportError("nothing to export: no pages in the chosen episodes")
    data = {"info": {"description": "panels and text regions", "version": "1.0", "contributor": common.CREATOR},
            "licenses": [], "images": [], "annotations": [],
            "categories": [{"id": i, "name": name, "supercategory": "panel" if name == "panel" else "text"}
                           for i, name in enumerate(CATEGORIES, 1)]}
    ann_id = 0
    copies = {}
    for image_id, pv in enumerate(pages, 1):
        name = f"{pv.stem}.{pv.page.media_path.rsplit('.', 1)[-1]}"
        copies[name] = pv.page.media_path
        data["images"].append({"id": image_id, "file_name": f"images/{name}", "width": pv.page.width,
                               "height": pv.page.height, "sha256": pv.page.media_sha256})
        for panel in pv.panels:
            ann_id += 1
            data["annotations"].append(_annotation(ann_id, image_id, "panel", panel.polygon, panel.bbox))
        for r in pv.regions:
            ann_id += 1
            data["annotations"].append(_annotation(ann_id, image_id, r.kind if r.kind in CATEGORIES else "speech",
                                                   r.polygon, r.bbox))
    written = write_folder(out, {"annotations.json": (json.dumps(data, ensure_ascii=False, indent=1) + "\n")
                                 .encode("utf-8")})
    (out / "images").mkdir(exist_ok=True)
    for done, (name, media) in enumerate(sorted(copies.items()), 1):
        target = out / "images" / name
        shutil.copyfile(project.media_file(media), target)
        written.append(target)
        if progress:
            progress(done, len(copies), name)
    return written


register(ExportFormat("coco", "COCO 1.0 (detection)", "panels and text regions by kind as polygon segmentations "
                      "with boxes, plus the page images", "folder", write))
