"""Revisions of the human layer, OCR layers and page status, through every path that writes them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotator.core import annotate, autocode, coding, library, models, ocr_layers, page_status, revisions
from annotator.core.ocr_service import store_regions
from annotator.vision.shapes import TextShape


@pytest.fixture
def page(project):
    with project.session() as s:
        series = models.Series(name="S")
        s.add(series)
        s.flush()
        episode = models.Episode(series_id=series.id, number=1)
        s.add(episode)
        s.flush()
        row = models.Page(episode_id=episode.id, media_sha256="ab" * 32, media_path="media/x.png", width=800,
                          height=1000)
        s.add(row)
        s.flush()
        return row.id


def _shape(text: str, bbox=(100, 100, 200, 80), engine="tesseract", version="5.3", confidence=0.8) -> TextShape:
    x, y, w, h = bbox
    return TextShape(polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], bbox=bbox, text=text,
                     confidence=confidence, vertical=False, lang="zh", kind="speech", engine=engine,
                     engine_version=version)


def _region(project, page) -> int:
    store_regions(project, page, [_shape("境外组织盯上了")], {"lang": "zh"})
    with project.session() as s:
        return s.exec(select(models.TextRegion.id).where(models.TextRegion.page_id == page)).one()


def test_typed_correction_translation_and_speaker_are_revisions(project, page):
    region = _region(project, page)
    with revisions.acting("Lin"):
        annotate.update_region(project, region, text="境外组织盯上了你")
        annotate.update_region(project, region, translation="A foreign organisation is after you")
    hero = coding.create_character(project, "Hero")
    with revisions.acting("Morgan"):
        annotate.update_region(project, region, speaker_id=hero, kind="thought")  # kind is not a human text
    rows = revisions.history(project, region)
    assert [(r.field, r.old_value, r.new_value, r.coder, r.source) for r in rows] == [
        ("text", None, "境外组织盯上了你", "Lin", "typed"),
        ("translation", "", "A foreign organisation is after you", "Lin", "typed"),
        ("speaker_id", None, str(hero), "Morgan", "typed"),
    ]
    assert rows[2].new_label == "Hero"
    assert all(r.at is not None for r in rows)
    # an edit that changes nothing records nothing
    annotate.update_region(project, region, text="境外组织盯上了你")
    assert len(revisions.history(project, region)) == 3


def test_accepting_the_ocr_reading_is_its_own_source(project, page):
    region = _region(project, page)
    annotate.update_region(project, region, text="境外组织盯上了")  # what the 'A' key sends
    (rev,) = revisions.history(project, region)
    assert (rev.source, rev.old_value, rev.new_value) == ("accepted-ocr", None, "境外组织盯上了")


def test_auto_coded_speaker_and_its_undo(project, page):
    region = _region(project, page)
    hero = coding.create_character(project, "Hero")
    done = autocode.apply_speaker(project, [region], hero)
    autocode.undo(project, done)
    rows = revisions.history(project, region)
    assert [(r.field, r.old_value, r.new_value, r.source) for r in rows] == [
        ("speaker_id", None, str(hero), "auto-coded"), ("speaker_id", str(hero), None, "reverted")]


def test_revert_and_its_undo(project, page):
    region = _region(project, page)
    annotate.update_region(project, region, text="第一版")
    annotate.update_region(project, region, text="第二版")
    first = revisions.history(project, region)[0]
    before = revisions.revert(project, first.id, coder="Lin")
    with project.session() as s:
        assert s.get(models.TextRegion, region).text == "第一版"
    last = revisions.history(project, region)[-1]
    assert (last.old_value, last.new_value, last.source, last.coder) == ("第二版", "第一版", "reverted", "Lin")
    annotate.update_region(project, region, **before)  # what the undo command does
    with project.session() as s:
        assert s.get(models.TextRegion, region).text == "第二版"
    assert len(revisions.history(project, region)) == 4
    assert revisions.diff("境外组织盯上了", "境外组织盯上你") == [("=", "境外组织盯上"), ("-", "了"), ("+", "你")]


def test_history_survives_delete_and_undo_without_noise(project, page):
    region = _region(project, page)
    annotate.update_region(project, region, text="改正")
    snapshot = annotate.delete_region(project, region)
    annotate.restore(project, snapshot)
    assert [r.new_value for r in revisions.history(project, region)] == ["改正"]


def test_new_region_with_values_is_recorded_as_imported(project, page):
    with revisions.acting("Importer", "imported"):
        region = annotate.add_region(project, page, [[0, 0], [10, 0], [10, 10]], text="导入", translation="imported")
    assert {(r.field, r.source, r.coder) for r in revisions.history(project, region)} == {
        ("text", "imported", "Importer"), ("translation", "imported", "Importer")}


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown revision source"), revisions.acting(source="guessed"):
        pass


def test_every_ocr_run_is_a_layer(project, page):
    store_regions(project, page, [_shape("境外组织盯上了")], {"lang": "zh"})
    store_regions(project, page, [_shape("境外组织盯上了")], {"lang": "zh"})  # same reading: no new layer
    region = _region(project, page)
    annotate.update_region(project, region, text="境外组织盯上了你")  # kept from now on
    store_regions(project, page, [_shape("境外组织町上了", engine="rapidocr", version="1.4", confidence=0.9)],
                  {"lang": "auto"})
    readings = ocr_layers.region_readings(project, region)
    assert [(r["engine"], r["text"], r["confidence"], r["settings"]) for r in readings] == [
        ("tesseract", "境外组织盯上了", 0.8, {"lang": "zh"}), ("rapidocr", "境外组织町上了", 0.9, {"lang": "auto"})]
    with project.session() as s:
        row = s.get(models.TextRegion, region)
        assert (row.ocr_engine, row.ocr_text, row.text, row.ocr_differs) == ("rapidocr", "境外组织町上了",
                                                                             "境外组织盯上了你", True)


def test_page_status_set_filtered_and_started_by_the_first_revision(project, page):
    assert library.library(project)[0].episodes[0].pages[0].status == "new"
    region = _region(project, page)
    assert page_status.statuses(project)[0]["status"] == "new"  # OCR is not human work
    annotate.update_region(project, region, translation="hello")
    assert page_status.statuses(project)[0]["status"] == "in_progress"
    assert page_status.set_status(project, page, "done") == "in_progress"
    assert library.library(project, status="done")[0].episodes[0].pages[0].id == page
    assert library.library(project, status="new") == []
    annotate.update_region(project, region, translation="hello again")
    assert page_status.statuses(project)[0]["status"] == "done"  # only "new" moves by itself
    with pytest.raises(ValueError, match="unknown page status"):
        page_status.set_status(project, page, "finished")
    with pytest.raises(annotate.NotFound):
        page_status.set_status(project, 999, "done")


def test_migration_0004_keeps_every_row_and_marks_worked_pages(project, page):
    """Down to 0003 and up again: no panel or region lost (no copy of ``page``), statuses derived."""
    from alembic import command

    from annotator.core.database import alembic_config, make_engine
    from annotator.core.project import open_project

    region = _region(project, page)
    annotate.add_panel(project, page, [[0, 0], [400, 0], [400, 400], [0, 400]])
    annotate.update_region(project, region, translation="hello")
    page_status.set_status(project, page, "reviewed")
    root, url = project.root, project.url
    project.close()
    engine = make_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM panel").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM textregion").scalar() == 1
    engine.dispose()
    with open_project(root) as again:
        assert page_status.statuses(again)[0]["status"] == "in_progress"  # worked on, status unknown before
        assert len(annotate.page_data(again, page).panels) == 1
        assert annotate.page_data(again, page).regions[0].translation == "hello"


def test_imported_annotations_are_revisions_from_the_import(tmp_path):
    """A transcript imported from another tool is recorded as 'imported' by the importing coder."""
    import json

    from PIL import Image
    from sqlmodel import select

    from annotator.core import annotate, models
    from annotator.core.exchange.importing import import_annotations
    from annotator.core.importer import EpisodeSpec, import_pages
    from annotator.core.project import init_project

    with init_project(tmp_path / "p") as project:
        image = tmp_path / "page.png"
        Image.new("RGB", (400, 300), "white").save(image)
        page = import_pages(project, [image], EpisodeSpec(series="S", number=1)).page_ids[0]
        annotate.add_region(project, page, [[10, 10], [200, 10], [200, 80], [10, 80]])
        doc = tmp_path / "transcript.json"
        doc.write_text(json.dumps({"pages": [{"file": "page.png", "width": 400, "height": 300, "regions": [
            {"polygon": [[10, 10], [200, 10], [200, 80], [10, 80]], "text": "境外组织",
             "translation": "overseas organisation"}]}]}, ensure_ascii=False), encoding="utf-8")
        import_annotations(project, [doc], "json", coder="Morgan")
        with project.session() as s:
            rows = s.exec(select(models.Revision)).all()
            coders = {c.id: c.name for c in s.exec(select(models.Coder))}
        assert {(r.field, r.new_value, r.source, coders.get(r.coder_id)) for r in rows} >= {
            ("text", "境外组织", "imported", "Morgan"), ("translation", "overseas organisation", "imported", "Morgan")}
