"""Search: Chinese of every length, English by word, folding, filters, hostile input, the index
staying in step with edits, a property test against a brute-force scan, and auto-code."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from annotator.core import annotate, autocode, coding, models, search_index
from annotator.core.fold import fold, words
from annotator.core.project import init_project, open_project
from annotator.core.query import QueryError, parse
from annotator.core.search import search
from search_project import build

SD = "Secret Division"


@pytest.fixture(scope="module")
def _coded_template(tmp_path_factory):
    root = tmp_path_factory.mktemp("coded")
    with init_project(root / "proj") as project:
        ids = build(project, root)
    return root / "proj", ids


@pytest.fixture
def coded(_coded_template, tmp_path):
    """A fresh copy of the coded project (built once per module through the services)."""
    template, ids = _coded_template
    shutil.copytree(template, tmp_path / "proj")
    with open_project(tmp_path / "proj") as project:
        project.ids = ids
        yield project


def found(project, query: str, **kw) -> list[tuple[int, str]]:
    return [(h.region_id, h.field) for h in search(project, query, limit=1000, **kw).hits]


def region_hits(project, query: str) -> list[int]:
    return [rid for rid, field in found(project, query) if field == "text"]


def test_chinese_queries_of_one_two_three_and_more_characters(coded):
    r = coded.ids["regions"]
    assert set(region_hits(coded, "谍")) == {r[(SD, 1, 3)], r[("Other", 1, 0)], r[(SD, 2, 3)]}
    assert set(region_hits(coded, "境外")) == {r[(SD, 1, 0)], r[(SD, 2, 0)], r[(SD, 3, 2)]}
    assert set(region_hits(coded, "外组")) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}  # a pair inside a word
    assert set(region_hits(coded, "安全机")) == {r[(SD, 1, 2)]}
    assert set(region_hits(coded, "境外组织")) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}
    assert region_hits(coded, "境外组织的人又来了") == [r[(SD, 2, 0)]]
    assert region_hits(coded, "猫") == []


def test_hits_come_in_reading_order_with_context_and_counts(coded):
    result = search(coded, "境外")
    texts = [(h.series, h.episode, h.page, h.panel, h.field) for h in result.hits]
    assert texts == [(SD, 1, 1, 1, "text"), (SD, 1, 1, 1, "motif"), (SD, 2, 1, 1, "text"), (SD, 2, 1, 1, "motif"),
                     (SD, 3, 1, 2, "text")]
    assert result.hits[0].context == "[境外]组织盯上了你" and result.hits[0].spans == [(0, 2)]
    assert result.total == 5 and result.total_exact
    assert [(e["episode"], e["count"]) for e in result.per_episode] == [(1, 2), (2, 2), (3, 1)]
    data = result.to_json()
    assert set(data) == {"query", "total", "hits"}
    assert set(data["hits"][0]) == {"region_id", "series", "episode", "page", "panel", "field", "speaker", "text",
                                    "translation", "motifs", "context"}
    assert data["hits"][0]["motifs"] == ["Overseas organisation"] and data["hits"][0]["speaker"] == "Wang"


def test_correction_is_searched_not_the_ocr_reading_it_replaced(coded):
    r = coded.ids["regions"]
    hit = search(coded, "境外组织的人").hits[0]
    assert hit.region_id == r[(SD, 2, 0)] and hit.text == "境外组织的人又来了"
    annotate.update_region(coded, r[(SD, 2, 0)], text="他们又来了")
    assert region_hits(coded, "境外组织的人") == []
    assert region_hits(coded, "他们又来") == [r[(SD, 2, 0)]]


def test_traditional_and_full_width_queries_find_simplified_text(coded):
    r = coded.ids["regions"]
    assert set(region_hits(coded, "境外組織")) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}
    assert region_hits(coded, "間諜") == region_hits(coded, "间谍") != []
    assert [rid for rid, f in found(coded, "ＳＰＩＥＳ")] == [rid for rid, f in found(coded, "spies")] != []
    assert fold("境外組織　ＡＢＣ") == "境外组织 abc"


def test_english_is_searched_by_whole_word_case_insensitively(coded):
    r = coded.ids["regions"]
    assert found(coded, "SIGN") == [(r[(SD, 2, 2)], "text")]
    assert found(coded, "sig") == []  # not a word of its own
    assert found(coded, "spy") == [(r[("Other", 1, 0)], "translation")]
    assert [f for _, f in found(coded, "field:translation spies")] == ["translation", "translation"]
    assert found(coded, '"sign the form"') == [(r[(SD, 2, 2)], "text")]
    assert found(coded, '"the sign form"') == []


def test_phrases_or_and_not(coded):
    r = coded.ids["regions"]
    assert set(region_hits(coded, "间谍 OR 特务")) == {r[(SD, 1, 3)], r[("Other", 1, 0)], r[(SD, 2, 3)], r[(SD, 3, 0)]}
    assert set(region_hits(coded, "境外 组织")) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}
    assert set(region_hits(coded, "境外 -组织")) == {r[(SD, 3, 2)]}
    assert set(region_hits(coded, "境外 NOT 组织")) == {r[(SD, 3, 2)]}
    assert set(region_hits(coded, "境外 AND 势力")) == {r[(SD, 3, 2)]}
    assert found(coded, '"secret agent"') == [(r[(SD, 3, 0)], "translation")]


def test_every_filter(coded):
    r, ids = coded.ids["regions"], coded.ids
    assert set(region_hits(coded, "间谍 series:Other")) == {r[("Other", 1, 0)]}
    assert set(region_hits(coded, "间谍 -series:Other")) == {r[(SD, 1, 3)], r[(SD, 2, 3)]}
    assert set(region_hits(coded, "ep:3")) == {r[(SD, 3, i)] for i in range(3)}
    assert set(region_hits(coded, "境外 ep:2-3")) == {r[(SD, 2, 0)], r[(SD, 3, 2)]}
    assert set(region_hits(coded, "境外 date:2024-01..2024-06")) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}
    assert set(region_hits(coded, "境外 date:2024-09")) == {r[(SD, 3, 2)]}
    assert set(region_hits(coded, "speaker:Wang")) == {r[(SD, 1, 0)], r[(SD, 2, 0)], r[(SD, 2, 3)]}
    assert region_hits(coded, "speaker:王伟 间谍") == [r[(SD, 2, 3)]]
    assert set(region_hits(coded, "character:Smith")) == {r[(SD, 2, 2)], r[(SD, 2, 3)]}
    # motif: includes the subtree (Threat > Overseas organisation, Espionage), on regions and panels
    assert set(region_hits(coded, "motif:Threat")) == {r[(SD, 1, 0)], r[(SD, 2, 0)], r[(SD, 3, 0)], r[(SD, 3, 1)]}
    assert set(region_hits(coded, 'motif:"Overseas organisation"')) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}
    assert set(region_hits(coded, "motif:警惕")) == {r[(SD, 1, 2)], r[(SD, 1, 3)]}
    assert set(region_hits(coded, "kind:caption")) == {r[(SD, 1, 2)], r[(SD, 3, 1)]}
    assert set(region_hits(coded, "kind:speech -speaker:Wang ep:1")) == {r[(SD, 1, 1)], r[("Other", 1, 0)]}
    assert set(region_hits(coded, f'kind:speech -speaker:Wang ep:1 series:"{SD}"')) == {r[(SD, 1, 1)]}
    assert set(region_hits(coded, "coder:Morgan")) == {r[(SD, 2, 0)], r[(SD, 3, 0)], r[(SD, 3, 1)]}
    assert set(region_hits(coded, "coder:Lin motif:Threat")) == {r[(SD, 1, 0)]}
    assert found(coded, "field:memo agent") == [(r[(SD, 3, 0)], "memo"), (r[(SD, 3, 1)], "memo")]
    assert found(coded, "field:character 李明") == [(r[(SD, 1, 1)], "character"), (r[(SD, 1, 3)], "character"),
                                                   (r[(SD, 3, 0)], "character")]
    assert [f for _, f in found(coded, "field:motif 威胁")] == []  # the parent's name is not on the regions
    assert found(coded, "field:motif espionage") == [(r[(SD, 3, 0)], "motif"), (r[(SD, 3, 1)], "motif")]
    del ids


@pytest.mark.parametrize("query,message", [
    ('"unclosed', "unclosed quote"),
    ("ep:x", "ep:x is not an episode"),
    ("ep:5-2", "empty range"),
    ("date:2024-13", "is not a date"),
    ("kind:balloon", "is not a region kind"),
    ("field:everything", "is not a searched field"),
    ("speaker:Nobody", "matches no character"),
    ("motif:Nothing", "matches no motif"),
    ("coder:Nobody 境外", "matches no coder"),
    ("a OR", "OR needs a term"),
    ("-境外", "nothing to look for"),
    ("%", "no letters, digits or Chinese"),
    ("a OR -b", "NOT cannot be one side of OR"),
    ("x" * 1001, "too long"),
])
def test_malformed_queries_give_one_line_messages(coded, query, message):
    with pytest.raises(QueryError, match=message) as info:
        search(coded, query)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("query", [
    "'", '"', "%", "_", "*", "%%%", "___", "***", "NEAR(", "NEAR(a b)", "a* OR b*", "'; DROP TABLE textregion; --",
    "\" OR 1=1 --", "境外%", "%境外", "_外", "境_", "{text}:境外", "^境外", "境外 NOT", "-", "--", "OR OR", "ep:",
    "\\", "\x00", "境\x00外", "a:b:c", "(境外)", ")", "speaker:\"", "'\"'", "MATCH", "rowid=1",
])
def test_hostile_queries_are_text_or_a_clear_error(coded, query):
    try:
        result = search(coded, query)
    except QueryError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    for hit in result.hits:  # every hit really contains what was asked for
        assert hit.region_id in coded.ids["regions"].values()
    with coded.session() as s:  # nothing was harmed
        assert len(s.exec(select(models.TextRegion)).all()) == 12


def test_percent_and_underscore_are_literal_not_wildcards(coded):
    r = coded.ids["regions"]
    assert region_hits(coded, "100%") == [r[(SD, 2, 3)]]  # the word 100; % is punctuation
    assert region_hits(coded, "谍 100") == [r[(SD, 2, 3)]]
    assert region_hits(coded, "境%") == [] and region_hits(coded, "境_") == []
    assert region_hits(coded, "%%%") == []


def test_index_follows_edits_deletes_undo_and_motif_renames(coded):
    r = coded.ids["regions"]
    rid = r[(SD, 3, 1)]
    annotate.update_region(coded, rid, translation="Three months later, the spy returned")
    assert (rid, "translation") in found(coded, "spy")
    snap = annotate.delete_region(coded, rid)
    assert (rid, "translation") not in found(coded, "spy") and region_hits(coded, "三个月") == []
    annotate.restore(coded, snap)  # undo
    assert region_hits(coded, "三个月") == [rid]
    coding.update_motif(coded, coded.ids["motifs"]["Vigilance"], name="Alertness")
    assert found(coded, "field:motif vigilance") == [] and len(found(coded, "field:motif alertness")) == 2
    coding.update_character(coded, coded.ids["chars"]["Li"], name="Lee")
    assert len(found(coded, "field:character lee")) == 3
    with coded.session() as s:  # a page deleted by the database cascades to regions and documents
        page_id = s.get(models.TextRegion, r[("Other", 1, 0)]).page_id
        s.delete(s.get(models.Page, page_id))
    assert region_hits(coded, "间谍故事") == []
    with coded.session() as s:  # episodes renumbered: hits follow the new reading order
        ep = s.get(models.Episode, coded.ids["episodes"][(SD, 1)])
        ep.number = 9
        s.add(ep)
    assert [h.episode for h in search(coded, "境外").hits if h.field == "text"] == [2, 3, 9]


def test_fts_tables_hold_exactly_the_documents(coded):
    """No stale entries after edits and deletes: the FTS tables agree with search_doc."""
    r = coded.ids["regions"]
    annotate.delete_region(coded, r[(SD, 1, 1)])
    annotate.update_region(coded, r[(SD, 1, 0)], text="改过的文字")
    with coded.session() as s:
        conn = s.connection()
        docs = conn.exec_driver_sql("SELECT count(*) FROM search_doc").scalar()
        assert conn.exec_driver_sql("SELECT count(*) FROM search_tri").scalar() == docs
        conn.exec_driver_sql("INSERT INTO search_tri(search_tri) VALUES ('integrity-check')")
        stale = conn.exec_driver_sql("SELECT count(*) FROM search_grams WHERE rowid NOT IN"
                                     " (SELECT id FROM search_doc)").scalar()
        assert stale == 0


def test_rebuild_matches_incremental_index(coded):
    queries = ["境外", "谍", "spies", "agent", "motif:Threat", "李明"]
    before = {q: found(coded, q) for q in queries}
    with coded.engine.begin() as conn:
        search_index.rebuild(conn)
    assert {q: found(coded, q) for q in queries} == before


def test_migration_builds_the_index_for_an_existing_project(tmp_path, coded):
    """A project from before the index (revision 0002) is searchable after opening."""
    from alembic import command

    from annotator.core.database import alembic_config

    root = coded.root
    url = coded.url
    coded.close()
    cfg = alembic_config(url)
    engine = __import__("annotator.core.database", fromlist=["make_engine"]).make_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    engine.dispose()
    with sqlite3.connect(root / "project.db") as conn:
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search%'").fetchall()
    conn.close()
    with open_project(root) as project:
        assert len(region_hits(project, "境外")) == 3
        assert found(project, "field:memo agent")
    fresh = init_project(tmp_path / "fresh")
    fresh.close()
    objects = "SELECT type, name FROM sqlite_master WHERE name LIKE 'search%' OR name LIKE '%search_doc%' ORDER BY 2"
    with sqlite3.connect(root / "project.db") as a, sqlite3.connect(tmp_path / "fresh" / "project.db") as b:
        assert a.execute(objects).fetchall() == b.execute(objects).fetchall()
    a.close()
    b.close()


def test_parse_keeps_operators_and_filters_apart():
    q = parse('境外組織 "foreign agent" 间谍 OR 特务 -test speaker:"Wang Wei" ep:1-12 date:2024-01..2024-06')
    assert [[(neg, t.folded) for neg, t in g] for g in q.groups] == [
        [(False, "境外组织")], [(False, "foreign agent")], [(False, "间谍"), (False, "特务")], [(True, "test")]]
    assert [(f.key, f.raw) for f in q.filters] == [("speaker", "Wang Wei"), ("ep", "1-12"), ("date", "2024-01..2024-06")]
    assert parse('"-5"').groups[0][0] == (False, parse("5").groups[0][0][1].__class__("-5", "-5", "words", ("5",)))


# -- property: the index answers exactly what a scan of the folded texts answers ---------------

ALPHABET = list("境外组織织间谍諜特务的人我他们来了a") + [" "]
WORDS = ["spy", "Spy", "agent", "SPIES", "the", "overseas", "ｓｐｙ", "100", "x2"]
texts = st.lists(st.one_of(st.text(alphabet=ALPHABET, min_size=0, max_size=12),
                           st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)), min_size=6, max_size=6)
atoms = st.one_of(
    st.text(alphabet=[c for c in ALPHABET if c not in " a"], min_size=1, max_size=4),
    st.sampled_from(WORDS),
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=2).map(lambda w: '"' + " ".join(w) + '"'),
)
queries = st.lists(st.tuples(st.sampled_from(["", "", "-", "OR "]), atoms), min_size=1, max_size=3)


def _render(parts) -> str:
    out = []
    for op, atom in parts:
        if op == "OR " and not out:
            op = ""
        out.append(f"{op}{atom}")
    return " ".join(out)


def _term_matches(term, folded: str) -> bool:
    if term.kind == "sub":
        return term.folded in folded
    tokens = words(folded)
    n = len(term.words)
    return any(tuple(tokens[i:i + n]) == term.words for i in range(len(tokens) - n + 1))


def _brute_force(project, query: str) -> set[tuple[int, str]]:
    parsed = parse(query)

    def ok(folded: str) -> bool:
        return all(
            (not _term_matches(group[0][1], folded)) if group[0][0] and len(group) == 1
            else any(_term_matches(t, folded) for _, t in group)
            for group in parsed.groups)

    hits = set()
    with project.session() as s:
        for region in s.exec(select(models.TextRegion)).all():
            if ok(fold(region.display_text)):
                hits.add((region.id, "text"))
            if region.translation and ok(fold(region.translation)):
                hits.add((region.id, "translation"))
    return hits


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region_texts=texts, translations=texts, parts=queries, dense=st.booleans(), limit=st.sampled_from([1, 3, 1000]))
def test_search_equals_a_brute_force_scan_of_folded_texts(tmp_path_factory, region_texts, translations, parts, dense,
                                                          limit):
    """Both query plans (walk in reading order / fetch by id) and every counting path agree
    with a scan; edits before each example also exercise the index's upkeep."""
    from unittest import mock

    from annotator.core import search as search_module

    project = _property_project(tmp_path_factory)
    for rid, text, translation in zip(project.region_ids, region_texts, translations):
        annotate.update_region(project, rid, text=text, translation=translation)
    query = _render(parts)
    try:
        expected = _brute_force(project, query)
    except QueryError:
        with pytest.raises(QueryError):
            search(project, query)
        return
    with mock.patch.object(search_module, "DENSE", 0 if dense else 10**9):
        result = search(project, query, limit=limit)
    reading_order = {rid: i for i, rid in enumerate(project.region_ids)}
    assert result.total == len(expected)
    ordered = sorted(expected, key=lambda h: (reading_order[h[0]], h[1] != "text"))
    assert [(h.region_id, h.field) for h in result.hits] == ordered[:limit]


_PROPERTY: dict = {}


def _property_project(factory):
    if "project" not in _PROPERTY:
        root = factory.mktemp("property")
        project = init_project(root / "p")
        from PIL import Image

        from annotator.core.importer import EpisodeSpec, import_pages

        Image.new("RGB", (200, 300), "white").save(root / "page.png")
        page_id = import_pages(project, [root / "page.png"], EpisodeSpec(series="P", number=1)).page_ids[0]
        project.region_ids = [annotate.add_region(project, page_id, [[0, 40 * i], [100, 40 * i], [100, 40 * i + 30]])
                              for i in range(6)]
        _PROPERTY["project"] = project
    return _PROPERTY["project"]


# -- auto-code -------------------------------------------------------------------------------------


def test_autocode_motif_after_preview_records_the_query_and_undoes(coded):
    r, motif = coded.ids["regions"], coded.ids["motifs"]["Espionage"]
    before = {c.id for c in _codings(coded)}
    preview = autocode.preview(coded, "间谍 OR 特务", motif_id=motif)
    expected = [r[(SD, 1, 3)], r[("Other", 1, 0)], r[(SD, 2, 3)], r[(SD, 3, 0)]]
    assert sorted(preview.region_ids) == sorted(expected) and preview.changes == 4 and preview.sample
    assert {c.id for c in _codings(coded)} == before  # a preview changes nothing
    done = autocode.apply_motif(coded, preview.region_ids, motif, "间谍 OR 特务", coded.ids["coders"]["Lin"])
    added = [c for c in _codings(coded) if c.id not in before]
    assert sorted(c.text_region_id for c in added) == sorted(expected)
    assert {c.source for c in added} == {"search: 间谍 OR 特务"} and {c.coder_id for c in added} == {
        coded.ids["coders"]["Lin"]}
    assert set(region_hits(coded, "motif:Espionage")) >= set(expected)
    assert autocode.preview(coded, "间谍 OR 特务", motif_id=motif).changes == 0
    autocode.undo(coded, done)
    assert {c.id for c in _codings(coded)} == before


def test_autocode_speaker_and_undo_restores_each_previous_speaker(coded):
    r, chars = coded.ids["regions"], coded.ids["chars"]
    done = autocode.apply_speaker(coded, autocode.preview(coded, "境外", speaker_id=chars["Smith"]).region_ids,
                                  chars["Smith"])
    assert set(region_hits(coded, "speaker:Smith 境外")) == {r[(SD, 1, 0)], r[(SD, 2, 0)], r[(SD, 3, 2)]}
    assert len(done["speakers"]) == 2  # the third already was Smith's
    autocode.undo(coded, done)
    assert set(region_hits(coded, "speaker:Wang 境外")) == {r[(SD, 1, 0)], r[(SD, 2, 0)]}


def _codings(project):
    with project.session() as s:
        return list(s.exec(select(models.Coding)).all())
