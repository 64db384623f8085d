"""The bundled seeds: a complete bilingual codebook and a demo project built the same way every time."""

from __future__ import annotations

import json

from sqlmodel import select

from annotator.core import coding, models
from annotator.core.library import library
from annotator.core.seeds import SEEDS_DIR, build_demo, load_codebook

REQUIRED_ZH = ["境外组织", "便衣", "12339", "稀土"]


def test_default_codebook_is_bilingual_and_complete(project):
    added = load_codebook(project)
    assert added >= 17
    motifs = coding.motifs(project)
    assert all(m.name and m.name_zh and m.colour.startswith("#") for m in motifs)
    text = " ".join(f"{m.name_zh} {' '.join(map(str, m.keywords_zh))}" for m in motifs)
    for word in REQUIRED_ZH:
        assert word in text, f"codebook lacks {word}"
    keys = [m.shortcut for m in motifs if m.shortcut]
    assert len(keys) == len(set(keys)) and set(keys) <= set("123456789")
    roots = [m for m in motifs if m.parent_id is None]
    assert roots and all(any(c.parent_id == r.id for c in motifs) for r in roots)
    assert load_codebook(project) == 0  # loading twice adds nothing


def test_demo_project_matches_its_truth(tmp_path):
    truth = json.loads((SEEDS_DIR / "demo" / "truth.json").read_text(encoding="utf-8"))
    sizes = {page["image"]: (page["width"], page["height"]) for page in truth["pages"]}
    project, reports = build_demo(tmp_path / "demo", analyse=False)
    with project:
        assert all(not r.errors for r in reports)
        episodes = [e for s in library(project) for e in s.episodes]
        assert [e.number for e in episodes] == [1, 2, 3]
        pages = [p for e in episodes for p in e.pages]
        assert len(pages) == len(truth["pages"])
        assert sorted((p.width, p.height) for p in pages) == sorted(sizes.values())
        assert [p.kind for p in episodes[1].pages] == ["strip"]
        with project.session() as s:
            directions = [p.direction for p in s.exec(select(models.Page).order_by(models.Page.id))]
            assert "rtl" in directions and "ltr" in directions
            assert len(s.exec(select(models.Character)).all()) >= 5
            assert all(e.source_url and e.published_on for e in s.exec(select(models.Episode)))
