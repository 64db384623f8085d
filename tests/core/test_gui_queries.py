"""Reads and edits the desktop window relies on."""

from __future__ import annotations

from datetime import date

from annotator.core import annotate, coding, gui_queries
from annotator.vision.shapes import rect_polygon


def test_panel_appearances_list_the_cast(page_project):
    panel = annotate.add_panel(page_project, page_project.page_ids[0], rect_polygon(0, 0, 100, 100))
    lin = coding.create_character(page_project, "Lin Feng", name_zh="林峰")
    app = coding.add_appearance(page_project, lin, panel)
    assert gui_queries.panel_appearances(page_project, panel) == [(app, lin, "林峰 Lin Feng")]


def test_episode_provenance_edit_returns_old_values(page_project):
    episode = annotate.page_data(page_project, page_project.page_ids[0]).page.episode_id
    before = gui_queries.update_episode(page_project, episode, source_url="https://example.org/1",
                                        published_on="2024-04-01", account="MSS WeChat")
    assert before == {"source_url": "", "published_on": None, "account": ""}
    details = gui_queries.episode_details(page_project, episode)
    assert details["published_on"] == date(2024, 4, 1) and details["account"] == "MSS WeChat"
    gui_queries.update_episode(page_project, episode, **before)
    assert gui_queries.episode_details(page_project, episode)["source_url"] == ""
