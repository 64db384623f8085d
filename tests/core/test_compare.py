"""Comparison services against counts made by hand from the fixture's list of codings."""

from __future__ import annotations

import pytest
from comparison_fixture import copy, template

from annotator.core import annotate, coding, compare


@pytest.fixture(scope="session")
def coded_template(tmp_path_factory):
    return template(tmp_path_factory)


@pytest.fixture
def coded(coded_template, tmp_path):
    root, ids = coded_template
    with copy(root, tmp_path / "proj") as project:
        project.ids = ids
        yield project


def s_episodes(p, *keys):
    return [p.ids["episodes"][k] for k in keys]


def test_motif_matrix_equals_hand_count(coded):
    m = compare.motif_matrix(coded, series="S")
    assert m["episodes"] == [1, 2, 3]
    assert m["motifs"] == ["Threat", "Agents", "Spying", "Response", "Other", "Unused"]  # codebook order
    assert m["counts"] == {
        # Threat = its own episode coding + Agents + Spying
        "Threat": {1: 4, 2: 3, 3: 0},
        "Agents": {1: 2, 2: 2, 3: 0},
        "Spying": {1: 1, 2: 1, 3: 0},
        "Response": {1: 1, 2: 0, 3: 1},
        "Other": {1: 0, 2: 1, 3: 1},
        "Unused": {1: 0, 2: 0, 3: 0},
    }
    # distinct panels: two codings in panel F count once; page and episode codings are in no panel
    assert m["panels"]["Agents"] == {1: 2, 2: 1, 3: 0}
    assert m["panels"]["Threat"] == {1: 2, 2: 2, 3: 0}
    assert m["panels"]["Response"] == {1: 0, 2: 0, 3: 1}
    assert m["shares"]["Threat"] == {1: 0.5, 2: 1.0, 3: 0.0}
    assert m["shares"]["Agents"] == {1: 0.5, 2: 0.5, 3: 0.0}
    assert [e["panels"] for e in m["episode_info"]] == [4, 2, 1]


def test_matrix_filters_by_episodes_series_and_coder(coded):
    lin = compare.motif_matrix(coded, series="S", coder="Lin")
    assert lin["counts"]["Agents"] == {1: 2, 2: 0, 3: 0}
    assert lin["counts"]["Threat"] == {1: 3, 2: 1, 3: 0}
    assert lin["counts"]["Other"] == {1: 0, 2: 0, 3: 0}
    morgan = compare.motif_matrix(coded, series="S", coder="Morgan")
    assert morgan["counts"]["Threat"] == {1: 1, 2: 2, 3: 0}
    for motif in lin["motifs"]:  # two coders split every count exactly
        for ep in (1, 2, 3):
            both = compare.motif_matrix(coded, series="S")["counts"][motif][ep]
            assert lin["counts"][motif][ep] + morgan["counts"][motif][ep] == both

    two = compare.motif_matrix(coded, episode_ids=compare.episodes_in_range(coded, "2-3", series="S"))
    assert two["episodes"] == [2, 3]
    assert two["counts"]["Agents"] == {2: 2, 3: 0}

    t = compare.motif_matrix(coded, series="T")
    assert t["episodes"] == [1] and t["counts"]["Agents"] == {1: 1} and t["counts"]["Spying"] == {1: 0}

    everything = compare.motif_matrix(coded)  # both series have an episode 1: keys name the series
    assert everything["episodes"] == ["S #1", "S #2", "S #3", "T #1"]
    assert everything["counts"]["Agents"] == {"S #1": 2, "S #2": 2, "S #3": 0, "T #1": 1}


def test_unknown_filters_are_clear_errors(coded):
    with pytest.raises(compare.CompareError, match="no coder named 'Nobody'"):
        compare.motif_matrix(coded, coder="Nobody")
    with pytest.raises(compare.CompareError, match="no series"):
        compare.appearances(coded, series="Missing")
    with pytest.raises(compare.CompareError, match="not an episode range"):
        compare.episodes_in_range(coded, "1-x")
    with pytest.raises(compare.CompareError, match="backwards"):
        compare.episodes_in_range(coded, "5-2")
    assert compare.episodes_in_range(coded, "1-1,3", series="S") == s_episodes(coded, "S1", "S3")


def test_appearances_per_episode(coded):
    a = compare.appearances(coded, series="S")
    assert a["characters"] == ["Smith", "Wang"]  # "Nobody" never appears
    assert a["counts"] == {"Smith": {1: 1, 2: 1, 3: 0}, "Wang": {1: 2, 2: 0, 3: 0}}
    assert a["shares"]["Wang"] == {1: 0.5, 2: 0.0, 3: 0.0}
    assert compare.appearances(coded, series="S", coder="Lin")["counts"] == {"Wang": {1: 2, 2: 0, 3: 0}}
    assert compare.appearances(coded, series="T")["counts"] == {"Wang": {1: 1}}


def test_speech_share_counts_balloons_and_characters_and_sums_to_one(coded):
    sp = compare.speech_share(coded, series="S")
    assert sp["characters"] == ["Smith", "Wang", compare.NO_SPEAKER]
    # the caption in panel B is not a balloon; r2's correction (4 characters) replaces its OCR "X"
    assert sp["balloons"] == {"Smith": {1: 1, 2: 0, 3: 0}, "Wang": {1: 1, 2: 2, 3: 0},
                              compare.NO_SPEAKER: {1: 1, 2: 0, 3: 1}}
    assert sp["chars"] == {"Smith": {1: 4, 2: 0, 3: 0}, "Wang": {1: 4, 2: 3, 3: 0},
                           compare.NO_SPEAKER: {1: 3, 2: 0, 3: 2}}
    for measure in ("balloon_share", "char_share"):
        for ep in sp["episodes"]:
            assert sum(sp[measure][c][ep] for c in sp["characters"]) == pytest.approx(1.0)
    assert sp["char_share"]["Wang"][1] == pytest.approx(4 / 11)
    # editing a correction changes the figures at once
    annotate.update_region(coded, coded.ids["regions"]["r1"], text="你好")
    assert compare.speech_share(coded, series="S")["chars"]["Wang"][1] == 2


def test_cooccurrence_is_symmetric_and_counts_panels(coded):
    co = compare.cooccurrence(coded, series="S")
    # Threat is only on a whole episode and Response on a page in S1 and panel G in S3
    assert co["motifs"] == ["Agents", "Spying", "Response", "Other"]
    assert co["counts"] == {
        "Agents": {"Agents": 3, "Spying": 1, "Response": 0, "Other": 0},
        "Spying": {"Agents": 1, "Spying": 2, "Response": 0, "Other": 1},
        "Response": {"Agents": 0, "Spying": 0, "Response": 1, "Other": 1},
        "Other": {"Agents": 0, "Spying": 1, "Response": 1, "Other": 2},
    }
    for a in co["motifs"]:
        for b in co["motifs"]:
            assert co["counts"][a][b] == co["counts"][b][a]
    assert co["character_counts"] == {"Smith": {"Agents": 2, "Spying": 1, "Response": 0, "Other": 0},
                                      "Wang": {"Agents": 2, "Spying": 1, "Response": 0, "Other": 0}}
    # Morgan's panels: B {Spying}, E {Other}, F {Agents}, G {Other}; Spying meets Other in E only with Lin's coding
    morgan = compare.cooccurrence(coded, series="S", coder="Morgan")
    assert morgan["motifs"] == ["Agents", "Spying", "Other"]
    assert morgan["counts"]["Spying"] == {"Agents": 0, "Spying": 1, "Other": 0}
    assert morgan["counts"]["Other"]["Other"] == 2


def test_timeline_orders_by_publication_date(coded):
    tl = compare.timeline(coded, series="S")
    assert tl["episodes"] == [1, 3, 2]  # episode 3 was published before episode 2
    rows = {(r["kind"], r["name"]): r for r in tl["rows"]}
    other = rows[("motif", "Other")]
    assert (other["first"], other["first_date"], other["last"], other["last_date"]) == (3, "2024-01-20", 2,
                                                                                        "2024-02-10")
    assert rows[("motif", "Threat")]["episodes"] == [1, 2]
    assert rows[("motif", "Response")]["episodes"] == [1, 3]
    assert rows[("character", "Smith")]["episodes"] == [1, 2]
    assert ("motif", "Unused") not in rows


def test_cell_targets_list_the_panels_behind_a_cell(coded):
    ids = coded.ids
    cell = compare.cell_targets(coded, ids["motifs"]["Threat"], ids["episodes"]["S1"])
    assert [(t["kind"], t["panel_id"]) for t in cell] == [("episode", None), ("panel", ids["panels"]["A"]),
                                                          ("panel", ids["panels"]["B"])]
    response = compare.cell_targets(coded, ids["motifs"]["Response"], ids["episodes"]["S1"])
    assert [(t["kind"], t["page_id"]) for t in response] == [("page", ids["pages"]["b"])]
    lin = compare.cell_targets(coded, ids["motifs"]["Agents"], ids["episodes"]["S2"], coder="Lin")
    assert lin == []


def test_deleting_a_panel_updates_the_matrix(coded):
    annotate.delete_panel(coded, coded.ids["panels"]["F"])
    m = compare.motif_matrix(coded, series="S")
    assert m["counts"]["Agents"][2] == 1  # the panel coding went with it; r6's coding stays (region kept)
    coding.add_coding(coded, coded.ids["motifs"]["Unused"], ("panel", coded.ids["panels"]["C"]))
    assert compare.motif_matrix(coded, series="S")["counts"]["Unused"] == {1: 1, 2: 0, 3: 0}


def test_csv_table_has_a_row_per_motif_and_measure(coded):
    text = compare.to_csv(compare.motif_matrix(coded, series="S"), "motif")
    lines = text.splitlines()
    assert lines[0] == "motif,measure,1,2,3"
    assert "Threat,counts,4,3,0" in lines
    assert "Threat,shares,0.5,1.0,0.0" in lines
    for by in compare.BY:
        rows = compare.table(compare.compare(coded, by, series="S"), by)
        assert len(rows) > 1 and all(isinstance(r, list) for r in rows)


def test_matrix_on_the_coded_demo_equals_a_count_of_its_seed(demo_template):
    """The demo's coding.yaml, counted by hand per episode (pages are epNN/...), with parent
    motifs summing their children as in the codebook."""
    import yaml

    from annotator.core.project import open_project
    from annotator.core.seeds import SEEDS_DIR

    seed = yaml.safe_load((SEEDS_DIR / "demo" / "coding.yaml").read_text(encoding="utf-8"))
    book = yaml.safe_load((SEEDS_DIR / "codebook.yaml").read_text(encoding="utf-8"))
    expected: dict[str, dict[str, dict[int, int]]] = {"all": {}, "Lin": {}, "Morgan": {}}

    def tally(episode: int, tags: dict) -> None:
        for coder, names in (tags or {}).items():
            for name in names:
                for key in ("all", coder):
                    row = expected[key].setdefault(name, {1: 0, 2: 0, 3: 0})
                    row[episode] += 1

    for number, entry in seed["episodes"].items():
        tally(int(number), entry.get("tags"))
    for image, page in seed["pages"].items():
        episode = int(image.split("/")[0][2:])
        for entry in list((page.get("panels") or {}).values()) + list((page.get("balloons") or {}).values()):
            tally(episode, entry.get("tags"))
    for top in book["motifs"]:
        for counts in expected.values():
            children = [counts.get(c["name"], {1: 0, 2: 0, 3: 0}) for c in top.get("children", [])]
            counts[top["name"]] = {e: counts.get(top["name"], {}).get(e, 0) + sum(c[e] for c in children)
                                   for e in (1, 2, 3)}

    with open_project(demo_template) as demo:
        for key, counts in expected.items():
            m = compare.motif_matrix(demo, coder=None if key == "all" else key)
            assert m["episodes"] == [1, 2, 3]
            for motif in m["motifs"]:
                assert m["counts"][motif] == counts.get(motif, {1: 0, 2: 0, 3: 0}), (key, motif)
        assert compare.motif_matrix(demo)["counts"]["Threat actors"][1] > 0
        speech = compare.speech_share(demo)
        for ep in speech["episodes"]:
            assert sum(speech["char_share"][c][ep] for c in speech["characters"]) == pytest.approx(1.0)
        co = compare.cooccurrence(demo)
        assert all(co["counts"][a][b] == co["counts"][b][a] for a in co["motifs"] for b in co["motifs"])
