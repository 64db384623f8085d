"""Geometry helpers behind split and merge, checked on many random panels."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from annotator import geometry

coords = st.integers(min_value=0, max_value=3000)


def _area_above(line_y, x0: float, x1: float, top: float, bottom: float) -> float:
    """Exact area of the box [x0, x1] x [top, bottom] above the line y = line_y(X) (y grows downwards)."""
    k = (line_y(x1) - line_y(x0)) / (x1 - x0)
    cuts = {x0, x1}
    if k:
        cuts |= {x for x in ((top - line_y(0)) / k, (bottom - line_y(0)) / k) if x0 < x < x1}
    xs = sorted(cuts)
    depth = lambda X: min(max(line_y(X) - top, 0.0), bottom - top)  # noqa: E731 - piecewise linear in X
    return sum((b - a) * (depth(a) + depth(b)) / 2 for a, b in zip(xs, xs[1:]))


@given(x=coords, y=coords, w=st.integers(20, 2000), h=st.integers(20, 2000), t=st.floats(0.1, 0.9),
       slant=st.floats(-0.3, 0.3))
def test_split_gives_the_parts_above_and_below_the_line(x, y, w, h, t, slant):
    square = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    cut_y = y + t * h
    a, b = (x - 10, cut_y - slant * 10), (x + w + 10, cut_y + slant * (w + 10))
    line_y = lambda X: a[1] + slant * (X - a[0])  # noqa: E731
    above = _area_above(line_y, x, x + w, y, y + h)
    below = w * h - above
    assume(abs(min(above, below) - 16) > 1e-3)  # the refusal threshold itself is a float tie
    if min(above, below) < 16:
        with pytest.raises(ValueError, match="does not cross"):
            geometry.split(square, a, b)  # a sliver is refused, not kept as a panel
        return
    top, bottom = geometry.split(square, a, b)
    assert geometry.area(top) == pytest.approx(above, rel=1e-6, abs=1e-3)
    assert geometry.area(bottom) == pytest.approx(below, rel=1e-6, abs=1e-3)


@given(st.lists(st.tuples(coords, coords), min_size=3, max_size=30))
def test_hull_contains_every_point(points):
    hull = geometry.convex_hull(points)
    if len(hull) < 3:  # only when every point lies on one line
        (x0, y0), (x1, y1) = hull[0], hull[-1]
        assert all((x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) == 0 for px, py in points)
        return
    for px, py in points:
        for (x1, y1), (x2, y2) in zip(hull, hull[1:] + hull[:1]):
            assert (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) >= -1e-6


def test_merge_of_two_side_by_side_panels_is_their_union_box():
    left = [(0, 0), (100, 0), (100, 50), (0, 50)]
    right = [(110, 0), (200, 0), (200, 50), (110, 50)]
    assert geometry.bbox(geometry.merge([left, right])) == (0, 0, 200, 50)


def test_polygon_needs_three_points():
    with pytest.raises(ValueError):
        geometry.normalise([(0, 0), (1, 1)])


def test_box_measures():
    a, b = (0, 0, 100, 50), (50, 0, 100, 50)
    assert geometry.overlap(a, b) == 2500
    assert geometry.iou(a, b) == pytest.approx(2500 / 7500)
    assert geometry.iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0
    assert geometry.overlap_of_smaller((0, 0, 10, 10), (0, 0, 100, 100)) == 1.0
    assert geometry.covered((0, 0, 10, 10), (5, 0, 100, 100)) == 0.5
    assert geometry.covered((3, 3, 0, 0), (100, 100, 1, 1)) == 1.0


def test_one_module_for_every_layer():
    from annotator.core import geometry as old_name
    from annotator.vision import shapes

    assert old_name.iou is geometry.iou and shapes.bbox_of is geometry.bbox
