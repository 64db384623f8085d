"""Install sizes and start-up time to a shown window, for the source install and the built app.

Goal: the window shows the first page in < 2 s. Each run starts a fresh process with
``annotator gui DEMO --screenshot OUT.png`` and the clock stops when the PNG appears: the
window has been shown, the first page decoded and drawn, and the grab saved (so the figure is
an upper bound of "window on screen"). The first run of each variant is the coldest this
machine allows without dropping the page cache (``--drop-caches``, root only, affects every
process on the machine); the next ``--runs`` give the warm minimum and median.

    python benchmarks/startup.py [--app dist/annotator/annotator] [--dist dist] [--runs 5] [--platform xcb]

Sizes printed: wheel and sdist, the one-folder app (and its largest parts), the .deb and its
installed size, when they exist under ``--dist``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = "from annotator.cli import main; main()"


def du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mb(n: int) -> str:
    return f"{n / 1e6:7.1f} MB"


def sizes(dist: Path) -> None:
    print("== sizes")
    for pattern in ("annotator-*.whl", "annotator-*.tar.gz", "annotator_*.deb"):
        for path in sorted(dist.glob(pattern)):
            print(f"{path.name:<45} {mb(du(path))}")
    app = dist / "annotator"
    if app.is_dir():
        print(f"{'one-folder app ' + str(app):<45} {mb(du(app))}")
        internal = app / "_internal"
        parts = sorted(((du(p), p.name) for p in internal.iterdir()), reverse=True)[:8]
        for size, name in parts:
            print(f"    {name:<41} {mb(size)}")
    for deb in sorted(dist.glob("annotator_*.deb")):
        out = subprocess.run(["dpkg-deb", "-f", str(deb), "Installed-Size"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            print(f"{deb.name + ' installed':<45} {mb(int(out.stdout) * 1024)}")


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        return None
    display = f":{90 + os.getpid() % 50}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"] = display
    time.sleep(1.0)
    return server


def time_to_window(command: list[str], env: dict, out: Path, timeout: float = 60.0) -> tuple[float, float]:
    """Wall seconds until the screenshot exists, and the process's CPU seconds (user + system) for
    its whole run, which includes closing down after the shot."""
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    proc = subprocess.Popen(command + ["--screenshot", str(out)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    while not (out.exists() and out.stat().st_size > 0):
        if proc.poll() is not None and not out.exists():
            raise RuntimeError(f"{command[0]} exited {proc.returncode} without a window: {proc.stderr.read()[-500:]}")
        if time.perf_counter() - started > timeout:
            proc.kill()
            raise RuntimeError(f"no window after {timeout:.0f} s")
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return elapsed, usage.ru_utime + usage.ru_stime


def drop_caches() -> None:
    subprocess.run(["sync"], check=False)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--app", type=Path, default=None, help="built app's executable (default: DIST/annotator/annotator)")
    parser.add_argument("--python", default=sys.executable, help="Python of the source install")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", choices=["offscreen", "xcb"], default="offscreen",
                        help="xcb starts a private Xvfb when there is no DISPLAY")
    parser.add_argument("--drop-caches", action="store_true", help="drop the page cache before each first run (root)")
    args = parser.parse_args()

    sizes(args.dist)
    app = args.app or args.dist / "annotator" / "annotator"
    xvfb = start_xvfb() if args.platform == "xcb" else None
    try:
        with tempfile.TemporaryDirectory(prefix="annotator-startup-") as tmp:
            tmp = Path(tmp)
            env = dict(os.environ, QT_QPA_PLATFORM=args.platform, XDG_CONFIG_HOME=str(tmp / "config"),
                       PYTHONPATH=str(ROOT))
            demo = tmp / "demo"
            subprocess.run([args.python, "-c", CLI, "demo", str(demo), "--no-analysis"], env=env,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            variants = [("source install", [args.python, "-c", CLI, "gui", str(demo)])]
            if app.is_file():
                clean = {k: v for k, v in env.items() if k != "PYTHONPATH"}
                variants.append((f"built app ({app})", [str(app), "gui", str(demo)]))
            else:
                print(f"(no built app at {app}; run `make app`)")
            print(f"== time to a shown window with the first page drawn ({args.platform}; goal < 2 s)")
            for name, command in variants:
                run_env = env if name == "source install" else clean
                if args.drop_caches:
                    drop_caches()
                first, first_cpu = time_to_window(command, run_env, tmp / "shot.png")
                runs = [time_to_window(command, run_env, tmp / "shot.png") for _ in range(args.runs)]
                warm, cpu = [r[0] for r in runs], [r[1] for r in runs]
                print(f"{name}: first {first:.2f} s, warm min {min(warm):.2f} s, "
                      f"median {statistics.median(warm):.2f} s over {len(warm)} runs; "
                      f"CPU per run (whole process) first {first_cpu:.2f} s, warm min {min(cpu):.2f} s")
    finally:
        if xvfb is not None:
            xvfb.terminate()
    print(f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: a shared machine inflates these)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
