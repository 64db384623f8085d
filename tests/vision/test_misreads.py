"""Characters are rewritten only where an engine is known to misread them, on crops drawn here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from annotator.vision.ocr import get_engine
from annotator.vision.text_regions import join_lines

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def glyph_crop(text: str) -> np.ndarray:
    if not FONT.exists():
        pytest.skip("Noto CJK font missing: apt-get install fonts-noto-cjk")
    img = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(img).text((20, 10), text, font=ImageFont.truetype(str(FONT), 40), fill="black")
    return np.asarray(img)


def test_rapidocr_reads_a_lone_full_stop_as_one_of_its_declared_misreads():
    engine = get_engine("rapidocr")
    got = [ln.text.strip() for ln in engine.find_lines(glyph_crop("。"))]
    assert got and got[0] in engine.misread_stops and got[0] != "。"
    # ... and the page reader puts it back in Chinese text, from that engine's list only
    assert join_lines(["我们走", got[0]], engine.misread_stops, engine.misread_marks) == "我们走。"


def test_tesseract_reads_a_lone_full_stop_as_one_of_its_declared_misreads():
    engine = get_engine("tesseract")
    assert engine.recognize(glyph_crop("。"), "zh", False).text.strip() == "。"
    raw = get_engine("tesseract")
    raw.misread_stops = frozenset()  # what it reads before the correction
    got = raw.recognize(glyph_crop("。"), "zh", False).text.strip()
    assert got != "。" and got in engine.misread_stops


def test_nothing_is_rewritten_without_an_engine_that_makes_the_mistake():
    assert join_lines(["我们走", "o"]) == "我们走o"
    assert join_lines(["我们走", "o"], frozenset({"O〇"})) == "我们走o"
    rapid = get_engine("rapidocr")
    # Latin text keeps its letters even with the engine's list
    assert join_lines(["GO", "o"], rapid.misread_stops, rapid.misread_marks) == "GO o"
    assert join_lines(["我们走°"], rapid.misread_stops, rapid.misread_marks) == "我们走。"
    assert join_lines(["我们走°"]) == "我们走°"
