"""Exports of the coded demo (segmented, read, tagged by Lin and Morgan) agree with its seed."""

from __future__ import annotations

import csv
import json
import subprocess
from collections import Counter

import yaml
from click.testing import CliRunner
from sqlmodel import select

from annotator.cli import cli
from annotator.core import models
from annotator.core.export import Scope, export
from annotator.core.project import open_project
from annotator.core.seeds import SEEDS_DIR


def _seed():
    return yaml.safe_load((SEEDS_DIR / "demo" / "coding.yaml").read_text(encoding="utf-8"))


def test_demo_summaries_and_codings_match_the_seed(demo_dir, tmp_path):
    seed = _seed()
    with open_project(demo_dir) as project:
        with project.session() as s:
            episodes = s.exec(select(models.Episode).order_by(models.Episode.number)).all()
            codings = len(s.exec(select(models.Coding)).all())
        export(project, "codings-csv", tmp_path / "codings.csv")
        with open(tmp_path / "codings.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == codings
        expected = Counter()
        entries = list(seed["episodes"].values())
        for page in seed["pages"].values():
            entries += list((page.get("panels") or {}).values()) + list((page.get("balloons") or {}).values())
        for entry in entries:
            for coder, names in (entry.get("tags") or {}).items():
                expected[coder] += len(names)
        assert Counter(r["coder"] for r in rows) == expected

        export(project, "html", tmp_path / "ep1.html", Scope((episodes[0].id,)))
        html = (tmp_path / "ep1.html").read_text(encoding="utf-8")
        assert "Lin, Morgan" in html  # coders of the episode, and of tags both applied
        assert seed["episodes"][1]["memo"]["Lin"].replace("'", "&#39;") in html
        for page in ("ep01/001.png",):
            for balloon in seed["pages"][page]["balloons"].values():
                if balloon.get("translation"):
                    assert balloon["translation"].replace("'", "&#39;") in html

        export(project, "pdf", tmp_path / "series.pdf", Scope(tuple(e.id for e in episodes)))
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "series.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert "Motifsbyepisode" in flat and "Speechsharebyepisode" in flat
        assert all("".join(e.title_zh.split()) in flat for e in episodes)


def test_demo_archive_round_trip(demo_dir, tmp_path):
    runner = CliRunner()
    archive = tmp_path / "demo.zip"
    assert runner.invoke(cli, ["export", str(demo_dir), "--format", "archive", "-o", str(archive)]).exit_code == 0
    result = runner.invoke(cli, ["open-archive", str(archive), str(tmp_path / "copy"), "--json"])
    assert result.exit_code == 0, result.output

    def info(root):
        doc = json.loads(runner.invoke(cli, ["info", str(root), "--json"]).output)
        return {k: v for k, v in doc.items() if k not in ("project", "database")}

    assert info(tmp_path / "copy") == info(demo_dir)
    for root, name in ((demo_dir, "a.json"), (tmp_path / "copy", "b.json")):
        assert runner.invoke(cli, ["export", str(root), "--format", "json", "-o", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
