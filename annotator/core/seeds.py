"""Loading the bundled seeds: the default codebook, the demo cast and the demo project.

``seeds/`` sits beside the package in the source tree and inside it in an installed build
(``annotator.bundled`` finds either); the codebook is read from YAML so researchers can read,
diff and adapt it without touching code.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from sqlmodel import select

from annotator.bundled import data_dir
from annotator.core import geometry, models, revisions
from annotator.core.importer import EpisodeSpec, ImportReport, import_pages
from annotator.core.project import Project, init_project

SEEDS_DIR = data_dir("seeds")


class SeedError(RuntimeError):
    pass


def _read_yaml(path: Path):
    if not path.exists():
        raise SeedError(f"seed file missing: {path}")
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_codebook(project: Project, path: Path | None = None) -> int:
    """Add the codebook tree to a project, skipping motifs that already exist by (parent, name)."""
    data = _read_yaml(path or SEEDS_DIR / "codebook.yaml")
    nodes = data.get("motifs", data) if isinstance(data, dict) else data
    added = 0
    with project.session() as s:

        def add(items, parent_id):
            nonlocal added
            for position, item in enumerate(items or []):
                row = s.exec(
                    select(models.Motif).where(models.Motif.parent_id == parent_id, models.Motif.name == item["name"])
                ).first()
                if row is None:
                    row = models.Motif(
                        parent_id=parent_id,
                        position=position,
                        name=item["name"],
                        name_zh=item.get("name_zh", ""),
                        description=item.get("description", ""),
                        keywords_en=list(item.get("keywords_en", [])),
                        keywords_zh=list(item.get("keywords_zh", [])),
                        colour=item.get("colour", "#888888"),
                        shortcut=str(item.get("shortcut", "") or ""),
                    )
                    s.add(row)
                    s.flush()
                    added += 1
                add(item.get("children"), row.id)

        add(nodes, None)
    return added


def load_characters(project: Project, path: Path | None = None) -> int:
    data = _read_yaml(path or SEEDS_DIR / "characters.yaml")
    items = data.get("characters", data) if isinstance(data, dict) else data
    added = 0
    with project.session() as s:
        for item in items or []:
            exists = s.exec(select(models.Character).where(models.Character.name == item["name"])).first()
            if exists is None:
                s.add(
                    models.Character(
                        name=item["name"],
                        name_zh=item.get("name_zh", ""),
                        role=item.get("role", ""),
                        affiliation=item.get("affiliation", ""),
                        description=item.get("description", ""),
                    )
                )
                added += 1
    return added


def build_demo(root: str | Path, progress=None, *, analyse: bool = True,
               db: str | None = None) -> tuple[Project, list[ImportReport]]:
    """Create the demo project from ``seeds/demo``: deterministic, no network, no randomness.

    With ``analyse`` the pages are also segmented and read (the real engines), so every
    feature has panels and text to show.
    """
    demo_dir = SEEDS_DIR / "demo"
    meta = _read_yaml(demo_dir / "episodes.yaml")
    project = init_project(root, db)
    load_codebook(project)
    load_characters(project)
    series = meta["series"]
    with project.session() as s:
        s.add(
            models.Series(
                name=series["name"],
                name_zh=series.get("name_zh", ""),
                publisher=series.get("publisher", ""),
                url=series.get("url", ""),
                notes=series.get("notes", ""),
            )
        )
    reports = []
    for ep in meta["episodes"]:
        published = ep.get("published_on")
        spec = EpisodeSpec(
            series=series["name"],
            number=int(ep["number"]),
            title=ep.get("title", ""),
            title_zh=ep.get("title_zh", ""),
            url=ep.get("source_url", ""),
            published_on=published if isinstance(published, date)
            else (date.fromisoformat(published) if published else None),
            notes=ep.get("notes", ""),
            direction=ep.get("direction"),
        )
        report = import_pages(project, [demo_dir / p for p in ep["pages"]], spec, progress=progress)
        reports.append(report)
        per_page = ep.get("page_direction") or {}
        with project.session() as s:
            for relative, page_id in zip(ep["pages"], report.page_ids):
                if relative in per_page:
                    page = s.get(models.Page, page_id)
                    page.direction = per_page[relative]
                    s.add(page)
    if analyse:
        from annotator.core.ocr_service import ocr_pages
        from annotator.core.segmentation import episode_page_ids, segment_pages

        pages = episode_page_ids(project)
        segment_pages(project, pages, progress=progress)
        ocr_pages(project, pages, progress=progress)
        load_demo_coding(project)
    return project, reports


def _match(box, rows, what: str):
    """The row whose bbox overlaps ``box`` most; the demo is deterministic, so a miss is a bug."""
    best, score = geometry.best_match(tuple(box), rows)
    if best is None or score < 0.3:
        raise SeedError(f"demo coding: no {what} matches {box}")
    return best


def load_demo_coding(project: Project, path: Path | None = None) -> int:
    """Apply ``seeds/demo/coding.yaml`` (two coders' tags, speakers, corrections, translations).

    Works on a segmented and read demo project; panels and regions are found by their overlap
    with the truth, so the seed survives small changes in segmentation or OCR. A balloon that
    OCR missed is added as a hand-drawn region. Returns the number of codings added.
    """
    demo_dir = SEEDS_DIR / "demo"
    data = _read_yaml(path or demo_dir / "coding.yaml")
    truth = {page["image"]: page for page in json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))["pages"]}
    meta = _read_yaml(demo_dir / "episodes.yaml")
    where = {image: (int(ep["number"]), index) for ep in meta["episodes"] for index, image in enumerate(ep["pages"])}
    coders = {name: project.coder(name) for name in data.get("coders", [])}
    added = 0
    with revisions.acting(next(iter(coders), None), "imported"), project.session() as s:
        motif = {m.name: m.id for m in s.exec(select(models.Motif))}
        cast = {c.name: c.id for c in s.exec(select(models.Character))}
        episode_id = {e.number: e.id for e in s.exec(select(models.Episode))}

        def tag(entry: dict, **target) -> None:
            nonlocal added
            memos = entry.get("memo") or {}
            for coder, names in (entry.get("tags") or {}).items():
                for name in names:
                    s.add(models.Coding(motif_id=motif[name], coder_id=coders[coder], memo=memos.get(coder, ""), **target))
                    added += 1

        for number, entry in (data.get("episodes") or {}).items():
            tag(entry, episode_id=episode_id[int(number)])
        for image, entry in (data.get("pages") or {}).items():
            number, index = where[image]
            page = s.exec(select(models.Page).where(models.Page.episode_id == episode_id[number],
                                                    models.Page.index == index)).one()
            panels = s.exec(select(models.Panel).where(models.Panel.page_id == page.id)).all()
            regions = s.exec(select(models.TextRegion).where(models.TextRegion.page_id == page.id)).all()
            for number_1, spec in (entry.get("panels") or {}).items():
                panel = _match(truth[image]["panels"][int(number_1) - 1]["bbox"], panels, f"panel {image}#{number_1}")
                tag(spec, panel_id=panel.id)
                first = next(iter(coders.values()), None)
                for name in spec.get("characters", []):
                    s.add(models.Appearance(character_id=cast[name], panel_id=panel.id, coder_id=first))
            for index_0, spec in (entry.get("balloons") or {}).items():
                balloon = truth[image]["balloons"][int(index_0)]
                try:
                    region = _match(balloon["bbox"], regions, f"balloon {image}#{index_0}")
                except SeedError:
                    x, y, w, h = balloon["bbox"]
                    region = models.TextRegion(page_id=page.id, order=len(regions), source="manual",
                                               polygon=[[x, y], [x + w, y], [x + w, y + h], [x, y + h]],
                                               x=x, y=y, w=w, h=h, kind=balloon["kind"],
                                               vertical=balloon["vertical"], lang=balloon["lang"])
                    s.add(region)
                    s.flush()
                    regions.append(region)
                if spec.get("check"):
                    region.text = balloon["text"]
                if spec.get("translation"):
                    region.translation = spec["translation"]
                if spec.get("speaker"):
                    region.speaker_id = cast[spec["speaker"]]
                s.add(region)
                tag(spec, text_region_id=region.id)
    return added
