"""Panel segmentation: find the panels of a comic page or strip, in reading order.

Method (classical, no learned model, so it behaves the same on any art style):

1. Work on a copy downscaled to ~640 px (strips: 540 px wide); map results back.
2. The page background colour is the commonest colour of the page border. Background =
   pixels of that colour *connected to the page border* (or forming a large gutter
   network), so the white inside a framed panel or a balloon counts as content ("ink").
   Small gaps in frame lines are closed first so they do not leak.
3. Recursive XY-cuts on that mask (``panel_cuts``): gutters are straight lines, possibly
   slanted, through background only. Balloons lying across gutters are erased first
   (``see_through``); other art crossing a gutter is tolerated when the gutter is walled
   by panel edges on both sides. The cut tree gives the reading order.
4. Each leaf is tightened to its content, then to its solid body (lines at least half
   ink), which trims balloons that stick out of a panel. Loose-stroke leaves (frameless
   panels) get the implied frame of their row. Small, flat-coloured, text-bearing leaves
   that float alone between rows are balloons or captions, not panels, and are dropped.
5. Framed panels are searched for inset panels (``panel_insets``), read right after them.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from annotator import geometry

from .images import as_rgb_array, is_long_strip, load_array
from .panel_cuts import Node, build_tree, quad_bounds, quad_mask, tighten
from .panel_insets import dark_lines, find_insets
from .shapes import PanelShape, bbox_of

__all__ = ["segment", "segment_file", "resolve_direction"]

PAGE_SIDE = 640  # working size of the longer side of a page
STRIP_WIDTH = 540  # working width of a long strip
#: Smallest panel: this share of a page (of a page-shaped window of a strip).
MIN_PANEL = 0.02
#: Narrowest gutter searched for, and the width from which a gap is a gutter even when art
#: pokes into it, as shares of the page's shorter side.
MIN_GUTTER = 0.004
WIDE_GUTTER = 0.03
#: A panel's content box: rows/columns with at least this share of ink (anything drawn).
CONTENT_INK = 0.01
#: Its solid body: rows/columns at least half ink, which trims balloons sticking out of it.
BODY_INK = 0.5
#: A body this full of ink is a solid (framed or filled) panel; looser ones are frameless.
SOLID_INK = 0.75
#: Gutter assumed for implied frames when no two framed panels show the page's own.
DEFAULT_GUTTER = 0.012


def resolve_direction(direction: str, hint: str | None = None) -> str:
    """Reading direction for ``direction="auto"``.

    Panel art does not reveal the reading direction reliably (vertical CJK text is used by
    both right-to-left manga and left-to-right Chinese comics), so "auto" follows a hint
    when one is given — "rtl", "manga", "ja"/"jp" mean right-to-left — and falls back to
    left-to-right otherwise, the common case for political comics and webtoons.
    """
    if direction in ("ltr", "rtl"):
        return direction
    if direction != "auto":
        raise ValueError(f"direction must be 'ltr', 'rtl' or 'auto', not {direction!r}")
    if hint and hint.strip().lower() in ("rtl", "manga", "ja", "jp", "jpn", "japanese"):
        return "rtl"
    return "ltr"


def _working_scale(w: int, h: int) -> float:
    if is_long_strip(w, h):
        return min(1.0, STRIP_WIDTH / min(w, h))
    return min(1.0, PAGE_SIDE / max(w, h))


#: Border-band colours tried as the page background, commonest first (see ``_backgrounds``).
BACKGROUND_CANDIDATES = 3
#: ... each making up at least this share of the band (the paper colour is tried too).
MIN_BORDER_SHARE = 0.05
#: The page's lightest common colour is tried second when at least this share of the band
#: has it: gutter ends are all that show of the paper on a page whose art bleeds off it.
MIN_PAPER_SHARE = 0.005
#: A candidate colour is the page background when the gutters it yields cover at least this
#: share of the page; art that bleeds off the page edge (skin, sky) makes the commonest
#: border colour a colour of the art, which yields almost no gutter.
MIN_GUTTER_SHARE = 0.01


def _backgrounds(small: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Candidate background colours with their tolerances: the commonest colours of a band
    along the page border (a band, not the edge row, because frames often run along the very
    edge), each with how much it varies there (paper grain, JPEG noise)."""
    b = max(2, min(small.shape[:2]) // 40)
    border = np.concatenate([small[:b].reshape(-1, 3), small[-b:].reshape(-1, 3),
                             small[:, :b].reshape(-1, 3), small[:, -b:].reshape(-1, 3)])
    q = border.astype(np.int32) >> 4
    keys = (q[:, 0] << 8) | (q[:, 1] << 4) | q[:, 2]
    counts = np.bincount(keys)
    order = [k for k in np.argsort(counts)[::-1][:BACKGROUND_CANDIDATES] if counts[k] >= MIN_BORDER_SHARE * len(keys)]
    # paper: gutters are usually the page's lightest common colour, even where art bleeds
    bright = np.where(border.min(axis=1) >= 200, keys, -1)
    bright_counts = np.bincount(bright[bright >= 0], minlength=len(counts)) if (bright >= 0).any() else None
    if bright_counts is not None and bright_counts.max() >= MIN_PAPER_SHARE * len(keys):
        paper = int(bright_counts.argmax())
        order = order[:1] + [paper] + [k for k in order[1:] if k != paper] if order[:1] != [paper] else order
    out = []
    for key in order:
        mode = border[keys == key].astype(np.float64)
        colour = np.median(mode, axis=0)
        spread = float(np.median(np.abs(mode - colour).max(axis=1)))
        out.append((colour, float(np.clip(20 + 4 * spread, 20, 26))))
    return out


def ink_mask(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1 where the page is not background (see module docstring, step 2), and 1 where a
    pixel has the background's colour (wherever it is)."""
    candidates = _backgrounds(small)
    first = None
    for bg, tolerance in candidates:
        ink, like_bg = _ink_for(small, bg, tolerance)
        if first is None:
            first = (ink, like_bg)
        if 1.0 - ink.mean() >= MIN_GUTTER_SHARE:
            return ink, like_bg
    return first


def _ink_for(small: np.ndarray, bg: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    r, g, b = (cv2.absdiff(c, int(round(v))) for c, v in zip(cv2.split(small), bg))
    like_bg = (cv2.max(cv2.max(r, g), b) <= tolerance).astype(np.uint8)
    # Close 1-2 px breaks in frame lines so a panel's interior does not join the gutters.
    closed = cv2.erode(like_bg, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=4)
    h, w = closed.shape
    keep = np.zeros(n, bool)
    edge_labels = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    keep[edge_labels] = True
    bw, bh, area = stats[:, 2], stats[:, 3], stats[:, 4]
    # A gutter network enclosed by a page-wide frame: long, thin, and mostly empty inside.
    keep |= ((bw >= 0.6 * w) | (bh >= 0.6 * h)) & (area < 0.35 * bw * bh)
    keep[0] = False
    background = keep[labels].astype(np.uint8)
    background = cv2.dilate(background, np.ones((3, 3), np.uint8)) & like_bg
    return (background == 0).astype(np.uint8), like_bg


def see_through(small: np.ndarray, ink: np.ndarray, like_bg: np.ndarray) -> np.ndarray:
    """The ink mask with balloons that lie across gutters erased, for the gutter search.

    A balloon (or caption) laid across a gutter or on a gutter crossing interrupts the
    gutter, and a gutter is a straight background band, so without this the two panels
    would merge. Such a balloon is an enclosed bright blob with a dark outline all round
    that the background meets only where gutters run into it: in two or more narrow
    "mouths", facing each other across the blob, that together take up little of its
    surroundings. A balloon floating in a gap is surrounded by background; a framed
    panel's white inside meets the background all along its frame; a sky or other bright
    art meets art that is not dark; a balloon inside a panel does not meet the background
    at all: none of these is erased. The blob is erased together with its outline.
    """
    h, w = ink.shape
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    red, green, blue = cv2.split(small)
    low = cv2.min(cv2.min(red, green), blue)
    bright = like_bg.astype(bool) | ((low >= 200) & (cv2.max(cv2.max(red, green), blue) - low <= 40))
    n, labels, stats, _ = cv2.connectedComponentsWithStats((bright & (ink > 0)).astype(np.uint8), connectivity=4)
    # How far out to look for background: well past an outline (a thick outline would
    # hide where a floating blob is surrounded by background), well short of a panel.
    r = max(6, round(0.02 * min(h, w)))
    square = np.ones((2 * r + 1, 2 * r + 1), np.uint8)  # separable, so cheap at any size
    out = ink.copy()
    for i in np.flatnonzero((stats[:, 4] >= 0.001 * h * w) & (stats[:, 4] <= 0.08 * h * w)):
        if i == 0:
            continue
        x, y, bw, bh = stats[i, :4]
        x0, y0, x1, y1 = max(0, x - r - 1), max(0, y - r - 1), min(w, x + bw + r + 1), min(h, y + bh + r + 1)
        blob = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        filled = np.zeros_like(blob)
        cv2.drawContours(filled, cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0], -1, 1, -1)
        bg = ink[y0:y1, x0:x1] == 0
        edge = cv2.dilate(filled, np.ones((3, 3), np.uint8)) > filled  # just outside the blob
        near_dark = cv2.dilate((gray[y0:y1, x0:x1] < 170).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        if (near_dark[edge] | bg[edge]).mean() < 0.8:
            continue  # not outlined
        rim = cv2.dilate(filled, np.ones((5, 5), np.uint8)) > filled  # the outline, to erase
        grown = cv2.dilate(filled, square)
        ring = grown > filled
        contact = (ring & bg).astype(np.uint8)
        if contact.sum() > 0.5 * ring.sum() or not _facing_mouths(contact, filled, r, 0.35 * min(bw, bh)):
            continue
        out[y0:y1, x0:x1][rim | (filled > 0)] = 0
    return out


def _facing_mouths(contact: np.ndarray, blob: np.ndarray, r: int, narrow: float) -> bool:
    """Whether two narrow pieces of ``contact`` face each other across the blob (the
    straight segment between them runs mostly inside it), as where one gutter enters
    and leaves. Background lying along a frame that the blob touches gives pieces that
    are long, or stretched along the blob's edge rather than away from it."""
    k, labels, stats, centroids = cv2.connectedComponentsWithStats(contact, connectivity=8)
    ys, xs = np.nonzero(blob)
    centre = np.array([xs.mean(), ys.mean()])
    mouths = []
    for j in range(1, k):
        x, y, w, h, area = stats[j]
        if area < r or max(w, h) > max(r + 1, narrow):
            continue
        m = cv2.moments((labels[y:y + h, x:x + w] == j).astype(np.uint8), binaryImage=True)
        cov = np.array([[m["mu20"], m["mu11"]], [m["mu11"], m["mu02"]]]) / area
        evals, evecs = np.linalg.eigh(cov)
        out = centroids[j] - centre
        along_edge = abs(evecs[:, 1] @ out) < 0.5 * np.linalg.norm(out)
        if evals[1] > 4 * max(evals[0], 0.25) and along_edge:
            continue
        mouths.append(centroids[j])
    t = np.linspace(0.2, 0.8, 13)[:, None]
    for i, p in enumerate(mouths):
        for q in mouths[i + 1:]:
            pts = np.round(p + (q - p) * t).astype(int)
            if blob[pts[:, 1], pts[:, 0]].mean() >= 0.8:
                return True
    return False


def _leaves(node: Node, rtl: bool, band: int, out: list, counter: list[int]) -> None:
    """Flatten the tree in reading order; leaves sharing ``band`` sit in one row band."""
    if node.kind == "leaf":
        out.append((node, band))
        return
    kids = node.children[::-1] if (node.kind == "cols" and rtl) else node.children
    for child in kids:
        if node.kind == "rows":
            counter[0] += 1
            _leaves(child, rtl, counter[0], out, counter)
        else:
            _leaves(child, rtl, band, out, counter)


def _is_text_like(small: np.ndarray, quad: np.ndarray, ref_area: float) -> bool:
    """Balloons and captions: small, one flat fill colour plus a little contrasting text."""
    x0, y0, x1, y1 = quad_bounds(quad, small.shape[:2])
    if (x1 - x0) * (y1 - y0) > 0.1 * ref_area:
        return False
    mask = quad_mask(quad, (y1 - y0, x1 - x0), (x0, y0)).astype(bool)
    px = small[y0:y1, x0:x1][mask].astype(np.int32)
    if len(px) < 20:
        return True
    q = px >> 5
    keys = (q[:, 0] << 6) | (q[:, 1] << 3) | q[:, 2]
    counts = np.bincount(keys)
    mode = counts.argmax()
    return counts[mode] / len(px) >= 0.6 and px[keys == mode].mean() >= 40 or counts[mode] / len(px) >= 0.8


def _to_page(quad: np.ndarray, scale: float, w: int, h: int) -> list[tuple[float, float]]:
    """Working pixel-centre quad -> page edge coordinates (a pixel spans [i, i+1))."""
    centre = quad.mean(axis=0)
    edge = quad + 0.5 * np.sign(quad - centre)
    page = edge / scale
    page[:, 0] = np.clip(page[:, 0], 0, w)
    page[:, 1] = np.clip(page[:, 1], 0, h)
    return [(float(x), float(y)) for x, y in page]


def _implied_frames(boxes: list[list[float]], solid: list[bool], gutter: float) -> None:
    """Give each frameless panel the frame its row implies: the row's height, and the
    space between the neighbouring frames minus the page's usual gutter."""
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if solid[i]:
            continue
        row = [j for j in range(len(boxes)) if solid[j] and j != i
               and min(y1, boxes[j][3]) - max(y0, boxes[j][1]) > 0.5 * min(y1 - y0, boxes[j][3] - boxes[j][1])]
        if not row:
            continue
        ny0, ny1 = min(boxes[j][1] for j in row), max(boxes[j][3] for j in row)
        lefts = [boxes[j][2] for j in row if boxes[j][2] <= x0]
        rights = [boxes[j][0] for j in row if boxes[j][0] >= x1]
        nx0 = max(lefts) + gutter if lefts and max(lefts) + gutter <= x0 else x0
        nx1 = min(rights) - gutter if rights and min(rights) - gutter >= x1 else x1
        boxes[i] = [nx0, min(y0, ny0), nx1, max(y1, ny1)]


def _usual_gutter(boxes: list[list[float]], solid: list[bool], fallback: float) -> float:
    gaps = []
    for i, a in enumerate(boxes):
        for j, b in enumerate(boxes):
            if i != j and solid[i] and solid[j] and min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * (a[3] - a[1]):
                gap = b[0] - a[2]
                if 0 < gap < 4 * fallback:
                    gaps.append(gap)
    return float(np.median(gaps)) if gaps else fallback


def segment(image, direction: str = "auto", *, min_panel_area: float | None = None,
            hint: str | None = None) -> list[PanelShape]:
    """Panels of one page or strip, in reading order, in full-resolution coordinates.

    ``min_panel_area`` is in page pixels (default 1 % of the square of the shorter side);
    ``hint`` feeds ``resolve_direction`` when ``direction="auto"``.
    """
    rgb = as_rgb_array(image)
    h, w = rgb.shape[:2]
    if h < 4 or w < 4:
        return []
    rtl = resolve_direction(direction, hint) == "rtl"
    scale = _working_scale(w, h)
    small = rgb if scale == 1.0 else cv2.resize(rgb, (max(4, round(w * scale)), max(4, round(h * scale))),
                                                interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    scale = sw / w
    ink, like_bg = ink_mask(small)
    ref = min(sw, sh)
    if min_panel_area is None:
        # 2 % of a page; for strips, of a page-shaped window of the strip.
        min_panel_area = MIN_PANEL * min(w, h) * min(max(w, h), 1.5 * min(w, h))
    min_area = min_panel_area * scale * scale
    root_quad = np.array([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]], float)
    seen = see_through(small, ink, like_bg)
    tree = build_tree(seen, root_quad, min_mass=max(4, int(min_area * 0.05)), min_gutter=max(1.0, ref * MIN_GUTTER),
                      wide=ref * WIDE_GUTTER, min_area=min_area, hidden=ink & (seen == 0))

    leaves: list[tuple[Node, int]] = []
    _leaves(tree, rtl, 0, leaves, [0])
    found = []  # (band, quad, solid, text_like, bridged)
    for node, band in leaves:
        content = tighten(ink, node.quad, CONTENT_INK)
        if content is None or cv2.contourArea(content.astype(np.float32)) < min_area:
            continue
        x0, y0, x1, y1 = quad_bounds(content, ink.shape)
        inside = np.zeros_like(ink)
        inside[y0:y1, x0:x1] = quad_mask(content, (y1 - y0, x1 - x0), (x0, y0))
        body = tighten(ink, content, BODY_INK, restrict=inside)
        solid = False
        if body is not None:
            bx0, by0, bx1, by1 = quad_bounds(body, ink.shape)
            bmask = quad_mask(body, (by1 - by0, bx1 - bx0), (bx0, by0))
            area = max(1, int(bmask.sum()))
            solid = (ink[by0:by1, bx0:bx1] & bmask).sum() / area >= SOLID_INK and area >= min_area
        quad = body if solid else content
        found.append((band, quad, solid, _is_text_like(small, quad, ref * ref), node.bridged))

    # Drop row bands holding nothing but balloons/captions floating between panels.
    bands: dict[int, list[bool]] = {}
    for band, _, _, text_like, _ in found:
        bands.setdefault(band, []).append(text_like)
    found = [f for f in found if not all(bands[f[0]])]

    polys = [_to_page(q, scale, w, h) for _, q, _, _, _ in found]
    boxes = [[min(p[0] for p in poly), min(p[1] for p in poly), max(p[0] for p in poly), max(p[1] for p in poly)]
             for poly in polys]
    solid = [f[2] for f in found]
    _implied_frames(boxes, solid, _usual_gutter(boxes, solid, DEFAULT_GUTTER * min(w, h)))
    result: list[PanelShape] = []
    dark = None
    for (band, quad, is_solid, _, bridged), poly, box in zip(found, polys, boxes):
        if not is_solid:
            # Pieces of one frameless panel (split where its white looked like a gutter)
            # get the same implied frame: keep one.
            if any(_overlap(box, r.bbox) > 0.5 for r in result):
                continue
            poly = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
        confidence = _confidence(quad, ink, like_bg) * (1.0 - 0.5 * bridged)
        result.append(PanelShape(polygon=poly, bbox=bbox_of(poly), confidence=confidence))
        if is_solid:  # insets are drawn inside framed panels, and read after them
            if dark is None:
                dark = dark_lines(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), scale, (sw, sh))
            result.extend(_insets(small, dark, like_bg, quad, min_area, scale, (w, h), rtl))
    return result


#: Width (working-scale px) of the rings just inside and just outside a panel's outline that
#: ``_confidence`` inspects: about a frame line's width at the 640 px working size.
EDGE_RING = 2


def _confidence(quad: np.ndarray, ink: np.ndarray, gutter: np.ndarray) -> float:
    """How plainly the page shows this panel, from two pieces of evidence, averaged:

    - gutter: the share of a thin ring just outside the outline that is gutter (``gutter``
      mask; beyond the page edge counts as gutter) — a panel cut out of busy art scores low;
    - border: the share of a thin ring just inside the outline that is ink — a drawn frame
      scores high, a frameless panel (implied frame) or a cut through art scores low.
    """
    r = EDGE_RING
    h, w = ink.shape
    mask = np.zeros((h + 2 * r, w + 2 * r), np.uint8)
    cv2.fillPoly(mask, [np.round(np.asarray(quad, float) + r).astype(np.int32)], 1)
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    outer = (cv2.dilate(mask, kernel) - mask).astype(bool)
    inner = (mask - cv2.erode(mask, kernel)).astype(bool)
    if not outer.any() or not inner.any():
        return 0.0
    out_gutter = np.pad(gutter.astype(bool), r, constant_values=True)[outer].mean()
    in_ink = np.pad(ink.astype(bool), r, constant_values=False)[inner].mean()
    return round(float(0.5 * out_gutter + 0.5 * in_ink), 3)


def _insets(small: np.ndarray, dark: np.ndarray, paper: np.ndarray, quad: np.ndarray, min_area: float, scale: float,
            size: tuple[int, int], rtl: bool) -> list[PanelShape]:
    """Inset panels inside one framed panel (see ``panel_insets``), top to bottom, then
    in the reading direction; framed captions are not panels."""
    x0, y0, x1, y1 = quad_bounds(quad, dark.shape)
    ref = min(dark.shape)
    inside = quad_mask(quad, (y1 - y0, x1 - x0), (x0, y0))  # a slanted panel's box holds bits of others
    rects = find_insets(dark[y0:y1, x0:x1] & inside, paper[y0:y1, x0:x1], min_area, max(3, round(0.015 * ref)))
    shapes = []
    for rx0, ry0, rx1, ry1 in sorted(rects, key=lambda r: (r[1], -r[0] if rtl else r[0])):
        inset = np.array([[rx0, ry0], [rx1, ry0], [rx1, ry1], [rx0, ry1]], float) + (x0, y0)
        if not _is_text_like(small, inset, ref * ref):
            poly = _to_page(inset, scale, *size)
            shapes.append(PanelShape(polygon=poly, bbox=bbox_of(poly), confidence=_confidence(inset, dark, paper)))
    return shapes


def _overlap(box: list[float], bbox: tuple[int, int, int, int]) -> float:
    """Share of ``box`` (x0, y0, x1, y1) covered by ``bbox`` (x, y, w, h)."""
    return geometry.covered((box[0], box[1], box[2] - box[0], box[3] - box[1]), bbox)


def segment_file(path: str | os.PathLike, direction: str = "auto", hint: str | None = None) -> dict:
    """``segment`` a file, as the JSON-ready dict the CLI prints."""
    rgb = load_array(path)
    panels = segment(rgb, direction, hint=hint)
    return {"image": Path(path).name, "width": int(rgb.shape[1]), "height": int(rgb.shape[0]),
            "panels": [p.to_json() for p in panels]}
