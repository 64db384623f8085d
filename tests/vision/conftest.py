"""Fixtures for the OCR tests: the shared corpus and a page drawn here with its own font size and layout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
# serif first: the corpus is lettered in Noto Sans CJK, these pages must differ
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The team corpus; tests asking for it are deselected without it (tests/skip_policy.py)."""
    return CORPUS


@pytest.fixture(scope="session")
def crops(corpus) -> list[dict]:
    return json.loads((corpus / "balloons" / "truth.json").read_text())["crops"]


@pytest.fixture(scope="session")
def synthetic_truth(corpus) -> dict:
    return {p["image"]: p for p in json.loads((corpus / "synthetic" / "truth.json").read_text())["pages"]}


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    pytest.skip("capability missing: Noto CJK font (apt-get install fonts-noto-cjk)")


@pytest.fixture(scope="session")
def drawn_page() -> tuple[np.ndarray, list[dict]]:
    return draw_page()


def draw_page() -> tuple[np.ndarray, list[dict]]:
    """A 1000x1400 page unlike the corpus: serif font, larger/smaller glyphs, a white-on-black caption.

    Returns the RGB array and the truth balloons (bbox, text, vertical) in reading order.
    """
    img = Image.new("RGB", (1000, 1400), (250, 250, 245))
    d = ImageDraw.Draw(img)
    d.rectangle([20, 20, 980, 680], outline=(0, 0, 0), width=5, fill=(205, 220, 235))
    d.rectangle([20, 720, 980, 1380], outline=(0, 0, 0), width=5, fill=(225, 210, 190))
    truth = []

    def balloon(box, lines, size, vertical=False, caption=False, inverted=False):
        x0, y0, x1, y1 = box
        fill, ink = ((20, 20, 20), (255, 255, 255)) if inverted else ((255, 255, 255), (0, 0, 0))
        if caption:
            d.rectangle(box, fill=fill, outline=(0, 0, 0), width=3)
        else:
            d.polygon([(x0 + 40, y1 - 20), (x0 + 10, y1 + 60), (x0 + 90, y1 - 10)], fill=fill, outline=(0, 0, 0))
            d.ellipse(box, fill=fill, outline=(0, 0, 0), width=3)
        font = cjk_font(size)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if vertical:  # columns right to left
            n = len(lines)
            for i, col in enumerate(lines):
                x = cx + (n / 2 - i - 1) * size * 1.4 + size * 0.2
                top = cy - len(lines[0]) * size * 1.05 / 2
                for j, ch in enumerate(col):
                    d.text((x, top + j * size * 1.05), ch, font=font, fill=ink)
        else:
            top = cy - len(lines) * size * 1.3 / 2
            for i, line in enumerate(lines):
                w = d.textlength(line, font=font)
                d.text((cx - w / 2, top + i * size * 1.3), line, font=font, fill=ink)
        truth.append({"bbox": [x0, y0, x1 - x0, y1 - y0], "text": "".join(lines) if vertical or any(
            ord(c) > 0x2E80 for c in "".join(lines)) else " ".join(lines), "vertical": vertical})

    balloon((60, 60, 560, 300), ["今天的会议", "改到下午三点。"], 46)
    balloon((640, 80, 940, 560), ["我们必须", "马上出发"], 44, vertical=True)
    balloon((60, 760, 520, 880), ["一个月以后"], 36, caption=True, inverted=True)
    balloon((560, 1000, 960, 1200), ["Where is the", "old bridge?"], 34)
    balloon((80, 1060, 460, 1260), ["请大家注意安全。"], 28)
    return np.asarray(img), truth
