"""Data exports for R and pandas: read back with the csv and json modules and checked against the database."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import select

from annotator.core import models
from annotator.core.export import Options, Scope, export
from annotator.core.export.tables import CHARACTER_COLUMNS, CODEBOOK_COLUMNS, CODING_COLUMNS, TRANSCRIPT_COLUMNS

HOSTILE = "<script>alert(1)</script>"


def _read_csv(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def test_transcript_csv_has_one_row_per_region_in_reading_order(coded, tmp_path):
    out = tmp_path / "t.csv"
    export(coded, "csv", out)
    header, rows = _read_csv(out)
    assert header == TRANSCRIPT_COLUMNS
    with coded.session() as s:
        regions = {r.id: r for r in s.exec(select(models.TextRegion))}
        pages = {p.id: p for p in s.exec(select(models.Page))}
        panels = {p.id: p for p in s.exec(select(models.Panel))}
    assert sorted(int(r["region_id"]) for r in rows) == sorted(regions)
    for row in rows:
        region = regions[int(row["region_id"])]
        page = pages[region.page_id]
        assert int(row["page_id"]) == page.id and int(row["page"]) == page.index + 1
        assert row["page_sha256"] == page.media_sha256
        assert row["panel_id"] == (str(region.panel_id) if region.panel_id else "")
        if region.panel_id:
            assert int(row["panel"]) == panels[region.panel_id].order + 1
        assert row["corrected_text"] == (region.text or "") and row["text"] == region.display_text
        assert row["ocr_text"] == (region.ocr_text or "") and row["ocr_engine"] == (region.ocr_engine or "")
        if region.ocr_confidence is not None:
            assert abs(float(row["ocr_confidence"]) - region.ocr_confidence) < 1e-4
        assert row["translation"] == region.translation and row["kind"] == region.kind
    hostile = next(r for r in rows if r["text"] == HOSTILE)
    assert hostile["speaker"] and hostile["motifs"]
    # Reading order: episode by episode, page by page, panel by panel, numbered from 1 in each episode.
    keys = [(int(r["episode"]), int(r["page"]), int(r["order"])) for r in rows]
    assert keys == sorted(keys)
    assert next(int(r["order"]) for r in rows if r["episode"] == "1") == 1


def test_bom_for_excel(coded, tmp_path):
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    export(coded, "csv", plain)
    export(coded, "csv", bom, options=Options(bom=True))
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert _read_csv(bom, "utf-8-sig")[0] == TRANSCRIPT_COLUMNS


def test_transcript_json_equals_the_database(coded, tmp_path):
    out = tmp_path / "t.json"
    export(coded, "json", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "annotator-transcript" and doc["version"] == 1
    with coded.session() as s:
        regions = {r.id: r for r in s.exec(select(models.TextRegion))}
        codings = s.exec(select(models.Coding).where(models.Coding.text_region_id.is_not(None))).all()
        motif_names = {m.id: m.name for m in s.exec(select(models.Motif))}
        episodes = {e.id: e for e in s.exec(select(models.Episode))}
        pages = s.exec(select(models.Page)).all()
    assert len(doc["regions"]) == len(regions)
    for row in doc["regions"]:
        assert set(row) == set(TRANSCRIPT_COLUMNS)
        r = regions[row["region_id"]]
        assert (row["page_id"], row["panel_id"], row["kind"], row["lang"], row["vertical"], row["speaker_id"],
                row["ocr_text"], row["ocr_engine"], row["ocr_engine_version"], row["ocr_confidence"],
                row["corrected_text"], row["translation"], [row["x"], row["y"], row["w"], row["h"]]) == \
               (r.page_id, r.panel_id, r.kind, r.lang, r.vertical, r.speaker_id, r.ocr_text, r.ocr_engine,
                r.ocr_engine_version, r.ocr_confidence, r.text, r.translation, [r.x, r.y, r.w, r.h])
        expected = sorted(motif_names[c.motif_id] for c in codings if c.text_region_id == r.id)
        assert sorted(m.split(" / ")[-1] for m in row["motifs"]) == expected
    assert {e["id"]: e["source_url"] for e in doc["episodes"]} == {i: e.source_url for i, e in episodes.items()}
    hashes = {p["sha256"] for e in doc["episodes"] for p in e["pages"]}
    assert hashes == {p.media_sha256 for p in pages}


def test_codings_characters_and_codebook_csv(coded, tmp_path):
    export(coded, "codings-csv", tmp_path / "codings.csv")
    header, rows = _read_csv(tmp_path / "codings.csv")
    assert header == CODING_COLUMNS
    with coded.session() as s:
        codings = {c.id: c for c in s.exec(select(models.Coding))}
        coders = dict(s.exec(select(models.Coder.id, models.Coder.name)).all())
        characters = s.exec(select(models.Character)).all()
        motifs = s.exec(select(models.Motif)).all()
    assert sorted(int(r["coding_id"]) for r in rows) == sorted(codings)
    for row in rows:
        c = codings[int(row["coding_id"])]
        kind, target = c.target
        assert (row["target"], int(row["target_id"]), row["coder"], row["memo"]) == \
               (kind, target, coders[c.coder_id], c.memo)
        assert row["motif_path"].endswith(next(m.name for m in motifs if m.id == c.motif_id))
        assert row["created_at"].startswith(c.created_at.isoformat(timespec="seconds")[:19])
    assert {r["coder"] for r in rows} == {"Lin", "Morgan"}
    assert {r["target"] for r in rows} == {"episode", "panel", "text_region"}

    export(coded, "characters-csv", tmp_path / "characters.csv", options=Options(bom=True))
    header, rows = _read_csv(tmp_path / "characters.csv", "utf-8-sig")
    assert header == CHARACTER_COLUMNS and len(rows) == len(characters)
    speaking = [r for r in rows if int(r["lines"])]
    assert speaking and all(int(r["speech_chars"]) > 0 for r in speaking)
    assert any(int(r["panels"]) for r in rows)

    export(coded, "codebook-csv", tmp_path / "codebook.csv")
    header, rows = _read_csv(tmp_path / "codebook.csv")
    assert header == CODEBOOK_COLUMNS and len(rows) == len(motifs)
    by_id = {int(r["motif_id"]): r for r in rows}
    for m in motifs:
        if m.parent_id is not None:
            assert by_id[m.id]["path"] == f"{by_id[m.parent_id]['path']} / {m.name}"
    assert sum(int(r["codings"]) for r in rows) == len(codings)


def test_scope_limits_rows_and_exports_are_byte_identical(coded, tmp_path):
    with coded.session() as s:
        first = s.exec(select(models.Episode).order_by(models.Episode.number)).first()
    for fmt in ("csv", "json", "codings-csv", "characters-csv", "codebook-csv"):
        a, b = tmp_path / f"a-{fmt}", tmp_path / f"b-{fmt}"
        export(coded, fmt, a)
        export(coded, fmt, b)
        assert a.read_bytes() == b.read_bytes(), fmt
    export(coded, "csv", tmp_path / "one.csv", Scope((first.id,)))
    _header, rows = _read_csv(tmp_path / "one.csv")
    assert rows and {r["episode_id"] for r in rows} == {str(first.id)}
    buf = io.StringIO((tmp_path / "a-csv").read_text(encoding="utf-8"))
    assert len(list(csv.reader(buf))) - 1 > len(rows)
