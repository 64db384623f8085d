"""Read-side queries over a project: the library tree and per-episode counts.

Counts come from grouped queries (one per table, not one per page), so opening a
500-page project stays fast.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from annotator.core import models
from annotator.core.database import ProjectError
from annotator.core.project import Project


@dataclass
class PageInfo:
    id: int
    index: int
    original_filename: str
    width: int
    height: int
    kind: str
    media_path: str
    media_sha256: str
    panels: int = 0
    regions: int = 0
    codings: int = 0
    checked: int = 0  # text regions a person has corrected or accepted (text is not NULL)
    status: str = "new"


@dataclass
class EpisodeInfo:
    id: int
    number: int | None
    title: str
    title_zh: str
    published_on: str | None
    source_url: str
    direction: str | None
    pages: list[PageInfo] = field(default_factory=list)
    codings: int = 0

    @property
    def label(self) -> str:
        title = self.title_zh or self.title
        return f"{self.number}. {title}" if self.number is not None else title

    def counts(self) -> dict:
        return {
            "pages": len(self.pages),
            "panels": sum(p.panels for p in self.pages),
            "regions": sum(p.regions for p in self.pages),
            "checked": sum(p.checked for p in self.pages),
            "codings": self.codings + sum(p.codings for p in self.pages),
        }


@dataclass
class SeriesInfo:
    id: int
    name: str
    name_zh: str
    publisher: str
    url: str
    episodes: list[EpisodeInfo] = field(default_factory=list)


def _count_by(session, column) -> Counter:
    return Counter(dict(session.exec(select(column, func.count()).group_by(column)).all()))


def library(project: Project, status: str | None = None) -> list[SeriesInfo]:
    """Series → episodes → pages with annotation counts, in display order.

    ``status`` keeps only pages with that status (and the episodes and series holding them).
    """
    with project.session() as s:
        panels = _count_by(s, models.Panel.page_id)
        regions = _count_by(s, models.TextRegion.page_id)
        checked = Counter(dict(s.exec(
            select(models.TextRegion.page_id, func.count()).where(models.TextRegion.text.is_not(None))
            .group_by(models.TextRegion.page_id)).all()))
        page_codings = _count_by(s, models.Coding.page_id)
        panel_page = dict(s.exec(select(models.Panel.id, models.Panel.page_id)).all())
        region_page = dict(s.exec(select(models.TextRegion.id, models.TextRegion.page_id)).all())
        for panel_id, n in _count_by(s, models.Coding.panel_id).items():
            if panel_id is not None:
                page_codings[panel_page[panel_id]] += n
        for region_id, n in _count_by(s, models.Coding.text_region_id).items():
            if region_id is not None:
                page_codings[region_page[region_id]] += n
        episode_codings = _count_by(s, models.Coding.episode_id)

        out: dict[int, SeriesInfo] = {}
        for series in s.exec(select(models.Series).order_by(models.Series.name)).all():
            out[series.id] = SeriesInfo(series.id, series.name, series.name_zh, series.publisher, series.url)
        episodes: dict[int, EpisodeInfo] = {}
        for ep in s.exec(select(models.Episode).order_by(models.Episode.number, models.Episode.id)).all():
            info = EpisodeInfo(
                ep.id,
                ep.number,
                ep.title,
                ep.title_zh,
                ep.published_on.isoformat() if ep.published_on else None,
                ep.source_url,
                ep.direction,
                codings=episode_codings.get(ep.id, 0),
            )
            episodes[ep.id] = info
            out[ep.series_id].episodes.append(info)
        for page in s.exec(select(models.Page).order_by(models.Page.episode_id, models.Page.index)).all():
            episodes[page.episode_id].pages.append(
                PageInfo(
                    page.id,
                    page.index,
                    page.original_filename,
                    page.width,
                    page.height,
                    page.kind,
                    page.media_path,
                    page.media_sha256,
                    panels.get(page.id, 0),
                    regions.get(page.id, 0),
                    page_codings.get(page.id, 0),
                    checked.get(page.id, 0),
                    page.status,
                )
            )
    if status is not None:
        return _only_status(list(out.values()), status)
    return list(out.values())


def _only_status(series: list[SeriesInfo], status: str) -> list[SeriesInfo]:
    for se in series:
        for ep in se.episodes:
            ep.pages = [p for p in ep.pages if p.status == status]
        se.episodes = [ep for ep in se.episodes if ep.pages]
    return [se for se in series if se.episodes]


def summary(project: Project) -> dict:
    """The JSON document ``annotator info`` prints."""
    return {
        "project": str(project.root),
        "database": project.url,
        "series": [
            {
                "id": se.id,
                "name": se.name,
                "name_zh": se.name_zh,
                "publisher": se.publisher,
                "url": se.url,
                "episodes": [
                    {
                        "id": ep.id,
                        "number": ep.number,
                        "title": ep.title,
                        "title_zh": ep.title_zh,
                        "published_on": ep.published_on,
                        "source_url": ep.source_url,
                        **ep.counts(),
                        "page_list": [
                            {
                                "id": p.id,
                                "index": p.index,
                                "file": p.original_filename,
                                "width": p.width,
                                "height": p.height,
                                "kind": p.kind,
                                "panels": p.panels,
                                "regions": p.regions,
                            }
                            for p in ep.pages
                        ],
                    }
                    for ep in se.episodes
                ],
            }
            for se in library(project)
        ],
    }


def scope_episode_ids(project: Project, episode_id: int | None = None, series: str | None = None) -> list[int]:
    """Episode ids in library order: one episode, one series' episodes, or all of them."""
    if episode_id is not None:
        return [episode_id]
    ids = [ep.id for se in library(project) if series is None or se.name == series for ep in se.episodes]
    if series is not None and not ids:
        raise ProjectError(f"no series named {series!r} (or it has no episodes)")
    return ids
