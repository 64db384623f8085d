"""``annotator --self-test``: does this installation work, end to end, on this machine?

An installer (wheel, one-folder app, .deb) can be missing a data file, a Qt plugin or an OCR
model and still start; the self-test runs the path a new user takes, on a throw-away demo
project: bundled data, import, segmentation, OCR, search, HTML export and the main window
(the window check is handed in by the caller, since core does not load Qt). Each step says
what it found; a step that cannot run says why. Nothing is faked: a feature missing from the
build is a failure.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass
class Step:
    name: str
    status: str  # ok, warn (works, with a caveat), fail
    detail: str
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


class StepFailed(Exception):
    """A step's own check did not hold; the message says what was found instead."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def _bundled_data() -> tuple[str, str]:
    from annotator.bundled import data_dir
    from annotator.core.database import MIGRATIONS_DIR

    seeds, resources = data_dir("seeds"), data_dir("resources")
    missing = [str(p) for p in (seeds / "codebook.yaml", seeds / "characters.yaml", seeds / "demo" / "episodes.yaml",
                                MIGRATIONS_DIR / "env.py", resources) if not p.exists()]
    _check(not missing, "missing: " + ", ".join(missing))
    return OK, f"seeds, resources and migrations under {seeds.parent}"


def _tesseract() -> tuple[str, str]:
    """Not a failure when absent: RapidOCR reads without it; say so clearly."""
    from annotator.vision.ocr import EngineUnavailable
    from annotator.vision.ocr.tesseract import (
        TESS_LANG,
        TesseractEngine,
        find_tesseract,
    )

    engine = TesseractEngine()
    try:
        engine.check()
    except EngineUnavailable as exc:
        return WARN, str(exc)
    return OK, f"{find_tesseract()} {engine.version} ({', '.join(TESS_LANG.values())})"


class _Run:
    """State shared by the steps of one run (the demo project and what earlier steps found)."""

    def __init__(self, root: Path):
        self.root = root
        self.project = None
        self.page_id: int | None = None
        self.episode_id: int | None = None
        self.episode_title = ""
        self.texts: list[str] = []

    def demo(self) -> tuple[str, str]:
        from sqlmodel import select

        from annotator.core import models
        from annotator.core.seeds import build_demo

        self.project, reports = build_demo(self.root / "demo", analyse=False)
        pages = sum(len(r.page_ids) for r in reports)
        errors = [e for r in reports for e in r.errors]
        _check(pages > 0 and not errors, f"{pages} pages imported, errors: {errors}")
        self.page_id = reports[0].page_ids[0]
        with self.project.session() as s:
            page = s.get(models.Page, self.page_id)
            episode = s.exec(select(models.Episode).where(models.Episode.id == page.episode_id)).one()
            self.episode_id, self.episode_title = episode.id, episode.title
        return OK, f"{len(reports)} episodes, {pages} pages in {self.root / 'demo'}"

    def segment(self) -> tuple[str, str]:
        from annotator.core.segmentation import segment_page

        result = segment_page(self.project, self.page_id)
        _check(result.error is None, result.message)
        _check(result.panels > 0, f"no panel found on page {self.page_id}")
        return OK, result.message

    def ocr(self) -> tuple[str, str]:
        from sqlmodel import select

        from annotator.core import models
        from annotator.core.ocr_service import ocr_pages

        report = ocr_pages(self.project, [self.page_id], workers=1)
        _check(not report.errors, "; ".join(r.message for r in report.errors))
        with self.project.session() as s:
            self.texts = [t for t in s.exec(select(models.TextRegion.ocr_text)
                                            .where(models.TextRegion.page_id == self.page_id)).all() if t]
        _check(any(re.search(r"[\u4e00-\u9fff]", t) for t in self.texts),
               f"{report.engine} read no Chinese text on page {self.page_id}: {self.texts!r}")
        return OK, f"{report.engine} {report.engine_version}: {len(self.texts)} text regions, e.g. {self.texts[0]!r}"

    def search(self) -> tuple[str, str]:
        try:
            from annotator.core.search import search
        except ImportError:
            raise StepFailed("search: not available in this build") from None
        words = [m.group(0) for t in self.texts for m in [re.search(r"[\u4e00-\u9fff]{3}", t)] if m]
        _check(bool(words), "nothing to search for: OCR read no run of three Chinese characters")
        word = words[0]
        result = search(self.project, word, limit=10)
        _check(result.total >= 1 and result.hits, f"searching {word!r} found nothing, though OCR read it")
        return OK, f"{word!r}: {result.total} hit(s)"

    def html(self) -> tuple[str, str]:
        from annotator.core.export import Scope, export, formats

        if "html" not in formats():
            raise StepFailed("html export: not available in this build")
        out = self.root / "summary.html"
        written = export(self.project, "html", out, Scope((self.episode_id,)))
        html = out.read_text(encoding="utf-8") if out.is_file() else ""
        _check(bool(written) and "<html" in html.lower(), f"no HTML written to {out}")
        _check(self.episode_title in html, f"{out} does not name the episode {self.episode_title!r}")
        return OK, f"{out.name}: {len(html.encode())} bytes"

    def close(self) -> None:
        if self.project is not None:
            self.project.close()


def run_steps(window_check: Callable[[Path], str] | None, workdir: Path | None = None) -> Iterator[Step]:
    """Run every step in a temporary folder (or ``workdir``), yielding each result as it finishes.

    ``window_check(project_root)`` opens and closes the main window and returns what it showed;
    ``None`` reports the window step as failed (this build cannot show one).
    """
    with tempfile.TemporaryDirectory(prefix="annotator-self-test-") as tmp:
        run = _Run(Path(workdir or tmp))
        steps: list[tuple[str, Callable[[], tuple[str, str]], bool]] = [
            ("bundled data", _bundled_data, False),
            ("tesseract", _tesseract, False),
            ("demo project", run.demo, False),
            ("segment", run.segment, True),
            ("ocr", run.ocr, True),
            ("search", run.search, True),
            ("html export", run.html, True),
            ("main window", lambda: (OK, window_check(run.project.root)) if window_check else
             (FAIL, "no GUI in this build"), True),
        ]
        try:
            for name, func, needs_demo in steps:
                if needs_demo and run.project is None:
                    yield Step(name, FAIL, "skipped: the demo project could not be built")
                    continue
                started = time.perf_counter()
                try:
                    status, detail = func()
                except StepFailed as exc:
                    status, detail = FAIL, str(exc)
                except Exception as exc:  # noqa: BLE001  (the point of a self-test: report anything, carry on)
                    status, detail = FAIL, f"{type(exc).__name__}: {exc}"
                yield Step(name, status, detail, round(time.perf_counter() - started, 2))
        finally:
            run.close()
