"""Screenshots of the main window on a page with Chinese text: overlays, inspector, codebook.

Set ANNOTATOR_SHOTS=<folder> to keep the PNGs (the README's resources/screenshot.png is one).
"""

from __future__ import annotations

import os
import re
import shutil

from PySide6.QtGui import QImage

from annotator.core import coding


def save(window, tmp_path, name: str) -> QImage:
    path = tmp_path / name
    window.grab().save(str(path))
    keep = os.environ.get("ANNOTATOR_SHOTS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(path, os.path.join(keep, name))
    return QImage(str(path))


def test_screenshots(qtbot, window, wait_jobs, tmp_path):
    from annotator.gui.app import apply_theme, application, cjk_family

    assert cjk_family() is not None, "a CJK font is installed, so Chinese renders without tofu"
    window.resize(1600, 1000)
    editor = window.editor
    editor.open_page(window.library.model.page_ids()[0])
    window.segment_page()
    wait_jobs(window)
    window.ocr_page()
    wait_jobs(window)
    panel = editor.data.panels[1]
    editor.view.select([("panel", panel.id)])
    window.codebook.tag_shortcut("1")
    window.codebook.tag_shortcut("5")
    region = next(r for r in editor.data.regions if r.panel_id == panel.id)
    editor.view.select([("region", region.id)])
    lin = next(c.id for c in coding.characters(window.ctx.project) if c.name == "Lin Feng")
    editor.update_region(region.id, "Set speaker", speaker_id=lin, text="他们自称是在做房产调查。",
                         translation="They claim to be doing real-estate surveys.")
    editor.view.select([("region", region.id)])
    qtbot.wait(50)
    light = save(window, tmp_path, "main-window.png")
    assert window.inspector.region_form.ocr.toPlainText() == region.ocr_text
    assert re.match(r"(rapidocr|tesseract) \d+\.\d+", window.inspector.region_form.ocr_meta.text()), \
        "the inspector names the real OCR engine and its version"
    form = window.inspector.region_form
    assert (form.text.toPlainText(), form.translation.toPlainText(), form.speaker.currentText()) == (
        "他们自称是在做房产调查。", "They claim to be doing real-estate surveys.", "林峰 Lin Feng")
    colours = {light.pixel(x, y) for x in range(0, light.width(), 23) for y in range(0, light.height(), 23)}
    assert len(colours) > 40, "page art, overlays and motif colours, not a blank window"

    apply_theme(application(), "dark")
    qtbot.wait(50)
    try:
        dark = save(window, tmp_path, "main-window-dark.png")
    finally:
        apply_theme(application(), "light")
    assert dark.pixelColor(5, dark.height() - 5).lightness() < light.pixelColor(5, light.height() - 5).lightness()
