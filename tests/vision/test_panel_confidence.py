"""Panel confidence comes from what the page shows (gutter around, frame ink along the edge)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from annotator.vision.panels import segment


def _figure(d: ImageDraw.ImageDraw, x: int, y: int) -> None:
    d.ellipse([x - 40, y - 40, x + 40, y + 40], outline="black", width=6)
    d.line([x, y + 40, x, y + 220], fill="black", width=7)
    d.line([x - 90, y + 100, x + 90, y + 100], fill="black", width=7)
    d.line([x, y + 220, x - 70, y + 360], fill="black", width=7)
    d.line([x, y + 220, x + 70, y + 360], fill="black", width=7)


def test_a_framed_panel_is_more_certain_than_a_frameless_one():
    img = Image.new("RGB", (1200, 560), "white")
    d = ImageDraw.Draw(img)
    for x0 in (20, 820):  # two framed panels around a frameless one, as on xkcd pages
        d.rectangle([x0, 20, x0 + 360, 540], outline="black", width=6)
        _figure(d, x0 + 180, 110)
    _figure(d, 600, 110)  # frameless: the figure alone on the page's white
    panels = segment(np.asarray(img), "ltr")
    assert len(panels) == 3
    framed = [panels[0].confidence, panels[2].confidence]
    assert min(framed) >= 0.97  # clean gutter all round, frame ink all along: near certain
    assert panels[1].confidence < min(framed) - 0.2
    assert all(0.0 <= p.confidence <= 1.0 for p in panels)


def test_gutters_are_found_when_art_bleeds_to_the_page_edge():
    """Art running off the page (skin, sky) makes the commonest border colour a colour of the
    art; the white gutters are still the page background (a real colour manhua page came
    back as one panel)."""
    img = Image.new("RGB", (800, 1130), "white")
    d = ImageDraw.Draw(img)
    rng = np.random.default_rng(5)
    for y in range(446):  # top panel: shaded skin, bleeding off three edges
        d.line([0, y, 799, y], fill=(250, 222 - y // 20, 196 - y // 12))
    d.rectangle([0, 465, 358, 1129], fill=(120, 90, 140))
    d.rectangle([368, 465, 799, 1129], fill=(170, 200, 220))
    for _ in range(60):  # strokes of art inside the panels
        x, y = int(rng.integers(20, 760)), int(rng.integers(20, 1100))
        if not 440 < y < 470 and not 350 < x < 375:
            d.line([x, y, x + int(rng.integers(-30, 30)), y + int(rng.integers(-30, 30))], fill=(60, 30, 30), width=3)
    d.rectangle([0, 0, 799, 1129], outline=(200, 30, 30), width=3)  # a thin red line round the page
    panels = segment(np.asarray(img), "ltr")
    boxes = [p.bbox for p in panels]
    assert len(boxes) == 3, boxes
    assert boxes[0][3] < 470 and boxes[1][0] < 100 and boxes[2][0] > 340
