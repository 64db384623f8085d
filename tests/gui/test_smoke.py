"""Opening a project shows the library and the selected page; a screenshot is not blank."""

from __future__ import annotations

import shutil

from PySide6.QtGui import QImage

def strip_page(window) -> int:
    model = window.library.model
    return next(pid for pid in model.page_ids() if model.page_info(pid).kind == "strip")


def test_open_select_strip_and_scroll(window, wait_jobs):
    page = strip_page(window)
    window.library.select_page(page)
    assert window.editor.page_id == page
    wait_jobs(window)
    assert window.view.has_image
    bar = window.view.verticalScrollBar()
    assert bar.maximum() > 0  # a tall strip at fit width scrolls
    bar.setValue(bar.maximum())
    assert window.view.mapToScene(0, window.view.viewport().height() - 1).y() > 10000


def test_run_screenshot_is_not_blank(qtbot, demo_dir, settings, tmp_path):
    from annotator.gui.app import run

    settings.setValue(f"last_page/{demo_dir}", 4)
    out = tmp_path / "shot.png"
    assert run(demo_dir, screenshot=out, settings=settings) == 0
    image = QImage(str(out))
    assert image.width() > 800
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    assert len(colours) > 12  # page art, not an empty grey canvas


def test_run_without_directory_opens_the_first_recent_project_that_still_exists(qtbot, demo_dir, settings, tmp_path,
                                                                                 monkeypatch):
    from annotator.gui.app import run

    monkeypatch.chdir(demo_dir.parent)
    settings.setValue("recent", [str(tmp_path / "deleted-project"), demo_dir.name])  # a relative, older entry
    assert run(demo_dir.name, screenshot=tmp_path / "a.png", settings=settings) == 0
    recent = settings.value("recent")
    assert recent[0] == str(demo_dir.resolve())  # remembered absolutely, whatever the working folder
    other = tmp_path / "other-project"
    shutil.copytree(demo_dir, other)
    settings.setValue("recent", [str(tmp_path / "deleted-project"), str(other), str(demo_dir.resolve())])
    monkeypatch.chdir(tmp_path)
    assert run(None, screenshot=tmp_path / "b.png", settings=settings) == 0
    assert settings.value("recent")[0] == str(other.resolve())  # the deleted one passed over, not the later one
    assert QImage(str(tmp_path / "b.png")).width() > 800
    settings.setValue("recent", [str(tmp_path / "deleted-project")])  # nothing left that exists
    assert run(None, screenshot=tmp_path / "c.png", settings=settings) == 1
    assert not (tmp_path / "c.png").exists()
