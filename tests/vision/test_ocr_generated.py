"""OCR on text drawn here and on the demo pages (seeds/demo): the corpus-free half of test_ocr.py.

test_ocr.py measures accuracy on the team corpus when it is present; every behaviour it checks
is checked here too, on data the repository makes, so a fresh clone tests all of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from test_ocr import _recall, cer, norm

from annotator.vision.images import load_array
from annotator.vision.ocr import EngineUnavailable, OcrError, OcrTimeout, TesseractEngine, get_engine
from annotator.vision.reading import read_file, read_page
from annotator.vision.balloons import ink_layout

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo"
TRUTH = {p["image"]: p for p in json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))["pages"]}
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        pytest.skip(f"capability missing: font {path} (apt-get install fonts-noto-cjk fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size, index=2 if path.suffix == ".ttc" else 0)  # 2: Simplified Chinese


def lettered(text: str, path: Path, size: int = 40, vertical: bool = False) -> np.ndarray:
    """Black text on white, one line (or one column, top to bottom), with a margin."""
    f = font(path, size)
    if vertical:
        img = Image.new("RGB", (size * 3, int(len(text) * size * 1.15) + 2 * size), "white")
        d = ImageDraw.Draw(img)
        for i, ch in enumerate(text):
            d.text((size * 1.5, size + i * size * 1.15), ch, font=f, fill="black", anchor="mt")
    else:
        img = Image.new("RGB", (int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=f)) + 2 * size,
                                size * 3), "white")
        ImageDraw.Draw(img).text((img.width / 2, img.height / 2), text, font=f, fill="black", anchor="mm")
    return np.asarray(img)


def demo_crop(image: str, index: int, margin: int = 12) -> tuple[np.ndarray, dict]:
    balloon = TRUTH[image]["balloons"][index]
    x, y, w, h = balloon["bbox"]
    page = load_array(DEMO / image)
    return page[max(0, y - margin):y + h + margin, max(0, x - margin):x + w + margin], balloon


@pytest.fixture(scope="module")
def engines() -> dict:
    return {"rapidocr": get_engine("rapidocr"), "tesseract": get_engine("tesseract")}


@pytest.mark.parametrize("text,path,lang", [
    ("国家安全人人有责", NOTO, "zh"),
    ("举报电话一二三三九", NOTO, "zh"),
    ("Report suspicious activity", DEJAVU, "en"),
])
def test_tesseract_reads_rendered_glyphs_exactly(text, path, lang):
    got = TesseractEngine().recognize(lettered(text, path), lang, False)
    assert norm(got.text) == norm(text), got.text
    assert 0.5 < got.confidence <= 1.0


def test_tesseract_reads_a_vertical_column():
    got = TesseractEngine().recognize(lettered("马上出发", NOTO, 44, vertical=True), "zh", True)
    assert norm(got.text) == "马上出发", got.text


@pytest.mark.parametrize("image,index,engine_name,limit", [
    ("ep01/001.png", 2, "rapidocr", 0.0), ("ep01/001.png", 2, "tesseract", 0.1),  # horizontal Chinese
    ("ep01/001.png", 5, "rapidocr", 0.15), ("ep01/001.png", 5, "tesseract", 0.25),  # vertical Chinese
    ("ep02/001.png", 2, "rapidocr", 0.03), ("ep02/001.png", 2, "tesseract", 0.05),  # English
])
def test_demo_balloon_crops_read(engines, image, index, engine_name, limit):
    crop, balloon = demo_crop(image, index)
    got = engines[engine_name].recognize(crop, "auto", None)
    assert cer(balloon["text"], got.text) <= limit, (balloon["text"], got.text)
    assert 0.0 < got.confidence <= 1.0


def test_orientation_from_ink():
    for image, index in [("ep01/001.png", 5), ("ep03/001.png", 1), ("ep01/001.png", 2), ("ep02/001.png", 2)]:
        crop, balloon = demo_crop(image, index)
        vertical, glyph = ink_layout(crop)
        assert vertical == balloon["vertical"], (image, index)
        assert glyph > 8


def test_full_demo_page_finds_every_balloon(engines):
    page = TRUTH["ep01/001.png"]
    shapes = read_page(load_array(DEMO / page["image"]), engines["rapidocr"],
                       panels=[p["polygon"] for p in page["panels"]])
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall == 1.0 and false_pos == 0, [(s.bbox, s.text) for s in shapes]
    assert {s.engine for s in shapes} == {"rapidocr"} and all(s.engine_version for s in shapes)
    vertical = [s for s in shapes if norm(s.text) == norm("明白，马上出发！")]
    assert len(vertical) == 1 and vertical[0].vertical


def test_tall_strip_is_tiled(engines, short_strip):
    """1080 x 4250: RapidOCR alone would shrink it to 2000 px and lose the small text."""
    balloons = [b for b in TRUTH["ep02/001.png"]["balloons"] if b["bbox"][1] + b["bbox"][3] < 4250]
    shapes = read_page(load_array(short_strip), engines["rapidocr"])
    recall, false_pos = _recall(shapes, balloons)
    assert recall == 1.0 and false_pos <= 1, [(s.bbox, s.text) for s in shapes]
    assert [s.bbox[1] for s in shapes] == sorted(s.bbox[1] for s in shapes)


def test_tesseract_page_uses_a_detector(engines):
    page = TRUTH["ep01/001.png"]
    shapes = read_page(load_array(DEMO / page["image"]), engines["tesseract"])
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall >= 0.75 and false_pos <= 1, (recall, false_pos)
    assert {s.engine for s in shapes} == {"tesseract"}


def test_opencv_balloon_finder_for_engines_without_detector():
    page = TRUTH["ep01/001.png"]
    shapes = read_page(load_array(DEMO / page["image"]), TesseractEngine(detector="opencv"))
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall >= 0.75 and false_pos <= 1, (recall, false_pos)


def test_rgba_and_16_bit_inputs(engines):
    rgb, balloon = demo_crop("ep01/001.png", 2, margin=40)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    gray16 = np.asarray(Image.fromarray(rgb).convert("L")).astype(np.uint16) * 257
    for img in (rgba, gray16, Image.fromarray(rgba, "RGBA")):
        shapes = read_page(img, engines["rapidocr"])
        assert len(shapes) == 1 and cer(balloon["text"], shapes[0].text) < 0.1, [s.text for s in shapes]


def test_missing_language_data_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    engine = TesseractEngine()
    with pytest.raises(EngineUnavailable, match=r"apt-get install tesseract-ocr-chi-sim"):
        engine.check()
    assert not engine.available()
    with pytest.raises(EngineUnavailable, match="'chi_sim_vert' missing: apt-get install tesseract-ocr-chi-sim-vert"):
        engine.recognize(lettered("马上出发", NOTO, 44, vertical=True), "zh", True)


def test_timeout_is_a_clear_error():
    with pytest.raises(OcrTimeout) as err:
        TesseractEngine(timeout=1e-6).recognize(lettered("国家安全人人有责", NOTO), "zh", False)
    assert isinstance(err.value, OcrError) and "longer than" in str(err.value)


def test_read_file_json(engines):
    out = read_file(DEMO / "ep03" / "002.png", engines["rapidocr"])
    assert out["image"] == "002.png"
    assert set(out["texts"][0]) >= {"bbox", "polygon", "text", "confidence", "vertical", "lang", "kind"}
    recall, _ = _recall([_Box(t) for t in out["texts"]], TRUTH["ep03/002.png"]["balloons"])
    assert recall == 1.0
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out


class _Box:
    """A JSON text entry seen as a shape (bbox and text) for _recall."""

    def __init__(self, entry: dict):
        self.bbox, self.text = entry["bbox"], entry["text"]
