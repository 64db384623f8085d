"""Import speed: a 100-page episode with thumbnails, then opening the project's library.

Pages are made from the team corpus (or drawn here if it is absent), each one made unique so
deduplication does not skip it. Goal: under 10 s for the import on two cores.

    python benchmarks/import.py [--pages 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.importer import EpisodeSpec, import_pages  # noqa: E402
from annotator.core.library import library  # noqa: E402
from annotator.core.project import init_project, open_project  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "synthetic" / "pages"


def make_pages(folder: Path, count: int) -> None:
    sources = sorted(CORPUS.glob("grid-*.png")) + sorted(CORPUS.glob("bleed-*.png")) if CORPUS.is_dir() else []
    for i in range(count):
        if sources:
            img = Image.open(sources[i % len(sources)]).convert("RGB")
        else:
            img = Image.new("RGB", (1200, 1700), "white")
        ImageDraw.Draw(img).text((10, 10), f"page {i}", fill=(0, 0, 0))
        img.save(folder / f"{i + 1:03}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        make_pages(tmp / "in", args.pages)
        size = sum(f.stat().st_size for f in (tmp / "in").iterdir()) / 1e6
        project = init_project(tmp / "proj")
        start = time.perf_counter()
        report = import_pages(project, [tmp / "in"], EpisodeSpec(series="Bench", number=1), workers=os.cpu_count() or 2)
        elapsed = time.perf_counter() - start
        project.close()
        assert len(report.page_ids) == args.pages, report.errors
        start = time.perf_counter()
        with open_project(tmp / "proj") as reopened:
            tree = library(reopened)
        opened = time.perf_counter() - start
        print(f"import {args.pages} pages ({size:.0f} MB PNG, 1200x1700) with thumbnails: {elapsed:.2f} s "
              f"({elapsed / args.pages * 1000:.0f} ms/page; goal < 10 s)  cores={os.cpu_count()}")
        print(f"open project + library tree ({sum(len(e.pages) for s in tree for e in s.episodes)} pages): "
              f"{opened * 1000:.0f} ms")


if __name__ == "__main__":
    main()
