"""Inset panels: a small framed picture drawn inside a bigger panel.

The gutter search cannot see them (no background runs around an inset: it sits on the
bigger panel's art), so they are looked for inside each framed panel as rectangles
outlined by straight dark lines. What makes such a rectangle a panel rather than
something in the art:

- all four sides are thin straight dark lines, at least a few percent of the panel long;
- its own sides stop at its corners (a horizon line meeting a pole, or a window's frame
  inside a wall of windows, runs on past the corner);
- at most two sides are the bigger panel's own frame (an inset tucked into a corner);
- its frame is a thin black line (inside it is not dark: not a black box's edge), set
  off from the art around it by a narrow border of paper colour, beyond which the art
  resumes (a rectangle drawn on open white space is a screen or a sign, not an inset);
- it is big enough to be a panel and clearly smaller than the one holding it.

Caption boxes are framed rectangles too; the caller drops flat, text-bearing ones.
Not found: insets without a paper-coloured border (indistinguishable here from a framed
map or painting in the art), insets in dark panels, slanted insets.
"""

from __future__ import annotations

import cv2
import numpy as np

DARK = 50  # grey level below which a pixel can belong to a frame line (frames are inked black)


def dark_lines(gray: np.ndarray, scale: float, size: tuple[int, int]) -> np.ndarray:
    """Dark pixels at working size ``size`` (w, h). Each working pixel takes the darkest
    page pixel it covers, so a frame line thinner than a working pixel is not averaged
    away (an area-averaged page turns a 3 px frame into light grey)."""
    k = max(1, int(np.ceil(1 / scale)))
    darkest = cv2.erode(gray, np.ones((k, k), np.uint8)) if k > 1 else gray
    return (cv2.resize(darkest, size, interpolation=cv2.INTER_NEAREST) < DARK).astype(np.uint8)


def _segments(lines: np.ndarray, along_x: bool, thick: int) -> list[tuple[int, int, int, int]]:
    """Thin straight dark segments as (position, thickness, start, end) across / along."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    out = []
    for x, y, w, h, _ in stats[1:]:
        if (h if along_x else w) <= thick:
            out.append((y, h, x, x + w - 1) if along_x else (x, w, y, y + h - 1))
    return out


def _band(mask: np.ndarray, rect, own, d0: int, d1: int) -> float:
    """Mean of ``mask`` over the bands d0..d1 pixels outside (negative: inside) the
    rectangle's sides that are not the panel's own frame."""
    x0, y0, x1, y1 = rect
    h, w = mask.shape
    parts = []
    for d in range(d0, d1 + 1) if d0 <= d1 else range(d0, d1 - 1, -1):
        for is_own, line in zip(own, (mask[max(0, y0 - d), x0:x1 + 1] if 0 <= y0 - d < h else None,
                                      mask[y1 + d, x0:x1 + 1] if 0 <= y1 + d < h else None,
                                      mask[y0:y1 + 1, x0 - d] if 0 <= x0 - d < w else None,
                                      mask[y0:y1 + 1, x1 + d] if 0 <= x1 + d < w else None)):
            if not is_own and line is not None:
                parts.append(line)
    return float(np.concatenate(parts).mean()) if parts else 0.0


#: An inset's frame: just inside it less than FRAME_INSIDE_DARK is dark (a line, not the edge
#: of a dark area); just outside at least FRAME_BORDER_PAPER is paper (the white border that
#: sets it off); two to three frame widths out less than FRAME_BEYOND_PAPER is paper (art
#: resumes: a border, not open white space).
FRAME_INSIDE_DARK = 0.5
FRAME_BORDER_PAPER = 0.6
FRAME_BEYOND_PAPER = 0.5
#: An inset is at least this share of its panel's shorter side across, at most MAX_SHARE of
#: its area; more than MAX_LINES frame-like lines each way is hatching or a grid in the art.
MIN_SIDE = 0.12
MAX_SHARE = 0.5
MAX_LINES = 40


def _framed(dark, paper, rect, own, thick) -> bool:
    """An inset's frame is a thin line (not the edge of something dark: inside it is
    mostly not dark), set off from the art around it by a border of paper colour, a
    border and not open white space (art resumes beyond it)."""
    return (_band(dark, rect, own, -thick - 1, -thick - 2) < FRAME_INSIDE_DARK
            and _band(paper, rect, own, 1, 2) >= FRAME_BORDER_PAPER
            and _band(paper, rect, own, 2 * thick, 3 * thick) < FRAME_BEYOND_PAPER)


def find_insets(dark: np.ndarray, paper: np.ndarray, min_area: float, thick: int) -> list[tuple[int, int, int, int]]:
    """Inset rectangles (x0, y0, x1, y1, inclusive, crop pixels) in ``dark``, the dark-line
    mask of one panel's box, frame included; ``paper``: where the page has its background
    colour. ``thick``: thickest frame line accepted."""
    h, w = dark.shape
    side = max(6, int(MIN_SIDE * min(h, w)))
    rows = _segments(cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((1, side), np.uint8)), True, thick)
    cols = _segments(cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((side, 1), np.uint8)), False, thick)
    if not 2 <= len(rows) <= MAX_LINES or not 2 <= len(cols) <= MAX_LINES:
        return []  # nothing framed, or hatching / a grid in the art
    tol = thick + 2
    edge = thick + 3  # a side this close to the box's border is the panel's own frame

    def spans(seg, lo, hi, own):
        """The segment covers lo..hi, and stops there unless it is the panel's frame."""
        covers = seg[2] <= lo + tol and seg[3] >= hi - tol
        return covers and (own or (seg[2] >= lo - tol and seg[3] <= hi + tol))

    found = []
    for top in rows:
        for bottom in rows:
            y0, y1 = top[0], bottom[0] + bottom[1] - 1
            if y1 - y0 < side:
                continue
            own_y = (y0 <= edge, y1 >= h - 1 - edge)
            sides = [c for c in cols if spans(c, y0, y1, c[0] <= edge or c[0] + c[1] - 1 >= w - 1 - edge)]
            for left in sides:
                for right in sides:
                    x0, x1 = left[0], right[0] + right[1] - 1
                    area = (x1 - x0) * (y1 - y0)
                    if x1 - x0 < side or area < min_area or area > MAX_SHARE * h * w:
                        continue
                    own_x = (x0 <= edge, x1 >= w - 1 - edge)
                    own = own_y + own_x
                    if sum(own) <= 2 and spans(top, x0, x1, own[0]) and spans(bottom, x0, x1, own[1]) \
                            and _framed(dark, paper, (x0, y0, x1, y1), own, thick):
                        found.append((x0, y0, x1, y1))
    # Double frames and near-duplicates: keep the outermost rectangle.
    found.sort(key=lambda r: -(r[2] - r[0]) * (r[3] - r[1]))
    kept: list[tuple[int, int, int, int]] = []
    for r in found:
        if not any(r[0] >= k[0] - tol and r[1] >= k[1] - tol and r[2] <= k[2] + tol and r[3] <= k[3] + tol
                   for k in kept):
            kept.append(r)
    return kept
