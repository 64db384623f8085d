"""OCR engines and page reading, on the shared corpus and on pages drawn here (real engines, no mocks)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from PIL import Image

from annotator.vision.images import ImageLoadError, load_array
from annotator.vision.ocr import (
    EngineUnavailable,
    OcrError,
    OcrTimeout,
    RapidEngine,
    TesseractEngine,
    describe_engines,
    engine_fingerprint,
    get_engine,
)
from annotator.vision.reading import order_regions, read_file, read_page
from annotator.vision.shapes import TextShape, rect_polygon
from annotator.vision.balloons import ink_layout
from scoring import cer, norm


def group_of(item: dict) -> str:
    return "en" if item["lang"] == "en" else ("zh-v" if item["vertical"] else "zh-h")


def crops_of(crops: list[dict], group: str, n: int = 3) -> list[dict]:
    return [c for c in crops if group_of(c) == group][:n]


# CER limits on a few crops per group; generous against the corpus targets so that engine
# updates do not flake, tight enough to catch a broken pipeline.
LIMITS = {
    ("rapidocr", "zh-h"): 0.05, ("rapidocr", "zh-v"): 0.10, ("rapidocr", "en"): 0.03,
    ("tesseract", "zh-h"): 0.15, ("tesseract", "zh-v"): 0.25, ("tesseract", "en"): 0.05,
}


@pytest.fixture(scope="module")
def engines() -> dict:
    return {"rapidocr": get_engine("rapidocr"), "tesseract": get_engine("tesseract")}


@pytest.mark.parametrize("engine_name,group", sorted(LIMITS))
def test_balloon_crops_read(engines, corpus, crops, engine_name, group):
    engine = engines[engine_name]
    errors = []
    for item in crops_of(crops, group):
        got = engine.recognize(load_array(corpus / "balloons" / item["image"]), "auto", None)
        errors.append(cer(item["text"], got.text))
        assert 0.0 <= got.confidence <= 1.0
    assert float(np.mean(errors)) <= LIMITS[engine_name, group], (engine_name, group, errors)


def test_orientation_from_ink(corpus, crops):
    for item in crops_of(crops, "zh-v", 5) + crops_of(crops, "zh-h", 5) + crops_of(crops, "en", 3):
        vertical, glyph = ink_layout(load_array(corpus / "balloons" / item["image"]))
        assert vertical == item["vertical"], item["image"]
        assert glyph > 8


def _recall(shapes: list[TextShape], balloons: list[dict]) -> tuple[float, int]:
    centres = [(s.bbox[0] + s.bbox[2] / 2, s.bbox[1] + s.bbox[3] / 2) for s in shapes]
    found, used = 0, set()
    for b in balloons:
        x, y, w, h = b["bbox"]
        idx = [i for i, (cx, cy) in enumerate(centres) if x <= cx < x + w and y <= cy < y + h]
        used.update(idx)
        found += cer(b["text"], "".join(shapes[i].text for i in idx)) < 0.2
    return found / len(balloons), len(shapes) - len(used)


@pytest.mark.parametrize("image", ["pages/grid-01.png", "pages/slant-01.png"])
def test_full_page_finds_balloons(engines, corpus, synthetic_truth, image):
    page = synthetic_truth[image]
    shapes = read_page(load_array(corpus / "synthetic" / image), engines["rapidocr"],
                       panels=[p["polygon"] for p in page["panels"]])
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall >= 0.85 and false_pos <= 1, (recall, false_pos)
    for s in shapes:
        assert s.engine == "rapidocr" and s.engine_version and s.kind in {"speech", "thought", "caption", "sfx", "sign"}
    truth_vertical = {norm(b["text"]) for b in page["balloons"] if b["vertical"]}
    assert all(s.vertical for s in shapes if norm(s.text) in truth_vertical)


def test_tall_strip_is_tiled(engines, corpus, synthetic_truth):
    """A 1080 x 8000+ strip: RapidOCR alone would shrink it to 2000 px and lose the text."""
    page = synthetic_truth["pages/strip-02.png"]
    shapes = read_page(load_array(corpus / "synthetic" / page["image"]), engines["rapidocr"])
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall >= 0.85 and false_pos <= 2, (recall, false_pos)
    assert shapes[0].bbox[1] == min(s.bbox[1] for s in shapes)


def test_tesseract_page_uses_a_detector(engines, corpus, synthetic_truth):
    page = synthetic_truth["pages/grid-01.png"]
    shapes = read_page(load_array(corpus / "synthetic" / page["image"]), engines["tesseract"])
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall >= 0.6 and false_pos <= 2, (recall, false_pos)
    assert all(s.engine == "tesseract" for s in shapes)


def test_opencv_balloon_finder_for_engines_without_detector(corpus, synthetic_truth):
    """Without RapidOCR, Tesseract gets its balloons from the OpenCV finder (bright closed blobs holding ink)."""
    page = synthetic_truth["pages/grid-01.png"]
    shapes = read_page(load_array(corpus / "synthetic" / page["image"]), TesseractEngine(detector="opencv"))
    recall, false_pos = _recall(shapes, page["balloons"])
    assert recall >= 0.75 and false_pos <= 2, (recall, false_pos)


def test_drawn_page_other_font_and_sizes(engines, drawn_page):
    img, truth = drawn_page
    shapes = read_page(img, engines["rapidocr"])
    recall, false_pos = _recall(shapes, truth)
    assert recall == 1.0 and false_pos == 0, [(s.bbox, s.text) for s in shapes]
    by_text = {norm(s.text): s for s in shapes}
    assert by_text[norm("我们必须马上出发")].vertical
    caption = by_text[norm("一个月以后")]
    assert caption.kind == "caption" and caption.lang == "zh"
    assert by_text[norm("Where is the old bridge?")].lang == "en"


def test_thought_balloon_is_told_from_speech(engines):
    """A cloud outline (overlapping bumps, trailing circles) is a thought, read like any balloon."""
    import math
    from pathlib import Path

    from PIL import ImageDraw, ImageFont

    font_path = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not font_path.exists():
        pytest.skip("capability missing: Noto CJK font (apt-get install fonts-noto-cjk)")
    img = Image.new("RGB", (900, 700), (190, 215, 235))
    d = ImageDraw.Draw(img)
    d.rectangle([10, 10, 890, 690], outline=(0, 0, 0), width=5)
    cx, cy, rx, ry, bumps = 450, 300, 230, 150, 14
    centres = [(cx + rx * math.cos(2 * math.pi * i / bumps), cy + ry * math.sin(2 * math.pi * i / bumps))
               for i in range(bumps)]
    for x, y in centres:
        d.ellipse([x - 62, y - 62, x + 62, y + 62], fill="white", outline="black", width=4)
    for x, y in centres:
        d.ellipse([x - 58, y - 58, x + 58, y + 58], fill="white")
    d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill="white")
    for x, y, r in [(300, 520, 22), (260, 575, 14), (235, 615, 9)]:
        d.ellipse([x - r, y - r, x + r, y + r], fill="white", outline="black", width=3)
    font = ImageFont.truetype(str(font_path), 36)
    d.text((cx, cy - 25), "他们真的是测绘队吗？", font=font, fill="black", anchor="mm")
    d.text((cx, cy + 25), "我得再看看。", font=font, fill="black", anchor="mm")
    shapes = read_page(np.asarray(img), engines["rapidocr"])
    assert [(s.kind, norm(s.text)) for s in shapes] == [("thought", norm("他们真的是测绘队吗？我得再看看。"))]


@pytest.mark.parametrize("engine_name", ["rapidocr", "tesseract"])
def test_blank_pages_have_no_regions(engines, engine_name):
    engine = engines[engine_name]
    assert read_page(np.full((900, 700, 3), 255, np.uint8), engine) == []
    assert read_page(np.full((600, 600), 128, np.uint8), engine) == []


@pytest.mark.parametrize("shape", [(1, 1, 3), (5, 5), (3, 300, 3), (300, 3)])
def test_tiny_inputs(engines, shape):
    img = np.zeros(shape, np.uint8)
    img[..., :] = 255
    img.flat[0] = 0
    assert read_page(img, engines["rapidocr"]) == []


def test_huge_input_is_refused(engines):
    huge = np.broadcast_to(np.zeros((1, 1, 3), np.uint8), (20_000, 8_000, 3))  # 160 MP, no memory used
    with pytest.raises(ImageLoadError, match="limit"):
        read_page(huge, engines["rapidocr"])


def _balloon_area(corpus, synthetic_truth):
    page = synthetic_truth["pages/grid-01.png"]
    b = page["balloons"][0]
    x, y, w, h = b["bbox"]
    rgb = load_array(corpus / "synthetic" / page["image"])[max(0, y - 40):y + h + 40, max(0, x - 40):x + w + 40]
    return rgb, b["text"]


def test_rgba_and_16_bit_inputs(engines, corpus, synthetic_truth):
    rgb, text = _balloon_area(corpus, synthetic_truth)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    gray16 = (np.asarray(Image.fromarray(rgb).convert("L")).astype(np.uint16) * 257)
    for img in (rgba, gray16, Image.fromarray(rgba, "RGBA")):
        shapes = read_page(img, engines["rapidocr"])
        assert len(shapes) == 1 and cer(text, shapes[0].text) < 0.1


def test_missing_language_data_is_named(monkeypatch, tmp_path, corpus, crops):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    engine = TesseractEngine()
    with pytest.raises(EngineUnavailable, match=r"apt-get install tesseract-ocr-chi-sim"):
        engine.check()
    assert not engine.available()
    with pytest.raises(EngineUnavailable, match="'chi_sim_vert' missing: apt-get install tesseract-ocr-chi-sim-vert"):
        engine.recognize(load_array(corpus / "balloons" / crops_of(crops, "zh-v", 1)[0]["image"]), "zh", True)
    with pytest.raises(EngineUnavailable):
        get_engine("tesseract")
    info = {d["name"]: d for d in describe_engines()}
    assert info["tesseract"]["available"] is False and "tesseract-ocr-" in info["tesseract"]["error"]


def test_unknown_engine():
    with pytest.raises(EngineUnavailable, match="unknown OCR engine"):
        get_engine("abbyy")


def test_timeout_is_a_clear_error(corpus, crops):
    crop = load_array(corpus / "balloons" / crops_of(crops, "zh-h", 1)[0]["image"])
    with pytest.raises(OcrTimeout) as err:
        TesseractEngine(timeout=1e-6).recognize(crop, "zh", False)
    assert isinstance(err.value, OcrError) and "longer than" in str(err.value)


def test_engine_failure_is_a_clear_error(engines):
    with pytest.raises(OcrError, match="RapidOCR failed"):
        engines["rapidocr"].recognize(np.zeros((40, 40, 5), np.uint8))  # the engine rejects 5 channels


def test_registry_and_fingerprint():
    info = {d["name"]: d for d in describe_engines()}
    assert set(info) >= {"rapidocr", "tesseract"}
    assert info["rapidocr"]["available"] and info["rapidocr"]["error"] is None
    assert "zh" in info["rapidocr"]["languages"] and info["rapidocr"]["version"]
    assert get_engine().name == "rapidocr"  # best installed
    for engine in (RapidEngine(threads=1), TesseractEngine(timeout=5)):
        clone = pickle.loads(pickle.dumps(engine))
        assert type(clone) is type(engine) and clone.settings() == engine.settings()
    a = engine_fingerprint("rapidocr", {"lang": "auto"})
    assert a == engine_fingerprint(get_engine("rapidocr"), {"lang": "auto"})
    assert a != engine_fingerprint("rapidocr", {"lang": "zh"}) != engine_fingerprint("tesseract", {"lang": "zh"})


def test_read_file_json(corpus):
    out = read_file(corpus / "synthetic" / "pages" / "slant-01.png", "rapidocr")
    assert out["image"] == "slant-01.png" and out["texts"]
    assert set(out["texts"][0]) >= {"bbox", "polygon", "text", "confidence", "vertical", "lang", "kind"}


def test_order_follows_panels_then_top_to_bottom():
    def shape(x, y, text):
        return TextShape(rect_polygon(x, y, 50, 30), (x, y, 50, 30), text, 1.0)

    regions = [shape(20, 300, "c"), shape(600, 40, "a2"), shape(600, 10, "a1"), shape(20, 20, "b")]
    panels = [(500, 0, 400, 250), (0, 0, 400, 250), rect_polygon(0, 260, 900, 200)]  # right-to-left row
    assert [r.text for r in order_regions(regions, panels)] == ["a1", "a2", "b", "c"]
    assert [r.text for r in order_regions(regions, rtl=False)] == ["b", "a1", "a2", "c"]
