"""Comparison speed: every ``annotator.core.compare`` view on a large synthetic project.

The project is written with bulk SQL (no images): EPISODES episodes of 5 pages, 6 panels and
20 text regions a page, 3 codings a region from the default codebook by two coders, a speaker
on every other balloon and 2 appearances a panel. The issue's goal is the motif x episode
matrix under 200 ms at 10,000 episodes (3,000,000 codings).

    python benchmarks/compare.py [--episodes 10000] [--keep DIR] [--repeat 3]

Prints, per view, the minimum over the repeats of wall and CPU time (the machine may be
shared: CPU time is the steadier figure).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from annotator.core import compare, models
from annotator.core.project import init_project, open_project
from annotator.core.seeds import load_codebook

PAGES, PANELS, REGIONS, CODINGS = 5, 6, 20, 3


def build(root: Path, episodes: int) -> float:
    started = time.perf_counter()
    with init_project(root) as project:
        load_codebook(project)
    con = sqlite3.connect(root / "project.db")
    con.execute("PRAGMA synchronous=OFF")
    now = "2026-01-01 00:00:00"
    rnd = random.Random(1)
    motifs = [r[0] for r in con.execute("SELECT id FROM motif")]
    con.execute("INSERT INTO series (created_at, updated_at, version, name, name_zh, publisher, url, notes, direction)"
                " VALUES (?, ?, 1, 'Bench', '', '', '', '', 'auto')", (now, now))
    for name in ("Lin", "Morgan"):
        con.execute("INSERT INTO coder (created_at, updated_at, version, name) VALUES (?, ?, 1, ?)", (now, now, name))
    for i, name in enumerate(("Wang", "Smith", "Chen", "Harris")):
        con.execute("INSERT INTO character (id, created_at, updated_at, version, name, name_zh, role, affiliation,"
                    " description) VALUES (?, ?, ?, 1, ?, '', '', '', '')", (i + 1, now, now, name))
    con.executemany("INSERT INTO episode (id, created_at, updated_at, version, series_id, number, title, title_zh,"
                    " source_url, notes, published_on) VALUES (?, ?, ?, 1, 1, ?, '', '', '', '', ?)",
                    [(e, now, now, e, f"{2000 + e // 365}-{e % 12 + 1:02}-01") for e in range(1, episodes + 1)])
    pages = episodes * PAGES
    con.executemany("INSERT INTO page (id, created_at, updated_at, version, episode_id, 'index', media_sha256,"
                    " media_path, original_filename, width, height, kind) VALUES (?, ?, ?, 1, ?, ?, ?, 'x', '', 1, 1,"
                    " 'page')", ((p, now, now, (p - 1) // PAGES + 1, (p - 1) % PAGES, str(p))
                                 for p in range(1, pages + 1)))
    con.executemany("INSERT INTO panel (id, created_at, updated_at, version, page_id, 'order', polygon, x, y, w, h,"
                    " source, memo) VALUES (?, ?, ?, 1, ?, ?, '[]', 0, 0, 1, 1, 'auto', '')",
                    (((p - 1) * PANELS + j + 1, now, now, p, j) for p in range(1, pages + 1) for j in range(PANELS)))
    con.executemany("INSERT INTO textregion (id, created_at, updated_at, version, page_id, panel_id, 'order', polygon,"
                    " x, y, w, h, kind, vertical, lang, source, ocr_differs, translation, ocr_text, speaker_id)"
                    " VALUES (?, ?, ?, 1, ?, ?, ?, '[]', 0, 0, 1, 1, 'speech', 0, 'zh', 'auto', 0, '', ?, ?)",
                    (((p - 1) * REGIONS + k + 1, now, now, p, (p - 1) * PANELS + k % PANELS + 1, k,
                      "境外组织的人" * (k % 3 + 1), (k % 4) + 1 if k % 2 else None)
                     for p in range(1, pages + 1) for k in range(REGIONS)))
    con.executemany("INSERT INTO appearance (created_at, updated_at, version, character_id, panel_id, coder_id)"
                    " VALUES (?, ?, 1, ?, ?, 1)",
                    ((now, now, c, panel) for panel in range(1, pages * PANELS + 1) for c in ((panel % 4) + 1,
                                                                                              ((panel + 1) % 4) + 1)))
    con.executemany("INSERT INTO coding (created_at, updated_at, version, motif_id, text_region_id, coder_id, memo)"
                    " VALUES (?, ?, 1, ?, ?, ?, '')",
                    ((now, now, m, r, rnd.randint(1, 2)) for r in range(1, pages * REGIONS + 1)
                     for m in rnd.sample(motifs, CODINGS)))
    con.commit()
    con.close()
    return time.perf_counter() - started


def measure(fn, repeat: int) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="Build (or reuse) the project here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "bench"
        if not (root / "project.db").exists():
            seconds = build(root, args.episodes)
            print(f"built {args.episodes} episodes in {seconds:.1f} s")
        with open_project(root) as project:
            with project.session() as s:
                codings = s.execute(select(func.count(models.Coding.id))).scalar()
            print(f"{codings} codings")
            tenth = compare.episodes_in_range(project, f"1-{max(1, args.episodes // 10)}")
            for name, fn in (
                ("motif_matrix", lambda: compare.motif_matrix(project)),
                ("motif_matrix, a tenth of the episodes", lambda: compare.motif_matrix(project, tenth)),
                ("motif_matrix, coder Lin", lambda: compare.motif_matrix(project, coder="Lin")),
                ("appearances", lambda: compare.appearances(project)),
                ("speech_share", lambda: compare.speech_share(project)),
                ("cooccurrence", lambda: compare.cooccurrence(project)),
                ("timeline", lambda: compare.timeline(project)),
            ):
                wall, cpu = measure(fn, args.repeat)
                print(f"{name:40} wall {wall * 1000:9.0f} ms   cpu {cpu * 1000:9.0f} ms", flush=True)


if __name__ == "__main__":
    main()
