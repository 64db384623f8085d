"""The CLI names series, episode number and pages, never database ids (issue 16, defect 6)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from PIL import Image

from annotator.cli import cli


def test_import_and_segment_name_series_episode_and_pages(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(1, 4):
        Image.new("RGB", (400, 600), (255, 255, 255 - n)).save(folder / f"{n}.png")
    project = tmp_path / "proj"
    assert runner.invoke(cli, ["init", str(project)]).exit_code == 0
    # An earlier episode makes the database id differ from the episode number.
    for number in ("9", "10"):
        other = runner.invoke(cli, ["import", str(project), str(folder / "1.png"), "--series", "Other",
                                    "--episode", number])
        assert other.exit_code == 0
    result = runner.invoke(cli, ["import", str(project), str(folder), "--series", "X", "--episode", "2"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 page(s) into X · Ep 2 (pp. 1–3)" in result.output
    assert "episode 3" not in result.output
    data = json.loads(runner.invoke(cli, ["import", str(project), str(folder), "--series", "X", "--episode", "2",
                                          "--json"]).output)
    assert data["message"].startswith("Imported 0 page(s) into X · Ep 2") and data["episode_id"] == 3
    segmented = runner.invoke(cli, ["segment", "--project", str(project), "--series", "X", "--episode", "2",
                                    "--workers", "1"])
    assert segmented.exit_code == 0, segmented.output
    assert "X · Ep 2 p. 3:" in segmented.output
