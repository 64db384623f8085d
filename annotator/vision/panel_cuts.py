"""Gutter search for panel segmentation: line profiles, slanted XY-cuts and quad geometry.

A page is cut recursively along gutters, i.e. straight lines (possibly slanted) that run
through background only. Regions are convex quadrilaterals so that slanted gutters give
the panels' real outlines. Everything here works on the downscaled "ink" mask (True =
not page background) built by ``panels.py``; nothing here knows about colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

# Gutter slopes tried (tan of the angle to the axis). Real slanted layouts stay within
# ~15 degrees; steeper "gutters" are almost always diagonals inside the art.
SLOPES = (0.0, 0.04, -0.04, 0.08, -0.08, 0.12, -0.12, 0.16, -0.16, 0.2, -0.2, 0.25, -0.25)
REFINE = 0.02  # half the step between SLOPES: how far a found gutter's slope is refined
CLEAN = 0.02  # share of ink a gutter line may cross (specks, JPEG dirt)
BRIDGED = 0.4  # share a gutter may lose to a balloon or art crossing it (if walled by panel edges)
#: A panel edge is a line whose unbroken runs (each at least EDGE_RUN of its length) cover
#: at least EDGE_COVER of it: frames and borders of filled art, not words.
EDGE_RUN = 0.1
EDGE_COVER = 0.5
#: Gutter lines shorter than this share of the longest (clipped by a slanted region) are not judged.
USABLE_LINE = 0.5
#: The coarse slope scan judges lines at least this share of the longest, and lets through
#: slopes whose best line is within SCAN_SLACK of ``BRIDGED`` (refined afterwards).
SCAN_LINE = 0.4
SCAN_SLACK = 0.1
#: A region is sparse (loose strokes, lettering: nothing a panel is made of) when what
#: survives an opening that erases strokes covers less than this share of it.
SPARSE_SOLID = 0.1
#: Cut-tree depth limit: no page has this many nested gutters; it bounds pathological input.
MAX_DEPTH = 40
# Regions larger than this (working pixels) are only cut along horizontal lines, all at
# once: that is how long strips stay fast, and their gutters are horizontal anyway.
BIG_REGION = 700_000
COARSE = 4  # cell size (working pixels) of the coarse scan that picks slopes worth scanning

Quad = np.ndarray  # 4x2 float: top-left, top-right, bottom-right, bottom-left


@dataclass
class Node:
    """A region of the cut tree; ``kind`` says how its children split it."""

    quad: Quad
    kind: str = "leaf"  # leaf | rows | cols
    children: list["Node"] = field(default_factory=list)
    bridged: float = 0.0  # worst coverage of a non-clean gutter bounding this region


def _intersect(p1, p2, a, b) -> np.ndarray:
    """Intersection of segment p1-p2's supporting line with line a-b."""
    d1, d2 = p2 - p1, b - a
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-9:
        return (p1 + p2) / 2
    t = ((a[0] - p1[0]) * d2[1] - (a[1] - p1[1]) * d2[0]) / den
    return p1 + d1 * t


def quad_mask(quad: Quad, shape: tuple[int, int], origin: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    pts = np.round(quad - np.array(origin, float)).astype(np.int32)
    cv2.fillConvexPoly(mask, pts, 1)
    return mask


def quad_bounds(quad: Quad, limit: tuple[int, int]) -> tuple[int, int, int, int]:
    """Integer box x0, y0, x1, y1 (exclusive) of a quad, clipped to an image of size (h, w)."""
    h, w = limit
    x0 = max(0, int(np.floor(quad[:, 0].min())))
    y0 = max(0, int(np.floor(quad[:, 1].min())))
    x1 = min(w, int(np.ceil(quad[:, 0].max())) + 1)
    y1 = min(h, int(np.ceil(quad[:, 1].max())) + 1)
    return x0, y0, x1, y1


def _rect_counts(n: int, pad: int, slope: float, length: int, depth: int) -> np.ndarray:
    """Pixels of each sheared line that fall inside a full ``depth`` x ``length`` crop."""
    t = np.arange(n, dtype=np.float64) - pad
    if slope == 0:
        return np.where((t >= 0) & (t < depth), length, 0)
    a = (-0.5 - t) / slope + length / 2
    b = (depth - 0.5 - t) / slope + length / 2
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.clip(hi, 0, length) - np.clip(lo, 0, length)


def line_profile(ink: np.ndarray, valid: np.ndarray | None, slope: float, horizontal: bool):
    """Ink and valid counts along every parallel line of the given slope, and the sheared
    ink (one line per row). ``valid=None`` means the whole crop is valid.

    Lines are indexed by their offset at the crop centre: line ``i`` of a horizontal scan
    is ``y = i - pad + slope * (x - cx)``. Shearing with warpAffine keeps this in C.
    """
    h, w = ink.shape
    if horizontal:
        pad = int(np.ceil(abs(slope) * w / 2)) + 1
        m = np.float32([[1, 0, 0], [slope, 1, -pad - slope * w / 2]])
        size = (w, h + 2 * pad)
    else:
        pad = int(np.ceil(abs(slope) * h / 2)) + 1
        m = np.float32([[1, slope, -pad - slope * h / 2], [0, 1, 0]])
        size = (w + 2 * pad, h)
    def shear(src: np.ndarray) -> np.ndarray:
        if slope == 0:  # the same pixels as the warp, by plain padding (much cheaper)
            out = cv2.copyMakeBorder(src, *((pad, pad, 0, 0) if horizontal else (0, 0, pad, pad)),
                                     cv2.BORDER_CONSTANT, value=0)
        else:
            out = cv2.warpAffine(src, m, size, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
        return out if horizontal else cv2.transpose(out)

    # One channel at a time: OpenCV's single-channel paths are many times faster.
    sheared = shear(ink)
    inks = cv2.reduce(sheared, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    if valid is None:
        length, depth = (w, h) if horizontal else (h, w)
        return inks, _rect_counts(sheared.shape[0], pad, slope, length, depth), pad, sheared
    return inks, cv2.reduce(shear(valid), 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel(), pad, sheared


def line_through(index: float, pad: int, slope: float, horizontal: bool, origin,
                 shape) -> tuple[np.ndarray, np.ndarray]:
    """Two points (page coordinates) on profile line ``index`` of a crop."""
    ox, oy = origin
    h, w = shape
    if horizontal:
        cx = w / 2
        y_at = lambda x: index - pad + slope * (x - cx)  # noqa: E731
        return np.array([ox - 1.0, oy + y_at(-1.0)]), np.array([ox + w + 1.0, oy + y_at(w + 1.0)])
    cy = h / 2
    x_at = lambda y: index - pad + slope * (y - cy)  # noqa: E731
    return np.array([ox + x_at(-1.0), oy - 1.0]), np.array([ox + x_at(h + 1.0), oy + h + 1.0])


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of the runs of True."""
    edges = np.zeros(len(flags) + 2, np.int8)
    edges[1:-1] = flags
    d = edges[1:] - edges[:-1]
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


@dataclass
class Cut:
    horizontal: bool
    slope: float
    index: float
    pad: int
    width: float
    coverage: float


def _long_run_cover(lines: np.ndarray, min_run: float) -> np.ndarray:
    """Per row of a 0/1 array: how many pixels lie in runs of ink at least ``min_run`` long
    (an opening with a 1 x min_run line keeps exactly those)."""
    kernel = np.ones((1, int(np.ceil(min_run))), np.uint8)
    kept = cv2.morphologyEx(np.ascontiguousarray(lines, np.uint8), cv2.MORPH_OPEN, kernel,
                            borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return kept.sum(axis=1)


def _is_edge(sheared: np.ndarray, vals: np.ndarray, rows: slice) -> bool:
    """Whether one of these lines is a panel edge: frame lines or borders of filled art,
    i.e. long unbroken runs over half the line. Lettering is not: words are short."""
    lines = sheared[rows]
    if lines.size == 0:
        return False
    cover = _long_run_cover(lines, max(3.0, EDGE_RUN * lines.shape[1]))
    return bool((cover >= EDGE_COVER * np.maximum(vals[rows], 1)).any())


def _gutters(inks, vals, pad, sheared, slope, horizontal, min_mass, min_gutter, wide, hidden=None) -> list[Cut]:
    """Gutter bands along one slope. ``hidden`` counts, per line, ink erased from ``inks``
    (balloons across gutters): a clean gutter may run through it, but a bridged one may
    not (erased ink is no evidence of a gutter), and it is no part of the line that panel
    edges must cover (the frames it hides cannot be seen)."""
    full = vals.max() if vals.size else 0
    if full == 0:
        return []
    hidden = np.zeros_like(inks) if hidden is None else hidden
    usable = vals >= USABLE_LINE * full
    clean_cov = np.where(usable, inks / np.maximum(vals, 1), 1.0)
    bridged_cov = np.where(usable, (inks + hidden) / np.maximum(vals, 1), 1.0)
    seen = vals - hidden
    before = np.cumsum(inks)
    total = before[-1]
    cos = 1.0 / np.sqrt(1.0 + slope * slope)
    cuts = []
    for limit, cov in ((CLEAN, clean_cov), (BRIDGED, bridged_cov)):
        starts, ends = _runs(cov <= limit)
        # Not a margin or a hairline, and something on both sides.
        keep = (starts > 0) & (ends < len(cov)) & ((ends - starts) * cos >= min_gutter)
        starts, ends = starts[keep], ends[keep]
        keep = (before[starts - 1] >= min_mass) & (total - before[ends - 1] >= min_mass)
        for a, b in zip(starts[keep], ends[keep]):
            mean = float(cov[a:b].mean())
            lo = lambda: _is_edge(sheared, seen, slice(max(0, a - 3), a))  # noqa: E731
            hi = lambda: _is_edge(sheared, seen, slice(b, b + 3))  # noqa: E731
            if limit == CLEAN:
                # Between loose strokes on both sides (a frameless panel's caption and
                # figures) white space is not evidence of a gutter, unless it is wide.
                if not ((b - a) * cos >= wide or lo() or hi()):
                    continue
            elif mean <= CLEAN or not (lo() and hi()):
                continue  # a gutter crossed by a balloon must be walled by panel edges
            cuts.append(Cut(horizontal, slope, (a + b - 1) / 2, pad, (b - a) * cos, mean))
    return cuts


def _candidate_slopes(ink: np.ndarray, valid: np.ndarray | None, min_mass: int) -> dict[bool, list[float]]:
    """Slopes, per direction, at which a gutter is possible, from a cheap coarse scan.

    Most regions searched are single panels with no gutter at all, and a gutter has one
    slope, so scanning every slope at full resolution is mostly wasted. The coarse scan
    works on COARSE x COARSE cells: a cell is background when any of its pixels is, or
    when its neighbour across the scan direction is (a full-resolution line wanders up to
    one cell off the coarse line of the same slope). So every full-resolution line that is
    mostly background lies on a coarse line that is at least as much background, and the
    filter drops slopes that cannot hold a gutter. The ink mass on either side of a line
    (a gutter needs ``min_mass`` on both) is exact up to the coarse lines' one-cell
    wobble, which only matters for slivers far too small to be panels. All slopes are
    scanned at once, one gather each way.
    """
    k = COARSE
    h, w = ink.shape
    hc, wc = -(-h // k), -(-w // k)
    ok = (np.ones_like(ink) if valid is None else valid) * np.uint8(255)
    grow = dict(top=0, bottom=hc * k - h, left=0, right=wc * k - w, borderType=cv2.BORDER_CONSTANT, value=0)
    pool = lambda m: cv2.resize(cv2.copyMakeBorder(m, **grow), (wc, hc), interpolation=cv2.INTER_AREA)  # noqa: E731
    # Cell means (INTER_AREA): > 0 means some pixel is set, 255 means all are.
    bg = (pool(ok & ~(ink * np.uint8(255))) > 0).astype(np.uint8)
    mass_cells = np.round(pool(ink * ok).astype(np.float32) * (k * k / 255)).astype(np.uint8)  # ink pixels
    ok = (pool(ok) == 255).astype(np.uint8)
    slopes = np.array(SLOPES)
    out = {}
    for horizontal in (True, False):
        near_bg = cv2.dilate(bg, np.ones((3, 1) if horizontal else (1, 3), np.uint8))
        packed = (ok & (near_bg == 0)) | (ok << 1) | (mass_cells << 2)  # ink bit, valid bit, ink pixels
        if not horizontal:
            packed = packed.T
        rows, cols = packed.shape
        pad = int(np.ceil(np.abs(slopes).max() * cols / 2)) + 1
        shift = np.round(slopes[:, None] * (np.arange(cols) + 0.5 - cols / 2)).astype(np.intp)
        index = np.arange(rows + 2 * pad)[None, :, None] + shift[:, None, :]  # slope, line, column
        lines = np.pad(packed, ((2 * pad, 2 * pad), (0, 0)))[index, np.arange(cols)]
        inks, vals = (np.count_nonzero(lines & bit, axis=2) for bit in (1, 2))
        mass = (lines >> 2).sum(axis=2, dtype=np.int32)
        cov = np.where(vals >= SCAN_LINE * vals.max(axis=1, keepdims=True), inks / np.maximum(vals, 1), 1.0)
        before = np.cumsum(mass, axis=1)
        upto, after = before - mass, before[:, -1:] - before
        possible = (cov <= BRIDGED + SCAN_SLACK) & (upto >= min_mass) & (after >= min_mass)
        out[horizontal] = [float(s) for s, any_ in zip(slopes, possible.any(axis=1)) if any_]
    return out


def find_cuts(ink: np.ndarray, valid: np.ndarray, min_mass: int, min_gutter: float, wide: float,
              hidden: np.ndarray | None = None) -> list[Cut]:
    """Best gutter(s) of a region crop: several parallel ones for big regions, else one.
    ``hidden``: ink erased from ``ink`` (balloons across gutters), still panel edges."""
    h, w = ink.shape
    valid = None if valid.all() else valid
    if h * w > BIG_REGION:
        inks, vals, pad, sheared = line_profile(ink, valid, 0.0, True)
        cuts = [c for c in _gutters(inks, vals, pad, sheared, 0.0, True, min_mass, min_gutter, wide)
                if c.width >= min_gutter and c.coverage <= CLEAN]
        if cuts:
            return cuts
    clean, bridged = [], []
    for horizontal, slopes in _candidate_slopes(ink, valid, min_mass).items():
        if clean:
            break  # rows before columns (reading order): a clean row gutter wins outright
        for slope in slopes:
            inks, vals, pad, sheared = line_profile(ink, valid, slope, horizontal)
            behind = None if hidden is None else line_profile(hidden, None, slope, horizontal)[0]
            for c in _gutters(inks, vals, pad, sheared, slope, horizontal, min_mass, min_gutter, wide, behind):
                if c.width >= min_gutter:
                    (clean if c.coverage <= CLEAN else bridged).append(c)
    if clean:
        length = w if clean[0].horizontal else h
        return [_refine(c, ink, valid, min_mass, min_gutter, wide, hidden) for c in _distinct(clean, length)]
    if bridged:
        return [_refine(min(bridged, key=lambda c: (c.coverage, -c.width)), ink, valid, min_mass, min_gutter, wide,
                        hidden)]
    return []


def _distinct(cuts: list[Cut], length: int) -> list[Cut]:
    """The separate gutters among clean cuts of one direction, all cut at once (fewer
    regions to search again). A gutter shows up at several nearby slopes; each is taken
    at the slope where its band is widest (its own slope). A band that overlaps or
    crosses a wider one inside the region is the same gutter, or one to find later."""
    def ends(c: Cut) -> np.ndarray:  # the band's centre line at both ends of the region
        return (c.index - c.pad) + c.slope * np.array([-length / 2, length / 2])

    chosen: list[Cut] = []
    for c in sorted(cuts, key=lambda c: -(c.width - 2 * abs(c.slope))):
        apart = [ends(c) - ends(o) for o in chosen]
        gap = [(c.width + o.width) / 2 for o in chosen]
        if all((d > g).all() or (d < -g).all() for d, g in zip(apart, gap)):
            chosen.append(c)
    return chosen


def _refine(cut: Cut, ink, valid, min_mass, min_gutter, wide, hidden) -> Cut:
    """The same gutter at the slope, between the coarse ones of SLOPES, where it is
    cleanest, then widest: the panels' slanted sides follow the cut, so its slope should
    be the gutter's own (a long gutter between two coarse slopes may even look bridged)."""
    def rank(c: Cut):  # clean before bridged, then less ink across it, then wider
        return (c.coverage <= CLEAN, 0.0 if c.coverage <= CLEAN else -round(c.coverage, 2), round(c.width))

    def at(slope: float) -> Cut | None:
        inks, vals, pad, sheared = line_profile(ink, valid, slope, cut.horizontal)
        behind = None if hidden is None else line_profile(hidden, None, slope, cut.horizontal)[0]
        found = [c for c in _gutters(inks, vals, pad, sheared, slope, cut.horizontal, min_mass, min_gutter, wide,
                                     behind)
                 if abs((c.index - c.pad) - (cut.index - cut.pad)) <= max(cut.width, 2.0) and c.width >= min_gutter]
        return max(found, key=rank, default=None)

    # Half a step each way, then on to a full step on the side that got better.
    best = cut
    for sign in (-1, 1):
        half = at(cut.slope + sign * REFINE / 2)
        if half is not None and rank(half) > rank(best):
            best = half
            full = at(cut.slope + sign * REFINE)
            if full is not None and rank(full) > rank(best):
                best = full
    return best


def split_quad(quad: Quad, cuts: list[Cut], origin, shape) -> list[Quad]:
    """Split a quad along cut lines that do not cross inside it, in top-to-bottom or
    left-to-right order."""
    horizontal = cuts[0].horizontal
    cuts = sorted(cuts, key=lambda c: c.index - c.pad)
    tl, tr, br, bl = quad
    pieces, start = [], None
    for c in cuts:
        a, b = line_through(c.index, c.pad, c.slope, horizontal, origin, shape)
        if horizontal:
            p_left, p_right = _intersect(tl, bl, a, b), _intersect(tr, br, a, b)
            first = (tl, tr, p_right, p_left) if start is None else (start[0], start[1], p_right, p_left)
            start = (p_left, p_right)
        else:
            p_top, p_bot = _intersect(tl, tr, a, b), _intersect(bl, br, a, b)
            first = (tl, p_top, p_bot, bl) if start is None else (start[0], p_top, p_bot, start[1])
            start = (p_top, p_bot)
        pieces.append(np.array(first, float))
    if horizontal:
        pieces.append(np.array((start[0], start[1], br, bl), float))
    else:
        pieces.append(np.array((start[0], tr, br, start[1]), float))
    return pieces


def is_sparse(ink: np.ndarray, valid: np.ndarray) -> bool:
    """True for regions of loose strokes only (a frameless panel: figures and lettering).

    Such a region is never cut further: the white between a caption and a figure looks
    exactly like a gutter. Solid things (filled panels, framed panels whose inside is
    enclosed, balloons) survive an opening that erases strokes; lettering does not.
    """
    area = int(valid.sum())
    if area == 0:
        return True
    k = max(5, 2 * (min(ink.shape) // 50) + 1)
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    return solid.sum() < SPARSE_SOLID * area


def _is_rect(quad: Quad) -> bool:
    tl, tr, br, bl = quad
    return bool(np.allclose([tl[1], bl[1], tl[0], tr[0]], [tr[1], br[1], bl[0], br[0]], rtol=0, atol=1e-6))


def build_tree(ink: np.ndarray, quad: Quad, min_mass: int, min_gutter: float, wide: float, min_area: float = 0,
               hidden: np.ndarray | None = None, depth: int = 0) -> Node:
    """Cut tree of a region. Regions whose content could not hold two panels of
    ``min_area`` are not searched: at most one piece could be kept anyway. ``hidden``
    is ink left out of ``ink`` that still counts as panel edges (see ``find_cuts``)."""
    node = Node(quad)
    # Search only the content's extent, with sides parallel to the region's own (slanted
    # cuts leave slanted empty margins): margins dilute how much ink a gutter line
    # crosses, look like gutters to the coarse slope scan, and cost time.
    inner = quad if _is_rect(quad) else tighten(ink, quad, 1e-9)
    if inner is None or depth > MAX_DEPTH:
        return node
    x0, y0, x1, y1 = quad_bounds(inner, ink.shape)
    valid = quad_mask(inner, (y1 - y0, x1 - x0), (x0, y0))
    crop = ink[y0:y1, x0:x1] & valid
    if crop.sum() < min_mass:
        return node
    ys, xs = np.flatnonzero(crop.any(axis=1)), np.flatnonzero(crop.any(axis=0))
    crop = crop[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]
    valid = valid[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]
    x0, y0 = x0 + xs[0], y0 + ys[0]
    if valid.sum() < 2 * min_area or (depth > 0 and is_sparse(crop, valid)):
        return node
    behind = None if hidden is None else hidden[y0:y0 + crop.shape[0], x0:x0 + crop.shape[1]] & valid
    cuts = find_cuts(crop, valid, min_mass, min_gutter, wide, behind if behind is not None and behind.any() else None)
    if not cuts:
        return node
    node.kind = "rows" if cuts[0].horizontal else "cols"
    bridge = max(c.coverage for c in cuts)
    for piece in split_quad(quad, cuts, (x0, y0), crop.shape):
        child = build_tree(ink, piece, min_mass, min_gutter, wide, min_area, hidden, depth + 1)
        child.bridged = max(bridge if bridge > CLEAN else 0.0, node.bridged)
        node.children.append(child)
    return node


def tighten(ink: np.ndarray, quad: Quad, threshold: float, restrict: np.ndarray | None = None) -> Quad | None:
    """Move each side of a quad inwards, parallel to itself, to the first line whose ink
    coverage reaches ``threshold``; the result hugs the panel even when it is slanted."""
    x0, y0, x1, y1 = quad_bounds(quad, ink.shape)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    valid = quad_mask(quad, (y1 - y0, x1 - x0), (x0, y0))
    if restrict is not None:
        valid &= restrict[y0:y1, x0:x1]
    crop = ink[y0:y1, x0:x1] & valid
    if not crop.any():
        return None
    tl, tr, br, bl = quad
    lines = []
    for (p, q), horizontal, first in (((tl, tr), True, True), ((bl, br), True, False),
                                       ((tl, bl), False, True), ((tr, br), False, False)):
        d = q - p
        slope = (d[1] / d[0] if abs(d[0]) > 1e-9 else 0.0) if horizontal else (d[0] / d[1] if abs(d[1]) > 1e-9 else 0.0)
        inks, vals, pad, _ = line_profile(crop, valid, float(slope), horizontal)
        cov = inks / np.maximum(vals, 1)
        hits = np.flatnonzero((cov >= threshold) & (vals > 0))
        if hits.size == 0:
            return None
        idx = hits[0] if first else hits[-1]
        lines.append(line_through(float(idx), pad, float(slope), horizontal, (x0, y0), crop.shape))
    (ta, tb), (ba, bb), (la, lb), (ra, rb) = lines
    out = np.array([_intersect(ta, tb, la, lb), _intersect(ta, tb, ra, rb),
                    _intersect(ba, bb, ra, rb), _intersect(ba, bb, la, lb)], float)
    if cv2.contourArea(out.astype(np.float32)) < 1:
        return None
    return out
