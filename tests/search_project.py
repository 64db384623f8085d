"""A small coded project built through the services, for the search tests (core, CLI, GUI).

Three episodes of one series plus one of another, dated; regions with OCR readings, one
correction in traditional characters' place, translations, speakers, motifs (a tree) on
regions and panels with memos, appearances, and two coders. Images are drawn here, so the
tests need nothing outside the repository.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PIL import Image

from annotator.core import annotate, coding, models
from annotator.core.importer import EpisodeSpec, import_pages
from annotator.core.project import Project

# (episode, [(panel, kind, ocr text, correction, translation, speaker)])
LINES = {
    1: [
        (0, "speech", "境外组织盯上了你", None, "An overseas organisation has its eye on you", "Wang"),
        (0, "speech", "我只是个徒步者", None, "I am only a hiker", "Li"),
        (1, "caption", "国家安全机关提醒", None, "", None),
        (1, "thought", "他们是间谍吗", None, "Are they spies?", "Li"),
    ],
    2: [
        (0, "speech", "境外組織的人又来了", "境外组织的人又来了", "The overseas people came again", "Wang"),
        (0, "sfx", "砰", None, "", None),
        (1, "speech", "Please sign the form, Mr. Li", None, "", "Smith"),
        (1, "speech", "间谍 100% 危险", None, "Spies: 100% dangerous", "Wang"),
    ],
    3: [
        (0, "speech", "他是特务", None, "He is a secret agent", "Li"),
        (0, "caption", "三个月后", None, "Three months later", None),
        (1, "speech", "境外势力无处不在", None, "Foreign forces are everywhere", "Smith"),
    ],
}
OTHER_SERIES = [(0, "speech", "间谍故事在别的系列", None, "A spy story in another series", "Smith")]
DATES = {1: date(2024, 1, 15), 2: date(2024, 5, 1), 3: date(2024, 9, 30)}


def _image(path: Path, shade: int) -> Path:
    Image.new("RGB", (400, 600), (shade, shade, shade)).save(path)
    return path


def build(project: Project, tmp: Path) -> dict:
    ids: dict = {"regions": {}, "panels": {}, "episodes": {}}
    chars = {name: coding.create_character(project, name, name_zh=zh) for name, zh in
             (("Wang", "王伟"), ("Li", "李明"), ("Smith", "史密斯"))}
    threat = coding.create_motif(project, "Threat", name_zh="威胁")
    overseas = coding.create_motif(project, "Overseas organisation", parent_id=threat, name_zh="境外组织")
    spying = coding.create_motif(project, "Espionage", parent_id=threat)
    vigilance = coding.create_motif(project, "Vigilance", name_zh="警惕")
    lin, morgan = project.coder("Lin"), project.coder("Morgan")
    ids.update(chars=chars, motifs={"Threat": threat, "Overseas organisation": overseas, "Espionage": spying,
                                    "Vigilance": vigilance}, coders={"Lin": lin, "Morgan": morgan})
    batches = [("Secret Division", n, LINES[n], DATES[n]) for n in (1, 2, 3)] + [("Other", 1, OTHER_SERIES, None)]
    for series, number, lines, day in batches:
        image = _image(tmp / f"{series}-{number}.png", 40 * number + len(series))
        report = import_pages(project, [image], EpisodeSpec(series=series, number=number, published_on=day))
        assert not report.errors, report.errors
        page_id = report.page_ids[0]
        panels = [annotate.add_panel(project, page_id, [[0, 300 * i], [400, 300 * i], [400, 300 * i + 290],
                                                        [0, 300 * i + 290]]) for i in range(2)]
        for order, (panel, kind, ocr, correction, translation, speaker) in enumerate(lines):
            y = 300 * panel + 20 + 60 * order
            rid = annotate.add_region(project, page_id, [[10, y], [200, y], [200, y + 40], [10, y + 40]],
                                      kind=kind, panel_id=panels[panel], translation=translation,
                                      speaker_id=chars[speaker] if speaker else None)
            with project.session() as s:  # the OCR reading, as the OCR service stores it
                row = s.get(models.TextRegion, rid)
                row.ocr_text, row.ocr_engine = ocr, "test"
                s.add(row)
            if correction is not None:
                annotate.update_region(project, rid, text=correction)
            ids["regions"][(series, number, order)] = rid
        ids["panels"][(series, number)] = panels
        with project.session() as s:
            ids["episodes"][(series, number)] = s.get(models.Page, page_id).episode_id
    r = ids["regions"]
    coding.add_coding(project, overseas, ("text_region", r[("Secret Division", 1, 0)]), lin, memo="first threat")
    coding.add_coding(project, overseas, ("text_region", r[("Secret Division", 2, 0)]), morgan)
    coding.add_coding(project, spying, ("panel", ids["panels"][("Secret Division", 3)][0]), morgan,
                      memo="the agent reveals himself")
    coding.add_coding(project, vigilance, ("panel", ids["panels"][("Secret Division", 1)][1]), lin)
    coding.add_appearance(project, chars["Smith"], ids["panels"][("Secret Division", 2)][1], lin)
    coding.add_appearance(project, chars["Wang"], ids["panels"][("Secret Division", 1)][0], lin)
    return ids
