"""Search on the coded demo project: what a newcomer sees first."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotator.core import models
from annotator.core.fold import fold
from annotator.core.project import open_project
from annotator.core.search import search


@pytest.fixture(scope="module")
def demo(demo_template):
    with open_project(demo_template) as project:
        yield project


def scan(project, term: str, where=lambda region, episode: True) -> set[tuple[int, str]]:
    """Brute force: every region whose folded text or translation contains the folded term."""
    wanted = fold(term)
    hits = set()
    with project.session() as s:
        rows = s.exec(select(models.TextRegion, models.Episode)
                      .join(models.Page, models.Page.id == models.TextRegion.page_id)
                      .join(models.Episode, models.Episode.id == models.Page.episode_id)).all()
        for region, episode in rows:
            if not where(region, episode):
                continue
            if wanted in fold(region.display_text):
                hits.add((region.id, "text"))
            if region.translation and wanted in fold(region.translation):
                hits.add((region.id, "translation"))
    return hits


def direct(project, query: str) -> set[tuple[int, str]]:
    return {(h.region_id, h.field) for h in search(project, query, limit=1000).hits if h.field in ("text", "translation")}


@pytest.mark.parametrize("query", ["测", "测绘", "测绘队", "房地产测绘", "矿区", "驴友"])
def test_chinese_of_every_length_finds_what_a_scan_finds(demo, query):
    expected = scan(demo, query)
    assert expected, f"the demo has {query}"
    assert direct(demo, query) == expected


def test_traditional_query_finds_the_simplified_demo_text(demo):
    assert direct(demo, "測繪") == direct(demo, "测绘") != set()
    assert direct(demo, "礦區") == direct(demo, "矿区") != set()


def test_translations_are_searched_by_word(demo):
    hits = search(demo, "field:translation hikers", limit=100).hits
    assert hits and all(h.field == "translation" and "hiker" in h.translation.lower() for h in hits)
    assert any("lost hikers" in h.translation for h in hits)
    assert search(demo, "field:translation hike").total == 0  # a word, not a prefix


def test_filters_on_the_coded_demo(demo):
    harris = search(demo, "speaker:Harris", limit=100).hits
    assert harris and {h.speaker for h in harris} == {"Harris"}
    assert any("私人测绘区域" in h.text for h in harris)
    overseas = search(demo, 'motif:"Overseas organisations" coder:Morgan', limit=100).hits
    assert any("私人测绘区域" in h.text for h in overseas)
    assert {h.episode for h in search(demo, "ep:3", limit=1000).hits} == {3}
    captions = search(demo, "kind:caption 测绘", limit=100).hits
    assert captions and all(h.kind == "caption" for h in captions)
    assert direct(demo, "测绘 -房地产") == scan(demo, "测绘") - scan(demo, "房地产") != set()
    assert {h.episode for h in search(demo, "date:2024-04-08", limit=1000).hits} == {2}
    assert direct(demo, "测绘 ep:1") == scan(demo, "测绘", lambda region, episode: episode.number == 1)


def test_hits_say_where_they_are(demo):
    result = search(demo, "测绘")
    first = result.hits[0]
    assert (first.episode, first.page) == (1, 1) and first.series and "[测绘]" in first.context
    assert [h.episode for h in result.hits] == sorted(h.episode for h in result.hits)
    assert sum(e["count"] for e in result.per_episode) == result.total
