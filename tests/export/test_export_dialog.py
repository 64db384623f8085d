"""File ▸ Export dialog: previews the summary, exports through the registry with progress."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture
def dialog(qtbot, coded_copy, tmp_path):
    from annotator.gui.context import AppContext
    from annotator.gui.export_dialog import ExportDialog

    ctx = AppContext(coded_copy, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    dlg = ExportDialog(ctx)
    qtbot.addWidget(dlg)
    yield dlg
    ctx.jobs.shutdown()


def test_preview_shows_the_summary_with_pictures(dialog, qtbot):
    qtbot.waitUntil(lambda: dialog.preview_ready, timeout=60000)
    text = dialog.preview.toPlainText()
    assert "迷路的徒步者" in text and "Transcript" in text
    assert "<script>alert(1)</script>" in text  # shown as text in the preview too
    html = dialog.preview.toHtml()
    assert html.count("<img") >= 2
    dialog.scope.setCurrentIndex(dialog.scope.count() - 1)  # whole project: the series summary
    qtbot.waitUntil(lambda: dialog.preview_ready, timeout=60000)
    assert "Motifs by episode" in dialog.preview.toPlainText()


def test_export_runs_in_the_background_and_reports_files(dialog, qtbot, tmp_path):
    names = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    dialog.format.setCurrentIndex(names.index("pdf"))
    assert dialog.paper.isEnabled() and not dialog.bom.isEnabled()
    dialog.paper.setCurrentIndex(1)
    target = tmp_path / "out" / "ep1.pdf"
    dialog.output.setText(str(target))
    seen = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60000)
    assert dialog.written == [target] and target.read_bytes().startswith(b"%PDF")
    assert b"/MediaBox [0 0 612.00 792.00]" in target.read_bytes()  # Letter, as chosen
    assert "Wrote 1 file" in dialog.message.text() and seen
    dialog.output.setText(str(tmp_path / "no" / "such" / "\0bad"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60000)
    assert dialog.message.text().startswith("Export failed:")
