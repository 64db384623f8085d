#!/usr/bin/env python3
"""The real development set (``benchmarks/realset``) scored per group, side by side.

    python benchmarks/realset/fetch.py            # once: re-creates the images
    PYTHONPATH=. python benchmarks/realset.py [--corpus ../shared/corpus] [--only ID,ID] [--tools ours,plain]
                                              [--save DIR]
    KUMIKO_DIR=... KUMIKO_PYTHON=... PYTHONPATH=. python benchmarks/realset.py   # adds Kumiko's panels

Tools: ``ours`` (``segment`` + ``read_page`` ordered by the found panels; regions of kind
``other`` — watermarks, credits, page numbers — are left out as they are of the
transcript), ``plain`` (RapidOCR on the whole page, or on 1600-px tiles of a strip, no
panels) and Kumiko (panels only, from its own interpreter, as in ``benchmarks/panels.py``).

Per group (zh-page, zh-strip, en-page, en-strip, ja-page) it prints panel F1 and the scorer's
balloon CER (corpus ``score.py``, panels at IoU 0.5, texts at IoU 0.3); per text group (zh-h,
zh-v, en) the CER of each truth balloon against the texts whose centre lies in it, joined in
order, and the share read (CER < 0.2); and false texts per page: texts whose centre lies in
no truth balloon and no ``ignore`` region (sound effects, book covers left untranscribed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "benchmarks" / "realset"
PLAIN_TILE = 1600


def find_corpus() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "corpus" / "score.py").exists():
            return base / "shared" / "corpus"
    return ROOT.parent / "shared" / "corpus"


def load_scorer(corpus: Path):
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_ours(pages) -> dict:
    sys.path.insert(0, str(ROOT))
    from annotator.vision.images import load_array
    from annotator.vision.panels import segment
    from annotator.vision.reading import read_page

    out = {}
    for page in pages:
        rgb = load_array(SET / page["image"])
        t = time.perf_counter()
        panels = segment(rgb, "rtl" if page["rtl"] else "ltr")
        texts = read_page(rgb, panels=[p.polygon for p in panels]) if page["text_labelled"] else []
        out[page["image"]] = {"panels": [list(map(int, p.bbox)) for p in panels],
                              "texts": [{"bbox": list(map(int, s.bbox)), "text": s.text} for s in texts
                                        if s.kind != "other"],
                              "s": time.perf_counter() - t}
        print(f"  ours {page['image']}: {out[page['image']]['s']:.1f} s", file=sys.stderr, flush=True)
    return out


def run_plain(pages) -> dict:
    sys.path.insert(0, str(ROOT))
    from rapidocr import RapidOCR

    from annotator.vision.images import is_long_strip, load_array

    model = RapidOCR(params={"Global.log_level": "error"})
    out = {}
    for page in pages:
        rgb = load_array(SET / page["image"])
        h, w = rgb.shape[:2]
        t = time.perf_counter()
        texts = []
        step = PLAIN_TILE if is_long_strip(w, h) else h
        for y0 in range(0, h, step):
            res = model(rgb[y0:y0 + step, :, ::-1].copy()) if page["text_labelled"] else None
            if res is None or res.boxes is None:
                continue
            for box, txt in zip(res.boxes, res.txts):
                xs, ys = [p[0] for p in box], [p[1] + y0 for p in box]
                texts.append({"bbox": [int(min(xs)), int(min(ys)), int(max(xs) - min(xs)), int(max(ys) - min(ys))],
                              "text": str(txt)})
        out[page["image"]] = {"panels": [], "texts": texts, "s": time.perf_counter() - t}
    return out


KUMIKO_DRIVER = """
import json, sys
from kumikolib import Kumiko
out = {}
for path, rtl in json.load(sys.stdin):
    k = Kumiko({"debug": False, "progress": False, "rtl": rtl, "min_panel_size_ratio": False,
                "panel_expansion": True})
    try:
        k.parse_image(path)
        out[path] = [list(map(int, p)) for p in k.get_infos()[0]["panels"]]
    except Exception as exc:
        print(f"kumiko failed on {path}: {exc!r}", file=sys.stderr)
        out[path] = []
print(json.dumps(out))
"""


def run_kumiko(pages) -> dict | None:
    kdir, kpy = os.environ.get("KUMIKO_DIR"), os.environ.get("KUMIKO_PYTHON")
    if not kdir or not kpy:
        return None
    jobs = [[str((SET / p["image"]).resolve()), p["rtl"]] for p in pages]
    proc = subprocess.run([kpy, "-c", KUMIKO_DRIVER], input=json.dumps(jobs), cwd=kdir, capture_output=True, text=True)
    if proc.returncode:
        print(f"Kumiko failed: {proc.stderr[-500:]}", file=sys.stderr)
        return None
    got = json.loads(proc.stdout)
    return {p["image"]: {"panels": got[str((SET / p["image"]).resolve())], "texts": [], "s": 0.0} for p in pages}


def inside(box, point) -> bool:
    x, y, w, h = box
    return x <= point[0] < x + w and y <= point[1] < y + h


def text_scores(sc, pages, preds) -> dict:
    """Per text group: [errors, chars, read, balloons]; plus false texts and text-labelled pages."""
    groups: dict[str, list[int]] = {}
    false = 0
    for page in pages:
        texts = preds[page["image"]]["texts"]
        centres = [(t["bbox"][0] + t["bbox"][2] / 2, t["bbox"][1] + t["bbox"][3] / 2) for t in texts]
        used = set()
        for b in page["balloons"]:
            idx = [i for i, c in enumerate(centres) if inside(b["bbox"], c)]
            used.update(idx)
            got, gt = sc.norm("".join(texts[i]["text"] for i in idx)), sc.norm(b["text"])
            e = sc.lev(gt, got)
            g = groups.setdefault("en" if b["lang"] == "en" else ("zh-v" if b["vertical"] else "zh-h"), [0, 0, 0, 0])
            g[0] += e
            g[1] += len(gt)
            g[2] += e < 0.2 * max(1, len(gt))
            g[3] += 1
        false += sum(1 for i, c in enumerate(centres)
                     if i not in used and not any(inside(r, c) for r in page.get("ignore", [])))
    return {"groups": groups, "false": false, "pages": sum(p["text_labelled"] for p in pages)}


def official(corpus: Path, pages, preds) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tf, pf = Path(tmp, "truth.json"), Path(tmp, "pred.json")
        tf.write_text(json.dumps({"pages": pages}))
        pf.write_text(json.dumps({p["image"]: preds[p["image"]] for p in pages}))
        proc = subprocess.run([sys.executable, str(corpus / "score.py"), str(tf), str(pf)],
                              capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=find_corpus(), help="folder holding the scorer score.py")
    ap.add_argument("--only", help="comma-separated page ids (file stems) to run")
    ap.add_argument("--tools", default="ours,plain")
    ap.add_argument("--save", type=Path, help="write each tool's predictions to SAVE/TOOL.json")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    pages = json.loads((SET / "truth.json").read_text())["pages"]
    if args.only:
        keep = set(args.only.split(","))
        pages = [p for p in pages if Path(p["image"]).stem in keep]
    missing = [p["image"] for p in pages if not (SET / p["image"]).exists()]
    if missing:
        sys.exit(f"{len(missing)} images missing: run python benchmarks/realset/fetch.py first")
    if args.worker:  # one tool in its own process
        print(json.dumps({"ours": run_ours, "plain": run_plain}[args.worker](pages)))
        return
    sc = load_scorer(args.corpus)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results = {}
    for tool in args.tools.split(","):
        cmd = [sys.executable, __file__, "--worker", tool] + (["--only", args.only] if args.only else [])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            print(f"{tool} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        results[tool] = json.loads(proc.stdout.strip().splitlines()[-1])
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{tool}.json").write_text(json.dumps(results[tool], ensure_ascii=False, indent=1))
    kumiko = run_kumiko(pages)
    if kumiko is not None:
        results["kumiko"] = kumiko
    print(f"{'group':<9} {'tool':<7} {'pages':>5} {'panel F1':>8} {'order':>6} {'balloon CER':>11} "
          f"{'false/page':>10} {'s/page':>7}")
    text_rows = {}
    for group in sorted({p["group"] for p in pages}):
        chosen = [p for p in pages if p["group"] == group]
        for tool, preds in results.items():
            s = official(args.corpus, chosen, preds)
            t = text_scores(sc, [p for p in chosen if p["text_labelled"]], preds)
            for k, v in (t["groups"].items() if tool != "kumiko" else ()):  # Kumiko finds panels only
                acc = text_rows.setdefault((k, tool), [0, 0, 0, 0])
                for i in range(4):
                    acc[i] += v[i]
            panels = "-" if tool == "plain" else f"{s['panel_f1']:.3f}"
            order = "-" if tool == "plain" or s["order_accuracy"] is None else f"{s['order_accuracy']:.2f}"
            cer = "-" if tool == "kumiko" or s["balloon_cer"] is None else f"{100 * s['balloon_cer']:.1f} %"
            fp = "-" if tool == "kumiko" or not t["pages"] else f"{t['false'] / t['pages']:.2f}"
            secs = sum(preds[p["image"]]["s"] for p in chosen) / len(chosen)
            print(f"{group:<9} {tool:<7} {len(chosen):>5} {panels:>8} {order:>6} {cer:>11} {fp:>10} {secs:>7.1f}")
    print(f"\n{'text':<6} {'tool':<7} {'balloons':>8} {'CER':>7} {'read':>7}")
    for (k, tool), (e, n, r, b) in sorted(text_rows.items()):
        print(f"{k:<6} {tool:<7} {b:>8} {100 * e / max(1, n):>6.1f}% {100 * r / max(1, b):>6.1f}%")


if __name__ == "__main__":
    main()
