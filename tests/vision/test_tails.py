"""Balloon tails and figures on generated pages whose tails point at known heads."""

from __future__ import annotations

import math

import numpy as np
import pytest
from speaker_pages import make_page

from annotator.vision.figures import find_figures, pointed_at
from annotator.vision.tails import find_tail


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_tails_point_at_the_speakers_head(seed):
    image, truth = make_page(seed)
    rgb = np.asarray(image)
    for panel in truth:
        figures = find_figures(rgb, panel["bbox"], [b["bbox"] for b in panel["balloons"]])
        assert len(figures) == len(panel["figures"])
        for found, true in zip(figures, sorted(panel["figures"], key=lambda f: f["head"][0])):
            assert math.dist(found.head, true["head"]) < true["radius"]
        for balloon in panel["balloons"]:
            tail = find_tail(rgb, balloon["bbox"])
            if balloon["tail"] is None:
                assert tail is None
                continue
            assert tail is not None
            head = next(f["head"] for f in panel["figures"] if f["name"] == balloon["speaker"])
            aim = math.atan2(head[1] - tail.base[1], head[0] - tail.base[0])
            assert abs(math.remainder(aim - math.atan2(tail.direction[1], tail.direction[0]), math.tau)) < 0.12
            scores = pointed_at(figures, tail.base, tail.direction)
            pointed = figures[int(np.argmax(scores))]
            assert math.dist(pointed.head, head) < 50


def test_no_balloon_no_tail():
    blank = np.full((300, 300, 3), 255, np.uint8)
    assert find_tail(blank, (100, 100, 50, 30)) is None  # open white background, not a balloon
    assert find_tail(blank, (0, 0, 1, 1)) is None
    assert find_figures(blank, (0, 0, 300, 300)) == []
