"""One read of everything an exporter needs, in a stable order.

Exports must be reproducible, so every list here is sorted (episodes by series and number,
pages by index, panels and regions by reading order) and ids that leave the project are
derived from database ids, never from time or randomness.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlmodel import select

from annotator.core import models
from annotator.core.project import Project

NAMESPACE = uuid.UUID("6f1d3c1e-5b0a-4f8e-9a57-c0d1c5a0e418")  # for stable GUIDs of exported rows


def guid(kind: str, row_id: int | str) -> str:
    """A stable GUID for a row (REFI-QDA and Web Annotation need globally unique ids)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{row_id}"))


@dataclass
class PageView:
    page: models.Page
    episode: models.Episode
    panels: list[models.Panel]
    regions: list[models.TextRegion]

    @property
    def file_name(self) -> str:
        return self.page.original_filename or self.page.media_path.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        """A file stem unique in the export: episode number and page index."""
        return f"ep{self.episode.number or self.episode.id:03d}-p{self.page.index + 1:03d}"

    @property
    def mime(self) -> str:
        suffix = self.page.media_path.rsplit(".", 1)[-1].lower()
        return {"jpg": "image/jpeg", "tif": "image/tiff"}.get(suffix, f"image/{suffix}")

    def panel_index(self, panel_id: int | None) -> int | None:
        for i, panel in enumerate(self.panels):
            if panel.id == panel_id:
                return i
        return None

    def last_change(self) -> datetime:
        rows = [self.page, *self.panels, *self.regions]
        return max(_aware(r.updated_at) for r in rows)


@dataclass
class EpisodeView:
    episode: models.Episode
    series: models.Series | None
    pages: list[PageView]


@dataclass
class ProjectView:
    episodes: list[EpisodeView]
    motifs: list[models.Motif]  # parents before children, siblings by position
    characters: dict[int, models.Character]
    coders: dict[int, models.Coder]
    codings: dict[tuple[str, int], list[models.Coding]] = field(default_factory=dict)
    appearances: dict[int, list[models.Appearance]] = field(default_factory=dict)  # by panel id

    @property
    def pages(self) -> list[PageView]:
        return [p for ep in self.episodes for p in ep.pages]

    @property
    def motif_by_id(self) -> dict[int, models.Motif]:
        return {m.id: m for m in self.motifs}

    def children(self, parent_id: int | None) -> list[models.Motif]:
        return [m for m in self.motifs if m.parent_id == parent_id]

    def codings_of(self, kind: str, row_id: int) -> list[models.Coding]:
        return self.codings.get((kind, row_id), [])

    def coder_name(self, coder_id: int | None) -> str | None:
        coder = self.coders.get(coder_id) if coder_id is not None else None
        return coder.name if coder else None

    def motif_path(self, motif_id: int) -> list[str]:
        """Names from the codebook root down to this motif."""
        by_id = self.motif_by_id
        path, node = [], by_id.get(motif_id)
        while node is not None:
            path.append(node.name)
            node = by_id.get(node.parent_id)
        return path[::-1]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iso(value: datetime) -> str:
    return _aware(value).astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _tree_order(motifs: list[models.Motif]) -> list[models.Motif]:
    by_parent: dict[int | None, list[models.Motif]] = defaultdict(list)
    for m in motifs:
        by_parent[m.parent_id].append(m)
    ordered: list[models.Motif] = []

    def walk(parent):
        for m in sorted(by_parent.get(parent, []), key=lambda m: (m.position, m.id)):
            ordered.append(m)
            walk(m.id)

    walk(None)
    return ordered


def gather(project: Project, episode_ids: tuple[int, ...] = ()) -> ProjectView:
    """The episodes of ``episode_ids`` (all when empty) with everything attached to them."""
    with project.session() as s:
        query = select(models.Episode, models.Series).join(models.Series, isouter=True)
        rows = s.exec(query).all()
        if episode_ids:
            rank = {eid: i for i, eid in enumerate(episode_ids)}
            rows = sorted((r for r in rows if r[0].id in rank), key=lambda r: rank[r[0].id])
        else:
            rows = sorted(rows, key=lambda r: (r[1].name if r[1] else "", r[0].number or 0, r[0].id))
        episodes = []
        for episode, series in rows:
            pages = []
            for page in s.exec(select(models.Page).where(models.Page.episode_id == episode.id)
                               .order_by(models.Page.index, models.Page.id)).all():
                panels = s.exec(select(models.Panel).where(models.Panel.page_id == page.id)
                                .order_by(models.Panel.order, models.Panel.id)).all()
                regions = s.exec(select(models.TextRegion).where(models.TextRegion.page_id == page.id)
                                 .order_by(models.TextRegion.order, models.TextRegion.id)).all()
                pages.append(PageView(page, episode, list(panels), list(regions)))
            episodes.append(EpisodeView(episode, series, pages))
        codings: dict[tuple[str, int], list[models.Coding]] = defaultdict(list)
        for coding in s.exec(select(models.Coding).order_by(models.Coding.id)).all():
            codings[coding.target].append(coding)
        appearances: dict[int, list[models.Appearance]] = defaultdict(list)
        for app in s.exec(select(models.Appearance).order_by(models.Appearance.id)).all():
            appearances[app.panel_id].append(app)
        return ProjectView(
            episodes=episodes,
            motifs=_tree_order(list(s.exec(select(models.Motif)).all())),
            characters={c.id: c for c in s.exec(select(models.Character).order_by(models.Character.id)).all()},
            coders={c.id: c for c in s.exec(select(models.Coder).order_by(models.Coder.id)).all()},
            codings=dict(codings),
            appearances=dict(appearances),
        )
