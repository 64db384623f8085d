"""GUI responsiveness: first paint of a 500-page project, page switches, stalls during OCR,
and on a 1080 × 35,130 WeChat-style strip: Cancel latency of its OCR and wheel-scroll frame time.

Goals: first paint < 1 s, page switch < 100 ms, longest event-loop stall while an episode is
OCR'd < 100 ms; time from clicking Cancel to the end of a one-strip OCR < 1 s; wheel-scroll
frame (wheel event handled and the viewport repainted) < 16 ms median at fit-width and 100 %.
Stalls are measured with a 5 ms QTimer heartbeat: the longest gap between two beats, minus the
period, is how long the window could not react.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui.py [--pages 500] [--strip-only]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QElapsedTimer, QEvent, QEventLoop, QObject, QPoint, QPointF, QSettings, Qt, QTimer,
)
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sqlmodel import select  # noqa: E402

from annotator.core import models  # noqa: E402
from annotator.core.seeds import build_demo  # noqa: E402


def big_project(root: Path, pages: int) -> None:
    """The demo project plus episodes reusing its images until it has ``pages`` pages."""
    project, _ = build_demo(root)
    with project.session() as s:
        originals = list(s.exec(select(models.Page).order_by(models.Page.id)))
        series_id = s.exec(select(models.Series)).first().id
        number, total = 100, len(originals)
        while total < pages:
            episode = models.Episode(series_id=series_id, number=number, title=f"Bench {number}")
            s.add(episode)
            s.flush()
            for index, page in enumerate(originals):
                s.add(models.Page(episode_id=episode.id, index=index, media_sha256=page.media_sha256,
                                  media_path=page.media_path, original_filename=page.original_filename,
                                  width=page.width, height=page.height, kind=page.kind))
            s.flush()
            number += 1
            total += len(originals)
    project.close()


class PaintWatch(QObject):
    def __init__(self):
        super().__init__()
        self.painted = False

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


class Heartbeat:
    def __init__(self, period_ms: int = 5):
        self.period = period_ms
        self.clock = QElapsedTimer()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(period_ms)
        self.timer.timeout.connect(self._beat)

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.timer.start()

    def _beat(self) -> None:
        now = self.clock.elapsed()
        self.longest = max(self.longest, now - self.last - self.period)
        self.last = now


def spin_until(predicate, timeout_s: float = 600) -> None:
    """Run the event loop until ``predicate()`` holds, checking every millisecond.

    A nested QEventLoop rather than a processEvents() loop: tens of thousands of processEvents()
    calls made PySide6 abort with "none_dealloc" on this machine."""
    if predicate():
        return
    end = time.perf_counter() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)

    def check() -> None:
        if predicate() or time.perf_counter() > end:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()


def long_strip(folder: Path, copies: int = 3) -> Path:
    """The demo strip stacked ``copies`` times: 1080 × 35,130 px, the size of a long WeChat episode."""
    from PIL import Image

    from annotator.core.seeds import SEEDS_DIR

    part = Image.open(SEEDS_DIR / "demo" / "ep02" / "001.png").convert("RGB")
    strip = Image.new("RGB", (part.width, part.height * copies), "white")
    for n in range(copies):
        strip.paste(part, (0, n * part.height))
    path = folder / "long-strip.png"
    strip.save(path)
    return path


def wheel_frames(view, steps: int = 60) -> list[float]:
    """Seconds per wheel notch: the event handled and the viewport repainted (as a frame is)."""
    viewport = view.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    frames = []
    for n in range(steps):
        delta = -120 if n < steps // 2 else 120
        event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, delta),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        t = time.perf_counter()
        QApplication.sendEvent(viewport, event)
        viewport.repaint()
        frames.append(time.perf_counter() - t)
    return frames


def strip_figures(tmp: str) -> None:
    """Cancel latency of one-strip OCR and scroll frame times on the strip."""
    from annotator.core.importer import EpisodeSpec, import_pages
    from annotator.core.project import init_project
    from annotator.gui import operations
    from annotator.gui.app import Windows, application

    root = Path(tmp) / "strip"
    with init_project(root) as project:
        strip = import_pages(project, [long_strip(Path(tmp))], EpisodeSpec(series="Bench", number=1)).page_ids[0]
    settings = QSettings(str(Path(tmp) / "strip.ini"), QSettings.Format.IniFormat)
    application()
    window = Windows(settings).open_window(root, show=False)
    window.resize(1400, 900)
    window.show()
    window.editor.open_page(strip)
    spin_until(lambda: window.view.has_image)
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731

    bar = window.statusBar()
    latencies, tiles = [], []
    for stop_after in (1, 4, 8):
        shutil.rmtree(root / "cache" / "ocr", ignore_errors=True)
        seen: list = []
        operations.ocr(window.ctx, [strip], progress=lambda done, total, name: seen.append((done, total, name)))
        spin_until(lambda: any(d >= stop_after and "tiles" in n for d, _t, n in seen), 600)
        t = time.perf_counter()
        bar.cancel.click()
        spin_until(lambda: not window.ctx.jobs.busy, 600)
        latencies.append(time.perf_counter() - t)
        tiles.append(max((d, t_) for d, t_, n in seen if "tiles" in n))
    print("Cancel → job ended, one-strip OCR: " + ", ".join(
        f"{ms(s)} (at tile {d} of {n})" for s, (d, n) in zip(latencies, tiles))
        + f"; max {ms(max(latencies))} (goal < 1 s)", flush=True)
    for label, fit in (("fit width", window.view.fit_width), ("100 %", window.view.actual_size)):
        fit()
        window.view.centerOn(540, 12000)
        QApplication.processEvents()
        frames = wheel_frames(window.view)
        frames.sort()
        print(f"wheel-scroll frame on the strip at {label}: median {ms(statistics.median(frames))}, "
              f"95th percentile {ms(frames[int(0.95 * len(frames)) - 1])}, max {ms(frames[-1])} "
              f"(goal < 16 ms median; {len(frames)} notches)", flush=True)

    window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--strip-only", action="store_true", help="only the strip figures (Cancel, scrolling)")
    args = parser.parse_args()
    if args.strip_only:
        with tempfile.TemporaryDirectory() as tmp:
            strip_figures(tmp)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "big"
        big_project(root, args.pages)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)

        from annotator.gui import operations
        from annotator.gui.app import Windows, application

        start = time.perf_counter()
        application()
        window = Windows(settings).open_window(root, show=False)
        watch = PaintWatch()
        window.view.viewport().installEventFilter(watch)
        window.show()
        spin_until(lambda: watch.painted)
        first_paint = time.perf_counter() - start
        spin_until(lambda: window.view.has_image)
        first_image = time.perf_counter() - start
        page_count = len(window.library.model.page_ids())

        ids = window.library.model.page_ids()
        switches, images = [], []
        for page_id in ids[:6] + ids[:6] + ids[300:306]:  # cold, warm (cached tiles), cold again
            t = time.perf_counter()
            window.editor.open_page(page_id)
            QApplication.processEvents()
            switches.append(time.perf_counter() - t)
            spin_until(lambda: window.view.has_image)
            images.append(time.perf_counter() - t)

        episode = ids[:3]
        shutil.rmtree(root / "cache" / "ocr", ignore_errors=True)  # the demo build already read these pages
        beat = Heartbeat()
        beat.start()
        t = time.perf_counter()
        operations.ocr(window.ctx, episode)
        spin_until(lambda: not window.ctx.jobs.busy)
        ocr_time = time.perf_counter() - t
        beat.timer.stop()
        window.close()

    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    print(f"project: {page_count} pages")
    print(f"time to first paint: {ms(first_paint)} (goal < 1 s); first page image on screen: {ms(first_image)}")
    print(f"page switch (overlays, synchronous): median {ms(statistics.median(switches))}, "
          f"max {ms(max(switches))} (goal < 100 ms)")
    print(f"page switch until the image is drawn: median {ms(statistics.median(images))}, max {ms(max(images))}")
    print(f"OCR of a {len(episode)}-page episode: {ocr_time:.1f} s; longest event-loop stall: "
          f"{beat.longest:.0f} ms (goal < 100 ms)")
    with tempfile.TemporaryDirectory() as tmp:
        strip_figures(tmp)


if __name__ == "__main__":
    main()
