"""Geometry helpers behind split and merge, checked on many random panels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core import geometry

coords = st.integers(min_value=0, max_value=3000)


@given(x=coords, y=coords, w=st.integers(20, 2000), h=st.integers(20, 2000), t=st.floats(0.1, 0.9),
       slant=st.floats(-0.3, 0.3))
def test_split_conserves_area_and_orders_parts(x, y, w, h, t, slant):
    square = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    cut_y = y + t * h
    a, b = (x - 10, cut_y - slant * 10), (x + w + 10, cut_y + slant * (w + 10))
    try:
        top, bottom = geometry.split(square, a, b)
    except ValueError:
        return  # a slanted line may leave one part too thin: refused, not mangled
    assert geometry.area(top) + geometry.area(bottom) == pytest.approx(w * h, rel=1e-6)
    centre_y = lambda poly: sum(p[1] for p in poly) / len(poly)  # noqa: E731
    assert centre_y(top) <= centre_y(bottom)


@given(st.lists(st.tuples(coords, coords), min_size=3, max_size=30))
def test_hull_contains_every_point(points):
    hull = geometry.convex_hull(points)
    if len(hull) < 3:
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
