"""Importing annotations: round trips into a fresh project, foreign files, and hostile input refused."""

from __future__ import annotations

import json
import zipfile

import pytest
from click.testing import CliRunner
from exchange_fixtures import annotations
from sqlmodel import func, select

from annotator.cli import cli
from annotator.core import annotate, coding, models
from annotator.core.exchange.importing import import_annotations
from annotator.core.exchange.xmlsafe import ExchangeError
from annotator.core.export import export
from annotator.core.project import init_project

ALTO_FIELDS = ("text", "ocr", "kind", "lang", "vertical", "speaker", "panel", "appearances")


def counts(project) -> dict:
    with project.session() as s:
        return {t.__name__: s.exec(select(func.count()).select_from(t)).one()
                for t in (models.Panel, models.TextRegion, models.Coding, models.Appearance, models.Motif,
                          models.Character, models.Coder)}


@pytest.mark.parametrize("fmt", ["page", "webanno"])
@pytest.mark.parametrize("origin", ["built", "demo"])
def test_round_trip_reproduces_the_annotations(request, fresh, tmp_path, fmt, origin):
    from annotator.core.project import open_project

    with open_project(request.getfixturevalue("coded_dir" if origin == "built" else "demo_template")) as source:
        export(source, fmt, tmp_path / fmt)
        result = import_annotations(fresh, [tmp_path / fmt])
        assert result.panels_added == counts(source)["Panel"]
        assert result.regions_added == counts(source)["TextRegion"]
        assert annotations(fresh) == annotations(source)


def test_alto_round_trip_reproduces_layout_text_and_tags(coded, fresh, tmp_path):
    export(coded, "alto", tmp_path / "alto")
    import_annotations(fresh, [tmp_path / "alto"])
    assert annotations(fresh, fields=ALTO_FIELDS) == annotations(coded, fields=ALTO_FIELDS)
    motif_paths = [sorted(c[0] for c in r["region_codings"]) for p in annotations(coded).values() for r in p["regions"]]
    assert motif_paths == [sorted(c[0] for c in r["region_codings"]) for p in annotations(fresh).values()
                           for r in p["regions"]]


def test_importing_twice_changes_nothing_more(coded, fresh, tmp_path):
    export(coded, "page", tmp_path / "page")
    import_annotations(fresh, [tmp_path / "page"])
    before = counts(fresh)
    again = import_annotations(fresh, [tmp_path / "page"])
    assert counts(fresh) == before
    assert again.panels_added == again.regions_added == again.codings_added == 0
    assert again.regions_updated == before["TextRegion"]


def test_codebook_round_trip_through_qdc(coded, tmp_path):
    export(coded, "qdc", tmp_path / "book.qdc")
    with init_project(tmp_path / "empty") as empty:
        added = import_annotations(empty, [tmp_path / "book.qdc"]).motifs_added

        def tree(project):
            rows = {m.id: m for m in coding.motifs(project)}
            return sorted((tuple(_path(rows, m)), m.name_zh, m.colour.upper(), m.description.strip())
                          for m in rows.values())

        assert added == len(coding.motifs(coded))
        assert tree(empty) == tree(coded)
        assert import_annotations(empty, [tmp_path / "book.qdc"]).motifs_added == 0


def _path(rows, motif):
    path = []
    while motif is not None:
        path.append(motif.name)
        motif = rows.get(motif.parent_id)
    return path[::-1]


def test_qdpx_codebook_imports_and_character_group_is_skipped(coded, tmp_path):
    export(coded, "qdpx", tmp_path / "p.qdpx")
    with init_project(tmp_path / "empty") as empty:
        import_annotations(empty, [tmp_path / "p.qdpx"])
        assert {m.name for m in coding.motifs(empty)} == {m.name for m in coding.motifs(coded)}


# -- foreign files -----------------------------------------------------------------------------

TRANSKRIBUS = """<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
  <Metadata><Creator>Transkribus</Creator><Created>2024-05-01T10:00:00</Created>
    <LastChange>2024-05-01T10:00:00</LastChange></Metadata>
  <Page imageFilename="{name}" imageWidth="{w}" imageHeight="{h}">
    <TextRegion id="tr_2" custom="readingOrder {{index:1;}}">
      <Coords points="100,200 400,200 400,300 100,300"/>
      <TextLine id="l2" custom="readingOrder {{index:0;}}"><Coords points="100,200 400,200 400,300 100,300"/>
        <Baseline points="100,290 400,290"/><TextEquiv><Unicode>第二句</Unicode></TextEquiv></TextLine>
    </TextRegion>
    <TextRegion id="tr_1" type="caption" custom="readingOrder {{index:0;}}">
      <Coords points="50,50 300,50 300,120 50,120"/>
      <TextLine id="l1a"><Coords points="50,50 300,50 300,80 50,80"/><TextEquiv><Unicode>第一行</Unicode></TextEquiv></TextLine>
      <TextLine id="l1b"><Coords points="50,85 300,85 300,120 50,120"/><TextEquiv><Unicode>第二行</Unicode></TextEquiv></TextLine>
    </TextRegion>
  </Page>
</PcGts>"""


def _page(project, image: str) -> models.Page:
    with project.session() as s:
        pages = s.exec(select(models.Page).order_by(models.Page.id)).all()
    return next(p for p in pages if p.original_filename == image)


def test_transkribus_page_lands_as_human_text_on_the_page_named(fresh, tmp_path):
    page = _page(fresh, "003.png")
    path = tmp_path / "0003_003.xml"
    path.write_text(TRANSKRIBUS.format(name="003.png", w=page.width, h=page.height), "utf-8")
    result = import_annotations(fresh, [path])
    assert result.pages == [page.id] and result.regions_added == 2
    regions = annotate.page_data(fresh, page.id).regions
    assert [(r.kind, r.text, r.ocr_text, r.source) for r in regions] == [
        ("caption", "第一行\n第二行", None, "manual"), ("speech", "第二句", None, "manual")]


def test_a_scaled_export_is_scaled_back_to_the_page(fresh, tmp_path):
    page = _page(fresh, "003.png")
    path = tmp_path / "half.xml"
    path.write_text(TRANSKRIBUS.format(name="003.png", w=page.width // 2, h=page.height // 2), "utf-8")
    import_annotations(fresh, [path])
    first = annotate.page_data(fresh, page.id).regions[0]
    assert first.bbox == (100, 100, 500, 140)


def test_an_ambiguous_file_name_is_refused(fresh, tmp_path):
    path = tmp_path / "p.xml"
    pages = [p for p in (_page(fresh, "001.png"),)]
    path.write_text(TRANSKRIBUS.format(name="001.png", w=pages[0].width, h=pages[0].height), "utf-8")
    with fresh.session() as s:
        same = s.exec(select(models.Page).where(models.Page.original_filename == "001.png",
                                                models.Page.width == pages[0].width,
                                                models.Page.height == pages[0].height)).all()
    if len(same) > 1:
        with pytest.raises(ExchangeError, match="matches 2 pages|matches 3 pages"):
            import_annotations(fresh, [path])
    else:  # the size tells the pages apart
        assert import_annotations(fresh, [path]).pages == [same[0].id]


def test_json_transcript_with_motif_paths(coded, fresh, tmp_path):
    page = _page(fresh, "003.png")
    motif = next(m for m in coding.motifs(fresh) if m.parent_id is not None)
    parent = next(m for m in coding.motifs(fresh) if m.id == motif.parent_id)
    data = {"pages": [{"file": "003.png", "width": page.width, "height": page.height,
                       "panels": [{"polygon": [[0, 0], [600, 0], [600, 800], [0, 800]],
                                   "motifs": [f"{parent.name} / {motif.name}"]}],
                       "regions": [{"polygon": [[10, 10], [200, 10], [200, 80], [10, 80]], "text": "你好",
                                    "translation": "Hello", "speaker": "Newcomer", "panel": 0,
                                    "motifs": [{"motif": motif.name, "coder": "Ana", "memo": "greeting"}]}]}]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = import_annotations(fresh, [path])
    assert result.characters_added == ["Newcomer"] and result.codings_added == 2
    data = annotations(fresh)[page.media_sha256]
    assert data["regions"][0]["region_codings"] == [(f"{parent.name} / {motif.name}", "Ana", "greeting")]
    assert data["regions"][0]["panel"] == 0 and data["regions"][0]["translation"] == "Hello"


# -- hostile and malformed input: refused, nothing changed ---------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page imageFilename="&lol3;"/></PcGts>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
<Page imageFilename="003.png" imageWidth="1200" imageHeight="1700"><TextRegion id="r"><Coords points="1,1 9,1 9,9"/>
<TextEquiv><Unicode>&xxe;</Unicode></TextEquiv></TextRegion></Page></PcGts>"""

WRONG_NS = """<?xml version="1.0"?><PcGts xmlns="http://example.org/not-page"><Page imageFilename="003.png"/></PcGts>"""


def _hostile_files(fresh, tmp_path) -> dict:
    page = _page(fresh, "003.png")
    outside = TRANSKRIBUS.format(name="003.png", w=page.width, h=page.height).replace(
        "100,200 400,200", f"100,200 {page.width + 50},200")
    files = {"billion-laughs.xml": BILLION_LAUGHS, "external-entity.xml": EXTERNAL, "wrong-namespace.xml": WRONG_NS,
             "outside.xml": outside, "broken.xml": "<PcGts><Page>", "not-json.json": "{\"pages\": [",
             "bad-svg.jsonld": json.dumps({"type": "Annotation", "target": {"source": "urn:sha256:" + page.media_sha256,
                                           "selector": {"type": "SvgSelector", "value": BILLION_LAUGHS}}})}
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, "utf-8")
    slip = tmp_path / "zip-slip.qdpx"
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
        zf.writestr("../../evil.txt", "owned")
    paths["zip-slip.qdpx"] = slip
    return paths


@pytest.mark.parametrize("name,message", [
    ("billion-laughs.xml", "DOCTYPE"), ("external-entity.xml", "DOCTYPE"), ("wrong-namespace.xml", "not-page"),
    ("outside.xml", "outside the"), ("broken.xml", "not well-formed"), ("not-json.json", "not valid JSON"),
    ("bad-svg.jsonld", "DOCTYPE"), ("zip-slip.qdpx", "zip-slip"),
])
def test_hostile_or_malformed_file_is_refused_and_changes_nothing(fresh, tmp_path, name, message):
    path = _hostile_files(fresh, tmp_path)[name]
    before = annotations(fresh), counts(fresh)
    with pytest.raises(ExchangeError, match=message):
        import_annotations(fresh, [path])
    assert (annotations(fresh), counts(fresh)) == before
    assert not (tmp_path.parent / "evil.txt").exists()


def test_one_bad_file_among_good_ones_imports_nothing(coded, fresh, tmp_path):
    export(coded, "page", tmp_path / "page")
    bad = tmp_path / "page" / "zz-outside.xml"
    page = _page(fresh, "003.png")
    bad.write_text(TRANSKRIBUS.format(name="003.png", w=page.width, h=page.height).replace(
        "50,50 300,50", f"50,50 {page.width * 2},50"), "utf-8")
    before = counts(fresh)
    with pytest.raises(ExchangeError, match="outside the"):
        import_annotations(fresh, [tmp_path / "page"])
    assert counts(fresh) == before


def test_cli_import_json_and_one_line_error(coded, fresh_template, tmp_path):
    import shutil

    export(coded, "webanno", tmp_path / "wa")
    shutil.copytree(fresh_template, tmp_path / "p")
    runner = CliRunner()
    ok = runner.invoke(cli, ["import-annotations", str(tmp_path / "p"), str(tmp_path / "wa"), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["regions_added"] > 0
    (tmp_path / "evil.xml").write_text(BILLION_LAUGHS, "utf-8")
    bad = runner.invoke(cli, ["import-annotations", str(tmp_path / "p"), str(tmp_path / "evil.xml")])
    assert bad.exit_code == 1
    assert "refused" in bad.output and "nothing was imported" in bad.output and len(bad.output.strip().splitlines()) == 1
    listed = runner.invoke(cli, ["export", "--list-formats", "--json"])
    names = {row["name"] for row in json.loads(listed.stdout)}
    assert {"page", "alto", "tei", "qdpx", "qdc", "webanno", "coco"} <= names


def test_transcript_json_of_the_json_export_round_trips_text(fresh, tmp_path):
    """The shape ``annotator export --format json`` writes (issue 14): region rows with boxes, by page hash."""
    page = _page(fresh, "003.png")
    motif = next(m for m in coding.motifs(fresh) if m.parent_id is not None)
    parent = next(m for m in coding.motifs(fresh) if m.id == motif.parent_id)
    annotate.add_panel(fresh, page.id, [[0, 0], [page.width, 0], [page.width, 600], [0, 600]])
    doc = {"format": "annotator-transcript", "version": 1,
           "episodes": [{"number": 1, "pages": [{"page": 3, "sha256": page.media_sha256, "file": "003.png",
                                                 "width": page.width, "height": page.height}]}],
           "regions": [{"page_sha256": page.media_sha256, "kind": "speech", "lang": "zh", "vertical": True,
                        "x": 100, "y": 50, "w": 80, "h": 300, "ocr_text": "明白", "ocr_engine": "rapidocr",
                        "ocr_engine_version": "3.4.0", "ocr_confidence": 0.9, "corrected_text": "明白！",
                        "translation": "Understood!", "speaker": "Lin Feng",
                        "motifs": [f"{parent.name} / {motif.name}"]}]}
    path = tmp_path / "transcript.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    import_annotations(fresh, [path], coder="Morgan")
    region = annotate.page_data(fresh, page.id).regions[0]
    assert (region.text, region.ocr_text, region.ocr_engine, region.vertical, region.translation) == (
        "明白！", "明白", "rapidocr", True, "Understood!")
    assert region.panel_id is not None and region.speaker_id is not None
    assert [(c.motif_id, c.coder_id) for c in coding.codings_for(fresh, ("text_region", region.id))] == [
        (motif.id, fresh.coder("Morgan"))]
