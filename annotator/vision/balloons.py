"""Balloon bodies and ink on comic pages: what surrounds a block of text, and what the ink says.

Thresholds are relative to sizes measured on the page (glyph size, balloon size), as in
``text_regions``.

- ``find_body``: a balloon or caption body is the closed region of the text's background
  colour around the text, bounded by a dark outline (or, for white-on-black captions, by
  the box edge). If the region leaks out of a generous window, the text is free text.
- ``find_balloons``: an OpenCV-only balloon finder (bright or dark closed blobs holding
  glyph-sized ink) for engines without a text detector when RapidOCR is not installed.
- ``ink_layout``: orientation and glyph size of a crop from its ink alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from annotator.vision.shapes import BBox, Point
from annotator.vision.text_regions import TextLine, thickness, union_box


@dataclass(frozen=True)
class Body:
    """A balloon or caption body around some text, in page pixels (tail removed)."""

    polygon: list[Point]
    bbox: BBox
    kind: str  # speech | thought | caption


#: Grey levels (any channel) a pixel may differ from the text's background and still be
#: balloon fill: paper grain, JPEG noise and screentone, not outlines or art.
FILL_TOLERANCE = 40


def find_body(rgb: np.ndarray, text_boxes: list[BBox]) -> Body | None:
    """The closed region of the text's background colour around ``text_boxes``, or None for free text."""
    H, W = rgb.shape[:2]
    ux, uy, uw, uh = union_box(text_boxes)
    g = float(np.median([thickness(b) for b in text_boxes]))
    mx, my = int(uw + 2 * g), int(uh + 2 * g)
    x0, y0 = max(0, ux - mx), max(0, uy - my)
    x1, y1 = min(W, ux + uw + mx), min(H, uy + uh + my)
    win = rgb[y0:y1, x0:x1].astype(np.int16)
    inner = rgb[uy:uy + uh, ux:ux + uw].reshape(-1, 3)
    if inner.size == 0:
        return None
    fill = np.median(inner, axis=0).astype(np.int16)
    mask = (np.abs(win - fill).max(axis=2) <= FILL_TOLERANCE).astype(np.uint8)
    for bx, by, bw, bh in text_boxes:  # the glyphs themselves belong to the body
        sx, sy = int(bw * 0.15), int(bh * 0.15)
        mask[max(0, by - y0 + sy):max(0, by - y0 + bh - sy), max(0, bx - x0 + sx):max(0, bx - x0 + bw - sx)] = 1
    # a one-pixel erosion closes the 1-2 px breaks of thin, anti-aliased outlines (the fill
    # would leak out through them); the component is grown back afterwards
    n, labels = cv2.connectedComponents(cv2.erode(mask, np.ones((3, 3), np.uint8)), connectivity=4)
    cx, cy = ux + uw // 2 - x0, uy + uh // 2 - y0
    label = labels[min(cy, labels.shape[0] - 1), min(cx, labels.shape[1] - 1)]
    if label == 0:
        return None
    comp = labels == label
    if comp[0].any() or comp[-1].any() or comp[:, 0].any() or comp[:, -1].any():
        return None  # leaks out of the window: text on art or page background
    comp = cv2.dilate(comp.astype(np.uint8), np.ones((3, 3), np.uint8)) & mask
    contours, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(comp)
    cv2.drawContours(filled, contours, -1, 1, thickness=-1)
    if _holds_art(filled, comp, text_boxes, (x0, y0), g):
        return None  # a flat-coloured panel or sky with figures in it, not a balloon
    bx, by, bw, bh = cv2.boundingRect(filled)
    # An opening removes the tail, which is narrower than the body. The shape only matters
    # at a coarse scale, so open a copy about 48 px across (a big kernel at full size is slow).
    f = max(1.0, min(bw, bh) / 48.0)
    pad = 2
    region = cv2.copyMakeBorder(filled[by:by + bh, bx:bx + bw], pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    small = cv2.resize(region.astype(np.float32), None, fx=1 / f, fy=1 / f, interpolation=cv2.INTER_AREA)
    small = (small >= 0.5).astype(np.uint8)
    k = max(3, int(0.3 * min(bw, bh) / f) | 1)
    body = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    contours, _ = cv2.findContours(body, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea).astype(np.float32) * f + np.float32([bx - pad, by - pad])
    c = np.round(c).astype(np.int32)
    rx, ry, rw, rh = cv2.boundingRect(c)
    if rw < uw * 0.9 or rh < uh * 0.9:
        return None
    kind = _body_kind(c, filled, (bx, by, bw, bh), (rx, ry, rw, rh))
    eps = 0.01 * cv2.arcLength(c, True)
    poly = [(float(p[0][0] + x0), float(p[0][1] + y0)) for p in cv2.approxPolyDP(c, eps, True)]
    return Body(poly, (rx + x0, ry + y0, rw, rh), kind)


#: A balloon's interior is empty apart from text: holes in the region (art drawn on the same
#: flat colour) larger than any glyph (``ART_SIDE`` glyphs across) and covering more than
#: ``ART_HOLES`` of it mean the region is a panel or a patch of sky around free lettering,
#: not a balloon. Glyphs, even of other lines the caller did not pass, are smaller holes.
ART_HOLES = 0.04
ART_SIDE = 2.5


def _holds_art(filled: np.ndarray, comp: np.ndarray, text_boxes: list[BBox], origin: tuple[int, int],
               glyph: float) -> bool:
    holes = (filled.astype(bool) & ~comp.astype(bool)).astype(np.uint8)
    pad = int(0.6 * glyph) + 1  # glyph parts and punctuation poke out of the detector's boxes
    for bx, by, bw, bh in text_boxes:
        x, y = bx - origin[0], by - origin[1]
        holes[max(0, y - pad):max(0, y + bh + pad), max(0, x - pad):max(0, x + bw + pad)] = 0
    n, _, stats, _ = cv2.connectedComponentsWithStats(holes, connectivity=8)
    big = sum(int(a) for _, _, w, h, a in stats[1:] if max(w, h) > ART_SIDE * glyph)
    return big > ART_HOLES * max(1, int(filled.sum()))


#: A caption box fills this much of its bounding box (a speech ellipse fills about 0.785).
CAPTION_FILL = 0.93
#: A tail makes the raw region's box this much larger than the body's.
TAIL_GROWTH = 1.08
#: A thought cloud's outline has at least CLOUD_DENTS dents deeper than CLOUD_DENT of its size.
CLOUD_DENT = 0.03
CLOUD_DENTS = 5


def _body_kind(contour: np.ndarray, filled: np.ndarray, raw_box: BBox, body_box: BBox) -> str:
    """Caption: a near-rectangle with no tail. Thought: a scalloped cloud outline. Otherwise speech."""
    rx, ry, rw, rh = body_box
    area = cv2.contourArea(contour)
    has_tail = (raw_box[2] * raw_box[3]) > TAIL_GROWTH * rw * rh
    if area > CAPTION_FILL * rw * rh and not has_tail:
        return "caption"
    raw, _ = cv2.findContours(filled, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    c = max(raw, key=cv2.contourArea)
    if len(c) >= 8:
        hull = cv2.convexHull(c, returnPoints=False)
        try:
            defects = cv2.convexityDefects(c, hull)
        except cv2.error:
            defects = None
        if defects is not None:
            deep = int((defects.reshape(-1, 4)[:, 3] / 256.0 > CLOUD_DENT * min(rw, rh)).sum())
            if deep >= CLOUD_DENTS:
                return "thought"
    return "speech"


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink of the text in a balloon crop, as a 0/1 mask.

    Ink is the minority class of an Otsu split (so white-on-black works). When the crop holds
    a balloon or box, only ink inside its interior (the background region that fills most of
    the crop's centre) is kept, which drops the outline, tail and surrounding art, even when
    the balloon runs off the crop; blobs touching the crop edge are dropped too.
    """
    _, bw = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = ((1 - bw) if bw.mean() > 0.5 else bw).astype(np.uint8)
    h, w = ink.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(1 - ink, connectivity=4)
    centre = labels[h // 4:h - h // 4, w // 4:w - w // 4]
    counts = np.bincount(centre.ravel(), minlength=n)
    counts[0] = 0  # label 0 is the ink
    best = int(counts.argmax())
    if best and stats[best, 4] >= 0.15 * h * w and stats[best, 4] < 0.98 * (1 - ink).sum():
        comp = (labels == best).astype(np.uint8)
        contours, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        interior = np.zeros_like(comp)
        cv2.drawContours(interior, contours, -1, 1, thickness=-1)
        interior = cv2.erode(interior, np.ones((3, 3), np.uint8))
        ink &= interior
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, cw, ch, _ = stats[i]
        keep[i] = x > 0 and y > 0 and x + cw < w and y + ch < h
    return keep[labels].astype(np.uint8)


def ink_layout(crop: np.ndarray) -> tuple[bool, float]:
    """(vertical, glyph size in px) of the text in a crop, from its ink alone.

    Glyphs of one line sit closer together than neighbouring lines, so a small closing
    (a quarter glyph) merges each line or column into an elongated blob whose direction
    votes for the orientation; the blobs' thickness is the glyph size.
    """
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    ink = ink_mask(gray)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    sizes = [max(s[2], s[3]) for s in stats[1:] if s[4] >= 4]
    if not sizes:
        return False, 0.0
    g = float(np.percentile(sizes, 90))
    k = max(2, int(round(0.25 * g)))
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    h_vote = v_vote = 0.0
    thick = []
    for x, y, w, h, a in stats[1:]:
        if max(w, h) >= 1.6 * g and min(w, h) >= 0.4 * g:
            thick.append(min(w, h))
            if w > h:
                h_vote += w
            else:
                v_vote += h
    if h_vote == v_vote:
        ys, xs = np.nonzero(ink)
        return bool(np.ptp(ys) > 1.3 * np.ptp(xs)) if len(xs) else False, g
    glyph = float(np.median(thick)) if thick else g
    return v_vote > h_vote, glyph


#: Balloon fill is at least this bright (inverted: this dark) on the 0-255 grey scale.
BALLOON_WHITE = 225
#: A balloon's interior is this share of ink (text): less is an empty shape, more is art.
BALLOON_INK = (0.02, 0.45)


def find_balloons(rgb: np.ndarray) -> list[TextLine]:
    """OpenCV balloon finder: closed bright (or, inverted, dark) blobs that hold glyph-like ink.

    Returns one detect-only ``TextLine`` per balloon covering its ink, for engines that
    cannot find text themselves. Thresholds are relative to the page and blob sizes.
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    H, W = gray.shape
    out: list[tuple[BBox, TextLine]] = []
    for inverted in (False, True):
        g = 255 - gray if inverted else gray
        bright = (g >= BALLOON_WHITE).astype(np.uint8)
        contours, hierarchy = cv2.findContours(bright, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        for c, (_, _, _, parent) in zip(contours, hierarchy[0] if hierarchy is not None else []):
            if parent != -1:
                continue  # a hole (ink) rather than a bright blob
            x, y, w, h = cv2.boundingRect(c)
            area = cv2.contourArea(c)
            if x == 0 or y == 0 or x + w >= W or y + h >= H or min(w, h) < 16:
                continue
            if area < 0.6 * w * h * 0.785 or w * h > 0.25 * H * W:
                continue  # not a compact closed blob, or a whole panel
            body = np.zeros((h, w), np.uint8)
            cv2.drawContours(body, [c - [x, y]], -1, 1, thickness=-1)
            m = max(2, int(0.04 * min(w, h)))  # stay off the outline
            body = cv2.erode(body, np.ones((2 * m + 1, 2 * m + 1), np.uint8))
            ink = (body == 1) & (bright[y:y + h, x:x + w] == 0)
            frac = ink.sum() / max(1, body.sum())
            if not BALLOON_INK[0] <= frac <= BALLOON_INK[1]:
                continue
            n, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
            glyphs = [s for s in stats[1:] if s[4] >= 4 and max(s[2], s[3]) < 0.5 * min(w, h)]
            if len(glyphs) < 2:
                continue
            gx0 = min(s[0] for s in glyphs)
            gy0 = min(s[1] for s in glyphs)
            gx1 = max(s[0] + s[2] for s in glyphs)
            gy1 = max(s[1] + s[3] for s in glyphs)
            line = TextLine([(x + gx0, y + gy0), (x + gx1, y + gy0), (x + gx1, y + gy1), (x + gx0, y + gy1)])
            out.append(((x, y, w, h), line))
    # a bright area holding whole balloons (sky, a blank panel) is not itself a balloon
    return [line for blob, line in out if not any(o is not blob and _contains_box_of(o, blob) for o, _ in out)]


def _contains_box_of(inner: BBox, outer: BBox) -> bool:
    """``inner`` lies wholly inside ``outer``, which is much larger (a container, not a neighbour)."""
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[0] + inner[2] <= outer[0] + outer[2] and \
        inner[1] + inner[3] <= outer[1] + outer[3] and 4 * inner[2] * inner[3] <= outer[2] * outer[3]
