"""``annotator compare``: the issue's JSON shape, CSV, filters and one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from comparison_fixture import template

from annotator.cli import cli


@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    root, _ids = template(tmp_path_factory)
    return root


def run(*args, code=0):
    result = CliRunner().invoke(cli, ["compare", *[str(a) for a in args]], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def test_motif_json_has_the_issue_shape(coded_dir):
    out = json.loads(run(coded_dir, "--by", "motif", "--series", "S", "--json").stdout)
    assert out["episodes"] == [1, 2, 3]
    assert out["motifs"][:3] == ["Threat", "Agents", "Spying"]
    assert out["counts"]["Threat"] == {"1": 4, "2": 3, "3": 0}
    assert out["counts"]["Agents"] == {"1": 2, "2": 2, "3": 0}
    ranged = json.loads(run(coded_dir, "--episodes", "2-3", "--series", "S", "--coder", "Morgan", "--json").stdout)
    assert ranged["episodes"] == [2, 3] and ranged["counts"]["Agents"] == {"2": 2, "3": 0}


def test_every_view_as_json_and_csv(coded_dir):
    for by in ("motif", "character", "speech", "cooccurrence", "timeline"):
        data = json.loads(run(coded_dir, "--by", by, "--series", "S", "--json").stdout)
        assert data["episodes"]
        rows = list(csv.reader(io.StringIO(run(coded_dir, "--by", by, "--series", "S", "--csv").stdout)))
        assert len(rows) > 2
    speech = list(csv.reader(io.StringIO(run(coded_dir, "--by", "speech", "--series", "S", "--csv").stdout)))
    assert ["Wang", "chars", "4", "3", "0"] in speech
    text = run(coded_dir, "--by", "character", "--series", "S").stdout
    assert "Wang" in text and "counts" in text


def test_bad_filters_are_one_line_errors(coded_dir, tmp_path):
    for args, message in ((["--coder", "Nobody"], "no coder named 'Nobody'"),
                          (["--series", "Missing"], "no series named 'Missing'"),
                          (["--episodes", "x-2"], "not an episode range"),
                          (["--episodes", "40-50"], "no episode numbered 40-50")):
        result = run(coded_dir, *args, "--json", code=1)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "not an annotator project" in run(tmp_path, code=1).stderr
