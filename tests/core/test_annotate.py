"""Editing services: every edit persists at once, and every delete can be restored exactly."""

from __future__ import annotations

import pytest

from annotator.core import annotate, coding, models
from annotator.core.project import open_project

SQUARE = [[0, 0], [100, 0], [100, 100], [0, 100]]


def _panels(project, page_id):
    return [(p.id, p.order, p.bbox) for p in annotate.page_data(project, page_id).panels]


def test_panel_edits_persist_and_reopen(page_project, tmp_path):
    page = page_project.page_ids[0]
    a = annotate.add_panel(page_project, page, SQUARE)
    b = annotate.add_panel(page_project, page, [[200, 0], [300, 0], [300, 100], [200, 100]])
    annotate.set_panel_polygon(page_project, a, [[0, 0], [120, 0], [120, 100], [0, 100]])
    annotate.reorder_panels(page_project, page, [b, a])
    page_project.close()
    with open_project(page_project.root) as reopened:
        data = annotate.page_data(reopened, page)
        assert [p.id for p in data.panels] == [b, a]
        moved = next(p for p in data.panels if p.id == a)
        assert moved.bbox == (0, 0, 120, 100) and moved.source == "manual"


def test_split_then_unsplit_restores_outline_and_order(page_project):
    page = page_project.page_ids[0]
    first = annotate.add_panel(page_project, page, SQUARE)
    last = annotate.add_panel(page_project, page, [[0, 200], [100, 200], [100, 300], [0, 300]])
    result = annotate.split_panel(page_project, first, (50, -10), (50, 110))
    assert len(result["ids"]) == 2
    ids = [p[0] for p in _panels(page_project, page)]
    assert ids == [first, result["ids"][1], last]
    left = annotate.page_data(page_project, page).panels[0]
    assert left.bbox == (0, 0, 50, 100)
    annotate.unsplit_panel(page_project, result)
    assert _panels(page_project, page) == [(first, 0, (0, 0, 100, 100)), (last, 1, (0, 200, 100, 100))]


def test_split_line_that_misses_is_refused(page_project):
    panel = annotate.add_panel(page_project, page_project.page_ids[0], SQUARE)
    with pytest.raises(ValueError, match="does not cross"):
        annotate.split_panel(page_project, panel, (500, 0), (500, 100))


def test_merge_moves_codings_and_unmerge_restores(page_project):
    page = page_project.page_ids[0]
    a = annotate.add_panel(page_project, page, SQUARE)
    b = annotate.add_panel(page_project, page, [[110, 0], [200, 0], [200, 100], [110, 100]])
    motif = coding.create_motif(page_project, "Undercover officers", name_zh="便衣")
    hero = coding.create_character(page_project, "Officer Li", name_zh="李警官")
    coder = page_project.coder("tester")
    tag = coding.add_coding(page_project, motif, ("panel", b), coder, memo="posing as a hiker")
    coding.add_appearance(page_project, hero, b, coder)
    region = annotate.add_region(page_project, page, [[120, 10], [180, 10], [180, 40], [120, 40]], panel_id=b)

    result = annotate.merge_panels(page_project, [b, a])
    assert result["id"] == a
    assert [p[0] for p in _panels(page_project, page)] == [a]
    assert _panels(page_project, page)[0][2] == (0, 0, 200, 100)
    assert [c.motif_id for c in coding.codings_for(page_project, ("panel", a))] == [motif]
    assert annotate.page_data(page_project, page).regions[0].panel_id == a

    annotate.unmerge_panels(page_project, result)
    assert [p[0] for p in _panels(page_project, page)] == [a, b]
    assert coding.codings_for(page_project, ("panel", a)) == []
    restored = coding.codings_for(page_project, ("panel", b))
    assert [(c.id, c.memo) for c in restored] == [(tag, "posing as a hiker")]
    assert [x["panel_id"] for x in coding.appearances_of(page_project, hero)] == [b]
    with page_project.session() as s:
        assert s.get(models.TextRegion, region).panel_id == b


def test_delete_panel_cascades_and_restore_brings_everything_back(page_project):
    page = page_project.page_ids[0]
    panel = annotate.add_panel(page_project, page, SQUARE)
    motif = coding.create_motif(page_project, "Rare earths")
    tag = coding.add_coding(page_project, motif, ("panel", panel), memo="ore sample")
    snap = annotate.delete_panel(page_project, panel)
    assert coding.codings_for(page_project, ("panel", panel)) == []  # the database cascaded
    annotate.restore(page_project, snap)
    assert [c.id for c in coding.codings_for(page_project, ("panel", panel))] == [tag]


def test_region_text_never_touches_ocr_fields(page_project):
    page = page_project.page_ids[0]
    region = annotate.add_region(page_project, page, SQUARE, kind="speech", lang="zh")
    with page_project.session() as s:
        row = s.get(models.TextRegion, region)
        row.ocr_text, row.ocr_engine, row.ocr_differs = "我们迷路了", "rapidocr", True
        s.add(row)
    before = annotate.update_region(page_project, region, text="我们迷路了！", translation="We are lost!")
    assert before == {"text": None, "translation": ""}
    row = annotate.page_data(page_project, page).regions[0]
    assert (row.ocr_text, row.text, row.translation, row.ocr_differs) == (
        "我们迷路了", "我们迷路了！", "We are lost!", False)
    with pytest.raises(ValueError):
        annotate.update_region(page_project, region, ocr_text="forged")


def test_stale_version_is_refused(page_project):
    region = annotate.add_region(page_project, page_project.page_ids[0], SQUARE)
    annotate.update_region(page_project, region, expected_version=1, text="first")
    with pytest.raises(annotate.Conflict):
        annotate.update_region(page_project, region, expected_version=1, text="second coder, stale")


def test_motif_tree_move_merge_and_counts(page_project):
    page = page_project.page_ids[0]
    parent = coding.create_motif(page_project, "Threat actors")
    child = coding.create_motif(page_project, "Overseas organisations", parent_id=parent, name_zh="境外组织")
    other = coding.create_motif(page_project, "Foreign agents")
    with pytest.raises(ValueError):
        coding.move_motif(page_project, parent, child)
    coding.move_motif(page_project, other, parent)
    coding.add_coding(page_project, other, ("page", page))
    coding.add_coding(page_project, child, ("page", page))
    coding.add_coding(page_project, child, ("episode", 1))
    assert coding.motif_counts(page_project) == {child: 2, other: 1}
    undo = coding.merge_motifs(page_project, other, child)
    assert coding.motif_counts(page_project) == {child: 2}  # the page tag was a duplicate
    coding.unmerge_motifs(page_project, undo)
    assert coding.motif_counts(page_project) == {child: 2, other: 1}


def test_coding_target_must_be_known(page_project):
    motif = coding.create_motif(page_project, "x")
    with pytest.raises(ValueError, match="unknown coding target"):
        coding.add_coding(page_project, motif, ("book", 1))


def test_update_panel_returns_what_undoes_it(page_project):
    page = page_project.page_ids[0]
    panel = annotate.add_panel(page_project, page, [[0, 0], [100, 0], [100, 80], [0, 80]], source="auto",
                               confidence=0.8)
    before = annotate.update_panel(page_project, panel, polygon=[[0, 0], [120, 0], [120, 80], [0, 80]], memo="wide")
    assert before == {"polygon": [[0.0, 0.0], [100.0, 0.0], [100.0, 80.0], [0.0, 80.0]], "memo": "", "source": "auto",
                      "confidence": 0.8}
    row = annotate.page_data(page_project, page).panels[-1]
    assert (row.bbox, row.memo, row.source, row.confidence) == ((0, 0, 120, 80), "wide", "manual", None)
    annotate.update_panel(page_project, panel, **before)
    row = annotate.page_data(page_project, page).panels[-1]
    assert (row.bbox, row.memo, row.source, row.confidence) == ((0, 0, 100, 80), "", "auto", 0.8)
    with pytest.raises(ValueError, match="not editable"):
        annotate.update_panel(page_project, panel, order=3)
