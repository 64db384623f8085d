"""`annotator history` and `annotator status` on the coded demo."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlmodel import select

from annotator.cli import cli
from annotator.core import annotate, models, revisions
from annotator.core.project import open_project


def run(*args, code=0):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def _corrected_region(root) -> int:
    with open_project(root) as project, project.session() as s:
        return s.exec(select(models.TextRegion.id).where(models.TextRegion.text.is_not(None))
                      .order_by(models.TextRegion.id)).first()


def test_history_shows_the_demo_import_then_a_typed_edit_and_reverts_it(demo_dir):
    region = _corrected_region(demo_dir)
    data = json.loads(run("history", demo_dir, "--region", region, "--json").stdout)
    assert data["region"] == region
    first = data["revisions"][0]
    assert (first["field"], first["source"], first["coder"], first["old"]) == ("text", "imported", "Lin", None)
    assert data["ocr"] and data["ocr"][0]["engine"]  # the demo's OCR run is a layer
    with open_project(demo_dir) as project, revisions.acting("Morgan"):
        annotate.update_region(project, region, text="改过的")
    data = json.loads(run("history", demo_dir, "--region", region, "--field", "text", "--json").stdout)
    assert [(r["new"], r["coder"], r["source"]) for r in data["revisions"][-1:]] == [("改过的", "Morgan", "typed")]
    data = json.loads(run("history", demo_dir, "--region", region, "--revert", first["id"], "--coder", "Lin",
                          "--json").stdout)
    last = data["revisions"][-1]
    assert (last["old"], last["new"], last["source"], last["coder"]) == ("改过的", first["new"], "reverted", "Lin")
    assert "reverted" in run("history", demo_dir, "--region", region).stdout


def test_history_errors_are_one_line(demo_dir):
    result = run("history", demo_dir, "--region", 999999, code=1)
    assert "does not exist" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    region = _corrected_region(demo_dir)
    result = run("history", demo_dir, "--region", region + 1, "--revert",
                 revisions_of(demo_dir, region)[0], code=1)
    assert f"belongs to region {region}" in result.stderr


def revisions_of(root, region):
    with open_project(root) as project:
        return [r.id for r in revisions.history(project, region)]


def test_status_set_list_and_filter(demo_dir):
    data = json.loads(run("status", demo_dir, "--episode", 1, "--json").stdout)
    assert data["pages"] and {p["status"] for p in data["pages"]} <= {"new", "in_progress"}
    data = json.loads(run("status", demo_dir, "--episode", 1, "--page", 1, "--set", "done", "--json").stdout)
    assert (data["page"], data["status"]) == (1, "done") and data["before"] in ("new", "in_progress")
    assert json.loads(run("status", demo_dir, "--episode", 1, "--page", 1, "--json").stdout)["status"] == "done"
    done = json.loads(run("status", demo_dir, "--only", "done", "--json").stdout)["pages"]
    assert [(p["episode"], p["page"]) for p in done] == [(1, 1)]
    assert "no page 99" in run("status", demo_dir, "--episode", 1, "--page", 99, code=1).stderr
    assert run("status", demo_dir, "--page", 1, code=2).exit_code == 2
    assert "done" in run("status", demo_dir, "--episode", 1).stdout


def test_cli_text_edit_is_a_revision_by_the_coder_in_the_environment(demo_dir):
    import pytest

    if "text" not in cli.commands:
        pytest.skip("`annotator text` is not on this branch yet (it comes with the suite branch)")
    region = _corrected_region(demo_dir)
    result = CliRunner(env={"ANNOTATOR_CODER": "Morgan"}).invoke(
        cli, ["text", str(demo_dir), str(region), "--translation", "Edited on the command line", "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(run("history", demo_dir, "--region", region, "--json").stdout)["revisions"][-1]
    assert (last["field"], last["new"], last["coder"], last["source"]) == (
        "translation", "Edited on the command line", "Morgan", "typed")
