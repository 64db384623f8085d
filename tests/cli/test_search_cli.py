"""`annotator search` and `annotator autocode` on a coded project."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from search_project import build

from annotator.cli import cli
from annotator.core.project import init_project


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    root = tmp_path_factory.mktemp("coded")
    with init_project(root / "p") as project:
        ids = build(project, root)
    return root / "p", ids


@pytest.fixture
def proj(_template, tmp_path):
    """A fresh copy of the coded project (built once per module through the services)."""
    shutil.copytree(_template[0], tmp_path / "p")
    return tmp_path / "p", _template[1]


def run(*args, code=0):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def test_search_json_has_the_documented_shape(proj):
    root, ids = proj
    data = json.loads(run("search", root, "境外組織", "--json").stdout)
    assert data["query"] == "境外組織" and data["total"] == 4
    first = data["hits"][0]
    assert first == {"region_id": ids["regions"][("Secret Division", 1, 0)], "series": "Secret Division",
                     "episode": 1, "page": 1, "panel": 1, "field": "text", "speaker": "Wang",
                     "text": "境外组织盯上了你", "translation": "An overseas organisation has its eye on you",
                     "motifs": ["Overseas organisation"], "context": "[境外组织]盯上了你"}
    limited = json.loads(run("search", root, "境外", "--limit", "2", "--json").stdout)
    assert limited["total"] == 5 and len(limited["hits"]) == 2


def test_search_text_output_and_errors(proj):
    root, _ = proj
    out = run("search", root, "spies", "--episodes").stdout
    assert "[spies]" in out and "2 hit(s)" in out and "Secret Division ep2: 1" in out
    result = run("search", root, '"unclosed', code=1)
    assert "unclosed quote" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "matches no character" in run("search", root, "speaker:Nobody", code=1).stderr
    rebuilt = json.loads(run("search", root, "--rebuild", "--json").stdout)
    assert rebuilt["documents"] > 12


def test_autocode_previews_then_applies_with_yes(proj):
    root, ids = proj
    preview = json.loads(run("autocode", root, "间谍", "--motif", "Espionage", "--json").stdout)
    assert preview["applied"] is False and preview["regions"] == 3 and preview["changes"] == 3
    assert json.loads(run("search", root, "motif:Espionage 间谍", "--json").stdout)["total"] == 0
    done = json.loads(run("autocode", root, "间谍", "--motif", "Espionage", "--coder", "Lin", "--yes", "--json").stdout)
    assert done["applied"] is True and len(done["codings"]) == 3
    assert json.loads(run("search", root, "motif:Espionage coder:Lin 间谍", "--json").stdout)["total"] == 3
    spoke = json.loads(run("autocode", root, "field:translation spies", "--speaker", "李明", "--yes", "--json").stdout)
    assert spoke["speakers_changed"] == 1  # one of the two already was Li's
    assert "give exactly one" in run("autocode", root, "x", code=2).stderr
    assert "no motif named" in run("autocode", root, "x", "--motif", "Nope", code=1).stderr
