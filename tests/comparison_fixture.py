"""A small coded project for the comparison tests, built only through the core services.

Two series: "S" with episodes 1, 2, 3 (episode 3 is dated *before* episode 2, so date order
is 1, 3, 2) and "T" with an episode 1 of its own. The counts the tests expect were made by
hand from the list of codings below; comments name the panel each coding falls in.

    S1 (2024-01-10)  page a: panels A, B, C     page b: panel D          4 panels
    S2 (2024-02-10)  page c: panels E, F                                 2 panels
    S3 (2024-01-20)  page d: panel G                                     1 panel
    T1 (2024-05-01)  page e: panel H                                     1 panel
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PIL import Image

from annotator.core import annotate, coding
from annotator.core.importer import EpisodeSpec, import_pages
from annotator.core.ocr_service import store_regions
from annotator.vision.shapes import TextShape


def _image(folder: Path, name: str, shade: int) -> Path:
    path = folder / f"{name}.png"
    Image.new("RGB", (400, 600), (255, shade, shade)).save(path)
    return path


def _rect(x, y, w, h):
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def _ocr(project, page_id, boxes):
    """Store OCR readings as the OCR service does (engine named 'fixture': no engine ran)."""
    shapes = [TextShape(polygon=[tuple(p) for p in _rect(*box)], bbox=box, text=text, confidence=0.9, kind=kind,
                        engine="fixture", engine_version="0") for box, text, kind in boxes]
    store_regions(project, page_id, shapes)
    return [r.id for r in annotate.page_data(project, page_id).regions]


def template(tmp_path_factory) -> tuple[Path, dict]:
    """Build the project once per session; tests work on copies (see ``copy``)."""
    from annotator.core.project import init_project

    base = tmp_path_factory.mktemp("comparison")
    with init_project(base / "proj") as project:
        ids = build(project, base / "images")
    return base / "proj", ids


def copy(source: Path, target: Path):
    """An open project on a fresh copy of the template."""
    import shutil

    from annotator.core.project import open_project

    shutil.copytree(source, target)
    return open_project(target)


def build(project, folder: Path) -> dict:
    """Fill ``project``; returns the ids the tests need by letter and name."""
    folder.mkdir(parents=True, exist_ok=True)
    ids: dict = {}

    def episode(series, number, day, pages):
        report = import_pages(project, [_image(folder, f"{series}{number}-{i}", 40 * i + number)
                                        for i in range(pages)],
                              EpisodeSpec(series=series, number=number, published_on=day))
        assert not report.errors, report.errors
        return report.page_ids

    a, b = episode("S", 1, date(2024, 1, 10), 2)
    (c,) = episode("S", 2, date(2024, 2, 10), 1)
    (d,) = episode("S", 3, date(2024, 1, 20), 1)
    (e,) = episode("T", 1, date(2024, 5, 1), 1)
    ids["pages"] = {"a": a, "b": b, "c": c, "d": d, "e": e}
    panels = {}
    for letter, page, box in (("A", a, (0, 0, 400, 200)), ("B", a, (0, 200, 400, 200)), ("C", a, (0, 400, 400, 200)),
                              ("D", b, (0, 0, 400, 600)), ("E", c, (0, 0, 400, 300)), ("F", c, (0, 300, 400, 300)),
                              ("G", d, (0, 0, 400, 600)), ("H", e, (0, 0, 400, 600))):
        panels[letter] = annotate.add_panel(project, page, _rect(*box))
    ids["panels"] = panels
    ids["episodes"] = {}
    from sqlmodel import select

    from annotator.core import models

    with project.session() as s:
        for page_letter, key in (("a", "S1"), ("c", "S2"), ("d", "S3"), ("e", "T1")):
            ids["episodes"][key] = s.get(models.Page, ids["pages"][page_letter]).episode_id
        assert s.exec(select(models.Panel)).all()

    wang = coding.create_character(project, "Wang", name_zh="王")
    smith = coding.create_character(project, "Smith")
    coding.create_character(project, "Nobody")  # never appears nor speaks
    ids["characters"] = {"Wang": wang, "Smith": smith}

    # Text: r1 in A, r2 and r3 (a caption) in B; r4 in D; r5 in E, r6 in F; r7 in G.
    r1, r2, r3 = _ocr(project, a, [((10, 10, 100, 50), "你好世界", "speech"), ((10, 210, 100, 50), "X", "speech"),
                                   ((10, 300, 100, 50), "旁白说明", "caption")])
    (r4,) = _ocr(project, b, [((10, 10, 100, 50), "a b c", "thought")])
    r5, r6 = _ocr(project, c, [((10, 10, 100, 50), "好", "speech"), ((10, 310, 100, 50), "谢", "speech")])
    (r7,) = _ocr(project, d, [((10, 10, 100, 50), "再见", "speech")])
    annotate.update_region(project, r1, speaker_id=wang)
    annotate.update_region(project, r2, speaker_id=smith, text="境外 组织")  # correction wins: 4 characters
    annotate.update_region(project, r5, speaker_id=wang)
    annotate.update_region(project, r6, speaker_id=wang, text="谢谢")
    ids["regions"] = {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6, "r7": r7}

    threat = coding.create_motif(project, "Threat", name_zh="威胁")
    agents = coding.create_motif(project, "Agents", parent_id=threat, name_zh="境外间谍")
    spying = coding.create_motif(project, "Spying", parent_id=threat, name_zh="窃密")
    response = coding.create_motif(project, "Response", name_zh="应对")
    other = coding.create_motif(project, "Other")
    unused = coding.create_motif(project, "Unused")
    ids["motifs"] = {"Threat": threat, "Agents": agents, "Spying": spying, "Response": response, "Other": other,
                     "Unused": unused}

    lin, morgan = project.coder("Lin"), project.coder("Morgan")
    for motif, target, coder in (
        (agents, ("panel", panels["A"]), lin),                 # S1 panel A
        (agents, ("text_region", r2), lin),                    # S1 panel B
        (spying, ("text_region", r2), morgan),                 # S1 panel B
        (response, ("page", b), morgan),                       # S1, no panel
        (threat, ("episode", ids["episodes"]["S1"]), lin),     # S1, no panel
        (spying, ("panel", panels["E"]), lin),                 # S2 panel E
        (other, ("panel", panels["E"]), morgan),               # S2 panel E
        (agents, ("panel", panels["F"]), morgan),              # S2 panel F
        (agents, ("text_region", r6), morgan),                 # S2 panel F again
        (response, ("panel", panels["G"]), lin),               # S3 panel G
        (other, ("text_region", r7), morgan),                  # S3 panel G
        (agents, ("panel", panels["H"]), lin),                 # T1 panel H
    ):
        coding.add_coding(project, motif, target, coder)
    for character, panel, coder in ((wang, "A", lin), (wang, "B", lin), (smith, "B", morgan),
                                    (smith, "F", morgan), (wang, "H", lin)):
        coding.add_appearance(project, character, panels[panel], coder)
    return ids
