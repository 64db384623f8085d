"""The comparison window: heatmap cells list their panels, panels open their page, exports are real files."""

from __future__ import annotations

import os
import shutil

import pytest
from comparison_fixture import template
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from annotator.core import compare


@pytest.fixture(scope="module")
def coded_template(tmp_path_factory):
    return template(tmp_path_factory)


@pytest.fixture
def coded_window(qtbot, coded_template, tmp_path, settings, close_window):
    from annotator.gui.app import Windows, application

    root, ids = coded_template
    shutil.copytree(root, tmp_path / "proj")
    application()
    win = Windows(settings).open_window(tmp_path / "proj", show=False)
    win.show()
    qtbot.waitExposed(win)
    win.ids = ids
    yield win
    close_window(win)


def show(qtbot, win, wait_jobs):
    win.actions["compare"].trigger()
    cmp = win.comparison
    qtbot.waitUntil(lambda: "motif" in cmp.results, timeout=20000)
    wait_jobs(win)
    return cmp


def click_cell(qtbot, cmp, motif: str, episode):
    row = cmp.model.result["motifs"].index(motif)
    column = cmp.model.result["episodes"].index(episode)
    index = cmp.model.index(row, column)
    cmp.table.scrollTo(index)
    qtbot.mouseClick(cmp.table.viewport(), Qt.MouseButton.LeftButton, pos=cmp.table.visualRect(index).center())


def test_cell_click_lists_the_panels_behind_it_and_opens_the_page(qtbot, coded_window, wait_jobs):
    win, ids = coded_window, coded_window.ids
    cmp = show(qtbot, win, wait_jobs)
    matrix = compare.motif_matrix(win.ctx.project)
    assert cmp.model.result["counts"] == matrix["counts"]
    row = matrix["motifs"].index("Threat")
    assert cmp.model.index(row, 0).data() == "4"  # Threat in S #1, as counted by hand
    assert cmp.model.headerData(row + 1, Qt.Orientation.Vertical).strip() == "境外间谍 Agents"

    click_cell(qtbot, cmp, "Agents", "S #2")
    listed = [cmp.panels.item(i).data(Qt.ItemDataRole.UserRole) for i in range(cmp.panels.count())]
    assert listed == [(ids["pages"]["c"], ids["panels"]["F"])]  # two codings, one panel
    click_cell(qtbot, cmp, "Threat", "S #1")
    listed = [cmp.panels.item(i).data(Qt.ItemDataRole.UserRole) for i in range(cmp.panels.count())]
    assert listed == [(None, None), (ids["pages"]["a"], ids["panels"]["A"]), (ids["pages"]["a"], ids["panels"]["B"])]
    wait_jobs(win)
    assert not cmp.panels.item(1).icon().isNull(), "the panel's thumbnail arrived"

    click_cell(qtbot, cmp, "Agents", "S #2")
    item = cmp.panels.item(0)
    centre = cmp.panels.visualItemRect(item).center()
    assert win.editor.page_id != ids["pages"]["c"]
    qtbot.mouseClick(cmp.panels.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(cmp.panels.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert win.editor.page_id == ids["pages"]["c"]
    assert win.editor.selected() == [("panel", ids["panels"]["F"])]


def test_coder_filter_and_refresh_after_an_edit(qtbot, coded_window, wait_jobs):
    win, ids = coded_window, coded_window.ids
    cmp = show(qtbot, win, wait_jobs)
    cmp.coder.setCurrentIndex(cmp.coder.findData("Lin"))
    cmp.refresh()
    qtbot.waitUntil(lambda: cmp.model.result["coder"] == "Lin", timeout=20000)
    assert cmp.model.result["counts"]["Agents"]["S #2"] == 0
    cmp.coder.setCurrentIndex(0)  # all coders: the edit below is by "tester"
    cmp.refresh()
    qtbot.waitUntil(lambda: cmp.model.result["coder"] is None, timeout=20000)
    before = cmp.model.result["counts"]["Unused"]["S #1"]
    win.editor.open_page(ids["pages"]["a"])
    win.editor.toggle_motif(ids["motifs"]["Unused"], ("panel", ids["panels"]["C"]))
    qtbot.waitUntil(lambda: cmp.model.result["counts"]["Unused"]["S #1"] == before + 1, timeout=20000)
    cmp.episodes.setText("x")
    cmp.refresh()
    qtbot.waitUntil(lambda: cmp.error.text() != "", timeout=20000)
    assert "not an episode range" in cmp.error.text()


def test_exports_write_real_csv_png_and_svg(qtbot, coded_window, wait_jobs, tmp_path):
    cmp = show(qtbot, coded_window, wait_jobs)
    cmp.resize(1280, 820)
    for tab, kind in enumerate(("motif", "speech", "timeline")):
        cmp.tabs.setCurrentIndex(tab)
        qtbot.wait(50)
        cmp.export_csv(tmp_path / f"{kind}.csv")
        cmp.export_png(tmp_path / f"{kind}.png")
        cmp.export_svg(tmp_path / f"{kind}.svg")
        text = (tmp_path / f"{kind}.csv").read_text(encoding="utf-8-sig")
        assert text == compare.to_csv(cmp.results[kind], kind)
        image = QImage(str(tmp_path / f"{kind}.png"))
        assert image.width() >= 200 and image.height() >= 100
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 8, f"{kind}.png has content, not a blank canvas"
        svg = (tmp_path / f"{kind}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and len(svg) > 2000
    assert "Threat,counts,4,3,0,1" in (tmp_path / "motif.csv").read_text(encoding="utf-8-sig")
    assert "Wang" in (tmp_path / "speech.svg").read_text(encoding="utf-8")
    assert "Smith" in (tmp_path / "timeline.csv").read_text(encoding="utf-8-sig")
    keep = os.environ.get("ANNOTATOR_SHOTS")
    if keep:
        for kind in ("motif", "speech", "timeline"):
            shutil.copy(tmp_path / f"{kind}.png", os.path.join(keep, f"compare-export-{kind}.png"))


def test_screenshot_on_the_coded_demo(qtbot, window, wait_jobs, tmp_path):
    """The README's resources/compare.png (kept with ANNOTATOR_SHOTS=<folder>)."""
    from annotator.gui.app import cjk_family

    assert cjk_family() is not None, "a CJK font is installed, so motif names render without tofu"
    cmp = show(qtbot, window, wait_jobs)
    cmp.resize(1400, 900)
    click_cell(qtbot, cmp, "Disguise as lost hikers", 1)
    assert cmp.panels.count() >= 3
    wait_jobs(window)
    qtbot.wait(100)
    path = tmp_path / "compare.png"
    cmp.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 1400
    keep = os.environ.get("ANNOTATOR_SHOTS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(path, os.path.join(keep, "compare.png"))
        for tab, name in ((1, "compare-speech.png"), (2, "compare-timeline.png")):
            cmp.tabs.setCurrentIndex(tab)
            qtbot.wait(100)
            cmp.grab().save(os.path.join(keep, name))
