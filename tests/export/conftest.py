"""A coded copy of the demo project, built once: panels, texts, speakers, motifs, memos.

The demo pages are imported for real; panels and text regions are drawn through the editing
services (as a coder would), so no OCR run is needed. The OCR provenance of a few regions is
written as an engine would write it, so exports can show it beside the human corrections.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from annotator.core import annotate, coding, models
from annotator.core.project import open_project
from annotator.core.seeds import build_demo

HOSTILE = "<script>alert(1)</script>"


def _rect(x, y, w, h):
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def _code(project) -> dict:
    with project.session() as s:
        pages = s.exec(select(models.Page).order_by(models.Page.episode_id, models.Page.index)).all()
        cast = {c.name: c.id for c in s.exec(select(models.Character))}
        motifs = {m.name: m.id for m in s.exec(select(models.Motif))}
    lin, morgan = project.coder("Lin"), project.coder("Morgan")
    speaker_a, speaker_b = sorted(cast.values())[:2]
    first_motif, second_motif = sorted(motifs.values())[1:3]
    facts = {"panels": [], "regions": [], "hostile_region": None, "speakers": (speaker_a, speaker_b),
             "motifs": (first_motif, second_motif)}
    for page in pages:
        if page.kind == "strip":  # a long strip: a panel every screenful
            step = page.width
            boxes = [(0, y, page.width, min(step, page.height - y) - 20) for y in range(0, page.height - 200, step)]
        else:
            half = page.height // 2
            boxes = [(20, 20, page.width - 40, half - 40), (20, half + 20, page.width - 40, half - 40)]
        for n, (x, y, w, h) in enumerate(boxes):
            panel = annotate.add_panel(project, page.id, _rect(x, y, w, h))
            facts["panels"].append(panel)
            region = annotate.add_region(project, page.id, _rect(x + 10, y + 10, 200, 60), panel_id=panel,
                                         kind="speech" if n % 2 == 0 else "caption", lang="zh",
                                         speaker_id=speaker_a if n % 2 == 0 else None,
                                         text="你好！我们迷路了，请问下山怎么走？" if n % 2 == 0 else None,
                                         translation="Hello! We are lost; how do we get down the mountain?")
            facts["regions"].append(region)
            coding.add_coding(project, first_motif, ("panel", panel), lin, memo="officers in disguise" if n == 0 else "")
            if n == 0:
                coding.add_appearance(project, speaker_a, panel, lin)
    # Provenance as the OCR service writes it (engine, version, confidence); the human text stays apart.
    with project.session() as s:
        for n, region_id in enumerate(facts["regions"]):
            row = s.get(models.TextRegion, region_id)
            row.ocr_text = "国家安全机关接到线索" if n % 2 else "你好!我们迷路了,请问下山怎么走?"
            row.ocr_engine, row.ocr_engine_version, row.ocr_confidence = "tesseract", "5.3.0", 0.875
            row.ocr_at = datetime(2024, 5, 1, tzinfo=timezone.utc)
            s.add(row)
    first = pages[0]
    hostile = annotate.add_region(project, first.id, _rect(30, 900, 300, 80), panel_id=facts["panels"][1],
                                  kind="speech", lang="zh", speaker_id=speaker_b, text=HOSTILE,
                                  translation="<b>bold</b> & 'quotes' | pipe `tick` *star*")
    facts["hostile_region"] = hostile
    coding.add_coding(project, second_motif, ("text_region", hostile), morgan, memo=HOSTILE)
    loose = annotate.add_region(project, first.id, _rect(5, 5, 50, 20), kind="sfx", lang="zh", text="砰")
    facts["regions"] += [hostile, loose]
    coding.add_coding(project, second_motif, ("episode", first.episode_id), morgan)
    annotate.set_panel_memo(project, facts["panels"][0], "Hikers' map shows the north slope")
    return facts


@pytest.fixture(scope="session")
def coded_template(tmp_path_factory):
    root = tmp_path_factory.mktemp("export-template") / "demo"
    project, reports = build_demo(root, analyse=False)
    with project:
        assert not any(r.errors for r in reports)
        facts = _code(project)
    return root, facts


@pytest.fixture(scope="session")
def coded(coded_template):
    """The coded project, opened read-only by convention (tests that change it take ``coded_copy``)."""
    root, facts = coded_template
    with open_project(root) as project:
        project.facts = facts
        yield project


@pytest.fixture
def coded_copy(coded_template, tmp_path):
    root, facts = coded_template
    target = tmp_path / "project"
    shutil.copytree(root, target)
    with open_project(target) as project:
        project.facts = facts
        yield project
