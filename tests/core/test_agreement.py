"""Agreement between coders: kappa and alpha per motif, missing codings, the CLI."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from annotator.cli import cli
from annotator.core import annotate, coding
from annotator.core.agreement import agreement, cohen_kappa, nominal_alpha
from annotator.core.database import ProjectError
from annotator.core.importer import EpisodeSpec, import_pages

NAN = math.nan


def test_krippendorffs_published_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data with
    # 4 observers, 12 units and missing values: alpha (nominal) = 0.743.
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ])
    assert round(nominal_alpha(data), 3) == 0.743


def _episode(project, tmp_path, number: int, panels: int) -> list[int]:
    image = tmp_path / f"ep{number}.png"
    Image.new("RGB", (100 * panels, 100), "white").save(image)
    report = import_pages(project, [image], EpisodeSpec(series="S", number=number))
    page = report.page_ids[0]
    return [annotate.add_panel(project, page, [[100 * i, 0], [100 * i + 90, 0], [100 * i + 90, 90], [100 * i, 90]])
            for i in range(panels)]


@pytest.fixture
def coded(project, tmp_path):
    motif = coding.create_motif(project, "Overseas organisations")
    other = coding.create_motif(project, "Sample smuggling")
    a, b, c = (project.coder(n) for n in ("A", "B", "C"))
    ep1 = _episode(project, tmp_path, 1, 5)
    ep2 = _episode(project, tmp_path, 2, 2)
    for i in (0, 1, 4):
        coding.add_coding(project, motif, ("panel", ep1[i]), a)
    for i in (0, 4):
        coding.add_coding(project, motif, ("panel", ep1[i]), b)
    coding.add_coding(project, other, ("panel", ep1[2]), b)
    coding.add_coding(project, motif, ("panel", ep2[0]), a)
    coding.add_coding(project, other, ("panel", ep2[1]), c)  # C coded episode 2 only
    project.ids = {"motif": motif, "other": other, "ep1": ep1, "ep2": ep2}
    return project


def test_two_coders_tagging_the_same_motif_make_two_codings(coded):
    panel = coded.ids["ep1"][0]
    mine = coding.add_coding(coded, coded.ids["motif"], ("panel", panel), coded.coder("A"))
    assert len(coding.codings_for(coded, ("panel", panel))) == 2  # A's and B's
    assert coding.add_coding(coded, coded.ids["motif"], ("panel", panel), coded.coder("A")) == mine


def test_kappa_and_alpha_match_a_hand_computation(coded):
    report = agreement(coded, ["A", "B"], unit="panel")
    m = next(x for x in report.motifs if x.motif == "Overseas organisations")
    # A: 1 1 0 0 1 on episode 1; B: 1 0 0 0 1; B never coded episode 2, so those units are missing.
    # kappa: po = 4/5, pe = 3/5*2/5 + 2/5*3/5 = 0.48 -> 0.32/0.52; alpha: Do = 2/10, De = 50/90 -> 0.64.
    assert m.units == 5
    assert m.kappa == pytest.approx(0.32 / 0.52)
    assert m.alpha == pytest.approx(0.64)
    assert m.observed == pytest.approx(0.8)
    assert [d.unit_id for d in m.disagreements] == [coded.ids["ep1"][1]]
    assert m.disagreements[0].values == {"A": 1, "B": 0}
    direct = krippendorff.alpha(reliability_data=[[1, 1, 0, 0, 1, 1, 0], [1, 0, 0, 0, 1, NAN, NAN]],
                                level_of_measurement="nominal")
    assert m.alpha == pytest.approx(direct)


def test_missing_codings_are_missing_not_absent(coded):
    report = agreement(coded, ["A", "B", "C"], unit="panel")
    m = next(x for x in report.motifs if x.motif == "Overseas organisations")
    # Episode 2 is judged by A and C (C coded something there), episode 1 by A and B.
    assert m.units == 7
    assert m.kappa is None  # kappa is for two coders only
    expected = krippendorff.alpha(reliability_data=[[1, 1, 0, 0, 1, 1, 0], [1, 0, 0, 0, 1, NAN, NAN],
                                                    [NAN] * 5 + [0, 0]], level_of_measurement="nominal")
    assert m.alpha == pytest.approx(expected)


def test_agreement_refuses_unknown_or_single_coders(coded):
    with pytest.raises(ProjectError, match="no coder named 'Z'"):
        agreement(coded, ["A", "Z"])
    with pytest.raises(ProjectError, match="at least two coders"):
        agreement(coded, ["A"])


def test_undefined_agreement_is_reported_as_undefined():
    assert nominal_alpha(np.array([[0.0, 0.0], [0.0, 0.0]])) is None
    assert cohen_kappa(np.array([1.0, 1.0]), np.array([1.0, 1.0])) is None


def test_cli_agreement_json_on_the_coded_demo_matches_the_krippendorff_package(demo_template):
    result = CliRunner().invoke(cli, ["agreement", str(demo_template), "--coders", "Lin,Morgan", "--episodes", "1-3",
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["coders"] == ["Lin", "Morgan"] and data["unit"] == "panel"
    from annotator.core.project import open_project

    with open_project(demo_template) as project:
        report = agreement(project, ["Lin", "Morgan"])
        # The same units by hand: every panel of the episodes both coders coded (1 and 3).
        from sqlmodel import select

        from annotator.core import models

        with project.session() as s:
            panels = s.exec(select(models.Panel.id).join(models.Page).join(models.Episode)
                            .where(models.Episode.number.in_([1, 3]))).all()
            tags = s.exec(select(models.Coding.panel_id, models.Motif.name, models.Coder.name)
                          .join(models.Motif).join(models.Coder)
                          .where(models.Coding.panel_id.is_not(None))).all()
    by_name = {m["motif"]: m for m in data["motifs"]}
    assert by_name["Disguise as lost hikers"]["kappa"] == 1.0
    checked = 0
    for motif in by_name:
        matrix = [[1.0 if (p, motif, coder) in set(tags) else 0.0 for p in panels] for coder in ("Lin", "Morgan")]
        if len({v for row in matrix for v in row}) > 1:
            expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
            assert by_name[motif]["alpha"] == pytest.approx(expected, abs=1e-4), motif
            checked += 1
    assert checked >= 10 and len(report.motifs) == len(by_name)
    # Morgan did not code episode 2: its panels are not units of the comparison.
    assert by_name["Foreign-looking agents"]["units"] == 22
    assert any(by_name[m]["disagreements"] for m in by_name)
    bad = CliRunner().invoke(cli, ["agreement", str(demo_template), "--episodes", "x-y"])
    assert bad.exit_code != 0 and "episode numbers" in bad.output
