"""Storing OCR: provenance on every reading, and corrections that survive every re-run."""

from __future__ import annotations

import pytest

from annotator.core import annotate, coding
from annotator.core.ocr_service import ocr_pages, ocr_region, store_regions
from annotator.vision.shapes import TextShape, rect_polygon


def reading(x, y, w, h, text, engine="rapidocr", version="3.10"):
    return TextShape(rect_polygon(x, y, w, h), (x, y, w, h), text, 0.9, engine=engine, engine_version=version)


def test_correction_survives_rerun_and_flags_difference(page_project):
    page = page_project.page_ids[0]
    first = store_regions(page_project, page,
                          [reading(100, 100, 200, 80, "我们迷路了"), reading(100, 600, 200, 80, "境外组织")])
    assert (first.added, first.regions) == (2, 2)
    regions = annotate.page_data(page_project, page).regions
    assert [(r.ocr_text, r.ocr_engine, r.ocr_engine_version, r.text) for r in regions] == [
        ("我们迷路了", "rapidocr", "3.10", None), ("境外组织", "rapidocr", "3.10", None)]
    annotate.update_region(page_project, regions[0].id, text="我们迷路了！", translation="We are lost!")

    again = store_regions(page_project, page, [reading(102, 98, 200, 80, "我们迷路", "tesseract", "5.3"),
                                                reading(100, 600, 200, 80, "境外组织")])
    assert again.kept == 1 and again.differs == 1
    kept = annotate.page_data(page_project, page).regions[0]
    assert kept.id == regions[0].id
    assert (kept.text, kept.translation) == ("我们迷路了！", "We are lost!")  # never overwritten
    assert (kept.ocr_text, kept.ocr_engine, kept.ocr_differs) == ("我们迷路", "tesseract", True)


def test_tagged_region_is_kept_even_without_text_correction(page_project):
    page = page_project.page_ids[0]
    store_regions(page_project, page, [reading(10, 10, 100, 40, "12339")])
    region = annotate.page_data(page_project, page).regions[0]
    motif = coding.create_motif(page_project, "Reporting hotline")
    coding.add_coding(page_project, motif, ("text_region", region.id))
    store_regions(page_project, page, [])
    assert [r.id for r in annotate.page_data(page_project, page).regions] == [region.id]


def test_ocr_project_pages_with_cache(page_project, demo_truth):
    grid = page_project.page_ids[0]
    report = ocr_pages(page_project, [grid], workers=1)
    assert not report.errors
    regions = annotate.page_data(page_project, grid).regions
    assert len(regions) == len(demo_truth["ep01/001.png"]["balloons"])
    assert all(r.ocr_engine == report.engine and r.ocr_engine_version and r.ocr_confidence is not None for r in regions)
    assert any("\u4e00" <= ch <= "\u9fff" for r in regions for ch in r.ocr_text)
    again = ocr_pages(page_project, [grid], workers=1)
    assert again.results[0].cached and again.results[0].regions == len(regions)


def test_engine_failure_on_one_page_is_reported_and_batch_goes_on(page_project):
    grid, strip = page_project.page_ids
    media = page_project.media_file(annotate.page_data(page_project, strip).page.media_path)
    media.write_bytes(b"damaged on disk")
    report = ocr_pages(page_project, [strip, grid], workers=1)
    failed = {r.page_id: r for r in report.results}
    assert failed[strip].error and "not an image" in failed[strip].error
    assert failed[grid].error is None and failed[grid].regions > 0


def test_ocr_of_a_hand_drawn_region(page_project, demo_truth):
    page_truth = demo_truth["ep01/001.png"]
    balloon = next(b for b in page_truth["balloons"] if b["lang"] == "zh" and not b["vertical"])
    region = annotate.add_region(page_project, page_project.page_ids[0], rect_polygon(*balloon["bbox"]), lang="zh")
    row = ocr_region(page_project, region)
    assert row.ocr_text.replace(" ", "") == balloon["text"]
    assert 0 < row.ocr_confidence <= 1 and row.ocr_engine and row.text is None


def test_unknown_engine_is_a_clear_error(page_project):
    from annotator.vision.ocr import EngineUnavailable

    with pytest.raises(EngineUnavailable, match="unknown OCR engine"):
        ocr_pages(page_project, page_project.page_ids, engine="abbyy")


def test_cancelled_batch_keeps_finished_pages_and_resumes(page_project):
    grid, strip = page_project.page_ids
    seen = []
    # progress names a finished page by its label; steps inside a page read "tiles 1 of 3"
    report = ocr_pages(page_project, [grid, strip], workers=1,
                       progress=lambda d, t, text: seen.append(d) if " of " not in text else None,
                       cancelled=lambda: len(seen) >= 1)
    assert report.cancelled and [r.page_id for r in report.results] == [grid]
    assert annotate.page_data(page_project, grid).regions and not annotate.page_data(page_project, strip).regions
    resumed = ocr_pages(page_project, [grid, strip], workers=2)
    assert not resumed.cancelled and not resumed.errors
    by_page = {r.page_id: r for r in resumed.results}
    assert by_page[grid].cached and not by_page[strip].cached  # only the unfinished page was read again
    assert annotate.page_data(page_project, strip).regions
