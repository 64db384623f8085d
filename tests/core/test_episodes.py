"""Organising episodes (issue 16, defect 4): move, renumber, delete and restore, and name guesses."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image

from annotator.core import annotate, coding, episodes
from annotator.core.importer import EpisodeSpec, import_pages
from annotator.core.library import library
from annotator.core.names import import_message


def _episode(project, tmp_path, series="A", number=1):
    path = tmp_path / f"{series}{number}.png"
    Image.new("RGB", (300, 400), (255, number * 20 % 255, 0)).save(path)
    return import_pages(project, [path], EpisodeSpec(series=series, number=number))


def test_move_renumber_and_conflict(project, tmp_path):
    one = _episode(project, tmp_path, "A", 1)
    _episode(project, tmp_path, "B", 4)
    before = episodes.move_episode(project, one.episode_id, "B", 5)
    assert before == {"series": "A", "number": 1}
    tree = {se.name: [ep.number for ep in se.episodes] for se in library(project)}
    assert tree["B"] == [4, 5] and tree["A"] == []
    with pytest.raises(episodes.EpisodeConflict, match="already has an episode 4"):
        episodes.move_episode(project, one.episode_id, "B", 4)
    episodes.move_episode(project, one.episode_id, **before)
    assert episodes.next_number(project, "A") == 2 and episodes.next_number(project, "New") == 1


def test_delete_and_restore_keeps_every_annotation(project, tmp_path):
    report = _episode(project, tmp_path)
    page = report.page_ids[0]
    panel = annotate.add_panel(project, page, [(0, 0), (300, 0), (300, 200), (0, 200)])
    region = annotate.add_region(project, page, [(10, 10), (90, 10), (90, 60), (10, 60)], text="你好")
    motif = coding.motifs(project)[0].id if coding.motifs(project) else coding.create_motif(project, "Spy")
    coding.add_coding(project, motif, ("text_region", region), project.coder("me"))
    snap = episodes.delete_episode(project, report.episode_id)
    assert all(not se.episodes for se in library(project))
    episodes.restore_episode(project, snap)
    data = annotate.page_data(project, page)
    assert [p.id for p in data.panels] == [panel] and data.regions[0].text == "你好"
    assert data.regions[0].panel_id == panel
    assert len(coding.codings_for(project, ("text_region", region))) == 1


def test_guess_from_name_and_import_message(project, tmp_path):
    assert episodes.guess_from_name("/x/ep09-the-lost-hikers") == {"number": 9, "title": "The lost hikers",
                                                                  "published_on": None}
    assert episodes.guess_from_name("第12期 举报电话.png")["number"] == 12
    assert episodes.guess_from_name("第12期 举报电话.png")["title"] == "举报电话"
    guess = episodes.guess_from_name("2024-04-01 Survey team 3.cbz")
    assert guess == {"number": 3, "title": "Survey team", "published_on": date(2024, 4, 1)}
    report = _episode(project, tmp_path, "Secret", 2)
    assert import_message(project, report.episode_id, report.page_ids) == (
        "Imported 1 page(s) into Secret · Ep 2 (p. 1) (0 duplicate(s) skipped, 0 error(s))")


def test_update_details_moves_renumbers_and_undoes(project, tmp_path):
    one = _episode(project, tmp_path, "A", 1)
    _episode(project, tmp_path, "B", 2)
    before = episodes.update_details(project, one.episode_id, series="B", number=3, title="Renamed")
    assert episodes.details(project, one.episode_id)["series"] == "B"
    with pytest.raises(episodes.EpisodeConflict):
        episodes.update_details(project, one.episode_id, number=2, title="never stored")
    assert episodes.details(project, one.episode_id)["title"] == "Renamed"
    episodes.update_details(project, one.episode_id, **before)
    restored = episodes.details(project, one.episode_id)
    assert (restored["series"], restored["number"], restored["title"]) == ("A", 1, "")
    series_b = next(se.id for se in library(project) if se.name == "B")
    with pytest.raises(episodes.EpisodeConflict):
        episodes.rename_series(project, series_b, "A")
    assert episodes.rename_series(project, series_b, "Bee") == {"name": "B"}
