"""Episode and series summaries as PDF (A4 or Letter), Chinese as real, searchable text.

fpdf2 embeds a subset of Noto Sans CJK **SC** (a CFF font inside Debian's TTC; the face is
picked by name, because the JP face maps some hanzi to Kangxi radicals when text is copied).
Each panel is a block (picture left, its text right) that moves whole to the next page when it
does not fit, so a long WeChat strip is split between panels, never through one; a panel taller
than a page is scaled down to fit it. Content and order are the HTML summary's.
"""

from __future__ import annotations

import io
import subprocess
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from annotator import __version__
from annotator.core.export import ExportError, ExportFormat, Options, Progress, Scope, register, write_file
from annotator.core.export.episode_data import Episode, PanelImages, Region, panel_boxes, tags_text
from annotator.core.export.summary import context, episode_ids, image_jobs
from annotator.core.project import Project

PAPER = {"a4": "A4", "letter": "Letter"}
MARGIN = 15.0
IMAGE_W = 72.0  # mm given to a panel picture
GAP = 5.0
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/opentype/noto-cjk"),
             Path("/usr/share/fonts/noto-cjk"), Path("/usr/local/share/fonts"))
FAMILY = "NotoSansCJKSC"
GREY = (110, 110, 110)
INK = (30, 30, 30)
BLUE = (74, 122, 181)


def _face_index(path: Path, wanted: str) -> int | None:
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        collection = TTCollection(str(path), lazy=True)
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(4) == wanted:
                return index
        return None
    return 0 if TTFont(str(path), lazy=True)["name"].getDebugName(4) == wanted else None


@cache
def cjk_font() -> tuple[str, int]:
    """File and face index of Noto Sans CJK SC Regular."""
    wanted = "Noto Sans CJK SC"
    names = ["NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Regular.ttf"]
    candidates = [d / n for d in FONT_DIRS for n in names]
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", wanted], capture_output=True, text=True,
                               timeout=10, check=False)
        if found.returncode == 0 and found.stdout:
            candidates.append(Path(found.stdout.strip()))
    except (OSError, subprocess.SubprocessError):
        pass
    for path in candidates:
        if path.is_file():
            index = _face_index(path, wanted)
            if index is not None:
                return str(path), index
    raise ExportError("PDF export needs the Noto Sans CJK SC font; install it (Debian: apt-get install fonts-noto-cjk)")


class SummaryPDF(FPDF):
    """Pages with a running footer: what the document is, and page n of N."""

    def __init__(self, paper: str, footer_text: str, created: datetime):
        super().__init__(orientation="P", unit="mm", format=PAPER[paper])
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN + 5)
        self.set_creation_date(created)
        self.set_creator(f"annotator {__version__}")
        # One face only: loading and subsetting a CJK font is most of a PDF export's time, so
        # emphasis is size and colour rather than a second (bold) font.
        regular = cjk_font()
        self.add_font(FAMILY, "", regular[0], collection_font_number=regular[1])
        self.set_font(FAMILY, size=9)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.style(7, GREY)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")

    def style(self, size: float, colour=INK, bold: bool = False) -> None:
        self.set_font(FAMILY, "", size + (0.5 if bold else 0))
        self.set_text_color(*colour)

    @property
    def usable_h(self) -> float:
        return self.h - self.t_margin - self.b_margin

    def para(self, text: str, size: float = 9, colour=INK, bold: bool = False, h: float | None = None) -> None:
        self.style(size, colour, bold)
        self.multi_cell(0, h or size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: float = 12) -> None:
        if self.get_y() + 20 > self.page_break_trigger:
            self.add_page()
        self.ln(2)
        self.para(text, size, bold=True, h=size * 0.55)
        self.ln(1)

    def grid(self, header: list[str], rows: list[list[str]], widths: tuple, size: float = 8) -> None:
        self.style(size)
        with self.table(col_widths=widths, line_height=size * 0.55, text_align="LEFT",
                        headings_style=FontFace(family=FAMILY, size_pt=size, fill_color=(240, 240, 240)),
                        borders_layout="HORIZONTAL_LINES", width=self.epw * min(1.0, sum(widths) / 100)) as table:
            row = table.row()
            for cell in header:
                row.cell(cell)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(2)


def _region_lines(r: Region) -> list[tuple[str, float, tuple, bool]]:
    who = r.kind.upper() + (f"  {r.speaker}" + (f" {r.speaker_zh}" if r.speaker_zh else "") if r.speaker else "")
    lines = [(who, 7, GREY, False), (r.display_text or " ", 10, INK, False)]
    if r.translation:
        lines.append((r.translation, 8.5, (40, 60, 90), False))
    if r.tags:
        lines.append(("Motifs: " + tags_text(r.tags), 7.5, BLUE, False))
    if r.text is not None:
        prov = "corrected" + (f"; OCR read “{r.ocr_text}”" if r.ocr_text else "")
    else:
        prov = "OCR" if r.ocr_engine else "typed"
    if r.ocr_engine:
        prov += f" · {r.ocr_engine} {r.ocr_engine_version or ''}".rstrip()
        if r.ocr_confidence is not None:
            prov += f" · {r.ocr_confidence:.2f}"
    lines.append((prov, 6.5, GREY, False))
    return lines


class Writer:
    def __init__(self, project: Project, options: Options, progress: Progress | None, total: int):
        self.project = project
        self.options = options
        self.progress = progress
        self.total = total
        self.done = 0
        self.images = PanelImages(project, max_width=760, quality=80)

    def _block_lines(self, panel, page) -> list[tuple[str, float, tuple, bool]]:
        if panel is None:
            return []
        head = f"Panel {page.index + 1}.{panel.order + 1}"
        lines = [(head, 9, INK, True)]
        if panel.tags:
            lines.append(("Motifs: " + tags_text(panel.tags), 7.5, BLUE, False))
        if panel.characters:
            lines.append(("Characters: " + ", ".join(panel.characters), 7.5, GREY, False))
        if panel.memo:
            lines.append(("Memo: " + panel.memo, 8, (120, 90, 0), False))
        for region in panel.regions:
            lines.extend(_region_lines(region))
            lines.append(("", 2, INK, False))
        return lines

    def _text_height(self, pdf: SummaryPDF, lines, width: float) -> float:
        total = 0.0
        for text, size, colour, bold in lines:
            pdf.style(size, colour, bold)
            total += pdf.multi_cell(width, size * 0.5, text, dry_run=True, output="HEIGHT") if text else size * 0.5
        return total

    def panel_block(self, pdf: SummaryPDF, page, panel, bbox) -> None:
        _x, _y, w, h = bbox
        img_w = IMAGE_W
        img_h = img_w * h / max(1, w)
        limit = pdf.usable_h - 2
        if img_h > limit:
            img_w, img_h = img_w * limit / img_h, limit
        text_x = MARGIN + IMAGE_W + GAP
        text_w = pdf.w - MARGIN - text_x
        lines = self._block_lines(panel, page)
        text_h = self._text_height(pdf, lines, text_w)
        if pdf.get_y() + min(max(img_h, text_h), limit) > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        jpeg = self.images.jpeg(page, bbox, max_height=2400)
        pdf.image(io.BytesIO(jpeg), x=MARGIN, y=top, w=img_w, h=img_h)
        pdf.set_draw_color(180, 180, 180)
        pdf.rect(MARGIN, top, img_w, img_h)
        start_page = pdf.page
        pdf.set_left_margin(text_x)
        pdf.set_xy(text_x, top)
        for text, size, colour, bold in lines:
            if text:
                pdf.style(size, colour, bold)
                pdf.multi_cell(text_w, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:
                pdf.ln(size * 0.5)
        pdf.set_left_margin(MARGIN)
        bottom = max(top + img_h, pdf.get_y()) if pdf.page == start_page else pdf.get_y()
        pdf.set_xy(MARGIN, bottom + GAP)
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, f"page {page.index + 1}")

    def episode(self, pdf: SummaryPDF, ep: Episode, top: bool) -> None:
        pdf.add_page()
        if top:
            pdf.para(ep.series + (f" · {ep.series_zh}" if ep.series_zh else ""), 8, GREY)
        pdf.para(ep.label, 16 if top else 14, bold=True, h=8)
        if ep.title and ep.title_zh:
            pdf.para(ep.title, 10, GREY)
        pdf.ln(2)
        meta = [("Series", ep.series + (f" · {ep.series_zh}" if ep.series_zh else "")),
                ("Episode", str(ep.number) if ep.number is not None else "–"),
                ("Published", ep.published_on or "unknown"), ("Source", ep.source_url or "–"),
                ("Account", ep.publisher or "–"), ("Coders", ", ".join(ep.coders) or "–"),
                ("Last edited", ep.last_edited.strftime("%Y-%m-%d %H:%M UTC") if ep.last_edited else "–")]
        if ep.tags:
            meta.append(("Episode motifs", tags_text(ep.tags)))
        for key, value in meta:
            pdf.style(8.5, GREY)
            pdf.cell(28, 4.5, key)
            pdf.style(8.5)
            pdf.multi_cell(0, 4.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if ep.notes:
            pdf.ln(1)
            pdf.para(ep.notes, 8.5, (90, 70, 0))
        pdf.heading("Pages", 11)
        pdf.grid(["Page", "File", "Size", "Panels", "SHA-256"],
                 [[str(p.index + 1), p.original_filename, f"{p.width}×{p.height}", str(len(p.panels)), p.sha256]
                  for p in ep.pages], (7, 16, 14, 8, 55), size=7)
        pdf.heading("Cast", 11)
        if ep.cast:
            pdf.grid(["Character", "Role", "Panels", "Lines", "Speech share"],
                     [[c.name + (f" {c.name_zh}" if c.name_zh else ""), c.role, str(c.panels), str(c.lines),
                       f"{c.share * 100:.0f}%"] for c in ep.cast], (35, 25, 12, 12, 16))
        else:
            pdf.para("No characters linked yet.", 8.5, GREY)
        pdf.heading("Motifs", 11)
        if ep.motif_counts:
            pdf.grid(["Motif", "中文", "Codings"], [[path, zh, str(n)] for path, zh, _c, n in ep.motif_counts],
                     (50, 30, 12))
        else:
            pdf.para("No motifs tagged yet.", 8.5, GREY)
        pdf.heading("Transcript", 11)
        for page in ep.pages:
            pdf.heading(f"Page {page.index + 1}" + (f"  ({tags_text(page.tags)})" if page.tags else ""), 10)
            for panel, bbox in panel_boxes(page):
                self.panel_block(pdf, page, panel, bbox)
            if page.loose_regions:
                pdf.para("Outside the panels", 9, bold=True)
                for region in page.loose_regions:
                    for text, size, colour, bold in _region_lines(region):
                        pdf.para(text, size, colour, bold)
                    pdf.ln(1)
            self.images.release()
        if ep.memos:
            pdf.heading("Memos", 11)
            pdf.grid(["Where", "Motif", "Coder", "Memo"], [[m.where, m.motif, m.coder, m.text] for m in ep.memos],
                     (14, 26, 12, 48))

    def series_tables(self, pdf: SummaryPDF, ctx: dict) -> None:
        series, episodes = ctx["series"], ctx["episodes"]
        pdf.add_page()
        pdf.para(series["name"], 16, bold=True, h=8)
        if series["name_zh"]:
            pdf.para(series["name_zh"], 11, GREY)
        if series["publisher"] or series["url"]:
            pdf.para(" · ".join(x for x in (series["publisher"], series["url"]) if x), 8.5, GREY)
        pdf.heading("Episodes", 11)
        counts = ctx["counts"]
        pdf.grid(["No.", "Title", "Published", "Pages", "Panels", "Texts", "Codings"],
                 [[str(e.number if e.number is not None else "–"), e.title_zh or e.title, e.published_on or "–",
                   str(counts[e.id]["pages"]), str(counts[e.id]["panels"]), str(counts[e.id]["regions"]),
                   str(counts[e.id]["codings"])] for e in episodes], (7, 40, 17, 9, 9, 9, 9))
        labels = [str(e.number if e.number is not None else e.id) for e in episodes]
        pdf.heading("Motifs by episode", 11)
        matrix = ctx["matrix"]
        if matrix["motifs"]:
            self.heatmap(pdf, labels, episodes, matrix)
        else:
            pdf.para("No motifs tagged yet.", 8.5, GREY)
        pdf.heading("Speech share by episode", 11)
        if ctx["speech"]["characters"]:
            self.share_bars(pdf, labels, episodes, ctx["speech"]["characters"])
        else:
            pdf.para("No speakers named yet.", 8.5, GREY)

    def heatmap(self, pdf: SummaryPDF, labels: list[str], episodes, matrix: dict) -> None:
        name_w = 70.0
        cell_w = min(14.0, (pdf.epw - name_w - 12) / max(1, len(episodes)))
        row_h = 5.0
        pdf.style(7.5, bold=True)
        pdf.cell(name_w, row_h, "Motif")
        for label in labels:
            pdf.cell(cell_w, row_h, label, align="C")
        pdf.cell(12, row_h, "Total", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        top = matrix["max"] or 1
        for m in matrix["motifs"]:
            if pdf.get_y() + row_h > pdf.page_break_trigger:
                pdf.add_page()
            pdf.style(7.5)
            pdf.cell(name_w, row_h, f"{m['path']}  {m['name_zh']}")
            for e in episodes:
                n = m["counts"][e.id]
                level = n / top
                pdf.set_fill_color(*(round(255 - (255 - c) * level) for c in BLUE))
                pdf.set_text_color(*((255, 255, 255) if level > 0.55 else INK))
                pdf.cell(cell_w, row_h, str(n) if n else "", border=1, align="C", fill=True)
            pdf.set_text_color(*INK)
            pdf.cell(12, row_h, str(m["total"]), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    def share_bars(self, pdf: SummaryPDF, labels: list[str], episodes, characters: list[dict]) -> None:
        name_w = 45.0
        col_w = min(25.0, (pdf.epw - name_w) / (len(episodes) + 1))
        row_h = 5.0
        pdf.style(7.5, bold=True)
        pdf.cell(name_w, row_h, "Character")
        for label in labels + ["Series"]:
            pdf.cell(col_w, row_h, label)
        pdf.ln(row_h)
        for c in characters:
            if pdf.get_y() + row_h > pdf.page_break_trigger:
                pdf.add_page()
            pdf.style(7.5)
            pdf.cell(name_w, row_h, f"{c['name']} {c['name_zh']}".strip())
            for share in [c["shares"][e.id] for e in episodes] + [c["total"]]:
                x, y = pdf.get_x(), pdf.get_y()
                pdf.set_fill_color(*BLUE)
                if share > 0:
                    pdf.rect(x, y + 1.2, max(0.3, (col_w - 10) * share), row_h - 2.4, style="F")
                pdf.set_xy(x + col_w - 10, y)
                pdf.cell(10, row_h, f"{share * 100:.0f}%", align="R")
            pdf.ln(row_h)
        pdf.ln(2)


def write_pdf(project: Project, scope: Scope, out: Path, options: Options, progress: Progress | None) -> list[Path]:
    if options.paper not in PAPER:
        raise ExportError(f"unknown paper size {options.paper!r}; use a4 or letter")
    ctx = context(project, episode_ids(project, scope), options)
    episodes: list[Episode] = ctx["episodes"]
    # Without --stamp the file's creation date is the data's last edit, so re-exports are identical.
    edited = max((ep.last_edited for ep in episodes if ep.last_edited), default=datetime(2000, 1, 1))
    created = datetime.now(timezone.utc) if options.stamp else edited.replace(microsecond=0, tzinfo=timezone.utc)
    single = len(episodes) == 1
    title = episodes[0].label if single else ctx["series"]["name"]
    footer = f"{title} · {'episode' if single else 'series'} summary · annotator {__version__}"
    if ctx["stamp"]:
        footer += f" · {ctx['stamp']}"
    pdf = SummaryPDF(options.paper, footer, created)
    pdf.set_title(title)
    writer = Writer(project, options, progress, image_jobs(episodes))
    if not single:
        writer.series_tables(pdf, ctx)
    for ep in episodes:
        writer.episode(pdf, ep, single)
    write_file(out, bytes(pdf.output()))
    return [out]


register(ExportFormat("pdf", "PDF 1.4", "Episode or series summary as PDF (A4 or Letter via --paper), CJK text "
                      "embedded and searchable, strips split between panels", "file", write_pdf))
