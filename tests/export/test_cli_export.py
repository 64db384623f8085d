"""``annotator export`` and ``open-archive`` from the command line: --json says what was written, errors are one line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import cli


def test_export_episode_prints_what_it_wrote(coded, tmp_path):
    out = tmp_path / "ep3.html"
    result = CliRunner().invoke(cli, ["export", str(coded.root), "--episode", "3", "--format", "html",
                                      "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["format"] == "html" and doc["files"] == [str(out)] and out.stat().st_size > 10_000
    assert "举报电话12339" in out.read_text(encoding="utf-8")


def test_export_series_markdown_lists_every_file(coded, tmp_path):
    out = tmp_path / "series.md"
    result = CliRunner().invoke(cli, ["export", str(coded.root), "--series",
                                      "The Secret Special Investigation Division (demo)", "--format", "md",
                                      "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert files[0] == str(out) and len(files) > 5 and all((tmp_path / f).exists() for f in files)
    assert "Motifs by episode" in out.read_text(encoding="utf-8")


def test_export_errors_are_one_line(coded, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(cli, ["export", str(coded.root), "--format", "docx", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "unknown export format 'docx'" in bad.output
    assert "html" in bad.output and len(bad.output.strip().splitlines()) == 1
    missing = runner.invoke(cli, ["export", str(coded.root), "--episode", "42", "--format", "csv",
                                  "-o", str(tmp_path / "x.csv")])
    assert missing.exit_code == 1 and "no episode 42" in missing.output
    listing = runner.invoke(cli, ["export", "--list-formats", "--json"])
    names = {f["name"] for f in json.loads(listing.output)}
    assert {"html", "md", "pdf", "csv", "json", "codings-csv", "characters-csv", "codebook-csv", "archive"} <= names


def test_exporters_do_not_load_qt():
    import subprocess
    import sys

    code = ("import sys; from annotator.core import export; export.formats(); "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
