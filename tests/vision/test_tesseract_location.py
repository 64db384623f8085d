"""Tesseract is found on PATH or where installers put it; when absent, the message says how to
get it and the default engine (RapidOCR) still reads."""

from __future__ import annotations

import shutil

import pytest

from annotator.vision.ocr import EngineUnavailable, get_engine
from annotator.vision.ocr import tesseract as tess

REAL = shutil.which("tesseract")


@pytest.fixture(autouse=True)
def fresh_lookup(monkeypatch):
    """Each test looks Tesseract up again, and leaves no cached answer for the others."""
    def clear():
        tess.find_tesseract.cache_clear()
        tess._tesseract_version.cache_clear()
        tess._LANG_CACHE.clear()

    clear()
    yield
    monkeypatch.undo()
    clear()


@pytest.mark.skipif(REAL is None, reason="tesseract is not installed")
def test_found_in_an_install_location_when_not_on_path(monkeypatch, tmp_path):
    folder = tmp_path / "Tesseract-OCR"
    folder.mkdir()
    (folder / "tesseract").symlink_to(REAL)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("TESSERACT_CMD", raising=False)
    monkeypatch.setattr(tess, "_install_locations", lambda: [tmp_path / "nowhere" / "tesseract", folder / "tesseract"])
    assert tess.find_tesseract() == str(folder / "tesseract")
    assert "chi_sim" in tess.installed_languages()  # the real program answers through that path
    assert tess.TesseractEngine().version


def test_absent_tesseract_gives_a_clear_message_and_rapidocr_reads(monkeypatch, tmp_path):
    monkeypatch.setenv("TESSERACT_CMD", str(tmp_path / "no-such-tesseract"))
    with pytest.raises(EngineUnavailable) as info:
        tess.TesseractEngine().check()
    message = str(info.value)
    assert "no-such-tesseract" in message and "TESSERACT_CMD" in message and "RapidOCR" in message
    assert "\n" not in message
    with pytest.raises(EngineUnavailable):
        get_engine("tesseract")
    assert get_engine(None).name == "rapidocr"


def test_absent_everywhere_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("TESSERACT_CMD", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(tess, "_install_locations", lambda: [tmp_path / "Tesseract-OCR" / "tesseract"])
    with pytest.raises(EngineUnavailable) as info:
        tess.installed_languages()
    message = str(info.value)
    assert "Tesseract is not installed" in message and str(tmp_path / "Tesseract-OCR") in message
    assert "install" in message and "RapidOCR" in message
