"""Read a whole page: find balloons, captions and free text, read them, put them in reading order.

The flow is engine-independent:

1. the engine's detector returns text lines (RapidOCR also reads them; Tesseract gets
   boxes from RapidOCR's detector or the OpenCV balloon finder);
2. lines are grouped into balloons (``text_regions.group_lines``) and each group's body
   (balloon, caption box) is looked up around it; groups sharing one body are merged;
3. groups without text are cropped and passed to ``engine.recognize``;
4. regions are ordered by panel (when panels are given) or in rows, top to bottom.

A region's bbox is the balloon body when one is found (what annotators draw and what the
scorer matches), else the union of its lines with a small margin.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import cv2
import numpy as np

from annotator.vision.images import as_rgb_array, load_array
from annotator.vision.ocr import OcrCancelled, OcrEngine, get_engine
from annotator.vision.shapes import Point, TextShape, rect_polygon
from annotator.vision.balloons import find_body
from annotator.vision.text_regions import (
    ELONGATED,
    TextLine,
    box_iou,
    cjk_punctuation,
    column_end_marks,
    cut_across,
    glyph_text,
    group_lines,
    guess_lang,
    is_cjk,
    is_noise,
    join_lines,
    order_lines,
    union_box,
)


def read_page(
    image,
    engine: str | OcrEngine | None = None,
    *,
    lang: str = "auto",
    panels: list | None = None,
    should_stop=None,
    progress=None,
) -> list[TextShape]:
    """Text regions of a page in reading order.

    ``image``: array (gray/RGB/RGBA, 8/16-bit, float) or PIL image. ``engine``: name, engine or
    None for the best installed one. ``lang``: "auto", "zh" or "en". ``panels``: panel polygons
    ([(x, y), ...]) or bboxes ((x, y, w, h)) in reading order, used to order the regions.
    ``should_stop`` / ``progress``: see ``OcrEngine.find_lines`` (cancel between tiles, report them).
    Raises ``ImageLoadError`` for unusable images and ``OcrError`` subclasses for engine failures.
    """
    rgb = as_rgb_array(image)
    engine = get_engine(engine)
    if rgb.shape[0] < 8 or rgb.shape[1] < 8 or int(rgb.max()) - int(rgb.min()) < 16:
        return []  # nothing legible: tiny or blank
    lines = [ln for ln in engine.find_lines(rgb, should_stop=should_stop, progress=progress) or [] if not is_noise(ln)]
    regions: list[TextShape] = []
    typical = float(np.median([min(ln.bbox[2], ln.bbox[3]) for ln in lines])) if lines else 0.0
    balloons = _balloons(rgb, lines)
    for n, (group, body) in enumerate(balloons):
        if should_stop is not None and should_stop():
            raise OcrCancelled("reading cancelled")
        regions.extend(_read_group(rgb, engine, group, body, lang, typical))
        if progress:
            progress(n + 1, len(balloons), "balloons")
    return order_regions(regions, panels)


def _balloons(rgb: np.ndarray, lines: list[TextLine]):
    """Yield (lines, body) per balloon; groups that turn out to share one body are merged."""
    found: list[tuple[list[TextLine], object]] = []
    per_line = [find_body(rgb, [ln.bbox]) for ln in lines]
    for group in group_lines(lines, per_line):
        own = [per_line[lines.index(ln)] for ln in group]
        if own[0] is not None and all(b is not None and b.bbox == own[0].bbox for b in own):
            body = own[0]  # every line already found the same body
        else:
            body = find_body(rgb, [ln.bbox for ln in group])
        for i, (other, other_body) in enumerate(found):
            if body is not None and other_body is not None and box_iou(body.bbox, other_body.bbox) > 0.6:
                found[i] = (other + group, other_body)
                break
        else:
            found.append((group, body))
    return found


def _read_group(rgb, engine: OcrEngine, group: list[TextLine], body, lang: str, typical: float) -> list[TextShape]:
    """Read one balloon; ``typical`` is the page's median glyph size (free text much larger is a sound effect)."""
    ordered, vertical = order_lines(group)
    boxes = [ln.bbox for ln in ordered]
    ux, uy, uw, uh = union_box(boxes)
    glyph = float(np.median([min(b[2], b[3]) for b in boxes]))
    if all(ln.text for ln in ordered) and cut_across(rgb, ordered, vertical, body is not None):
        vertical = not vertical  # the detector cut the block across its lines: regroup the glyphs
        text = cjk_punctuation(glyph_text(ordered, vertical), engine.misread_marks)
        confidence = float(np.mean([ln.confidence for ln in ordered]))
        line_boxes = boxes
    elif all(ln.text for ln in ordered):
        if vertical:
            ordered = column_end_marks(rgb, ordered, body.bbox if body is not None else None)
        text = join_lines([ln.text for ln in ordered], engine.misread_stops, engine.misread_marks)
        confidence = float(np.mean([ln.confidence for ln in ordered]))
        line_boxes = boxes
    else:
        pad = int(CROP_MARGIN * glyph) + 2
        x0, y0 = max(0, ux - pad), max(0, uy - pad)
        x1, y1 = min(rgb.shape[1], ux + uw + pad), min(rgb.shape[0], uy + uh + pad)
        if body is not None:  # stay inside the balloon so its outline is not read as ink
            bx, by, bw, bh = body.bbox
            x0, y0, x1, y1 = max(x0, bx + 1), max(y0, by + 1), min(x1, bx + bw - 1), min(y1, by + bh - 1)
        # single-glyph groups carry no orientation: let the engine look at the ink
        known = vertical if any(max(b[2], b[3]) > ELONGATED * min(b[2], b[3]) for b in boxes) else None
        rec = engine.recognize(rgb[y0:y1, x0:x1], lang, known)
        text, confidence = rec.text, rec.confidence
        line_boxes = [(x + x0, y + y0, w, h) for x, y, w, h in rec.line_boxes] or boxes
    text = text.strip()
    if not _legible(text, body is not None):
        return []
    if body is not None:
        polygon, bbox, kind = body.polygon, body.bbox, body.kind
    else:
        m = int(FREE_MARGIN * glyph)
        bbox = (max(0, ux - m), max(0, uy - m), uw + 2 * m, uh + 2 * m)
        polygon = rect_polygon(*bbox)
        kind = "sfx" if typical and glyph > SFX_GLYPH * typical else "caption"
        if is_page_furniture(rgb, text, bbox, line_boxes, glyph, typical):
            kind = "other"
    if FURNITURE_TEXT.search(text):
        kind = "other"
    return [TextShape(
        polygon=polygon, bbox=bbox, text=text, confidence=confidence, vertical=vertical,
        lang=guess_lang(text) if lang == "auto" else lang, kind=kind,
        engine=engine.name, engine_version=engine.version, lines=line_boxes,
    )]


#: Margin (in glyphs) around a balloon's lines when its crop is sent to the recogniser.
CROP_MARGIN = 0.4
#: Margin (in glyphs) added round free text's lines to make its region box.
FREE_MARGIN = 0.25
#: Free text with glyphs this many times the page's median glyph is a sound effect.
SFX_GLYPH = 2.0
#: Credits, sites and handles are page furniture wherever they are, even in a box.
FURNITURE_TEXT = re.compile(
    r"(www\.|https?:|\.com\b|\.cn\b|\.net\b|@\w|©|\(c\)|weibo|wechat|微博|微信|公众号|漫画网|版权|授权|出品|工作室|QQ群)",
    re.IGNORECASE)
#: Free text within this share of the page width from the page's edge is in the margin.
MARGIN = 0.04
#: Free text whose ink differs from its background by fewer grey levels is a faint overlay (watermark).
FAINT = 40


def is_page_furniture(rgb: np.ndarray, text: str, bbox, line_boxes, glyph: float, typical: float) -> bool:
    """Free text that is not part of the story: a page number, a signature or credit in the
    margin (no larger than the dialogue's glyphs), or a faint watermark over the art."""
    H, W = rgb.shape[:2]
    x, y, w, h = bbox
    if text.strip().isdigit():
        return True
    band = 2 * MARGIN * min(W, H)  # the centre must lie in the margin (or at most one margin into the art)
    cx, cy = x + w / 2, y + h / 2
    in_margin = cx < band or cy < band or cx > W - band or cy > H - band
    if in_margin and (not typical or glyph <= 1.2 * typical) and len(text) <= 24:
        return True
    values = np.concatenate([cv2.cvtColor(np.ascontiguousarray(rgb[by:by + bh, bx:bx + bw]), cv2.COLOR_RGB2GRAY).ravel()
                             for bx, by, bw, bh in line_boxes if bw > 0 and bh > 0] or [np.zeros(0, np.uint8)])
    if values.size < 16:
        return False
    t, _ = cv2.threshold(values.reshape(-1, 1), 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    lo, hi = values[values <= t], values[values > t]
    return bool(lo.size and hi.size) and float(np.median(hi)) - float(np.median(lo)) < FAINT


def _legible(text: str, in_body: bool) -> bool:
    """Reject what is almost surely art read as text: a lone Latin letter or symbol.

    One CJK character is a real word; '?!' or '……' inside a balloon is real dialogue.
    """
    if any(is_cjk(c) and c.isalpha() for c in text):
        return True
    if sum(c.isalnum() for c in text) >= 2:
        return True
    return in_body and bool(text) and all(c in "?!？！…。.，," for c in text)


def order_regions(regions: list[TextShape], panels: list | None = None, rtl: bool | None = None) -> list[TextShape]:
    """Reading order: by panel (given in reading order), top to bottom inside a panel;
    without panels, rows top to bottom, read right to left when the page is mostly vertical
    Chinese (manga-style layout) unless ``rtl`` says otherwise."""
    if rtl is None:
        zh = [r for r in regions if r.lang == "zh"]
        rtl = bool(zh) and sum(r.vertical for r in zh) * 2 > len(zh)
    if panels:
        polys = [_as_polygon(p) for p in panels]

        def key(r: TextShape):
            x, y, w, h = r.bbox
            c = (x + w / 2, y + h / 2)
            for i, poly in enumerate(polys):
                if cv2.pointPolygonTest(np.array(poly, np.float32), c, False) >= 0:
                    return (i, y, 0)
            # outside every panel (strip gaps): before the first panel that starts below it
            later = [i for i, poly in enumerate(polys) if min(p[1] for p in poly) > c[1]]
            return ((min(later) if later else len(polys)) - 0.5, y, 0)

        return sorted(regions, key=key)
    rows: list[list[TextShape]] = []
    for r in sorted(regions, key=lambda r: r.bbox[1] + r.bbox[3] / 2):
        cy = r.bbox[1] + r.bbox[3] / 2
        if rows and rows[-1][0].bbox[1] <= cy <= rows[-1][0].bbox[1] + rows[-1][0].bbox[3]:
            rows[-1].append(r)
        else:
            rows.append([r])
    return [r for row in rows for r in sorted(row, key=lambda r: -r.bbox[0] if rtl else r.bbox[0])]


def _as_polygon(panel) -> list[Point]:
    if hasattr(panel, "polygon"):
        return list(panel.polygon)
    if len(panel) == 4 and all(isinstance(v, (int, float, np.integer, np.floating)) for v in panel):
        return rect_polygon(*panel)
    return [tuple(p) for p in panel]


def read_file(path: str | os.PathLike, engine: str | OcrEngine | None = None, *, lang: str = "auto",
              panels: list | None = None) -> dict:
    """``{"image": NAME, "texts": [TextShape.to_json(), ...]}`` for one image file (the CLI's output)."""
    shapes = read_page(load_array(path), engine, lang=lang, panels=panels)
    return {"image": Path(path).name, "texts": [s.to_json() for s in shapes]}


__all__ = ["order_regions", "read_file", "read_page"]
