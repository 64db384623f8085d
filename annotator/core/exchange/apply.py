"""Writing what a reader found in a foreign file into the project, as one transaction.

Readers turn PAGE, ALTO, Web Annotation or JSON into :class:`PageIn` records; ``apply``
matches each to a page of the project (by image hash, else by file name and size), checks
every coordinate against that image, and only then writes through the editing services
(``annotate``, ``coding``) inside ``Project.transaction()``: a bad file changes nothing.

Imported outlines that overlap an existing panel or region (IoU above ``SAME``) update it
instead of adding a twin, so importing the same file twice changes nothing the second time.
Imported text is a human transcription (``text``); an OCR reading is kept apart, with the
engine the file names, only when the file marks it as OCR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePath

from sqlmodel import select

from annotator.core import annotate, coding, geometry, models
from annotator.core.exchange.xmlsafe import ExchangeError
from annotator.core.project import Project
from annotator.core.segmentation import owner_panel

SAME = 0.5  # IoU above which an imported outline is an existing panel or region
EDGE = 2.0  # pixels a point may lie outside the image (rounding in other tools)


@dataclass
class CodingIn:
    motif: list[str]  # path of names from the codebook root, or one name
    coder: str | None = None
    memo: str = ""


@dataclass
class OcrIn:
    text: str
    confidence: float | None = None
    engine: str = "unknown"
    version: str = ""


@dataclass
class PanelIn:
    polygon: list
    codings: list[CodingIn] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    memo: str = ""


@dataclass
class RegionIn:
    polygon: list
    kind: str = "speech"
    text: str | None = None
    ocr: OcrIn | None = None
    lang: str | None = None
    vertical: bool | None = None
    translation: str | None = None
    speaker: str | None = None
    panel: int | None = None  # index into PageIn.panels
    codings: list[CodingIn] = field(default_factory=list)


@dataclass
class PageIn:
    source: str  # file the page came from, for messages
    sha256: str | None = None
    filename: str | None = None
    width: int | None = None
    height: int | None = None
    panels: list[PanelIn] = field(default_factory=list)
    regions: list[RegionIn] = field(default_factory=list)
    codings: list[CodingIn] = field(default_factory=list)


@dataclass
class ImportResult:
    files: int = 0
    pages: list[int] = field(default_factory=list)
    panels_added: int = 0
    panels_kept: int = 0
    regions_added: int = 0
    regions_updated: int = 0
    codings_added: int = 0
    characters_added: list[str] = field(default_factory=list)
    motifs_added: int = 0

    def to_json(self) -> dict:
        return {"files": self.files, "pages": self.pages, "panels_added": self.panels_added,
                "panels_kept": self.panels_kept, "regions_added": self.regions_added,
                "regions_updated": self.regions_updated, "codings_added": self.codings_added,
                "characters_added": self.characters_added, "motifs_added": self.motifs_added}


def _match_page(session, item: PageIn) -> models.Page:
    if item.sha256:
        page = session.exec(select(models.Page).where(models.Page.media_sha256 == item.sha256.lower())
                            .order_by(models.Page.id)).first()
        if page is not None:
            return page
    if not item.filename:
        raise ExchangeError(f"{item.source}: names no image, so it matches no page of the project")
    name = PurePath(item.filename.replace("\\", "/")).name
    stem = PurePath(name).stem
    pages = session.exec(select(models.Page).order_by(models.Page.id)).all()
    found = [p for p in pages if name in (p.original_filename, PurePath(p.media_path).name)]
    if not found:
        found = [p for p in pages if stem in (PurePath(p.original_filename).stem, PurePath(p.media_path).stem)]
    if len(found) > 1 and item.width and item.height:
        same = [p for p in found if _scale(p, item) == (1.0, 1.0)]
        found = same or found
    if not found:
        raise ExchangeError(f"{item.source}: image {name!r} matches no page of the project (by hash or file name)")
    if len(found) > 1:
        raise ExchangeError(f"{item.source}: image {name!r} matches {len(found)} pages of the project; "
                            "rename the images or export with image hashes")
    return found[0]


def _scale(page: models.Page, item: PageIn) -> tuple[float, float] | None:
    """Factors from the file's pixels to the page's (None: a different image)."""
    if not item.width or not item.height:
        return (1.0, 1.0)
    sx, sy = page.width / item.width, page.height / item.height
    if abs(sx - sy) > 0.01 * max(sx, sy):
        return None
    return (sx, sy) if (item.width, item.height) != (page.width, page.height) else (1.0, 1.0)


def _fit(polygon, page: models.Page, scale: tuple[float, float], what: str) -> list[list[float]]:
    try:
        points = [[float(x) * scale[0], float(y) * scale[1]] for x, y in polygon]
        geometry.normalise(points)
    except (TypeError, ValueError):
        raise ExchangeError(f"{what}: not a polygon of at least three numeric points") from None
    for x, y in points:
        if not (-EDGE <= x <= page.width + EDGE and -EDGE <= y <= page.height + EDGE):
            raise ExchangeError(f"{what}: point ({x:g}, {y:g}) lies outside the {page.width}x{page.height} image")
    return [[min(max(x, 0.0), page.width), min(max(y, 0.0), page.height)] for x, y in points]


def _motif_id(session, path: list[str], where: str) -> int:
    motifs = session.exec(select(models.Motif)).all()
    if len(path) > 1:
        parent = None
        for name in path:
            hits = [m for m in motifs if m.parent_id == parent and m.name == name]
            if not hits:
                break
            parent = hits[0].id
        else:
            return parent
    hits = [m for m in motifs if m.name == path[-1]]
    if len(hits) == 1:
        return hits[0].id
    if not hits:
        raise ExchangeError(f"{where}: motif {' / '.join(path)!r} is not in the project's codebook "
                            "(import the codebook first, e.g. a .qdc file)")
    raise ExchangeError(f"{where}: motif name {path[-1]!r} is ambiguous in the codebook; the file must give its path")


@dataclass
class _Planned:
    item: PageIn
    page: models.Page
    panels: list[list[list[float]]]
    regions: list[list[list[float]]]
    motif_ids: dict[tuple[str, ...], int]


def _plan(session, item: PageIn) -> _Planned:
    page = _match_page(session, item)
    scale = _scale(page, item)
    if scale is None:
        raise ExchangeError(f"{item.source}: the file's image is {item.width}x{item.height} but the project's "
                            f"page is {page.width}x{page.height}; not the same image")
    panels = [_fit(p.polygon, page, scale, f"{item.source}: panel {i + 1}") for i, p in enumerate(item.panels)]
    regions = [_fit(r.polygon, page, scale, f"{item.source}: text region {i + 1}") for i, r in enumerate(item.regions)]
    for r in item.regions:
        if r.kind not in models.REGION_KINDS:
            r.kind = "speech"
        if r.panel is not None and not 0 <= r.panel < len(panels):
            r.panel = None
    motif_ids = {}
    for c in [*item.codings, *(c for p in item.panels for c in p.codings), *(c for r in item.regions for c in r.codings)]:
        motif_ids[tuple(c.motif)] = _motif_id(session, c.motif, item.source)
    return _Planned(item, page, panels, regions, motif_ids)


def apply(project: Project, items: list[PageIn], coder: str | None = None, files: int = 0) -> ImportResult:
    """Write ``items`` into the project in one transaction; raises ExchangeError and writes nothing on any problem.

    ``coder`` is recorded on codings whose file names no coder.
    """
    result = ImportResult(files=files)
    with project.transaction() as s:
        plans = [_plan(s, item) for item in items]
        seen: dict[int, str] = {}
        for plan in plans:
            if plan.page.id in seen:
                raise ExchangeError(f"{plan.item.source} and {seen[plan.page.id]} both describe page {plan.page.id}")
            seen[plan.page.id] = plan.item.source
        characters = {c.name: c.id for c in s.exec(select(models.Character)).all()}

        def coder_id(name: str | None) -> int | None:
            name = name or coder
            return project.coder(name) if name else None

        def character_id(name: str) -> int:
            if name not in characters:
                characters[name] = coding.create_character(project, name)
                result.characters_added.append(name)
            return characters[name]

        def code(target: tuple[str, int], items_: list[CodingIn], motif_ids) -> None:
            for c in items_:
                before = len(coding.codings_for(project, target))
                coding.add_coding(project, motif_ids[tuple(c.motif)], target, coder_id(c.coder), c.memo)
                result.codings_added += len(coding.codings_for(project, target)) - before

        for plan in plans:
            _apply_page(project, plan, result, code, character_id, coder_id)
            result.pages.append(plan.page.id)
    return result


def _apply_page(project, plan: _Planned, result: ImportResult, code, character_id, coder_id) -> None:
    page_id = plan.page.id
    data = annotate.page_data(project, page_id)
    panel_ids: list[int] = []
    for polygon, panel in zip(plan.panels, plan.item.panels):
        box = geometry.bbox(polygon)
        twin, score = geometry.best_match(box, [p for p in data.panels if p.id not in panel_ids])
        if score > SAME:
            panel_ids.append(twin.id)
            result.panels_kept += 1
        else:
            panel_ids.append(annotate.add_panel(project, page_id, polygon, source="manual"))
            result.panels_added += 1
        if panel.memo:
            annotate.set_panel_memo(project, panel_ids[-1], panel.memo)
        code(("panel", panel_ids[-1]), panel.codings, plan.motif_ids)
        for name in panel.characters:
            coding.add_appearance(project, character_id(name), panel_ids[-1], coder_id(None))
    if panel_ids:
        annotate.reorder_panels(project, page_id, panel_ids + [p.id for p in data.panels if p.id not in panel_ids])
    region_ids: list[int] = []
    for polygon, region in zip(plan.regions, plan.item.regions):
        fields = {"kind": region.kind}
        for key in ("text", "lang", "vertical", "translation"):
            if getattr(region, key) is not None:
                fields[key] = getattr(region, key)
        if region.speaker:
            fields["speaker_id"] = character_id(region.speaker)
        if region.panel is not None:
            fields["panel_id"] = panel_ids[region.panel]
        box = geometry.bbox(polygon)
        twin, score = geometry.best_match(box, [r for r in data.regions if r.id not in region_ids])
        if score > SAME:
            annotate.update_region(project, twin.id, polygon=polygon, **fields)
            region_ids.append(twin.id)
            result.regions_updated += 1
        else:
            if "panel_id" not in fields:
                with project.session() as s:
                    panels = s.exec(select(models.Panel).where(models.Panel.page_id == page_id)).all()
                    fields["panel_id"] = owner_panel(box, panels)
            region_ids.append(annotate.add_region(project, page_id, polygon, **fields))
            result.regions_added += 1
        if region.ocr is not None:
            _keep_reading(project, region_ids[-1], region.ocr)
        code(("text_region", region_ids[-1]), region.codings, plan.motif_ids)
    others = [r.id for r in data.regions if r.id not in region_ids]
    for position, region_id in enumerate(region_ids + others):
        annotate.update_region(project, region_id, order=position)
    code(("page", page_id), plan.item.codings, plan.motif_ids)


def _keep_reading(project: Project, region_id: int, ocr: OcrIn) -> None:
    """Record an OCR reading carried by the file, with the engine it names, unless the region has its own."""
    with project.session() as s:
        region = s.get(models.TextRegion, region_id)
        if region.ocr_text is not None:
            return
        region.ocr_text = ocr.text
        region.ocr_confidence = ocr.confidence
        region.ocr_engine = ocr.engine
        region.ocr_engine_version = ocr.version
        region.ocr_at = datetime.now(timezone.utc)
        s.add(region)
