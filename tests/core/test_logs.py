"""Failures nobody saw on screen are in the log file; a broken version probe never poisons the OCR cache."""

from __future__ import annotations

import json
import logging
from logging.handlers import RotatingFileHandler

import pytest
from PIL import Image, ImageDraw, ImageFont

from annotator.core import annotate, logs
from annotator.core.importer import import_pages
from annotator.core.ocr_service import ocr_pages
from annotator.core.project import ProjectError, init_project, open_project


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(tmp_path / "logs"))
    path = logs.setup()
    yield path
    logger = logging.getLogger("annotator")
    for handler in [h for h in logger.handlers if isinstance(h, RotatingFileHandler)]:
        logger.removeHandler(handler)
        handler.close()


def test_setup_writes_a_rotating_file_in_the_log_dir(log_file, tmp_path):
    assert log_file == tmp_path / "logs" / "annotator.log"
    assert logs.setup() == log_file  # idempotent: one handler, not one per call
    handlers = [h for h in logging.getLogger("annotator").handlers if isinstance(h, RotatingFileHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes == logs.MAX_BYTES and handlers[0].backupCount == logs.BACKUPS
    logging.getLogger("annotator.core.something").error("disk full while writing 页面")
    handlers[0].flush()
    assert "ERROR" in log_file.read_text(encoding="utf-8") and "页面" in log_file.read_text(encoding="utf-8")


def test_unwritable_log_dir_is_said_once_and_not_fatal(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(blocker / "logs"))
    assert logs.setup() is None
    assert "cannot write the log file" in capsys.readouterr().err


def test_unknown_engine_version_is_not_a_cache_key(project, tmp_path, monkeypatch, log_file):
    from annotator.vision.ocr import TesseractEngine

    page = tmp_path / "page.png"
    img = Image.new("RGB", (700, 260), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 36)
    d = ImageDraw.Draw(img)
    d.ellipse([20, 20, 680, 240], outline="black", width=3)
    d.text((350, 130), "Report it today", font=font, fill="black", anchor="mm")
    img.save(page)
    page_id = import_pages(project, [page], workers=1).page_ids[0]
    monkeypatch.setattr(TesseractEngine, "version", property(lambda self: ""))  # `tesseract --version` failed

    report = ocr_pages(project, [page_id], engine="tesseract", workers=1)
    assert not report.errors and report.engine_version is None
    assert not list((project.root / "cache").rglob("*.json"))  # nothing cached under an empty version
    region = annotate.page_data(project, page_id).regions[0]
    assert region.ocr_text == "Report it today" and region.ocr_engine_version is None
    assert not ocr_pages(project, [page_id], engine="tesseract", workers=1).results[0].cached
    assert "could not tell the version of OCR engine tesseract" in log_file.read_text(encoding="utf-8")


def test_marker_of_a_server_project_is_read(tmp_path):
    root = tmp_path / "team"
    init_project(root).close()
    (root / "project.db").unlink()
    marker = root / "annotator-project.json"
    marker.write_text(json.dumps(json.loads(marker.read_text()) | {"db": "server"}))
    with pytest.raises(ProjectError, match="keeps its database on a server; open it with --db URL"):
        open_project(root)
    marker.write_text("{broken")
    with pytest.raises(ProjectError, match="unreadable"):
        open_project(root)
