"""Import: every hostile file (tests/data/make_hostile.py) gets a clear error or imports correctly."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlmodel import select

from annotator.core import models
from annotator.core.importer import EpisodeSpec, import_pages, natural_key
from annotator.core.project import open_project
from annotator.vision.images import load_array

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo"

EXPECTED_ERRORS = {
    "truncated.png": "image file is truncated or corrupt",
    "empty.png": "empty file (0 bytes)",
    "not-an-image.jpg": "not an image (unrecognised format)",
    "corrupt.jpg": "image file is truncated or corrupt",
    "bomb-100000x100000.png": "over the 150 MP limit (possible decompression bomb)",
    "wide-header.jpg": "over the 150 MP limit (possible decompression bomb)",
    "truncated.cbz": "not a readable ZIP/CBZ archive",
    "text.cbz": "not an image (unrecognised format)",
    "corrupt.pdf": "not a readable PDF",
    "encrypted.pdf": "not a readable PDF",
}


INLINE = 1  # decode in this process: quicker for tests about what is decoded, not how it is isolated
UNSAFE = "unsafe path in archive (escapes the folder); entry skipped"


def _pages(project):
    with project.session() as s:
        return s.exec(select(models.Page).order_by(models.Page.episode_id, models.Page.index)).all()


@pytest.mark.parametrize("name,message", sorted(EXPECTED_ERRORS.items()))
def test_bad_file_is_rejected_with_clear_error(project, hostile, name, message):
    report = import_pages(project, [hostile / name], workers=INLINE)
    assert report.page_ids == [] and report.episode_id is None
    assert len(report.errors) == 1 and report.errors[0][0] == name
    assert message in report.errors[0][1]
    assert "\n" not in report.errors[0][1]
    assert _pages(project) == []
    with project.session() as s:
        assert s.exec(select(models.Episode)).all() == []  # no empty episode left behind


def test_batch_with_bad_files_imports_the_good_ones(project, hostile):
    bad = hostile
    files = [bad / "truncated.png", bad / "西山矿区-第8页.png", bad / "empty.png", bad / "cmyk.jpg"]
    report = import_pages(project, files, EpisodeSpec(series="S", number=8), workers=INLINE)
    assert [e[0] for e in report.errors] == ["truncated.png", "empty.png"]
    pages = _pages(project)
    assert [p.original_filename for p in pages] == ["西山矿区-第8页.png", "cmyk.jpg"]
    assert [p.index for p in pages] == [0, 1]
    for page in pages:
        assert (project.root / page.media_path).exists()


@pytest.mark.parametrize("name", ["exif-orientation-6.jpg", "gray16.png", "cmyk.jpg", "西山矿区-第8页.png"])
def test_unusual_valid_images_import_upright_and_faithful(project, hostile, hostile_refs, name):
    report = import_pages(project, [hostile / name], workers=INLINE)
    assert report.errors == [] and len(report.page_ids) == 1
    page = _pages(project)[0]
    truth = np.asarray(hostile_refs[name])
    assert (page.width, page.height) == (truth.shape[1], truth.shape[0])
    stored = load_array(project.root / page.media_path).astype(int)
    gray = lambda a: a.mean(axis=2)  # noqa: E731 - CMYK round-trips shift hue slightly
    assert np.abs(gray(stored) - gray(truth)).mean() < 12  # same picture, not clipped to white, upright
    assert page.original_filename == name


def test_cbz_pdf_and_path_traversal(project, hostile, tmp_path):
    bad = hostile
    report = import_pages(project, [bad / "valid-3-pages.cbz"], EpisodeSpec(series="S", number=1))
    assert report.errors == [] and len(report.page_ids) == 3
    assert [p.original_filename for p in _pages(project)] == [f"valid-3-pages.cbz:00{i}.jpg" for i in (1, 2, 3)]

    report = import_pages(project, [bad / "two-pages.pdf"], EpisodeSpec(series="S", number=2))
    assert report.errors == [] and len(report.page_ids) == 2
    pdf_pages = [p for p in _pages(project) if p.episode_id == report.episode_id]
    assert [(p.width, p.height) for p in pdf_pages] == [(800, 1134), (800, 1134)]  # 600x850 at 150 dpi, rendered at 200

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = import_pages(project, [bad / "path-traversal.zip"], EpisodeSpec(series="S", number=3))
    finally:
        os.chdir(cwd)
    assert len(report.page_ids) == 1
    assert report.errors == [("path-traversal.zip:../evil.txt", UNSAFE)]
    assert not (tmp_path.parent / "evil.txt").exists() and not (project.root.parent / "evil.txt").exists()


def test_archive_entries_that_lie_or_escape_are_skipped(project, hostile):
    report = import_pages(project, [hostile / "absolute-path.cbz"], EpisodeSpec(series="S", number=1), workers=INLINE)
    assert len(report.page_ids) == 1
    assert report.errors == [("absolute-path.cbz:/tmp/x.png", UNSAFE)]
    report = import_pages(project, [hostile / "huge-entry.cbz"], EpisodeSpec(series="S", number=2), workers=INLINE)
    assert len(report.page_ids) == 1  # 002.png; 001.png claims 4 GB and is never inflated
    assert report.errors == [("huge-entry.cbz:001.png", "entry is 4295 MB, over the 512 MB limit")]


def test_duplicates_are_skipped_and_media_shared(project, tmp_path):
    page = tmp_path / "grid-01.png"
    Image.new("RGB", (300, 420), (240, 200, 10)).save(page)
    first = import_pages(project, [page], EpisodeSpec(series="S", number=1), workers=INLINE)
    again = import_pages(project, [page], EpisodeSpec(series="S", number=1), workers=INLINE)
    other = import_pages(project, [page], EpisodeSpec(series="S", number=2), workers=INLINE)
    assert len(first.page_ids) == 1 and again.page_ids == [] and again.duplicates == ["grid-01.png"]
    assert len(other.page_ids) == 1
    pages = _pages(project)
    assert pages[0].media_path == pages[1].media_path
    assert len(list((project.root / "media").rglob("*.png"))) == 1


def test_folder_natural_order_and_strip_kind(project, tmp_path):
    folder = tmp_path / "episode"
    folder.mkdir()
    for n in (10, 2, 1):
        Image.new("RGB", (60 + n, 80), (n * 20, 0, 0)).save(folder / f"page{n}.png")
    Image.new("RGB", (100, 4000), "white").save(folder / "page11-strip.png")
    (folder / "notes.txt").write_text("ignored")
    report = import_pages(project, [folder], workers=INLINE)
    assert report.errors == []
    pages = _pages(project)
    assert [p.original_filename for p in pages] == ["page1.png", "page2.png", "page10.png", "page11-strip.png"]
    assert [p.kind for p in pages] == ["page", "page", "page", "strip"]
    assert natural_key("p2") < natural_key("p10")


def test_tall_wechat_strip_is_kept_whole(project, tmp_path):
    strip = tmp_path / "episode.jpg"
    Image.new("RGB", (1080, 40000), (250, 246, 236)).save(strip, quality=80)
    report = import_pages(project, [strip], workers=INLINE)
    assert report.errors == []
    page = _pages(project)[0]
    assert (page.width, page.height, page.kind) == (1080, 40000, "strip")
    assert (project.root / f"cache/thumbs/{page.media_sha256[:2]}/{page.media_sha256}.jpg").exists()


def test_zip_with_only_junk_reports_each_entry(project, tmp_path):
    archive = tmp_path / "junk.cbz"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("/etc/passwd.png", b"x")
        z.writestr("readme.txt", "hello")
        buf = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buf, "PNG")
        z.writestr("pages/broken.png", buf.getvalue()[:30])
    report = import_pages(project, [archive], workers=INLINE)
    assert report.page_ids == []
    assert [e[0] for e in report.errors] == [
        "junk.cbz:/etc/passwd.png", "junk.cbz:readme.txt", "junk.cbz:pages/broken.png"]


def test_kill_during_import_leaves_a_consistent_project(project, tmp_path):
    """kill -9 mid-import: every page row has its media, every episode has pages, indexes are contiguous."""
    folder = tmp_path / "many"
    folder.mkdir()
    source = Image.open(DEMO / "ep01" / "002.png").convert("RGB")
    for i in range(40):
        img = source.copy()
        img.putpixel((i, i), (i, 255 - i, 7))  # distinct hashes
        img.save(folder / f"{i:03}.png", compress_level=1)
    script = textwrap.dedent(f"""
        import sys
        from annotator.core.project import open_project
        from annotator.core.importer import import_pages, EpisodeSpec
        p = open_project({str(project.root)!r})
        def progress(done, total, name):
            print(done, flush=True)
        import_pages(p, [{str(folder)!r}], EpisodeSpec(series="K", number=1), progress=progress)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if int(line) >= 5:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_project(project.root) as reopened:
        pages = _pages(reopened)
        assert 5 <= len(pages) < 40
        for page in pages:
            assert (reopened.root / page.media_path).stat().st_size > 0
        assert [p.index for p in pages] == list(range(len(pages)))
        with reopened.session() as s:
            for ep in s.exec(select(models.Episode)).all():
                assert any(p.episode_id == ep.id for p in pages)
        # Importing again resumes: duplicates skipped, the rest added.
        report = import_pages(reopened, [folder], EpisodeSpec(series="K", number=1))
        assert len(report.duplicates) == len(pages) and len(report.page_ids) == 40 - len(pages)
    for leftover in (project.root / "media").rglob(".tmp-*"):  # a half-written file from the kill
        os.utime(leftover, (0, 0))
    open_project(project.root).close()
    assert not list((project.root / "media").rglob(".tmp-*"))  # stale half-written files are swept on open


def test_a_page_over_the_time_limit_is_reported_and_the_rest_import(project, tmp_path):
    """Decoding runs in worker processes with a time limit: a page that takes too long is
    stopped and reported as that file's error; it cannot hang the import."""
    folder = tmp_path / "in"
    folder.mkdir()
    Image.new("RGB", (300, 400), (10, 200, 30)).save(folder / "1.png")
    report = import_pages(project, [folder], EpisodeSpec(series="S", number=1), timeout=1e-9)
    assert report.page_ids == [] and report.errors == [("1.png", "no result after 1e-09 s; stopped")]
    report = import_pages(project, [folder], EpisodeSpec(series="S", number=1))  # the default limit
    assert len(report.page_ids) == 1 and report.errors == []


def test_a_fifo_is_refused_without_blocking(project, tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    report = import_pages(project, [fifo], workers=INLINE)
    assert report.errors == [("pipe.png", "not a regular file")] and report.page_ids == []
