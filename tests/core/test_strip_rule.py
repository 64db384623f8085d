"""One rule says what a long strip is, and import, segmentation and OCR all follow it."""

from __future__ import annotations

import numpy as np
from PIL import Image
from sqlmodel import select

from annotator.core import models
from annotator.core.importer import import_pages
from annotator.vision import panels
from annotator.vision.images import STRIP_RATIO, is_long_strip, is_vertical_strip
from annotator.vision.ocr.rapid import RapidEngine


def test_the_rule():
    assert is_long_strip(1080, int(1080 * STRIP_RATIO)) and is_vertical_strip(1080, int(1080 * STRIP_RATIO))
    assert not is_long_strip(1080, int(1080 * STRIP_RATIO) - 1)
    assert is_long_strip(1300, 420) and not is_vertical_strip(1300, 420)  # a newspaper strip
    assert not is_long_strip(1240, 1754)  # an A4 page


def test_import_and_segmentation_agree(project, tmp_path):
    path = tmp_path / "tall.png"
    Image.new("RGB", (500, 1100), "white").save(path)  # 2.2 : 1, a strip by the one rule
    import_pages(project, [path])
    with project.session() as s:
        assert [p.kind for p in s.exec(select(models.Page)).all()] == ["strip"]
    # segmentation works at the strip width, not the page side, for the same picture
    assert panels._working_scale(500, 1100) == min(1.0, panels.STRIP_WIDTH / 500)
    # and OCR takes its long-strip path only for long strips taller than a tile
    engine = RapidEngine(threads=1)
    assert engine._read_strip(np.zeros((1500, 1500, 3), np.uint8)) is None
