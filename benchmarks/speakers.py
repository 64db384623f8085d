"""Speaker suggestions scored on generated dialogue pages with known speakers.

Builds a project of ``--episodes`` x ``--pages`` generated pages (``tests/speaker_pages.py``:
two panels a page, two or three of a four-person cast in fixed costumes, balloons along the top
whose tails point at the speaker, 15 % without a tail, 85 % two-person alternation) and walks
through the balloons in reading order as a coder would: ask for suggestions, score them against
the truth (top-1, top-3), then confirm the true speaker, which the next suggestions learn from.
A nearest-figure baseline (the figure whose head is closest to the balloon, from the truth
geometry itself) is printed beside it. Goal (issue 21): top-1 >= 75 %.

    python benchmarks/speakers.py [--episodes 3] [--pages 6] [--seed 0] [--json]
    python benchmarks/speakers.py --demo     # the coded demo instead: its coders' speakers as the truth

With ``--demo`` the coded demo project (``annotator demo``: painted scenes, not generated
figures) is built, every speaker is cleared, and the walk confirms the demo coders' speakers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from speaker_pages import make_page  # noqa: E402
from speaker_project import build  # noqa: E402

from annotator.core import speakers  # noqa: E402
from annotator.core.annotate import update_region  # noqa: E402
from annotator.core.project import init_project  # noqa: E402


def nearest_baseline(episodes: int, pages: int, seed: int) -> tuple[int, int]:
    hits = total = 0
    for ep in range(1, episodes + 1):
        for i in range(pages):
            _, truth = make_page(seed * 1000 + ep * 100 + i)
            for panel in truth:
                for balloon in panel["balloons"]:
                    x, y, w, h = balloon["bbox"]
                    near = min(panel["figures"], key=lambda f: math.hypot(f["head"][0] - x - w / 2,
                                                                          f["head"][1] - y - h / 2))
                    hits += near["name"] == balloon["speaker"]
                    total += 1
    return hits, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--demo", action="store_true", help="Score on the coded demo project instead.")
    args = parser.parse_args()
    if args.demo:
        return demo(args.json)
    with tempfile.TemporaryDirectory() as tmp, init_project(Path(tmp) / "p") as project:
        truth = build(project, Path(tmp) / "pages", args.episodes, args.pages, args.seed)
        ids = {name: cid for name, cid in project.cast.items()}
        top1 = top3 = 0
        by_kind = {}
        cpu = time.process_time()
        for region_id, (name, has_tail) in truth.items():
            suggestions = speakers.suggest(project, region_id)
            ranked = [sug.character_id for sug in suggestions]
            kind = "with tail" if has_tail else "without tail"
            hit1, hit3 = ranked[:1] == [ids[name]], ids[name] in ranked[:3]
            top1 += hit1
            top3 += hit3
            k = by_kind.setdefault(kind, [0, 0, 0])
            k[0] += hit1
            k[1] += hit3
            k[2] += 1
            update_region(project, region_id, speaker_id=ids[name])  # the coder confirms the truth
        cpu = time.process_time() - cpu
    n = len(truth)
    near, total = nearest_baseline(args.episodes, args.pages, args.seed)
    result = {"balloons": n, "top1": top1 / n, "top3": top3 / n, "nearest_figure_top1": near / total,
              "by_evidence": {k: {"balloons": v[2], "top1": v[0] / v[2], "top3": v[1] / v[2]} for k, v in by_kind.items()},
              "cpu_s_per_balloon": cpu / n}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{n} balloons ({args.episodes} episodes x {args.pages} pages, seed {args.seed})")
        print(f"top-1 {result['top1']:.1%}   top-3 {result['top3']:.1%}   "
              f"(nearest figure baseline top-1 {result['nearest_figure_top1']:.1%})")
        for kind, v in result["by_evidence"].items():
            print(f"  {kind:13} {v['balloons']:4} balloons  top-1 {v['top1']:.1%}  top-3 {v['top3']:.1%}")
        print(f"CPU {result['cpu_s_per_balloon'] * 1000:.0f} ms per balloon (shared machine)")


def walk(project, truth: dict[int, int]) -> tuple[int, int, float]:
    """Suggest, score, confirm the truth, in reading order; returns (top-1 hits, top-3 hits, CPU s)."""
    top1 = top3 = 0
    cpu = time.process_time()
    for region_id, character_id in truth.items():
        ranked = [sug.character_id for sug in speakers.suggest(project, region_id)]
        top1 += ranked[:1] == [character_id]
        top3 += character_id in ranked[:3]
        update_region(project, region_id, speaker_id=character_id)
    return top1, top3, time.process_time() - cpu


def demo(as_json: bool) -> None:
    from sqlmodel import select

    from annotator.core import models
    from annotator.core.seeds import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        project, _ = build_demo(Path(tmp) / "demo")
        with project:
            with project.session() as s:
                rows = s.exec(select(models.TextRegion, models.Page.index, models.Page.episode_id)
                              .join(models.Page).where(models.TextRegion.speaker_id.is_not(None))).all()
                rows.sort(key=lambda r: (r[2], r[1], r[0].order))
                truth = {r.id: r.speaker_id for r, _, _ in rows}
                for region, _, _ in rows:
                    region.speaker_id = None
                    s.add(region)
            top1, top3, cpu = walk(project, truth)
    n = len(truth)
    result = {"set": "coded demo", "balloons": n, "top1": top1 / n, "top3": top3 / n, "cpu_s_per_balloon": cpu / n}
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(f"coded demo: {n} balloons with a speaker; top-1 {top1 / n:.1%}   top-3 {top3 / n:.1%}   "
              f"CPU {cpu / n * 1000:.0f} ms per balloon (shared machine)")


if __name__ == "__main__":
    main()
