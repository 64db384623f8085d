"""The one geometry module: outlines (lists of (x, y) floats) and boxes (x, y, w, h) in page pixels.

Pure Python with no imports from the rest of the package, so every layer uses it: vision for
boxes it finds, core for matching re-runs against kept rows, the GUI for split and merge.
"""

from __future__ import annotations

Point = tuple[float, float]


def normalise(polygon) -> list[list[float]]:
    """JSON-ready outline; raises ValueError for fewer than three points or non-numbers."""
    points = [[float(p[0]), float(p[1])] for p in polygon]
    if len(points) < 3:
        raise ValueError("a polygon needs at least three points")
    return points


def bbox(polygon) -> tuple[int, int, int, int]:
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    x0, y0 = int(min(xs)), int(min(ys))
    return x0, y0, max(1, int(round(max(xs))) - x0), max(1, int(round(max(ys))) - y0)


def area(polygon) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def _side(p: Point, a: Point, b: Point) -> float:
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])


def _clip(polygon: list[Point], a: Point, b: Point, keep_positive: bool) -> list[Point]:
    """Sutherland–Hodgman clip of a polygon against the half-plane on one side of line ab."""
    sign = 1.0 if keep_positive else -1.0
    out: list[Point] = []
    n = len(polygon)
    for i in range(n):
        cur, nxt = polygon[i], polygon[(i + 1) % n]
        sc, sn = sign * _side(cur, a, b), sign * _side(nxt, a, b)
        if sc >= 0:
            out.append(cur)
        if (sc >= 0) != (sn >= 0):
            t = sc / (sc - sn)
            out.append((cur[0] + t * (nxt[0] - cur[0]), cur[1] + t * (nxt[1] - cur[1])))
    return out


def split(polygon, a: Point, b: Point, min_area: float = 16.0) -> tuple[list[Point], list[Point]]:
    """Cut an outline along the infinite line through a and b into two parts.

    For a cut closer to horizontal the upper part comes first, otherwise the left part, so
    reading order stays natural.
    Raises ValueError when the line misses the outline.
    """
    poly = [tuple(map(float, p)) for p in polygon]
    one, two = _clip(poly, a, b, True), _clip(poly, a, b, False)
    if len(one) < 3 or len(two) < 3 or area(one) < min_area or area(two) < min_area:
        raise ValueError("the split line does not cross the panel")

    def centre(p):
        return (sum(x for x, _ in p) / len(p), sum(y for _, y in p) / len(p))

    # A cut closer to horizontal gives top-then-bottom, a steeper one left-then-right.
    horizontal = abs(b[0] - a[0]) >= abs(b[1] - a[1])
    axis = 1 if horizontal else 0
    if centre(one)[axis] > centre(two)[axis]:
        one, two = two, one
    return one, two


def convex_hull(points) -> list[Point]:
    """Monotone-chain hull, clockwise in image coordinates (y down)."""
    pts = sorted({(float(x), float(y)) for x, y in points})
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def merge(polygons) -> list[Point]:
    """One outline covering several panels: the convex hull of their corners."""
    return convex_hull([p for poly in polygons for p in poly])


def overlap(a: tuple, b: tuple) -> float:
    """Area shared by two (x, y, w, h) boxes (an int for int boxes)."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy


def iou(a: tuple, b: tuple) -> float:
    """Intersection over union of two (x, y, w, h) boxes; 0 for two empty boxes."""
    inter = overlap(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def overlap_of_smaller(a: tuple, b: tuple) -> float:
    """Share of the smaller of two (x, y, w, h) boxes that the other covers (1.0: one inside the other)."""
    return overlap(a, b) / max(1, min(a[2] * a[3], b[2] * b[3]))


def covered(box: tuple, by: tuple) -> float:
    """Share of ``box`` covered by ``by`` (both x, y, w, h); an empty ``box`` counts as covered."""
    size = box[2] * box[3]
    return overlap(box, by) / size if size > 0 else 1.0


def best_match(box: tuple, candidates: list, key=lambda c: c.bbox, score=iou):
    """The candidate whose box scores highest against ``box`` and that score (None, 0 if none)."""
    best, best_score = None, 0.0
    for candidate in candidates:
        value = score(box, key(candidate))
        if value > best_score:
            best, best_score = candidate, value
    return best, best_score


__all__ = ["Point", "area", "bbox", "best_match", "convex_hull", "covered", "iou", "merge", "normalise", "overlap",
           "overlap_of_smaller", "split"]
