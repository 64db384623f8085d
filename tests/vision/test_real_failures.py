"""Failure modes seen on published pages (issue 17), on small crops drawn here.

Each picture reproduces one thing real pages do and generated ones did not: lettering drawn
straight onto a panel beside a balloon, a two-line balloon of short lines, widely spaced
vertical columns that the detector cuts across, and a faint watermark over the art.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from annotator.vision.ocr import get_engine
from annotator.vision.reading import read_page
from annotator.vision.text_regions import TextLine, cut_across, glyph_text, grid_orientation
from scoring import cer, norm

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        pytest.skip("Noto CJK font missing: apt-get install fonts-noto-cjk")
    return ImageFont.truetype(str(FONT), size)


@pytest.fixture(scope="module")
def rapid():
    return get_engine("rapidocr")


def test_free_lettering_beside_a_balloon_is_read_as_its_own_lines_in_order(rapid):
    """Translated strips letter straight onto a small panel. The panel's white must not be
    taken for a balloon holding all its text (which read it as columns: '么怎明的飞到，在做你')."""
    img = Image.new("RGB", (400, 420), (250, 246, 236))
    d = ImageDraw.Draw(img)
    d.rectangle([20, 20, 380, 400], fill="white", outline="black", width=5)
    font = cjk_font(34)
    d.text((45, 45), "你在飞啊！", font=font, fill="black")
    d.text((45, 88), "怎么做到的？", font=font, fill="black")
    _figure(d, 110, 200)
    d.ellipse([215, 150, 365, 250], fill="white", outline="black", width=4)
    d.text((290, 200), "很简单", font=cjk_font(30), fill="black", anchor="mm")
    shapes = read_page(np.asarray(img), rapid)
    texts = [norm(s.text) for s in shapes]
    assert len(shapes) == 2, texts
    free = next(s for s in shapes if "飞" in s.text)
    assert cer("你在飞啊！怎么做到的？", free.text) <= 0.1, texts
    assert free.vertical is False and free.bbox[2] < 300  # the lettering, not the panel
    assert any(cer("很简单", s.text) <= 0.2 for s in shapes if s is not free)


def _figure(d: ImageDraw.ImageDraw, x: int, y: int) -> None:
    """A stick figure: art drawn on the same white as the panel."""
    d.ellipse([x - 30, y - 30, x + 30, y + 30], outline="black", width=4)
    d.line([x, y + 30, x, y + 110], fill="black", width=5)
    d.line([x - 50, y + 60, x + 50, y + 60], fill="black", width=5)
    d.line([x, y + 110, x - 40, y + 180], fill="black", width=5)
    d.line([x, y + 110, x + 40, y + 180], fill="black", width=5)


def test_two_line_horizontal_balloon_is_read_horizontally(rapid):
    img = Image.new("RGB", (420, 320), (235, 228, 210))
    d = ImageDraw.Draw(img)
    d.ellipse([40, 40, 380, 280], fill="white", outline="black", width=4)
    font = cjk_font(44)
    d.text((210, 130), "快走吧", font=font, fill="black", anchor="mm")
    d.text((210, 190), "来不及", font=font, fill="black", anchor="mm")
    shapes = read_page(np.asarray(img), rapid)
    assert len(shapes) == 1
    assert shapes[0].vertical is False
    assert cer("快走吧来不及", shapes[0].text) <= 0.2


def test_widely_spaced_vertical_columns_cut_across_are_regrouped():
    """The detector returns one short row per glyph level across two columns (as on a real
    fan page); the block is tall and there are more rows than glyphs in a row, so the glyphs
    are regrouped into columns read right to left."""
    rows = [((99, 7, 204, 128), "入有"), ((93, 108, 208, 131), "那点"), ((101, 222, 196, 119), "里糟"),
            ((101, 324, 201, 124), "的糕"), ((102, 433, 143, 122), "魔，"), ((96, 538, 203, 120), "法但"),
            ((100, 642, 203, 125), "圈请"), ((181, 753, 113, 114), "加")]
    lines = [TextLine([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], t) for (x, y, w, h), t in rows]
    page = np.full((900, 400, 3), 128, np.uint8)  # art behind: the ink cannot veto
    assert cut_across(page, lines, vertical=False, clean=False)
    assert glyph_text(lines, vertical=True) == "有点糟糕，但请加入那里的魔法圈"
    # three full-width rows of four glyphs are what they seem: no regrouping
    wide = [TextLine([(0, y), (200, y), (200, y + 50), (0, y + 50)], "我们走吧") for y in (0, 60, 120)]
    assert not cut_across(page, wide, vertical=False, clean=False)


def test_ink_gaps_tell_columns_from_rows():
    font = cjk_font(40)
    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    for i, ch in enumerate("我们走"):  # two columns, glyphs tight, columns far apart
        d.text((200, 30 + i * 44), ch, font=font, fill="black")
        d.text((60, 30 + i * 44), "来不及"[i], font=font, fill="black")
    assert grid_orientation(np.asarray(img), [(50, 20, 200, 150)]) is True
    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    d.text((30, 30), "我们走", font=font, fill="black")
    d.text((30, 130), "来不及", font=font, fill="black")
    assert grid_orientation(np.asarray(img), [(20, 20, 160, 170)]) is False


def test_watermark_and_credit_are_not_dialogue(rapid):
    img = Image.new("RGB", (800, 600), (246, 240, 226))
    d = ImageDraw.Draw(img)
    d.rectangle([10, 10, 790, 590], outline="black", width=6)
    d.ellipse([80, 80, 460, 280], fill="white", outline="black", width=4)
    font = cjk_font(40)
    d.text((270, 180), "明天见。", font=font, fill="black", anchor="mm")
    d.text((420, 420), "译制@漫画组", font=cjk_font(46), fill=(222, 216, 204))  # faint, over the art
    d.text((560, 545), "www.example.cn", font=cjk_font(22), fill="black")  # credit in the margin
    shapes = read_page(np.asarray(img), rapid)
    dialogue = [s for s in shapes if s.kind != "other"]
    assert [norm(s.text) for s in dialogue] == [norm("明天见。")]
    assert any("example" in s.text for s in shapes if s.kind == "other")


def test_two_line_balloon_cut_into_columns_is_read_as_rows():
    """A detector may return a two-line horizontal balloon as short columns, one per glyph
    position; the ink's wide gap between the rows shows they are rows."""
    font = cjk_font(40)
    img = Image.new("RGB", (260, 200), "white")
    d = ImageDraw.Draw(img)
    for i, (top, bottom) in enumerate(zip("快走吧", "来不及")):
        d.text((40 + i * 42, 30), top, font=font, fill="black")
        d.text((40 + i * 42, 110), bottom, font=font, fill="black")
    cols = [TextLine([(38 + i * 42, 28), (82 + i * 42, 28), (82 + i * 42, 162), (38 + i * 42, 162)], a + b)
            for i, (a, b) in enumerate(zip("快走吧", "来不及"))]
    rgb = np.asarray(img)
    assert cut_across(rgb, cols, vertical=True, clean=True)
    assert glyph_text(cols, vertical=False) == "快走吧来不及"


def test_reading_reports_tiles_and_stops_between_them(rapid):
    """The GUI's Cancel and progress bar hook in between tiles of a large page."""
    from annotator.vision.ocr import OcrCancelled

    img = Image.new("RGB", (2000, 700), "white")
    d = ImageDraw.Draw(img)
    d.text((100, 300), "第一格", font=cjk_font(48), fill="black")
    d.text((1850, 300), "完", font=cjk_font(48), fill="black")
    seen = []
    shapes = read_page(np.asarray(img), rapid, progress=lambda done, total, _unit: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] >= 2
    assert {norm(s.text) for s in shapes} == {"第一格", "完"}
    with pytest.raises(OcrCancelled):
        read_page(np.asarray(img), rapid, should_stop=lambda: True)
