"""Search at scale: a project of N text regions, the index against a plain LIKE scan.

Builds a project of ``--regions`` text regions (default 1,000,000: 10,000 episodes of 10 pages,
10 regions and 3 panels a page, 3 codings a region) from mixed Chinese and English lines, with
English translations on a third of them. Rows go in through SQLAlchemy Core in bulk (the ORM
hook that indexes single edits would be the slow path for a million rows), then the index is
built by ``search_index.rebuild``, the same bulk path the 0003 migration and
``annotator search --rebuild`` use; its time is ``index_s``.

Queries are drawn from the texts themselves (a random substring of a random region), so common
characters are asked for as often as they occur, which is the hard case for one-character
queries. Each is timed as ``annotator search DIR QUERY`` runs it: total (exact to 10,000) and
the first 100 hits in reading order with their context. The scan does the same work with
``LIKE '%q%'`` over the displayed text and the translation: count to 10,001, first 100 in
reading order.

Goals (issue 13): every p95 < 20 ms and >= 10x faster than the scan, matrix < 200 ms, index
build < 2 min, at a million regions. The machine is shared: wall times are noisy; CPU times are
printed beside them.

    python benchmarks/search.py [--regions 1000000] [--queries 40] [--json] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from annotator.core import models, search_index  # noqa: E402
from annotator.core.project import init_project  # noqa: E402
from annotator.core.search import TOTAL_CAP, search  # noqa: E402
from annotator.core.seeds import load_characters, load_codebook  # noqa: E402

PAGES_PER_EPISODE = 10
REGIONS_PER_PAGE = 10
PANELS_PER_PAGE = 3
CODINGS_PER_REGION = 3
CHUNK = 50_000

ZH_WORDS = (
    "境外 组织 间谍 国家 安全 机关 提醒 徒步 情报 秘密 特别 调查 处长 同志 我们 你们 他们 的 了 是 在 不 有 这 那"
    " 一个 没有 什么 时候 知道 发现 注意 危险 群众 举报 电话 手机 网络 资料 照片 军事 基地 附近 拍摄 游客 学生"
    " 工程师 研究所 实验室 数据 泄露 境外势力 渗透 策反 金钱 诱惑 朋友 出国 签证 会议 文件 保密 领导 单位 警惕"
    " 可疑 人员 陌生人 联系 微信 小心 谢谢 立即 报告 调查员 线索 案件 破获 嫌疑人 承认 后悔 法律 责任 宣传 教育"
).split()
EN_WORDS = (
    "the a of to and is in that it you for was on are with as his they be at one have this from or had by word but"
    " what some we can out other were all there when up use your how said an each she which do their time if will"
    " way about many then them would write like so these her long make thing see him two has look more day could go"
    " come did number sound no most people my over know water than call first who may down side been now find spy"
    " agent overseas organisation security secret report danger phone photo base military hiker student engineer"
).split()


def zh_line(rng: random.Random) -> str:
    out = ""
    while len(out) < rng.randint(8, 20):
        out += rng.choice(ZH_WORDS)
        if rng.random() < 0.15:
            out += rng.choice("，。！？")
    return out


def en_line(rng: random.Random) -> str:
    words = [rng.choice(EN_WORDS) for _ in range(rng.randint(5, 12))]
    return " ".join(words).capitalize() + rng.choice(".!?")


def build(root: Path, regions: int, seed: int = 13) -> tuple:
    """Create the project and bulk-load its rows; returns (project, sample texts, load seconds)."""
    rng = random.Random(seed)
    project = init_project(root)
    load_codebook(project)
    load_characters(project)
    now = datetime.now(timezone.utc)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    episodes = max(1, regions // (PAGES_PER_EPISODE * REGIONS_PER_PAGE))
    started = time.perf_counter()
    samples: list[tuple[str, str]] = []
    with project.engine.begin() as conn:
        motif_ids = [r[0] for r in conn.execute(text("SELECT id FROM motif"))]
        character_ids = [r[0] for r in conn.execute(text("SELECT id FROM character"))]
        coder_ids = []
        for name in ("Lin", "Morgan"):
            coder_ids.append(conn.execute(insert(models.Coder.__table__).values(name=name, **stamp)).inserted_primary_key[0])
        series_id = conn.execute(insert(models.Series.__table__).values(
            name="Benchmark series", name_zh="基准", publisher="", url="", notes="", direction="auto", **stamp)
        ).inserted_primary_key[0]
        conn.execute(insert(models.Episode.__table__), [
            {"id": n, "series_id": series_id, "number": n, "title": f"Episode {n}", "title_zh": "", "source_url": "",
             "notes": "", "published_on": date(2015, 1, 1) + timedelta(days=n), **stamp}
            for n in range(1, episodes + 1)])
        page_id = panel_id = region_id = coding_id = 0
        pages, panels, rows, codings = [], [], [], []

        def flush(force: bool = False) -> None:
            batches = ((models.Page, pages), (models.Panel, panels), (models.TextRegion, rows),
                       (models.Coding, codings))
            if force or any(len(batch) >= CHUNK for _, batch in batches):
                for table, batch in batches:  # parents first: foreign keys are enforced
                    if batch:
                        conn.execute(insert(table.__table__), batch)
                        batch.clear()

        for n in range(1, episodes + 1):
            for index in range(PAGES_PER_EPISODE):
                if region_id >= regions:
                    break
                page_id += 1
                pages.append({"id": page_id, "episode_id": n, "index": index, "media_sha256": f"{page_id:064x}",
                              "media_path": f"media/{page_id}.png", "original_filename": "", "width": 1080,
                              "height": 1600, "kind": "page", **stamp})
                first_panel = panel_id + 1
                for order in range(PANELS_PER_PAGE):
                    panel_id += 1
                    panels.append({"id": panel_id, "page_id": page_id, "order": order, "polygon": [],
                                   "source": "auto", "memo": "", **stamp})
                for order in range(REGIONS_PER_PAGE):
                    if region_id >= regions:
                        break
                    region_id += 1
                    chinese = rng.random() < 0.7
                    line = zh_line(rng) if chinese else en_line(rng)
                    translation = en_line(rng) if chinese and rng.random() < 0.45 else ""
                    if len(samples) < 5000 and rng.random() < 0.05:
                        samples.append(("zh" if chinese else "en", line))
                    rows.append({"id": region_id, "page_id": page_id, "panel_id": first_panel + order * PANELS_PER_PAGE
                                 // REGIONS_PER_PAGE, "order": order, "polygon": [], "kind": rng.choice(
                                     ("speech", "speech", "speech", "caption", "thought", "sfx")),
                                 "vertical": False, "lang": "zh" if chinese else "en", "source": "auto",
                                 "ocr_text": line, "ocr_engine": "benchmark", "ocr_differs": False,
                                 "translation": translation, "speaker_id": rng.choice(character_ids)
                                 if rng.random() < 0.6 else None, **stamp})
                    for motif in rng.sample(motif_ids, CODINGS_PER_REGION):
                        coding_id += 1
                        codings.append({"id": coding_id, "motif_id": motif, "text_region_id": region_id,
                                        "coder_id": rng.choice(coder_ids), "memo": "", "source": "", **stamp})
                flush()
        flush(force=True)
    return project, samples, time.perf_counter() - started, episodes, coding_id


def _reopen(root: Path, regions: int):
    """An earlier run's project, with query samples drawn again from its texts."""
    from annotator.core.project import open_project

    project = open_project(root)
    with project.engine.connect() as conn:
        samples = [(lang, line) for lang, line in conn.execute(text(
            "SELECT lang, ocr_text FROM textregion WHERE id % 20 = 0 LIMIT 5000"))]
        episodes = conn.execute(text("SELECT count(*) FROM episode")).scalar()
        codings = conn.execute(text("SELECT count(*) FROM coding")).scalar()
        docs = conn.execute(text("SELECT count(*) FROM search_doc")).scalar()
    return project, samples, None, episodes, codings, docs, None


def _queries(samples, rng: random.Random, count: int, episodes: int) -> dict[str, list[str]]:
    zh = [s for kind, s in samples if kind == "zh"]
    en = [s for kind, s in samples if kind == "en"]

    def piece(k: int) -> str:
        while True:
            line = rng.choice(zh)
            start = rng.randrange(0, max(1, len(line) - k + 1))
            chunk = line[start:start + k]
            if len(chunk) == k and all("\u4e00" <= c <= "\u9fff" for c in chunk):
                return chunk

    def word() -> str:
        return rng.choice([w.strip(".!?").lower() for w in rng.choice(en).split()])

    def filtered() -> str:
        first = rng.randint(1, max(1, episodes - 100))
        return f"{piece(2)} ep:{first}-{first + 99} kind:speech"

    return {"zh1": [piece(1) for _ in range(count)], "zh2": [piece(2) for _ in range(count)],
            "zh4": [piece(4) for _ in range(count)], "en": [word() for _ in range(count)],
            "filtered": [filtered() for _ in range(count)]}


SCAN = ("SELECT {what} FROM textregion r JOIN page p ON p.id = r.page_id JOIN episode e ON e.id = p.episode_id"
        " WHERE (coalesce(r.text, r.ocr_text) LIKE :q OR r.translation LIKE :q){extra}")


def scan(conn, query: str, episodes_range=None) -> tuple[int, list]:
    """The plain scan: same texts, same work (count to the cap, first 100 in reading order)."""
    term = query.split()[0]
    extra, params = "", {"q": f"%{term}%"}
    if episodes_range:
        extra = " AND e.number BETWEEN :lo AND :hi AND r.kind = 'speech'"
        params.update(lo=episodes_range[0], hi=episodes_range[1])
    count = conn.execute(text(f"SELECT count(*) FROM ({SCAN.format(what='1', extra=extra)} LIMIT {TOTAL_CAP + 1})"),
                         params).scalar()
    rows = conn.execute(text(SCAN.format(what="r.id, coalesce(r.text, r.ocr_text)", extra=extra)
                             + ' ORDER BY e.number, p."index", r."order" LIMIT 100'), params).all()
    return count, rows


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--scan-queries", type=int, default=10, help="scan queries per kind (the scan is slow)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="build the project here and keep it")
    parser.add_argument("--reuse", type=Path, default=None,
                        help="time the queries on a project an earlier --keep run built (no build, no index time)")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    tmp = Path(tempfile.mkdtemp(prefix="search-bench-"))
    root = args.reuse or args.keep or tmp / "project"
    try:
        if args.reuse:
            project, samples, load_s, episodes, codings, docs, index_s = _reopen(root, args.regions)
        else:
            say(f"building {args.regions:,} regions ...")
            project, samples, load_s, episodes, codings = build(root, args.regions)
            say(f"  rows loaded in {load_s:.1f} s ({episodes:,} episodes, {codings:,} codings)")
            started, cpu = time.perf_counter(), time.process_time()
            with project.engine.begin() as conn:
                docs = search_index.rebuild(conn)
            index_s, index_cpu = time.perf_counter() - started, time.process_time() - cpu
            with project.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.commit()
            say(f"  index built in {index_s:.1f} s ({index_cpu:.1f} s CPU), {docs:,} documents")
        db_bytes = sum(f.stat().st_size for f in root.glob("project.db*"))
        say(f"  database {db_bytes / 1e6:.0f} MB")
        rng = random.Random(7)
        queries = _queries(samples, rng, args.queries, episodes)
        p95, p50, cpu95, scan95, scan50, totals = {}, {}, {}, {}, {}, {}
        for kind, items in queries.items():
            for q in items[:3]:  # warm the page cache
                search(project, q, limit=100, per_episode=False)
            wall, cpu_times, hits = [], [], []
            for q in items:
                t0, c0 = time.perf_counter(), time.process_time()
                result = search(project, q, limit=100, per_episode=False)
                wall.append((time.perf_counter() - t0) * 1000)
                cpu_times.append((time.process_time() - c0) * 1000)
                hits.append(result.total)
            p50[kind], p95[kind] = _percentiles(wall)
            cpu95[kind] = _percentiles(cpu_times)[1]
            totals[kind] = statistics.median(hits)
            scan_wall = []
            with project.engine.connect() as conn:
                for q in items[: args.scan_queries]:
                    bounds = None
                    if kind == "filtered":
                        lo, hi = q.split("ep:")[1].split()[0].split("-")
                        bounds = (int(lo), int(hi))
                    t0 = time.perf_counter()
                    scan(conn, q, bounds)
                    scan_wall.append((time.perf_counter() - t0) * 1000)
            scan50[kind], scan95[kind] = _percentiles(scan_wall)
            say(f"  {kind:8} index p50 {p50[kind]:7.1f} ms  p95 {p95[kind]:7.1f} ms (CPU p95 {cpu95[kind]:6.1f})"
                f"   scan p50 {scan50[kind]:8.1f} ms  p95 {scan95[kind]:8.1f} ms   x{scan95[kind] / p95[kind]:6.1f}"
                f"   median total {totals[kind]:,.0f}   e.g. {items[0]!r}")
        matrix_ms = None
        try:
            from annotator.core.compare import motif_matrix
        except ImportError:
            say("  matrix: annotator.core.compare.motif_matrix is not in this tree; not measured")
        else:
            runs = []
            for _ in range(5):
                t0 = time.perf_counter()
                motif_matrix(project)
                runs.append((time.perf_counter() - t0) * 1000)
            matrix_ms = min(runs)
            say(f"  matrix: motif x episode in {matrix_ms:.0f} ms (best of 5)")
        project.close()
        report = {"regions": args.regions, "episodes": episodes, "codings": codings, "documents": docs,
                  "p50_ms": p50, "p95_ms": p95, "cpu_p95_ms": cpu95, "scan_p50_ms": scan50, "scan_p95_ms": scan95,
                  "median_total": totals, "matrix_ms": matrix_ms, "index_s": round(index_s, 2) if index_s is not None else None,
                  "load_s": round(load_s, 2) if load_s is not None else None, "db_mb": round(db_bytes / 1e6, 1), "cpus": os.cpu_count(),
                  "load_average": os.getloadavg()[0]}
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
