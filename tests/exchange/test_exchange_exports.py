"""Exports of a coded project: official schemas where the team's copies exist, structure always."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from annotator.core import models
from annotator.core.exchange.view import gather
from annotator.core.export import Scope, export, formats

# The team's copies of the official schemas, beside the repository (or where ANNOTATOR_SCHEMAS says).
SCHEMAS = Path(os.environ.get("ANNOTATOR_SCHEMAS") or Path(__file__).resolve().parents[2].parent / "shared" / "schemas")
PAGE_NS = {"pc": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
ALTO_NS = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
TEI_NS = {"t": "http://www.tei-c.org/ns/1.0", "cbml": "http://www.cbml.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def schema(*parts: str) -> Path:
    path = SCHEMAS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"official schema {'/'.join(parts)} not found under {SCHEMAS} (the team's schema folder)")
    return path


def xsd(*parts: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema(*parts))))


def assert_valid(validator: etree.XMLSchema, path: Path) -> None:
    ok = validator.validate(etree.parse(str(path)))
    assert ok, f"{path.name}: {[str(e) for e in validator.error_log][:5]}"


@pytest.fixture(scope="module", params=["built", "demo"])
def exported(request, tmp_path_factory):
    """Every exchange format, written once: of the project built here, and of the coded demo."""
    from annotator.core.project import open_project

    source = request.getfixturevalue("coded_dir" if request.param == "built" else "demo_template")
    out = tmp_path_factory.mktemp("exports")
    with open_project(source) as project:
        for name, target in [("page", "page"), ("alto", "alto"), ("tei", "edition.xml"), ("qdpx", "project.qdpx"),
                             ("qdc", "codebook.qdc"), ("webanno", "webanno"), ("coco", "coco")]:
            export(project, name, out / target)
        view = gather(project)
    return out, view


def test_list_formats_names_each_exchange_format_with_version():
    known = formats()
    for name, version in [("page", "PAGE XML 2019-07-15"), ("alto", "ALTO 4.4"), ("tei", "TEI P5 + CBML"),
                          ("qdpx", "REFI-QDA project 1.0"), ("qdc", "REFI-QDA codebook 1.0"),
                          ("webanno", "W3C Web Annotation 2017"), ("coco", "COCO 1.0 (detection)")]:
        assert known[name].version == version
        assert known[name].carries


def test_page_files_valid_against_the_page_2019_schema(exported):
    out, view = exported
    validator = xsd("page", "2019-07-15", "pagecontent.xsd")
    files = sorted((out / "page").glob("*.xml"))
    assert len(files) == len(view.pages) == 6  # the demo's six pages
    for path in files:
        assert_valid(validator, path)


def test_page_text_equiv_convention_and_reading_order(exported):
    out, view = exported
    pv = view.pages[0]
    root = etree.parse(str(out / "page" / f"{pv.stem}.xml"))
    regions = root.findall(".//pc:TextRegion", PAGE_NS)
    assert [r.get("id") for r in regions] == [f"r{r.id}" for r in pv.regions]
    for el, region in zip(regions, pv.regions):
        equivs = {te.get("index"): te for te in el.findall("pc:TextEquiv", PAGE_NS)}
        if region.text is not None:
            assert equivs["0"].findtext("pc:Unicode", namespaces=PAGE_NS) == region.text
            assert equivs["0"].get("conf") is None
        if region.ocr_text is not None:
            assert equivs["1"].findtext("pc:Unicode", namespaces=PAGE_NS) == region.ocr_text
            assert float(equivs["1"].get("conf")) == pytest.approx(region.ocr_confidence, abs=1e-3)
            assert equivs["1"].get("comments") == f"ocr {region.ocr_engine} {region.ocr_engine_version}"
        assert set(equivs) == {i for i, present in (("0", region.text is not None), ("1", region.ocr_text is not None))
                               if present}
        assert f"structure {{type:{region.kind};}}" in el.get("custom")
    groups = root.findall(".//pc:ReadingOrder/pc:OrderedGroup/pc:OrderedGroupIndexed", PAGE_NS)
    assert [g.get("regionRef") for g in groups] == [f"p{p.id}" for p in pv.panels]
    for group, panel in zip(groups, pv.panels):
        assert [r.get("regionRef") for r in group] == [f"r{r.id}" for r in pv.regions if r.panel_id == panel.id]


def test_alto_files_valid_against_alto_4_4(exported):
    out, _view = exported
    validator = xsd("alto", "alto-4-4.xsd")
    files = sorted((out / "alto").glob("*.xml"))
    assert len(files) == 6
    for path in files:
        assert_valid(validator, path)
    root = etree.parse(str(files[0]))
    strings = root.findall(".//a:TextBlock/a:TextLine/a:String", ALTO_NS)
    assert strings and all(s.get("CONTENT") for s in strings)
    assert all(0 <= float(s.get("WC")) <= 1 for s in strings)


def test_refi_qda_project_and_codebook_valid(exported):
    out, view = exported
    with zipfile.ZipFile(out / "project.qdpx") as zf:
        names = zf.namelist()
        qde = zf.read("project.qde")
    root = etree.fromstring(qde)
    assert xsd("refi-qda", "Project-mrt2019.xsd").validate(root.getroottree())
    assert_valid(xsd("refi-qda", "Codebook-mrt2019.xsd"), out / "codebook.qdc")
    ns = {"q": "urn:QDA-XML:project:1.0"}
    sources = root.findall(".//q:PictureSource", ns)
    assert len(sources) == 6
    for source in sources:
        assert source.get("path").replace("internal://", "sources/") in names
    selections = root.findall(".//q:PictureSelection", ns)
    boxes = {(s.getparent().get("guid"), s.get("name")) for s in selections}
    assert len(boxes) == sum(len(p.panels) + len(p.regions) for p in view.pages)
    coded = [s for s in selections if s.findall("q:Coding", ns)]
    assert all(s.get("creatingUser") == c.get("creatingUser") for s in coded for c in s.findall("q:Coding", ns)
               if c.get("creatingUser"))
    users = {u.get("guid"): u.get("name") for u in root.findall(".//q:User", ns)}
    assert set(users.values()) == {"Lin", "Morgan"}
    memos = sorted(n.findtext("q:PlainTextContent", namespaces=ns) for n in root.findall(".//q:Note", ns))
    assert memos and memos == sorted(c.memo for (kind, _), cs in view.codings.items() if kind != "episode"
                                     for c in cs if c.memo)


def _web_annotation_validator():
    import jsonschema
    from referencing import Registry, Resource

    base = schema("web-annotation", "definitions")
    registry = Registry()
    for path in base.glob("*.json"):
        registry = registry.with_resource(path.name, Resource.from_contents(json.loads(path.read_text("utf-8"))))

    def assertions(test_file: str) -> list:
        test = json.loads((base.parent / test_file).read_text("utf-8"))
        loaded = [json.loads((base.parent / a).read_text("utf-8")) for a in test["assertions"]]
        return [(a, jsonschema.Draft4Validator(a, registry=registry)) for a in loaded]

    suites = {kind: assertions(f) for kind, f in [("annotation", "annotations/annotationMusts.test"),
                                                  ("collection", "collections/collectionMusts.test"),
                                                  ("page", "collections/pages/pageMusts.test")]}

    def check(kind: str, document: dict) -> list[str]:
        failures = []
        for assertion, validator in suites[kind]:
            valid = validator.is_valid(document)
            if valid != (assertion.get("expectedResult", "valid") == "valid"):
                failures.append(f"{assertion['id']}: {assertion.get('errorMessage', '')}")
        return failures

    return check


def test_web_annotation_collections_pass_the_w3c_test_suite_musts(exported):
    out, _view = exported
    check = _web_annotation_validator()
    files = sorted((out / "webanno").glob("*.jsonld"))
    assert len(files) == 3
    for path in files:
        data = json.loads(path.read_text("utf-8"))
        context = data["@context"]
        assert check("collection", data) == []
        page = dict(data["first"], **{"@context": context})  # as a standalone document would carry it
        assert check("page", page) == []
        assert data["total"] == len(page["items"]) > 0
        for anno in _one_of_each_shape(page["items"]):
            assert check("annotation", dict(anno, **{"@context": context})) == [], anno["id"]


def _one_of_each_shape(items: list[dict]) -> list[dict]:
    """One annotation per distinct structure (selector, body purposes and creators, style): the suite's
    checks are structural, and running all of them on every annotation costs half a minute."""
    shapes = {}
    for anno in items:
        target = anno["target"]
        key = (target.get("selector", {}).get("type"), "styleClass" in target, "stylesheet" in anno,
               type(anno.get("creator")).__name__,
               tuple(sorted((b["purpose"], b.get("creator", {}).get("type", ""), "language" in b)
                            for b in anno.get("body", []))))
        shapes.setdefault(key, anno)
    return list(shapes.values())


def test_web_annotation_selectors_and_bodies(exported):
    out, _view = exported
    data = json.loads((out / "webanno" / "ep001.jsonld").read_text("utf-8"))
    items = data["first"]["items"]
    selectors = [a["target"]["selector"]["type"] for a in items if "selector" in a["target"]]
    assert "FragmentSelector" in selectors and "SvgSelector" in selectors
    fragment = next(a["target"]["selector"] for a in items if a["target"].get("selector", {}).get("type") ==
                    "FragmentSelector")
    assert fragment["conformsTo"] == "http://www.w3.org/TR/media-frags/" and fragment["value"].startswith("xywh=")
    purposes = {b["purpose"] for a in items for b in a.get("body", [])}
    assert {"transcribing", "translating", "tagging", "identifying", "classifying"} <= purposes
    translating = next(b for a in items for b in a.get("body", []) if b["purpose"] == "translating")
    assert translating["language"] == "en"
    creators = {b["creator"]["name"] for a in items for b in a.get("body", []) if b["purpose"] == "tagging"}
    assert creators == {"Lin", "Morgan"}


def test_coco_loads_with_pycocotools(exported):
    pycocotools_coco = pytest.importorskip("pycocotools.coco")
    out, view = exported
    coco = pycocotools_coco.COCO(str(out / "coco" / "annotations.json"))
    assert len(coco.getImgIds()) == 6
    names = {c["id"]: c["name"] for c in coco.loadCats(coco.getCatIds())}
    assert {"panel", "speech", "caption", "thought", "sfx"} <= set(names.values())
    panels = sum(len(p.panels) for p in view.pages)
    assert len(coco.getAnnIds(catIds=[k for k, v in names.items() if v == "panel"])) == panels
    for image in coco.loadImgs(coco.getImgIds()):
        assert (out / "coco" / image["file_name"]).exists()
    ann = coco.loadAnns(coco.getAnnIds())[0]
    mask = coco.annToMask(ann)
    assert abs(int(mask.sum()) - ann["area"]) / ann["area"] < 0.02


def test_tei_structure(exported):
    """No TEI RELAX NG is available offline: well-formedness plus every pointer resolving and the order kept."""
    out, view = exported
    root = etree.parse(str(out / "edition.xml")).getroot()
    ids = {el.get(XML_ID) for el in root.iter() if el.get(XML_ID)}
    for el in root.iter():
        for attr in ("who", "ana", "facs", "resp", "corresp", "source"):
            for ref in (el.get(attr) or "").split():
                assert ref.startswith("#") and ref[1:] in ids, f"{etree.QName(el).localname}/@{attr}={ref}"
    persons = root.findall(".//t:listPerson/t:person", TEI_NS)
    assert [p.findtext("t:persName", namespaces=TEI_NS) for p in persons] == [c.name for c in view.characters.values()]
    categories = root.findall(".//t:taxonomy//t:category", TEI_NS)
    assert len(categories) == len(view.motifs)
    episodes = root.findall(".//t:body/t:div[@type='episode']", TEI_NS)
    assert len(episodes) == 3
    first = view.episodes[0].pages[0]
    panels = episodes[0].findall("cbml:panel", TEI_NS)[:len(first.panels)]
    assert [p.get("facs") for p in panels] == [f"#zone-panel-{p.id}" for p in first.panels]
    balloon = next(r for r in first.regions if r.kind == "speech" and r.speaker_id)
    el = root.find(f".//cbml:balloon[@facs='#zone-region-{balloon.id}']", TEI_NS)
    assert el.get("who") == f"#char-{balloon.speaker_id}"
    assert el.text == balloon.display_text.split("\n")[0]


def test_exports_are_reproducible(coded, tmp_path):
    for name, target in [("page", "a"), ("qdpx", "a.qdpx"), ("webanno", "w"), ("tei", "t.xml")]:
        first = export(coded, name, tmp_path / "one" / target)
        second = export(coded, name, tmp_path / "two" / target)
        assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second], name


def test_export_scope_is_one_episode(coded, tmp_path):
    from sqlmodel import select

    with coded.session() as s:
        episode = s.exec(select(models.Episode).where(models.Episode.number == 3)).one()
    written = export(coded, "page", tmp_path / "ep3", Scope((episode.id,)))
    assert [p.name for p in written] == ["ep003-p001.xml", "ep003-p002.xml"]
