"""Episode and series summaries (HTML, Markdown, PDF) read back the way a reader meets them."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pytest
from PIL import Image
from sqlmodel import select

from annotator.core import models
from annotator.core.export import Options, Scope, export

HOSTILE = "<script>alert(1)</script>"


class Parsed(HTMLParser):
    """Elements by tag, images, and the visible text (what a browser shows)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.images: list[dict] = []
        self.text: list[str] = []
        self.handlers: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.handlers += [name for name, _v in attrs if name.startswith("on")]
        if tag == "img":
            self.images.append(dict(attrs))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def _episode_ids(project):
    with project.session() as s:
        return [e.id for e in s.exec(select(models.Episode).order_by(models.Episode.number))]


def _panel_count(project, episode_id):
    with project.session() as s:
        return len(s.exec(select(models.Panel).join(models.Page).where(models.Page.episode_id == episode_id)).all())


def test_html_episode_summary_is_self_contained_and_escapes_hostile_text(coded, tmp_path):
    ep1 = _episode_ids(coded)[0]
    out = tmp_path / "ep1.html"
    assert export(coded, "html", out, Scope((ep1,))) == [out]
    html = out.read_text(encoding="utf-8")
    doc = Parsed(html)
    assert "script" not in doc.tags and not doc.handlers  # the hostile balloon did not become markup
    assert HOSTILE in doc.visible  # ...it shows as its text
    assert "<b>bold</b> & 'quotes'" in doc.visible
    # Every panel is pictured, embedded (no external file), as a real scaled JPEG.
    assert len(doc.images) == _panel_count(coded, ep1)
    for img in doc.images:
        assert img["src"].startswith("data:image/jpeg;base64,")
        picture = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1])))
        assert picture.format == "JPEG" and 0 < picture.width <= 560
    assert not re.search(r'(src|href)="(?!data:|https?:|#)', html)
    with coded.session() as s:
        episode = s.get(models.Episode, ep1)
        pages = s.exec(select(models.Page).where(models.Page.episode_id == ep1)).all()
        speakers = {c.name for c in s.exec(select(models.Character))}
    text = doc.visible
    for expected in (episode.title_zh, episode.title, episode.source_url, "demo account", "2024-04-01",
                     "你好！我们迷路了，请问下山怎么走？", "Hello! We are lost", "Hikers' map shows the north slope",
                     "officers in disguise", "Lin", "Morgan", "tesseract 5.3.0", "Speech share", "Last edited"):
        assert expected in text, expected
    assert all(p.media_sha256 in text for p in pages)
    assert any(name in text for name in speakers)
    assert re.search(r"\d+%", text)


def test_html_series_summary_has_comparison_tables_and_a_section_per_episode(coded, tmp_path):
    out = tmp_path / "series.html"
    export(coded, "html", out, Scope(tuple(_episode_ids(coded))))
    doc = Parsed(out.read_text(encoding="utf-8"))
    text = doc.visible
    assert "Motifs by episode" in text and "Speech share by episode" in text
    with coded.session() as s:
        titles = [e.title_zh for e in s.exec(select(models.Episode))]
    assert all(t in text for t in titles)
    assert text.count("Transcript") == len(titles)
    html = out.read_text(encoding="utf-8")
    assert html.count('class="cell"') >= len(titles)  # heatmap cells, one per episode for each used motif
    assert "script" not in doc.tags


def test_markdown_summary_links_its_image_folder_and_escapes(coded, tmp_path):
    ep1 = _episode_ids(coded)[0]
    out = tmp_path / "ep1.md"
    written = export(coded, "md", out, Scope((ep1,)))
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == _panel_count(coded, ep1) == len(written) - 1
    for link in links:
        assert (tmp_path / link).is_file() and Image.open(tmp_path / link).format == "JPEG"
    assert HOSTILE not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "你好！我们迷路了" in text
    # A second export replaces the folder: no stale pictures left behind.
    (tmp_path / "ep1-images" / "stale.jpg").write_bytes(b"x")
    export(coded, "md", out, Scope((ep1,)))
    assert not (tmp_path / "ep1-images" / "stale.jpg").exists()


def _poppler(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.mark.parametrize("paper,size", [("a4", "595.28 x 841.89"), ("letter", "612 x 792")])
def test_pdf_summary_embeds_the_cjk_font_and_its_text_extracts(coded, tmp_path, paper, size):
    ep1 = _episode_ids(coded)[0]
    out = tmp_path / f"ep1-{paper}.pdf"
    export(coded, "pdf", out, Scope((ep1,)), Options(paper=paper))
    info = _poppler("pdfinfo", str(out))
    assert size in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    fonts = _poppler("pdffonts", str(out)).splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts)  # embedded, subset, with a ToUnicode map
    assert any("NotoSansCJKSC" in line for line in fonts)
    text = _poppler("pdftotext", "-enc", "UTF-8", str(out), "-")
    flat = "".join(text.split())
    assert "你好！我们迷路了，请问下山怎么走？" in flat  # copyable Chinese, not Kangxi radicals
    assert "迷路的徒步者" in flat and HOSTILE in flat


def test_pdf_splits_a_long_strip_between_panels_never_through_one(coded, tmp_path):
    strip_episode = _episode_ids(coded)[1]
    with coded.session() as s:
        page = s.exec(select(models.Page).where(models.Page.episode_id == strip_episode)).one()
        assert page.kind == "strip"
    panels = _panel_count(coded, strip_episode)
    assert panels >= 4
    out = tmp_path / "strip.pdf"
    export(coded, "pdf", out, Scope((strip_episode,)))
    doc = pdfium.PdfDocument(out)
    pictures = 0
    used_pages = 0
    try:
        for page in doc:
            width, height = page.get_size()
            images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
            used_pages += bool(images)
            for image in images:
                left, bottom, right, top = image.get_bounds()
                assert 0 <= left < right <= width and 0 <= bottom < top <= height  # whole panel on this page
            pictures += len(images)
            page.close()
    finally:
        doc.close()
    assert pictures == panels  # each panel pictured once: none cut in two
    assert used_pages >= 2  # the strip did need several pages


def test_summaries_are_byte_identical_across_exports_and_stamp_changes_that(coded, tmp_path):
    ids = Scope(tuple(_episode_ids(coded))[:1])
    for fmt in ("html", "md", "pdf"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / "again" / f"a.{fmt}"
        export(coded, fmt, a, ids)
        export(coded, fmt, b, ids)
        assert a.read_bytes() == b.read_bytes(), fmt
    for picture in (tmp_path / "a-images").iterdir():
        assert picture.read_bytes() == (tmp_path / "again" / "a-images" / picture.name).read_bytes()
    stamped = tmp_path / "stamped.html"
    export(coded, "html", stamped, ids, Options(stamp=True))
    assert stamped.read_bytes() != (tmp_path / "a.html").read_bytes()


def test_hostile_links_and_colours_do_not_reach_attributes(coded_copy, tmp_path):
    from annotator.core import coding

    with coded_copy.session() as s:
        episode = s.exec(select(models.Episode).order_by(models.Episode.number)).first()
        episode.source_url = "javascript:alert(1)"
        s.add(episode)
        used = s.exec(select(models.Coding.motif_id)).first()
    coding.update_motif(coded_copy, used, colour="red;background:url(https://tracker.example/x)")
    out = tmp_path / "ep.html"
    export(coded_copy, "html", out, Scope((episode.id,)))
    html = out.read_text(encoding="utf-8")
    assert 'href="javascript:' not in html and "url(https://tracker" not in html
    assert "javascript:alert(1)" in Parsed(html).visible  # still shown, as text
