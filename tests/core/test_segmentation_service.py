"""Storing segmentation results: re-running never discards what a human did to a panel."""

from __future__ import annotations

from annotator.core import annotate, coding
from conftest import STRIP_PANELS
from annotator.core.segmentation import segment_page, segment_pages, store_panels
from annotator.vision.shapes import PanelShape, rect_polygon


def shape(x, y, w, h, confidence=0.9):
    return PanelShape(rect_polygon(x, y, w, h), (x, y, w, h), confidence)


def boxes(project, page_id):
    return [(p.bbox, p.source) for p in annotate.page_data(project, page_id).panels]


def test_resegmenting_keeps_corrected_and_tagged_panels(page_project):
    page = page_project.page_ids[0]
    first = [shape(0, 0, 500, 400), shape(520, 0, 500, 400), shape(0, 420, 1020, 400)]
    result = store_panels(page_project, page, first)
    assert (result.added, result.kept, result.panels) == (3, 0, 3)
    ids = [p.id for p in annotate.page_data(page_project, page).panels]
    annotate.set_panel_polygon(page_project, ids[0], rect_polygon(0, 0, 505, 410))  # a correction
    motif = coding.create_motif(page_project, "Rare earths")
    coding.add_coding(page_project, motif, ("panel", ids[2]), memo="sample bags")  # a tag on an auto panel

    again = store_panels(page_project, page, [shape(0, 0, 498, 398), shape(520, 0, 500, 400), shape(0, 420, 1020, 400)])
    assert again.kept == 2 and "kept 2 corrected panel(s)" in again.message
    panels = annotate.page_data(page_project, page).panels
    assert [p.bbox for p in panels] == [(0, 0, 505, 410), (520, 0, 500, 400), (0, 420, 1020, 400)]
    assert [p.id for p in panels][0] == ids[0] and [p.id for p in panels][2] == ids[2]
    assert [c.memo for c in coding.codings_for(page_project, ("panel", ids[2]))] == ["sample bags"]


def test_text_regions_follow_their_panels(page_project):
    page = page_project.page_ids[0]
    region = annotate.add_region(page_project, page, rect_polygon(600, 50, 100, 60))
    store_panels(page_project, page, [shape(0, 0, 500, 400), shape(520, 0, 500, 400)])
    panels = annotate.page_data(page_project, page).panels
    (stored,) = annotate.page_data(page_project, page).regions
    assert (stored.id, stored.panel_id) == (region, panels[1].id)  # inside the second panel's box
    store_panels(page_project, page, [shape(600, 0, 400, 400)])
    data = annotate.page_data(page_project, page)
    assert data.regions[0].panel_id == data.panels[0].id


def test_segment_real_pages_in_project(page_project, demo_truth):
    grid, strip = page_project.page_ids
    result = segment_page(page_project, grid)
    assert result.error is None and result.panels == len(demo_truth["ep01/001.png"]["panels"])
    report = segment_pages(page_project, [grid, strip], workers=2)
    assert not report.errors and not report.cancelled
    assert {r.page_id for r in report.results} == {grid, strip}
    strip_panels = annotate.page_data(page_project, strip).panels
    assert len(strip_panels) == STRIP_PANELS
    assert [p.y for p in strip_panels] == sorted(p.y for p in strip_panels)  # a strip reads top to bottom


def test_reading_direction_falls_back_page_episode_series_project(page_project):
    from annotator.core import models
    from annotator.core.segmentation import page_direction

    page = page_project.page_ids[0]
    assert page_direction(page_project, page) == "auto"
    page_project.set_setting("direction", "ltr")
    assert page_direction(page_project, page) == "ltr"
    with page_project.session() as s:
        s.get(models.Series, 1).direction = "rtl"
    assert page_direction(page_project, page) == "rtl"
    with page_project.session() as s:
        s.get(models.Episode, 1).direction = "ltr"
        s.get(models.Page, page).direction = "rtl"
    assert page_direction(page_project, page) == "rtl"
