"""Text regions follow panel edits (defect 5 of issue 16), through the core services the GUI and CLI share."""

from __future__ import annotations

from PIL import Image

from annotator.core import annotate
from annotator.core.importer import EpisodeSpec, import_pages


def _page(project, tmp_path) -> int:
    path = tmp_path / "page.png"
    Image.new("RGB", (600, 800), "white").save(path)
    return import_pages(project, [path], EpisodeSpec(series="S", number=1)).page_ids[0]


def _links(project, page_id) -> dict[int, int | None]:
    return {r.id: r.panel_id for r in annotate.page_data(project, page_id).regions}


def test_regions_follow_panels_through_draw_delete_redraw_split_merge_and_undo(project, tmp_path):
    page = _page(project, tmp_path)
    top = annotate.add_panel(project, page, [(0, 0), (600, 0), (600, 390), (0, 390)], source="auto", confidence=0.9)
    a = annotate.add_region(project, page, [(50, 50), (150, 50), (150, 100), (50, 100)])
    b = annotate.add_region(project, page, [(50, 500), (150, 500), (150, 550), (50, 550)])
    assert _links(project, page) == {a: top, b: None}  # a region drawn inside a panel belongs to it

    snap = annotate.delete_panel(project, top)
    assert _links(project, page) == {a: None, b: None}
    redrawn = annotate.add_panel(project, page, [(0, 0), (600, 0), (600, 390), (0, 390)])
    assert _links(project, page)[a] == redrawn  # the case: redrawn panel gets its text back
    annotate.delete_panel(project, redrawn)
    annotate.restore(project, snap)
    assert _links(project, page)[a] == top

    bottom = annotate.add_panel(project, page, [(0, 400), (600, 400), (600, 800), (0, 800)])
    assert _links(project, page) == {a: top, b: bottom}
    split = annotate.split_panel(project, bottom, (0, 520), (600, 520))
    assert _links(project, page)[b] in split["ids"]
    assert annotate.page_data(project, page).panels[-1].confidence is None
    annotate.unsplit_panel(project, split)
    merged = annotate.merge_panels(project, [top, bottom])
    assert set(_links(project, page).values()) == {merged["id"]}
    annotate.unmerge_panels(project, merged)
    assert _links(project, page) == {a: top, b: bottom}

    annotate.update_region(project, b, polygon=[(50, 50), (150, 50), (150, 90), (50, 90)])  # moved into the top
    assert _links(project, page)[b] == top


def test_a_panel_touched_by_hand_carries_no_machine_confidence(project, tmp_path):
    page = _page(project, tmp_path)
    auto = annotate.add_panel(project, page, [(0, 0), (600, 0), (600, 800), (0, 800)], source="auto", confidence=0.9)
    result = annotate.split_panel(project, auto, (0, 400), (600, 400))
    panels = {p.id: p for p in annotate.page_data(project, page).panels}
    assert [panels[i].confidence for i in result["ids"]] == [None, None]
    assert {panels[i].source for i in result["ids"]} == {"manual"}
    annotate.unsplit_panel(project, result)
    assert annotate.page_data(project, page).panels[0].confidence == 0.9  # undo gives the machine's value back
    annotate.set_panel_polygon(project, auto, [(0, 0), (500, 0), (500, 800), (0, 800)])
    assert annotate.page_data(project, page).panels[0].confidence is None
