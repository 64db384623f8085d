"""Panel segmentation benchmark on the shared corpus, ours and (optionally) Kumiko side by side.

    PYTHONPATH=. python benchmarks/panels.py [--corpus ../shared/corpus]
    KUMIKO_DIR=/work/ref/kumiko KUMIKO_PYTHON=/work/ref/kumiko-venv/bin/python PYTHONPATH=. python benchmarks/panels.py

Per group (real pages, real strips, each synthetic style) it prints precision / recall / F1
at IoU 0.5 and reading-order accuracy, as computed by the corpus's own ``score.py`` on a
truth file filtered to that group, and the mean milliseconds per page. The reading
direction given to both tools is the page's truth ``rtl`` flag (a reader knows the book's
direction). Kumiko runs in its own interpreter (it needs OpenCV < 5); it is timed there,
in-process, with the same clock.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from annotator.vision.images import load_array
from annotator.vision.panels import segment

GROUPS = ("real", "real-strip", "grid", "strip", "bleed", "slant")

# Run by KUMIKO_PYTHON inside KUMIKO_DIR: reads [[path, rtl], ...] on stdin, prints
# {path: {"panels": [...], "ms": float}}. It only calls Kumiko's public library entry point.
KUMIKO_DRIVER = """
import json, sys, time
from kumikolib import Kumiko
out = {}
for path, rtl in json.load(sys.stdin):
    k = Kumiko({"debug": False, "progress": False, "rtl": rtl, "min_panel_size_ratio": False,
                "panel_expansion": True})
    t = time.perf_counter()
    try:
        k.parse_image(path)
        panels = [list(map(int, p)) for p in k.get_infos()[0]["panels"]]
    except Exception as exc:
        print(f"kumiko failed on {path}: {exc!r}", file=sys.stderr)
        panels = []
    out[path] = {"panels": panels, "ms": (time.perf_counter() - t) * 1000}
print(json.dumps(out))
"""


def load_pages(corpus: Path) -> list[tuple[Path, dict]]:
    pages = []
    for sub in ("real", "synthetic"):
        truth = corpus / sub / "truth.json"
        for page in json.loads(truth.read_text())["pages"]:
            pages.append((truth, page))
    return pages


def run_ours(pages, repeat: int) -> dict[str, dict]:
    """Each page ``repeat`` times: the machine is shared, so the fastest run is the
    least disturbed one; its wall time (min and median over runs) and process CPU time."""
    out = {}
    for truth, page in pages:
        path = truth.parent / page["image"]
        rgb = load_array(path)  # decoding is not segmentation: keep it out of the clock
        walls, cpus = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            panels = segment(rgb, "rtl" if page.get("rtl") else "ltr")
            walls.append((time.perf_counter() - t) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        out[str(path)] = {"panels": [list(p.bbox) for p in panels], "ms": float(np.median(walls)),
                          "ms_min": min(walls), "cpu": min(cpus)}
    return out


def run_kumiko(pages) -> dict[str, dict] | None:
    kdir, kpy = os.environ.get("KUMIKO_DIR"), os.environ.get("KUMIKO_PYTHON")
    if not kdir or not kpy:
        print("Kumiko skipped: set KUMIKO_DIR (its checkout) and KUMIKO_PYTHON (its venv python).")
        return None
    jobs = [[str((truth.parent / page["image"]).resolve()), bool(page.get("rtl"))] for truth, page in pages]
    proc = subprocess.run([kpy, "-c", KUMIKO_DRIVER], input=json.dumps(jobs), cwd=kdir,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"Kumiko failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
        return None
    resolved = json.loads(proc.stdout)
    return {str(truth.parent / page["image"]): resolved[str((truth.parent / page["image"]).resolve())]
            for truth, page in pages}


def score_group(corpus: Path, pages, results: dict, group: str) -> dict:
    chosen = [(t, p) for t, p in pages if p["style"] == group]
    truth_pages = [p for _, p in chosen]
    preds = {p["image"]: {"panels": results[str(t.parent / p["image"])]["panels"], "texts": []} for t, p in chosen}
    with tempfile.TemporaryDirectory() as tmp:
        tf, pf = Path(tmp, "truth.json"), Path(tmp, "pred.json")
        tf.write_text(json.dumps({"pages": truth_pages}))
        pf.write_text(json.dumps(preds))
        proc = subprocess.run([sys.executable, str(corpus / "score.py"), str(tf), str(pf)],
                              capture_output=True, text=True, check=True)
    scores = json.loads(proc.stdout)
    runs = [results[str(t.parent / p["image"])] for t, p in chosen]
    scores["ms"] = float(np.mean([r["ms"] for r in runs]))
    scores["ms_min"] = float(np.mean([r.get("ms_min", r["ms"]) for r in runs]))
    scores["ms_max"] = float(max(r["ms"] for r in runs))
    scores["cpu"] = float(np.mean([r["cpu"] for r in runs])) if all("cpu" in r for r in runs) else None
    return scores


def strip_timing() -> tuple[float, float]:
    """Min and median ms for a generated 1080x10000 strip: ten panels on a tinted background."""
    rng = np.random.default_rng(3)
    img = np.full((10000, 1080, 3), (246, 240, 228), np.uint8)
    y = 150
    while y < 9300:
        h = int(rng.integers(500, 900))
        img[y:y + h, 40:1040] = rng.integers(0, 255, 3)
        img[y:y + h, 40:1040] += rng.integers(0, 40, (h, 1000, 1)).astype(np.uint8)
        y += h + int(rng.integers(90, 400))
    times = []
    for _ in range(5):
        t = time.perf_counter()
        segment(img, "ltr")
        times.append((time.perf_counter() - t) * 1000)
    return min(times), float(np.median(times))


def main() -> None:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=3, help="runs of ours per page (timing only)")
    args = ap.parse_args()
    pages = load_pages(args.corpus)
    tools = {"ours": run_ours(pages, max(1, args.repeat))}
    kumiko = run_kumiko(pages)
    if kumiko is not None:
        tools["kumiko"] = kumiko
    print("ms/page: mean over the group's pages of each page's fastest / median run (wall), its slowest"
          " page's median, and CPU ms of the fastest run (all threads)")
    print(f"{'group':<11} {'tool':<7} {'pages':>5} {'prec':>6} {'recall':>6} {'F1':>6} {'order':>6} "
          f"{'ms min':>7} {'ms med':>7} {'ms max':>7} {'cpu ms':>7}")
    for group in GROUPS:
        for name, results in tools.items():
            s = score_group(args.corpus, pages, results, group)
            order = "-" if s["order_accuracy"] is None else f"{s['order_accuracy']:.3f}"
            cpu = "-" if s["cpu"] is None else f"{s['cpu']:.1f}"
            print(f"{group:<11} {name:<7} {s['pages']:>5} {s['panel_precision']:>6.3f} {s['panel_recall']:>6.3f} "
                  f"{s['panel_f1']:>6.3f} {order:>6} {s['ms_min']:>7.1f} {s['ms']:>7.1f} {s['ms_max']:>7.1f} {cpu:>7}")
    fastest, median = strip_timing()
    print(f"synthetic 1080x10000 strip (ours): {fastest:.0f} ms min, {median:.0f} ms median")


if __name__ == "__main__":
    main()
