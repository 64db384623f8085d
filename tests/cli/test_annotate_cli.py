"""Every annotation service from the command line: tag, untag, text, panels, episode, characters,
codebook. Each command is one transaction, answers --json, and refuses bad input in one line."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from annotator.cli import cli
from annotator.core import annotate, coding, gui_queries
from annotator.core.importer import EpisodeSpec, import_pages
from annotator.core.project import open_project
from annotator.vision.shapes import rect_polygon


def run(*args, code=0):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    if code == 1:
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result


def out(*args):
    return json.loads(run(*args, "--json").stdout)


@pytest.fixture
def proj(tmp_path):
    """A project with the default codebook, one page of three panels and two text regions, and a character."""
    root = tmp_path / "p"
    run("init", root)
    page = tmp_path / "page.png"
    Image.new("RGB", (900, 1200), "white").save(page)
    with open_project(root) as project:
        page_id = import_pages(project, [page], EpisodeSpec(series="S", number=1), workers=1).page_ids[0]
        panels = [annotate.add_panel(project, page_id, rect_polygon(20, y, 860, 350)) for y in (20, 410, 800)]
        regions = [annotate.add_region(project, page_id, rect_polygon(40, 40 + 400 * i, 200, 80)) for i in range(2)]
        lin = coding.create_character(project, "Lin Feng", name_zh="林峰", role="officer")
    return {"root": root, "page": page_id, "panels": panels, "regions": regions, "lin": lin}


HOTLINE = "Public reporting hotline 12339"  # a motif of seeds/codebook.yaml


def test_tag_and_untag_by_motif_name(proj, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_CODER", "Morgan")
    root, panel = proj["root"], proj["panels"][1]
    first = out("tag", root, HOTLINE, "--panel", panel, "--memo", "calls 12339")
    assert first["target"] == {"kind": "panel", "id": panel} and first["motif"] == HOTLINE
    again = out("tag", root, first["motif_id"], "--panel", panel)  # by id; the same coder again: idempotent
    assert again["coding_id"] == first["coding_id"]
    other = out("tag", root, first["motif_id"], "--panel", panel, "--coder", "Lin")  # another coder: their own
    assert other["coding_id"] != first["coding_id"]
    with open_project(root) as project:
        rows = coding.codings_for(project, ("panel", panel))
        morgan, lin = project.coder("Morgan"), project.coder("Lin")
    assert [(r.motif_id, r.memo, r.coder_id) for r in rows] == [(first["motif_id"], "calls 12339", morgan),
                                                                 (first["motif_id"], "", lin)]
    out("tag", root, HOTLINE, "--region", proj["regions"][0])

    removed = out("untag", root, HOTLINE, "--panel", panel)  # Morgan's own coding; Lin's stays
    assert removed["removed_coding_id"] == first["coding_id"]
    with open_project(root) as project:
        assert [c.id for c in coding.codings_for(project, ("panel", panel))] == [other["coding_id"]]
        assert len(coding.codings_for(project, ("text_region", proj["regions"][0]))) == 1  # the other stays
    assert "is not tagged with" in run("untag", root, HOTLINE, "--panel", panel, code=1).stderr
    assert "panel 9999 does not exist" in run("tag", root, HOTLINE, "--panel", 9999, code=1).stderr
    assert "no motif 'Aliens'" in run("tag", root, "Aliens", "--panel", panel, code=1).stderr
    assert "exactly one of" in run("tag", root, HOTLINE, code=2).stderr


def test_text_sets_correction_translation_speaker_and_kind_at_once(proj):
    root, region = proj["root"], proj["regions"][0]
    data = out("text", root, region, "--correction", "不对劲，就打12339！", "--translation", "Call 12339!",
               "--speaker", "林峰", "--kind", "speech", "--lang", "zh")
    assert data["before"] == {"text": None, "translation": "", "speaker_id": None, "kind": "speech", "lang": "zh"} \
        or data["before"]["text"] is None
    with open_project(root) as project:
        row = annotate.page_data(project, proj["page"]).regions[0]
    assert (row.text, row.translation, row.speaker_id, row.kind, row.lang) == (
        "不对劲，就打12339！", "Call 12339!", proj["lin"], "speech", "zh")
    assert data["region"]["text"] == row.text and data["region"]["version"] == row.version

    # one transaction: an unknown speaker refuses the whole edit, the new correction is not written
    assert "no character 'Nobody'" in run("text", root, region, "--correction", "X", "--speaker", "Nobody",
                                          code=1).stderr
    cleared = out("text", root, region, "--clear-correction", "--speaker", "")
    assert cleared["region"]["text"] is None and cleared["region"]["speaker_id"] is None
    assert cleared["before"]["text"] == "不对劲，就打12339！"
    assert "text region 777 does not exist" in run("text", root, 777, "--translation", "x", code=1).stderr


def test_panels_list_reorder_delete(proj):
    root, page = proj["root"], proj["page"]
    a, b, c = proj["panels"]
    listed = out("panels", "list", root, page)
    assert [p["id"] for p in listed] == [a, b, c] and listed[0]["bbox"] == [20, 20, 860, 350]
    moved = out("panels", "reorder", root, page, c, a)
    assert moved["order"] == [c, a, b] and moved["before"] == [a, b, c]
    assert [p["id"] for p in out("panels", "list", root, page)] == [c, a, b]
    assert "not on page" in run("panels", "reorder", root, page, 4242, code=1).stderr
    out("panels", "delete", root, a)
    listed = out("panels", "list", root, page)
    assert [(p["id"], p["order"]) for p in listed] == [(c, 0), (b, 1)]
    assert "panel 4242 does not exist" in run("panels", "delete", root, 4242, code=1).stderr


def test_episode_provenance(proj):
    root = proj["root"]
    data = out("episode", root, "--episode", 1, "--title", "The survey team", "--title-zh", "山里的测绘队",
               "--date", "2024-04-15", "--url", "https://example.org/ep1", "--account", "国家安全部")
    assert data["details"]["title_zh"] == "山里的测绘队" and data["details"]["account"] == "国家安全部"
    assert data["before"]["title_zh"] == "" and data["before"]["published_on"] is None
    with open_project(root) as project:
        details = gui_queries.episode_details(project, data["episode_id"])
    assert (details["title"], str(details["published_on"]), details["source_url"]) == (
        "The survey team", "2024-04-15", "https://example.org/ep1")
    shown = out("episode", root, "--episode", 1)
    assert shown["before"] == {} and shown["details"]["title"] == "The survey team"
    assert "YYYY-MM-DD" in run("episode", root, "--episode", 1, "--date", "15/4/2024", code=2).stderr
    assert "no episode 7" in run("episode", root, "--episode", 7, code=1).stderr


def test_characters_list_add_edit_link(proj):
    root, panel = proj["root"], proj["panels"][0]
    added = out("characters", "add", root, "Old Wang", "--name-zh", "老王", "--role", "local recruit")
    assert (added["name"], added["name_zh"], added["role"]) == ("Old Wang", "老王", "local recruit")
    edited = out("characters", "edit", root, "老王", "--role", "civilian", "--affiliation", "village")
    assert edited["before"] == {"role": "local recruit", "affiliation": ""}
    assert edited["character"]["role"] == "civilian"
    linked = out("characters", "link", root, "Old Wang", "--panel", panel)
    assert linked["panels"] == [panel]
    assert out("characters", "link", root, added["id"], "--panel", panel)["appearance_id"] == linked["appearance_id"]
    listed = {c["name"]: c for c in out("characters", "list", root)}
    assert listed["Old Wang"]["appearances"] == 1 and listed["Lin Feng"]["appearances"] == 0
    assert out("characters", "link", root, "Old Wang", "--panel", panel, "--unlink")["panels"] == []
    assert "is not linked to panel" in run("characters", "link", root, "Old Wang", "--panel", panel, "--unlink",
                                           code=1).stderr
    assert "nothing to change" in run("characters", "edit", root, "Old Wang", code=2).stderr


def test_codebook_add_move_merge(proj):
    root = proj["root"]
    tree = out("codebook", "list", root)
    assert len(tree) == 22 and tree[0]["depth"] == 0
    group = out("codebook", "add", root, "Online threats", "--name-zh", "网络威胁", "--colour", "#225588")
    leaf = out("codebook", "add", root, "Phishing", "--parent", "Online threats")
    assert leaf["parent_id"] == group["id"]
    other = out("codebook", "add", root, "Phishing mail")
    moved = out("codebook", "move", root, other["id"], "--parent", "网络威胁", "--position", 0)
    assert (moved["motif"]["parent_id"], moved["motif"]["position"]) == (group["id"], 0)
    assert moved["before"]["parent_id"] is None
    out("tag", root, other["id"], "--panel", proj["panels"][0])
    merged = out("codebook", "merge", root, other["id"], "Phishing")
    assert merged == {"merged": other["id"], "into": leaf["id"], "codings": 1}
    names = [m["name"] for m in out("codebook", "list", root)]
    assert "Phishing mail" not in names and names.count("Phishing") == 1
    assert "cannot be moved under itself" in run("codebook", "move", root, "Online threats", "--parent",
                                                 "Phishing", code=1).stderr
    assert "give --parent MOTIF or --top" in run("codebook", "move", root, "Phishing", code=2).stderr


def test_codebook_export_import_round_trip(proj, tmp_path):
    root = proj["root"]
    out("codebook", "add", root, "网络安全", "--parent", "Civic messaging", "--shortcut", "")
    path = tmp_path / "codebook.yaml"
    assert out("codebook", "export", root, "-o", path)["motifs"] == 23
    assert "网络安全" in path.read_text(encoding="utf-8")  # readable Chinese, not \\u escapes
    fresh = tmp_path / "fresh"
    run("init", fresh, "--no-codebook")
    assert out("codebook", "import", fresh, path)["added"] == 23
    with open_project(root) as a, open_project(fresh) as b:
        assert coding.codebook_tree(a) == coding.codebook_tree(b) == yaml.safe_load(path.read_text())["motifs"]
    assert out("codebook", "import", fresh, path)["added"] == 0  # nothing twice

    bad = tmp_path / "bad.yaml"
    bad.write_text("motifs:\n  - name: Fine\n  - description: no name here\n", encoding="utf-8")
    assert "bad.yaml is not a codebook file" in run("codebook", "import", fresh, bad, code=1).stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("motifs: [unclosed\n", encoding="utf-8")
    assert "broken.yaml is not a codebook file" in run("codebook", "import", fresh, broken, code=1).stderr
    assert "Fine" not in [m["name"] for m in out("codebook", "list", fresh)]  # the bad file added nothing
