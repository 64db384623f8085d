#!/usr/bin/env python3
"""OCR engines side by side on the shared corpus.

    PYTHONPATH=. python benchmarks/ocr.py [--engines rapidocr,tesseract,naive] [--corpus DIR] [--pages N]

(``tesseract:opencv`` runs Tesseract with the OpenCV balloon finder instead of RapidOCR's detector.)

Per engine (each run in its own subprocess so peak RSS is measured cleanly):

- CER on the 60 balloon crops by group (zh horizontal, zh vertical, en), ``lang="auto"``,
  orientation left to the engine;
- on full synthetic pages: balloon recall (a truth balloon counts when the texts detected
  with their centre inside it read, in order, with CER < 0.2), false positives per page
  (regions whose centre is in no truth balloon), the corpus scorer's balloon CER and page
  text CER, seconds per page for normal pages (grid/bleed/slant) and per strip;
- peak RSS of the worker process.

``naive`` is the baseline ``pytesseract.image_to_string(img, lang="chi_sim+eng")``: crops only
(it finds no balloons). CER normalisation is the corpus scorer's (whitespace dropped, ，。？！ folded).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def load_scorer(corpus: Path):
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def crop_group(item: dict) -> str:
    if item["lang"] == "en":
        return "en"
    return "zh-v" if item["vertical"] else "zh-h"


def inside(box, point) -> bool:
    x, y, w, h = box
    return x <= point[0] < x + w and y <= point[1] < y + h


def worker(engine_name: str, corpus: Path, max_pages: int | None) -> dict:
    import numpy as np
    import pytesseract

    sys.path.insert(0, str(ROOT))
    from annotator.vision.images import load_array
    from annotator.vision.ocr import get_engine
    from annotator.vision.reading import read_page

    sc = load_scorer(corpus)
    naive = engine_name == "naive"
    name, _, detector = engine_name.partition(":")  # "tesseract:opencv" = Tesseract with the OpenCV finder
    engine = None if naive else get_engine(name, **({"detector": detector} if detector else {}))

    def read_crop(img):
        if naive:
            return pytesseract.image_to_string(img, lang="chi_sim+eng")
        return engine.recognize(img, "auto", None).text

    crops = json.loads((corpus / "balloons" / "truth.json").read_text())["crops"]
    read_crop(load_array(corpus / "balloons" / crops[0]["image"]))  # warm-up: model loading is not per-balloon cost
    errs: dict[str, list[int]] = {}
    t0 = time.perf_counter()
    for item in crops:
        got = read_crop(load_array(corpus / "balloons" / item["image"]))
        gt = sc.norm(item["text"])
        e = errs.setdefault(crop_group(item), [0, 0])
        e[0] += sc.lev(gt, sc.norm(got))
        e[1] += len(gt)
    result = {"engine": engine_name, "crop_cer": {k: v[0] / v[1] for k, v in errs.items()},
              "s_per_crop": (time.perf_counter() - t0) / len(crops)}
    if not naive and max_pages != 0:
        truth = json.loads((corpus / "synthetic" / "truth.json").read_text())["pages"][:max_pages]
        found = total = fps = 0
        times: dict[str, list[float]] = {"page": [], "strip": []}
        preds = {}
        for page in truth:
            img = load_array(corpus / "synthetic" / page["image"])
            t = time.perf_counter()
            # truth panels fix the region order, as detected panels will in the app
            shapes = read_page(img, engine, panels=[p["polygon"] for p in page["panels"]])
            times["strip" if page["style"] == "strip" else "page"].append(time.perf_counter() - t)
            preds[page["image"]] = {"texts": [s.to_json() for s in shapes]}
            centres = [(s.bbox[0] + s.bbox[2] / 2, s.bbox[1] + s.bbox[3] / 2) for s in shapes]
            used = set()
            for b in page["balloons"]:
                idx = [i for i, c in enumerate(centres) if inside(b["bbox"], c)]
                used.update(idx)
                got = sc.norm("".join(shapes[i].text for i in idx))
                gt = sc.norm(b["text"])
                total += 1
                found += sc.lev(gt, got) < 0.2 * len(gt)
            fps += len(shapes) - len(used)
        with tempfile.TemporaryDirectory() as tmp:
            tp, pp = Path(tmp) / "truth.json", Path(tmp) / "pred.json"
            tp.write_text(json.dumps({"pages": truth}))
            pp.write_text(json.dumps(preds))
            out = subprocess.run([sys.executable, str(corpus / "score.py"), str(tp), str(pp)],
                                 capture_output=True, text=True, check=True).stdout
        score = json.loads(out)
        result.update({
            "recall": found / total, "balloons": total, "fp_per_page": fps / len(truth),
            "balloon_cer": score["balloon_cer"], "page_text_cer": score["page_text_cer"],
            "s_per_page": float(np.mean(times["page"])) if times["page"] else None,
            "s_per_strip": float(np.mean(times["strip"])) if times["strip"] else None,
        })
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def fmt(v, pct=False, digits=2):
    if v is None:
        return "-"
    return f"{100 * v:.1f} %" if pct else f"{v:.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default="rapidocr,tesseract,naive")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--pages", type=int, default=None, help="only the first N synthetic pages (0: crops only)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not (args.corpus / "balloons" / "truth.json").exists():
        sys.exit(f"corpus not found at {args.corpus} (use --corpus)")
    if args.worker:
        print(json.dumps(worker(args.worker, args.corpus, args.pages)))
        return
    rows = []
    for name in args.engines.split(","):
        cmd = [sys.executable, __file__, "--worker", name, "--corpus", str(args.corpus)]
        if args.pages is not None:
            cmd += ["--pages", str(args.pages)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    head = ["engine", "CER zh-h", "CER zh-v", "CER en", "s/crop", "recall", "FP/page", "balloon_cer",
            "page_cer", "s/page", "s/strip", "peak MB"]
    table = [[r["engine"], fmt(r["crop_cer"].get("zh-h"), True), fmt(r["crop_cer"].get("zh-v"), True),
              fmt(r["crop_cer"].get("en"), True), fmt(r["s_per_crop"]),
              fmt(r.get("recall"), True) + (f" ({round(r['recall'] * r['balloons'])}/{r['balloons']})"
                                            if r.get("recall") is not None else ""),
              fmt(r.get("fp_per_page")), fmt(r.get("balloon_cer"), True), fmt(r.get("page_text_cer"), True),
              fmt(r.get("s_per_page")), fmt(r.get("s_per_strip")), fmt(r["peak_rss_mb"], digits=0)]
             for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *table)]
    for row in [head, ["-" * w for w in widths], *table]:
        print(" | ".join(str(x).ljust(w) for x, w in zip(row, widths)))


if __name__ == "__main__":
    main()
