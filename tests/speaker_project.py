"""A project built from generated dialogue pages (``speaker_pages``), with the truth kept aside."""

from __future__ import annotations

from pathlib import Path

from speaker_pages import CAST, make_page

from annotator.core import annotate, coding
from annotator.core.importer import EpisodeSpec, import_pages


def build(project, folder: Path, episodes: int = 2, pages: int = 3, seed: int = 0) -> dict[int, tuple[str, bool]]:
    """Import ``episodes`` x ``pages`` generated pages, their panels and balloons (as text regions,
    no speaker), and the cast; returns {region id: (true speaker name, has a tail)}."""
    names = {name: coding.create_character(project, name) for name in CAST}
    truth: dict[int, tuple[str, bool]] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for ep in range(1, episodes + 1):
        files, pages_truth = [], []
        for i in range(pages):
            image, page_truth = make_page(seed * 1000 + ep * 100 + i)
            path = folder / f"ep{ep:02d}-p{i + 1:02d}.png"
            image.save(path)
            files.append(path)
            pages_truth.append(page_truth)
        report = import_pages(project, files, EpisodeSpec(series="Generated dialogue", number=ep))
        assert not report.errors, report.errors
        for page_id, page_truth in zip(report.page_ids, pages_truth):
            for panel in page_truth:
                x, y, w, h = panel["bbox"]
                panel_id = annotate.add_panel(project, page_id, [[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
                for balloon in panel["balloons"]:
                    bx, by, bw, bh = balloon["bbox"]
                    region = annotate.add_region(project, page_id, [[bx, by], [bx + bw, by], [bx + bw, by + bh],
                                                                    [bx, by + bh]], panel_id=panel_id, kind="speech")
                    truth[region] = (balloon["speaker"], balloon["tail"] is not None)
    project.cast = names
    return truth
