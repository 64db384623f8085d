#!/usr/bin/env python3
"""Re-create the real development set's images in ``pages/`` (git-ignored) from pinned sources.

    python benchmarks/realset/fetch.py [--mirror DIR]

Every page in ``sources.json`` names a public GitHub repository, a commit and a path, and
the git blob hash of the file at that commit. The file is taken from a local bare mirror
of the repository when one exists (``--mirror DIR`` holding ``owner+name/repo``, as the
team's ``fetch`` tool lays them out), else downloaded from raw.githubusercontent.com at
that commit. A file whose blob hash differs is refused, so the set cannot drift.

The images are published artwork: they are used for evaluation only and never committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def blob_hash(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def from_mirror(mirror: Path, page: dict) -> bytes | None:
    repo = mirror / page["repo"].replace("/", "+") / "repo"
    if not repo.is_dir():
        return None
    done = subprocess.run(["git", "-C", str(repo), "cat-file", "blob", page["blob"]], capture_output=True)
    return done.stdout if done.returncode == 0 else None


def from_github(page: dict) -> bytes:
    url = f"https://raw.githubusercontent.com/{page['repo']}/{page['commit']}/{page['path']}"
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", type=Path, default=Path("/work/.mirror"), help="folder of bare mirrors (optional)")
    args = ap.parse_args()
    out = HERE / "pages"
    out.mkdir(exist_ok=True)
    failed = 0
    for page in json.loads((HERE / "sources.json").read_text())["pages"]:
        target = out / page["file"]
        if target.exists() and blob_hash(target.read_bytes()) == page["blob"]:
            continue
        try:
            data = from_mirror(args.mirror, page) or from_github(page)
        except OSError as exc:
            print(f"{page['id']}: cannot download ({exc})", file=sys.stderr)
            failed += 1
            continue
        if blob_hash(data) != page["blob"]:
            print(f"{page['id']}: blob hash mismatch, refused", file=sys.stderr)
            failed += 1
            continue
        target.write_bytes(data)
        print(f"{page['id']}: {len(data)} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
