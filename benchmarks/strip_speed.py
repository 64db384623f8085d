#!/usr/bin/env python3
"""OCR speed on one long strip: this app's reader against plain RapidOCR on 1600-px tiles, same run.

    PYTHONPATH=. python benchmarks/strip_speed.py [--corpus ../shared/corpus] [--height 30000]

The strip is the shared corpus's generated WeChat-style strips stacked to 1080 x HEIGHT
(their balloon truth shifted with them). Each reader runs in its own subprocess, so peak RSS
is its own; both get every core (plain RapidOCR: onnxruntime's default threads; ours: one
tile worker per core). Printed per reader: wall seconds, CPU seconds, peak RSS, balloons
read (a truth balloon counts when the texts whose centre lies in it read with CER < 0.2),
balloon CER (texts in the balloon joined, against its truth) and texts outside any balloon.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
PLAIN_TILE = 1600


def build_strip(corpus: Path, height: int):
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from annotator.vision.images import load_array

    truth = json.loads((corpus / "synthetic" / "truth.json").read_text())["pages"]
    parts, balloons, y = [], [], 0
    strips = [p for p in truth if p["style"] == "strip"]
    k = 0
    while y < height:
        page = strips[k % len(strips)]
        k += 1
        img = load_array(corpus / "synthetic" / page["image"])[: height - y]
        parts.append(img)
        for b in page["balloons"]:
            bx, by, bw, bh = b["bbox"]
            if by + bh <= img.shape[0]:
                balloons.append({**b, "bbox": [bx, by + y, bw, bh]})
        y += img.shape[0]
    return np.concatenate(parts), balloons


def plain(img):
    from rapidocr import RapidOCR

    model = RapidOCR(params={"Global.log_level": "error"})
    out = []
    for y0 in range(0, img.shape[0], PLAIN_TILE):
        res = model(img[y0:y0 + PLAIN_TILE, :, ::-1].copy())
        if res is None or res.boxes is None:
            continue
        for box, txt in zip(res.boxes, res.txts):
            xs, ys = [p[0] for p in box], [p[1] + y0 for p in box]
            out.append(((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)), str(txt)))
    return out


def ours(img):
    from annotator.vision.ocr import get_engine
    from annotator.vision.reading import read_page

    return [(s.bbox, s.text) for s in read_page(img, get_engine("rapidocr", threads=os.cpu_count() or 1))
            if s.kind != "other"]


def worker(name: str, corpus: Path, height: int) -> dict:
    sys.path.insert(0, str(ROOT))
    spec = __import__("importlib.util").util.spec_from_file_location("score", corpus / "score.py")
    sc = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(sc)
    img, balloons = build_strip(corpus, height)
    c0, t0 = time.process_time(), time.perf_counter()
    texts = (plain if name == "plain" else ours)(img)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    centres = [(b[0] + b[2] / 2, b[1] + b[3] / 2) for b, _ in texts]
    used, found, errs, chars = set(), 0, 0, 0
    for b in balloons:
        x, y, w, h = b["bbox"]
        idx = [i for i, (cx, cy) in enumerate(centres) if x <= cx < x + w and y <= cy < y + h]
        used.update(idx)
        got, gt = sc.norm("".join(texts[i][1] for i in idx)), sc.norm(b["text"])
        e = sc.lev(gt, got)
        found += e < 0.2 * len(gt)
        errs += e
        chars += len(gt)
    return {"reader": name, "size": f"{img.shape[1]}x{img.shape[0]}", "wall_s": wall, "cpu_s": cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "read": f"{found}/{len(balloons)}", "cer": errs / max(1, chars), "outside": len(texts) - len(used)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--height", type=int, default=30000)
    ap.add_argument("--readers", default="plain,ours")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.corpus, args.height)))
        return
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name in args.readers.split(","):
        proc = subprocess.run([sys.executable, __file__, "--worker", name, "--corpus", str(args.corpus),
                               "--height", str(args.height)], capture_output=True, text=True)
        if proc.returncode:
            print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{r['reader']:6} {r['size']}  wall {r['wall_s']:.1f} s  cpu {r['cpu_s']:.1f} s  "
              f"peak {r['peak_mb']:.0f} MB  balloons read {r['read']}  CER {100 * r['cer']:.1f} %  "
              f"texts outside balloons {r['outside']}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
