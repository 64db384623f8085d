"""Opening a comic file from the file manager imports it into the project the user picks."""

from __future__ import annotations

import zipfile

from sqlmodel import select

from annotator.bundled import data_dir
from annotator.core import models
from annotator.core.project import open_project


def _cbz(path):
    pages = sorted((data_dir("seeds") / "demo" / "ep01").glob("*.png"))
    with zipfile.ZipFile(path, "w") as zf:
        for page in pages:
            zf.write(page, page.name)
    return path, len(pages)


def test_opening_a_cbz_imports_it_into_the_chosen_new_project(qtbot, wait_jobs, settings, tmp_path):
    from annotator.gui.app import Windows, application, close_windows
    from annotator.gui.open_file import open_file

    application()
    cbz, pages = _cbz(tmp_path / "Lost hikers.cbz")
    offered = []

    def choose(file, candidates):
        offered.append((file, candidates))
        return tmp_path / "new-project"

    window = open_file(Windows(settings), cbz, choose=choose)
    try:
        wait_jobs(window)
        qtbot.waitUntil(lambda: window.editor.page_id is not None, timeout=20000)
        shown = window.editor.page_id
    finally:
        close_windows()
    assert offered[0][0] == cbz.resolve()
    with open_project(tmp_path / "new-project") as project, project.session() as s:
        episode = s.exec(select(models.Episode)).one()
        page_ids = list(s.exec(select(models.Page.id).order_by(models.Page.index)).all())
        motifs = len(s.exec(select(models.Motif)).all())
    assert episode.title == "Lost hikers"
    assert len(page_ids) == pages
    assert shown == page_ids[0]
    assert motifs > 0  # a new project gets the default codebook, like `annotator init`


def test_recent_projects_are_offered_before_the_default(settings, tmp_path, monkeypatch):
    from annotator.core.project import init_project
    from annotator.gui import open_file
    from annotator.gui.app import remember

    init_project(tmp_path / "recent").close()
    monkeypatch.setattr(open_file, "default_project", lambda: tmp_path / "default")
    remember(settings, tmp_path / "recent")
    settings.setValue("recent", settings.value("recent") + [str(tmp_path / "gone")])
    assert open_file.candidates(settings) == [(tmp_path / "recent").resolve(), tmp_path / "default"]


def test_cancelling_the_choice_creates_nothing(qtbot, settings, tmp_path):
    from annotator.gui.app import Windows, application
    from annotator.gui.open_file import open_file

    application()
    cbz, _ = _cbz(tmp_path / "x.cbz")
    assert open_file(Windows(settings), cbz, choose=lambda file, candidates: None) is None
    assert {p.name for p in tmp_path.iterdir()} <= {"settings.ini", "x.cbz"}
