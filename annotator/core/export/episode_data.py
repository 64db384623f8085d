"""The transcript model every summary and data export is built from.

One pass of queries per episode (pages, panels, regions, codings, appearances, with the cast,
codebook and coders loaded once per export) builds plain dataclasses in reading order, so the
HTML, Markdown, PDF, CSV and JSON writers agree on content and order and never touch the
database themselves.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image
from sqlmodel import select

from annotator.core import models
from annotator.core.export import ExportError
from annotator.core.project import Project
from annotator.vision.images import load_image


@dataclass
class Tag:
    """One coding as a summary shows it."""

    coding_id: int
    motif_id: int
    path: str  # "Parent / Child" in the codebook
    name_zh: str
    colour: str
    coder: str
    memo: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Region:
    id: int
    order: int
    kind: str
    lang: str
    vertical: bool
    bbox: tuple[int, int, int, int]
    speaker_id: int | None
    speaker: str
    speaker_zh: str
    ocr_text: str | None
    ocr_engine: str | None
    ocr_engine_version: str | None
    ocr_confidence: float | None
    text: str | None
    translation: str
    tags: list[Tag] = field(default_factory=list)

    @property
    def display_text(self) -> str:
        return self.text if self.text is not None else (self.ocr_text or "")


@dataclass
class Panel:
    id: int
    order: int
    bbox: tuple[int, int, int, int]
    memo: str
    characters: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)


@dataclass
class Page:
    id: int
    index: int
    sha256: str
    media_path: str
    original_filename: str
    width: int
    height: int
    kind: str
    panels: list[Panel] = field(default_factory=list)
    loose_regions: list[Region] = field(default_factory=list)  # text outside every panel
    tags: list[Tag] = field(default_factory=list)

    def regions(self) -> Iterable[Region]:
        for panel in self.panels:
            yield from panel.regions
        yield from self.loose_regions


@dataclass
class CastMember:
    id: int
    name: str
    name_zh: str
    role: str
    panels: int  # panels the character appears in (appearances)
    lines: int  # text regions the character speaks
    chars: int  # characters of text spoken
    share: float  # share of the episode's attributed speech, by characters of text


@dataclass
class Memo:
    where: str  # "panel 2.3", "region 14", "episode"
    motif: str
    coder: str
    text: str


@dataclass
class Episode:
    id: int
    number: int | None
    title: str
    title_zh: str
    series: str
    series_zh: str
    publisher: str
    published_on: str | None
    source_url: str
    notes: str
    pages: list[Page] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)  # codings on the episode itself
    cast: list[CastMember] = field(default_factory=list)
    motif_counts: list[tuple[str, str, str, int]] = field(default_factory=list)  # path, name_zh, colour, n
    coders: list[str] = field(default_factory=list)
    last_edited: datetime | None = None
    memos: list[Memo] = field(default_factory=list)

    @property
    def label(self) -> str:
        title = self.title_zh or self.title
        return f"{self.number}. {title}" if self.number is not None else title

    def regions(self) -> Iterable[tuple[Page, Panel | None, Region]]:
        for page in self.pages:
            for panel in page.panels:
                for region in panel.regions:
                    yield page, panel, region
            for region in page.loose_regions:
                yield page, None, region

    def all_tags(self) -> Iterable[Tag]:
        yield from self.tags
        for page in self.pages:
            yield from page.tags
            for panel in page.panels:
                yield from panel.tags
            for region in page.regions():
                yield from region.tags


class Codebook:
    """Motif paths ("Parent / Child") and coder names, loaded once per export."""

    def __init__(self, project: Project):
        with project.session() as s:
            self.motifs = {m.id: m for m in s.exec(select(models.Motif))}
            self.coders = dict(s.exec(select(models.Coder.id, models.Coder.name)).all())
            self.characters = {c.id: c for c in s.exec(select(models.Character))}
        self._paths: dict[int, str] = {}

    def path(self, motif_id: int) -> str:
        if motif_id not in self._paths:
            motif = self.motifs[motif_id]
            parent = self.path(motif.parent_id) if motif.parent_id in self.motifs else ""
            self._paths[motif_id] = f"{parent} / {motif.name}" if parent else motif.name
        return self._paths[motif_id]

    def tree_order(self) -> list[models.Motif]:
        """Motifs depth-first in codebook order (parents before children, by position)."""
        children: dict[int | None, list[models.Motif]] = defaultdict(list)
        for motif in self.motifs.values():
            children[motif.parent_id].append(motif)
        out: list[models.Motif] = []

        def walk(parent):
            for motif in sorted(children.get(parent, []), key=lambda m: (m.position, m.id)):
                out.append(motif)
                walk(motif.id)

        walk(None)
        return out

    def tag(self, coding: models.Coding) -> Tag:
        motif = self.motifs[coding.motif_id]
        return Tag(coding.id, motif.id, self.path(motif.id), motif.name_zh, motif.colour,
                   self.coders.get(coding.coder_id, ""), coding.memo, coding.created_at, coding.updated_at)


def grouped(tags: list[Tag]) -> list[dict]:
    """Tags as a reader wants them: each motif once, with every coder who applied it."""
    out: dict[int, dict] = {}
    for tag in tags:
        entry = out.setdefault(tag.motif_id, {"path": tag.path, "name_zh": tag.name_zh, "colour": tag.colour,
                                              "coders": []})
        if tag.coder and tag.coder not in entry["coders"]:
            entry["coders"].append(tag.coder)
    return list(out.values())


def tags_text(tags: list[Tag]) -> str:
    """One line of motifs for plain-text layouts: ``Path (Lin, Morgan), Other path (Lin)``."""
    return ", ".join(g["path"] + (f" ({', '.join(g['coders'])})" if g["coders"] else "") for g in grouped(tags))


def _bbox(row) -> tuple[int, int, int, int]:
    return (row.x, row.y, row.w, row.h)


def gather(project: Project, episode_id: int, codebook: Codebook | None = None) -> Episode:
    """Everything a summary of one episode shows, in reading order."""
    book = codebook or Codebook(project)
    with project.session() as s:
        ep = s.get(models.Episode, episode_id)
        if ep is None:
            raise ExportError(f"no episode with id {episode_id}")
        series = s.get(models.Series, ep.series_id)
        pages = s.exec(select(models.Page).where(models.Page.episode_id == episode_id)
                       .order_by(models.Page.index, models.Page.id)).all()
        page_ids = [p.id for p in pages]
        panels = s.exec(select(models.Panel).where(models.Panel.page_id.in_(page_ids))
                        .order_by(models.Panel.page_id, models.Panel.order, models.Panel.id)).all()
        panel_ids = [p.id for p in panels]
        regions = s.exec(select(models.TextRegion).where(models.TextRegion.page_id.in_(page_ids))
                         .order_by(models.TextRegion.page_id, models.TextRegion.order, models.TextRegion.id)).all()
        region_ids = [r.id for r in regions]
        codings = s.exec(select(models.Coding).where(
            (models.Coding.episode_id == episode_id) | models.Coding.page_id.in_(page_ids)
            | models.Coding.panel_id.in_(panel_ids) | models.Coding.text_region_id.in_(region_ids))
            .order_by(models.Coding.id)).all()
        appearances = s.exec(select(models.Appearance).where(models.Appearance.panel_id.in_(panel_ids))
                             .order_by(models.Appearance.id)).all()

    out = Episode(ep.id, ep.number, ep.title, ep.title_zh, series.name if series else "",
                  series.name_zh if series else "", series.publisher if series else "",
                  ep.published_on.isoformat() if ep.published_on else None, ep.source_url, ep.notes)
    page_by_id: dict[int, Page] = {}
    for p in pages:
        page_by_id[p.id] = Page(p.id, p.index, p.media_sha256, p.media_path, p.original_filename, p.width,
                                p.height, p.kind)
        out.pages.append(page_by_id[p.id])
    panel_by_id: dict[int, Panel] = {}
    panel_label: dict[int, str] = {}
    for p in panels:
        panel_by_id[p.id] = Panel(p.id, p.order, _bbox(p), p.memo)
        page_by_id[p.page_id].panels.append(panel_by_id[p.id])
        panel_label[p.id] = f"{page_by_id[p.page_id].index + 1}.{p.order + 1}"
    region_by_id: dict[int, Region] = {}
    for r in regions:
        speaker = book.characters.get(r.speaker_id)
        region = Region(r.id, r.order, r.kind, r.lang, r.vertical, _bbox(r), r.speaker_id,
                        speaker.name if speaker else "", speaker.name_zh if speaker else "", r.ocr_text,
                        r.ocr_engine, r.ocr_engine_version, r.ocr_confidence, r.text, r.translation)
        region_by_id[r.id] = region
        if r.panel_id in panel_by_id:
            panel_by_id[r.panel_id].regions.append(region)
        else:
            page_by_id[r.page_id].loose_regions.append(region)

    memos: list[Memo] = []
    for c in codings:
        tag = book.tag(c)
        kind, target = c.target
        if kind == "episode":
            out.tags.append(tag)
            where = "episode"
        elif kind == "page":
            page_by_id[target].tags.append(tag)
            where = f"page {page_by_id[target].index + 1}"
        elif kind == "panel":
            panel_by_id[target].tags.append(tag)
            where = f"panel {panel_label[target]}"
        else:
            region_by_id[target].tags.append(tag)
            where = f"text {target}"
        if c.memo.strip():
            memos.append(Memo(where, tag.path, tag.coder, c.memo))
    out.memos = memos + [Memo(f"panel {panel_label[p.id]}", "", "", p.memo) for p in panels if p.memo.strip()]

    appearing: dict[int, set[int]] = defaultdict(set)
    for a in appearances:
        appearing[a.character_id].add(a.panel_id)
        name = book.characters[a.character_id].name if a.character_id in book.characters else ""
        if name and name not in panel_by_id[a.panel_id].characters:
            panel_by_id[a.panel_id].characters.append(name)
    out.cast = cast(book, appearing, region_by_id.values())
    counts = Counter(t.motif_id for t in out.all_tags())
    out.motif_counts = [(book.path(m.id), m.name_zh, m.colour, counts[m.id]) for m in book.tree_order() if counts[m.id]]
    coder_ids = {c.coder_id for c in codings} | {a.coder_id for a in appearances}
    out.coders = sorted(book.coders[i] for i in coder_ids if i in book.coders)
    stamps = [ep.updated_at] + [row.updated_at for rows in (pages, panels, regions, codings, appearances) for row in rows]
    out.last_edited = max(stamps)
    return out


def cast(book: Codebook, appearing: dict[int, set[int]], regions: Iterable[Region]) -> list[CastMember]:
    """Characters who appear or speak, with their share of the attributed speech (by text length)."""
    lines: Counter = Counter()
    chars: Counter = Counter()
    for region in regions:
        if region.speaker_id is not None:
            lines[region.speaker_id] += 1
            chars[region.speaker_id] += len(region.display_text)
    total = sum(chars.values())
    members = []
    for cid in sorted(set(appearing) | set(lines)):
        character = book.characters.get(cid)
        if character is None:
            continue
        members.append(CastMember(cid, character.name, character.name_zh, character.role, len(appearing.get(cid, ())),
                                  lines[cid], chars[cid], chars[cid] / total if total else 0.0))
    members.sort(key=lambda m: (-m.chars, -m.panels, m.name))
    return members


def gather_all(project: Project, episode_ids: Iterable[int]) -> list[Episode]:
    book = Codebook(project)
    return [gather(project, eid, book) for eid in episode_ids]


class PanelImages:
    """Scaled crops of panels as JPEG bytes, decoding each page image once.

    JPEG from Pillow with fixed settings is deterministic, so re-exports stay byte-identical.
    """

    def __init__(self, project: Project, max_width: int = 560, quality: int = 82):
        self.project = project
        self.max_width = max_width
        self.quality = quality
        self._page_id: int | None = None
        self._image: Image.Image | None = None

    def _page_image(self, page: Page) -> Image.Image:
        if self._page_id != page.id:
            self._image = None
            self._image = load_image(self.project.media_file(page.media_path))
            self._page_id = page.id
        return self._image

    def crop(self, page: Page, bbox: tuple[int, int, int, int], max_height: int | None = None) -> Image.Image:
        x, y, w, h = bbox
        img = self._page_image(page)
        x, y = max(0, x), max(0, y)
        w, h = max(1, min(w, img.width - x)), max(1, min(h, img.height - y))
        part = img.crop((x, y, x + w, y + h))
        scale = min(1.0, self.max_width / w, (max_height / h) if max_height else 1.0)
        if scale < 1.0:
            part = part.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS,
                               reducing_gap=2.0)
        return part

    def jpeg(self, page: Page, bbox: tuple[int, int, int, int], max_height: int | None = None) -> bytes:
        buf = io.BytesIO()
        self.crop(page, bbox, max_height).convert("RGB").save(buf, "JPEG", quality=self.quality)
        return buf.getvalue()

    def release(self) -> None:
        self._image = None
        self._page_id = None


def panel_boxes(page: Page) -> list[tuple[Panel | None, tuple[int, int, int, int]]]:
    """What to picture for a page: each panel; a page without panels whole, a strip in screen-high slices."""
    if page.panels:
        return [(p, p.bbox) for p in page.panels]
    step = max(1, round(page.width * 1.4))
    return [(None, (0, y, page.width, min(step, page.height - y))) for y in range(0, page.height, step)]
