"""The command line, run in-process: JSON on stdout parses, Chinese stays readable, errors are one line."""

from __future__ import annotations

import json

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from annotator.cli import cli

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo"


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, code=0):
    result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def test_init_import_info_json(runner, tmp_path, hostile):
    proj = tmp_path / "p"
    out = json.loads(run(runner, "init", proj, "--json").stdout)
    assert out["motifs"] == 22  # seeds/codebook.yaml: 5 groups and 17 motifs
    result = run(runner, "import", proj, DEMO / "ep01" / "001.png", DEMO / "ep02" / "001.png", hostile / "empty.png",
                 "--series", "秘密特别调查处", "--episode", "3", "--title", "Lost hikers", "--url",
                 "https://example.org/3", "--date", "2024-05-01", "--json")
    data = json.loads(result.stdout)
    assert data["pages_added"] == 2 and data["errors"] == [{"file": "empty.png", "error": "empty file (0 bytes)"}]
    assert "error: empty.png: empty file (0 bytes)" in result.stderr
    info = run(runner, "info", proj, "--json").stdout
    assert "秘密特别调查处" in info  # UTF-8, not \\u escapes
    series = json.loads(info)["series"][0]
    episode = series["episodes"][0]
    assert (episode["number"], episode["title"], episode["published_on"], episode["pages"]) == (
        3, "Lost hikers", "2024-05-01", 2)
    assert [p["kind"] for p in episode["page_list"]] == ["page", "strip"]


def test_user_errors_are_one_line(runner, tmp_path):
    result = run(runner, "info", tmp_path / "missing", code=1)
    assert result.stderr.strip().startswith("Error:") and len(result.stderr.strip().splitlines()) == 1
    run(runner, "init", tmp_path / "p")
    result = run(runner, "import", tmp_path / "p", tmp_path, "--date", "May 1st", code=2)
    assert "YYYY-MM-DD" in result.stderr


def test_import_of_only_bad_files_fails(runner, tmp_path, hostile):
    run(runner, "init", tmp_path / "p")
    result = run(runner, "import", tmp_path / "p", hostile / "not-an-image.jpg", "--json", code=1)
    assert json.loads(result.stdout)["errors"][0]["error"] == "not an image (unrecognised format)"


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


NO_DATA = {("gui",)}  # opens a window; nothing to report but its exit code


def test_every_command_has_help_and_json():
    for path, command in _commands(cli):
        assert command.help, f"{' '.join(path)} has no help text"
        if not isinstance(command, click.Group) and path not in NO_DATA:
            assert any(p.name == "as_json" for p in command.params), f"{' '.join(path)} lacks --json"


def test_segment_images_json(runner, hostile, demo_truth):
    page = DEMO / "ep01" / "002.png"
    result = run(runner, "segment", page, hostile / "truncated.png", "--json", "--direction", "ltr")
    data = json.loads(result.stdout)
    assert [d["image"] for d in data] == [str(page), str(hostile / "truncated.png")]
    truth = demo_truth["ep01/002.png"]
    assert (data[0]["width"], data[0]["height"]) == (truth["width"], truth["height"])
    assert len(data[0]["panels"]) == len(truth["panels"])
    panel = data[0]["panels"][0]
    assert len(panel["bbox"]) == 4 and len(panel["polygon"]) >= 4 and 0 <= panel["confidence"] <= 1
    assert "truncated" in data[1]["error"] and "truncated" in result.stderr


def test_ocr_image_json_and_engines(runner, tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    engines = json.loads(run(runner, "ocr", "--engines", "--json").stdout)
    assert {e["name"] for e in engines} >= {"tesseract", "rapidocr"}
    assert all(e["available"] for e in engines)
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    img = Image.new("RGB", (520, 140), "white")
    ImageDraw.Draw(img).text((260, 70), "Where is the old bridge?", font=ImageFont.truetype(str(font), 34),
                             fill="black", anchor="mm")
    (tmp_path / "a").mkdir()
    crop = tmp_path / "a" / "page_000.png"
    img.save(crop)
    data = json.loads(run(runner, "ocr", crop, "--json", "--engine", "tesseract").stdout)
    assert data[0]["image"] == str(crop)
    texts = data[0]["texts"]
    assert [(t["lang"], t["text"]) for t in texts] == [("en", "Where is the old bridge?")]


def test_project_segment_and_ocr_with_progress(runner, tmp_path, demo_truth):
    proj = tmp_path / "p"
    run(runner, "init", proj, "--no-codebook")
    run(runner, "import", proj, DEMO / "ep01" / "003.png", "--episode", "1")
    seg = json.loads(run(runner, "segment", "--project", proj, "--episode", "1", "--json").stdout)
    assert seg["errors"] == 0 and seg["pages"][0]["panels"] == len(demo_truth["ep01/003.png"]["panels"])
    read = json.loads(run(runner, "ocr", "--project", proj, "--json", "--workers", "1").stdout)
    assert read["errors"] == 0 and read["pages"][0]["regions"] == len(demo_truth["ep01/003.png"]["balloons"])
    info = json.loads(run(runner, "info", proj, "--json").stdout)
    episode = info["series"][0]["episodes"][0]
    assert episode["panels"] == seg["pages"][0]["panels"] and episode["regions"] == read["pages"][0]["regions"]
    result = run(runner, "segment", "--project", proj, "--episode", "9", code=1)
    assert "no episode 9" in result.stderr
