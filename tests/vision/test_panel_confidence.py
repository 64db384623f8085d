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
