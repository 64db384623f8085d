"""The demo ships coded: two coders' tags, speakers, corrections and translations on every episode."""

from __future__ import annotations

import json

import yaml
from sqlmodel import func, select

from annotator.core import models
from annotator.core.project import open_project
from annotator.core.seeds import SEEDS_DIR


def _seed():
    return yaml.safe_load((SEEDS_DIR / "demo" / "coding.yaml").read_text(encoding="utf-8"))


def _expected_codings(seed) -> dict[str, int]:
    counts: dict[str, int] = {}
    entries = list(seed["episodes"].values())
    for page in seed["pages"].values():
        entries += list((page.get("panels") or {}).values()) + list((page.get("balloons") or {}).values())
    for entry in entries:
        for coder, names in (entry.get("tags") or {}).items():
            counts[coder] = counts.get(coder, 0) + len(names)
    return counts


def test_demo_is_coded_by_two_coders_on_every_episode(demo_template):
    seed = _seed()
    with open_project(demo_template) as project, project.session() as s:
        rows = s.exec(select(models.Coder.name, func.count(models.Coding.id))
                      .join(models.Coding, models.Coding.coder_id == models.Coder.id).group_by(models.Coder.name)).all()
        assert dict(rows) == _expected_codings(seed)
        coded_episodes = set(s.exec(select(models.Page.episode_id)
                                    .join(models.Panel, models.Panel.page_id == models.Page.id)
                                    .join(models.Coding, models.Coding.panel_id == models.Panel.id)).all())
        assert len(coded_episodes) == 3
        # Both coders tagged the same panels of episode 1, so agreement has shared units.
        by_panel = s.exec(select(models.Coding.panel_id, func.count(func.distinct(models.Coding.coder_id)))
                          .where(models.Coding.panel_id.is_not(None)).group_by(models.Coding.panel_id)).all()
        assert sum(1 for _, n in by_panel if n == 2) >= 10


def test_demo_corrections_translations_and_speakers_follow_the_seed(demo_template):
    seed = _seed()
    truth = {p["image"]: p for p in json.loads((SEEDS_DIR / "demo" / "truth.json").read_text(encoding="utf-8"))["pages"]}
    checked = {truth[image]["balloons"][int(i)]["text"] for image, page in seed["pages"].items()
               for i, spec in (page.get("balloons") or {}).items() if spec.get("check")}
    translations = {spec["translation"] for page in seed["pages"].values()
                    for spec in (page.get("balloons") or {}).values() if spec.get("translation")}
    with open_project(demo_template) as project, project.session() as s:
        regions = s.exec(select(models.TextRegion)).all()
        cast = {c.id: c.name for c in s.exec(select(models.Character))}
        assert {r.text for r in regions if r.text is not None} == checked
        assert {r.translation for r in regions if r.translation} == translations
        spoken = {(r.text, cast[r.speaker_id]) for r in regions if r.speaker_id and r.text}
        assert ("房地产测绘，为什么要采矿石？", "Lin Feng") in spoken
        assert ("一趟五千块，别问箱子里是什么。", "Harris") in spoken
        # Unchecked regions keep only the OCR reading: a correction is never invented.
        assert any(r.text is None and r.ocr_text for r in regions)
        assert s.exec(select(func.count(models.Appearance.id))).one() >= 40
