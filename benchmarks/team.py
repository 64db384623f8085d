"""Team load: several coder processes tagging and correcting one PostgreSQL project at once.

Each coder process loops for ``--seconds``: tags or untags a random panel with a random motif,
corrects a random text region (read, then write with the version it read, as the window does),
and appends a token to a shared panel memo with read-modify-write and retry on conflict. At the
end every token must be in the memos: a missing one is a lost update. Prints edits/s, latency
percentiles, conflicts and lost updates. Goals (issue 20): >= 200 edits/s together, p95 < 50 ms,
0 lost updates.

    python benchmarks/team.py [--coders 8] [--seconds 60] [--db postgresql+psycopg://user:pw@127.0.0.1/postgres]

``--db`` is a role that may create databases (default: the URL packaging/start-test-postgres.sh prints).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from annotator.core import annotate, coding, models  # noqa: E402
from annotator.core.importer import EpisodeSpec, import_pages  # noqa: E402
from annotator.core.project import Conflict, init_project, open_project  # noqa: E402

PANELS = 40
SHARED = 4  # panels whose memos every coder appends to


def setup(root: Path, db: str) -> dict:
    with init_project(root, db) as project:
        from annotator.core.seeds import load_codebook

        load_codebook(project)
        image = root.parent / "page.png"
        Image.new("RGB", (2000, 2000), "white").save(image)
        page = import_pages(project, [image], EpisodeSpec(series="Bench", number=1)).page_ids[0]
        panels, regions = [], []
        for i in range(PANELS):
            x, y = 50 * (i % 40), 50 * (i // 40)
            box = [[x, y], [x + 40, y], [x + 40, y + 40], [x, y + 40]]
            panels.append(annotate.add_panel(project, page, box))
            regions.append(annotate.add_region(project, page, box, text=f"原文{i}"))
        motifs = [m.id for m in coding.motifs(project) if m.parent_id is not None]
    return {"panels": panels, "regions": regions, "motifs": motifs}


def coder(args) -> dict:
    root, db, ids, name, seconds, seed = args
    rng = random.Random(seed)
    latencies, conflicts, appended = [], 0, []
    with open_project(root, db) as project:
        me = project.coder(name)
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            op = n % 3
            start = time.perf_counter()
            try:
                if op == 0:
                    target = ("panel", rng.choice(ids["panels"]))
                    motif = rng.choice(ids["motifs"])
                    mine = [c for c in coding.codings_for(project, target) if c.motif_id == motif and c.coder_id == me]
                    if mine:
                        coding.delete_coding(project, mine[0].id)
                    else:
                        coding.add_coding(project, motif, target, me)
                elif op == 1:
                    region = rng.choice(ids["regions"])
                    with project.session() as s:
                        version = s.get(models.TextRegion, region).version
                    annotate.update_region(project, region, expected_version=version, text=f"{name} {n}")
                else:
                    panel = ids["panels"][n % SHARED]
                    token = f"{name}.{n};"
                    while True:
                        with project.session() as s:
                            row = s.get(models.Panel, panel)
                            memo, version = row.memo, row.version
                        try:
                            annotate.set_panel_memo(project, panel, memo + token, expected_version=version)
                            break
                        except Conflict:
                            conflicts += 1
                    appended.append(token)
            except Conflict:
                conflicts += 1
            latencies.append(time.perf_counter() - start)
            n += 1
    return {"latencies": latencies, "conflicts": conflicts, "appended": appended}


def default_db() -> str:
    script = Path(__file__).resolve().parents[1] / "packaging" / "start-test-postgres.sh"
    return subprocess.run(["bash", str(script)], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--db", default=None, help="admin URL of a role that may create databases")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    admin = args.db or default_db()
    if not admin:
        sys.exit("no PostgreSQL server: give --db or run as root so packaging/start-test-postgres.sh can start one")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    name = f"annotator_bench_{uuid.uuid4().hex[:8]}"
    info = dict(host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database)
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = url.set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "team"
            ids = setup(root, db)
            jobs = [(root, db, ids, f"coder{i}", args.seconds, i) for i in range(args.coders)]
            started = time.perf_counter()
            with mp.get_context("spawn").Pool(args.coders) as pool:
                results = pool.map(coder, jobs)
            wall = time.perf_counter() - started
            with open_project(root, db) as project, project.session() as s:
                memos = "".join(s.get(models.Panel, p).memo for p in ids["panels"][:SHARED])
    finally:
        with psycopg.connect(**info, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    latencies = sorted(x for r in results for x in r["latencies"])
    appended = [t for r in results for t in r["appended"]]
    lost = sum(1 for t in appended if t not in memos)

    def pct(p):
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)

    figures = {"coders": args.coders, "seconds": args.seconds, "edits": len(latencies),
               "edits_per_s": round(len(latencies) / args.seconds, 1), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
               "p99_ms": pct(0.99), "conflicts": sum(r["conflicts"] for r in results), "lost_updates": lost,
               "wall_s": round(wall, 1)}
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:14} {value}")


if __name__ == "__main__":
    main()
