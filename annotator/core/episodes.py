"""Organising episodes: which series they belong to, their number, deleting and restoring them,
and a first guess of an episode's details from the name of the file or folder it came from.

Every function is one transaction. ``delete_episode`` returns a snapshot of every row it
removes (pages, panels, text regions, codings, appearances) that ``restore_episode`` puts back
with the same ids, so the GUI can undo a delete; media files are content-addressed and stay on
disk, so nothing needs to be copied back.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import or_
from sqlmodel import SQLModel, select

from annotator.core import models
from annotator.core.annotate import get_row, snapshot_rows
from annotator.core.project import Project

_TABLES: dict[str, type[SQLModel]] = {
    m.__tablename__: m for m in (models.Series, models.Episode, models.Page, models.Panel, models.TextRegion,
                                 models.Appearance, models.Coding)
}


class EpisodeConflict(ValueError):
    """The target series already has an episode with that number."""


def _series(session, name: str) -> models.Series:
    row = session.exec(select(models.Series).where(models.Series.name == name)).first()
    if row is None:
        row = models.Series(name=name)
        session.add(row)
        session.flush()
    return row


def series_names(project: Project) -> list[str]:
    with project.session() as s:
        return list(s.exec(select(models.Series.name).order_by(models.Series.name)).all())


def next_number(project: Project, series: str) -> int:
    """The number after the highest one in ``series`` (1 for a new series)."""
    with project.session() as s:
        numbers = s.exec(
            select(models.Episode.number).join(models.Series, models.Series.id == models.Episode.series_id)
            .where(models.Series.name == series)
        ).all()
    return max([n for n in numbers if n is not None], default=0) + 1


def move_episode(project: Project, episode_id: int, series: str, number: int | None) -> dict:
    """Put an episode in ``series`` (created if new) under ``number``; returns the old values.

    Raises ``EpisodeConflict`` if another episode of that series already has the number.
    """
    series = series.strip()
    if not series:
        raise ValueError("a series needs a name")
    with project.session() as s:
        episode = get_row(s, models.Episode, episode_id)
        old_series = s.get(models.Series, episode.series_id)
        target = _series(s, series)
        if number is not None:
            clash = s.exec(select(models.Episode.id).where(
                models.Episode.series_id == target.id, models.Episode.number == number,
                models.Episode.id != episode_id)).first()
            if clash is not None:
                raise EpisodeConflict(f"{series} already has an episode {number}; pick another number")
        before = {"series": old_series.name if old_series else "", "number": episode.number}
        episode.series_id, episode.number = target.id, number
        s.add(episode)
        return before


def delete_episode(project: Project, episode_id: int) -> dict:
    """Delete an episode with everything on it; returns the snapshot ``restore_episode`` needs."""
    with project.session() as s:
        episode = get_row(s, models.Episode, episode_id)
        pages = s.exec(select(models.Page).where(models.Page.episode_id == episode_id)).all()
        page_ids = [p.id for p in pages]
        panels = s.exec(select(models.Panel).where(models.Panel.page_id.in_(page_ids))).all() if page_ids else []
        panel_ids = [p.id for p in panels]
        regions = (s.exec(select(models.TextRegion).where(models.TextRegion.page_id.in_(page_ids))).all()
                   if page_ids else [])
        region_ids = [r.id for r in regions]
        appearances = (s.exec(select(models.Appearance).where(models.Appearance.panel_id.in_(panel_ids))).all()
                       if panel_ids else [])
        coding = models.Coding
        targets = [coding.episode_id == episode_id]
        if page_ids:
            targets.append(coding.page_id.in_(page_ids))
        if panel_ids:
            targets.append(coding.panel_id.in_(panel_ids))
        if region_ids:
            targets.append(coding.text_region_id.in_(region_ids))
        codings = s.exec(select(coding).where(or_(*targets))).all()
        snapshot = {"rows": snapshot_rows(episode, *pages, *panels, *regions, *appearances, *codings)}
        s.delete(episode)  # the database cascades to pages, panels, regions, codings, appearances
        return snapshot


def restore_episode(project: Project, snapshot: dict) -> None:
    """Undo ``delete_episode``: every row back under its old id."""
    with project.session() as s:
        for table, data in snapshot["rows"]:
            s.add(_TABLES[table](**data))
            s.flush()


_NUMBER = re.compile(r"(?:^|[^a-z0-9])(?:ep(?:isode)?|no|#|第)[\s._-]*(\d{1,5})", re.IGNORECASE)
_DATE = re.compile(r"(20\d\d|19\d\d)[-._]?(\d\d)[-._]?(\d\d)")


def guess_from_name(path: str | Path) -> dict:
    """A first guess of number, title and date from a file or folder name, for the import dialog.

    'ep09-the-lost-hikers' → 9, 'The lost hikers'; '第12期 举报电话' → 12, '举报电话';
    '2024-04-01 survey team' → date 2024-04-01. The researcher checks and corrects it.
    """
    stem = Path(str(path).rstrip("/\\")).name
    if Path(stem).suffix.lower() in {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".zip",
                                     ".cbz", ".pdf"}:
        stem = Path(stem).stem
    out: dict = {"number": None, "title": "", "published_on": None}
    rest = stem
    found = _DATE.search(rest)
    if found:
        try:
            out["published_on"] = date(int(found[1]), int(found[2]), int(found[3]))
            rest = rest[:found.start()] + " " + rest[found.end():]
        except ValueError:
            pass
    found = _NUMBER.search(rest)
    if found is None:
        found = re.search(r"(?:^|[^0-9])(\d{1,4})(?:[^0-9]|$)", rest)
    if found:
        out["number"] = int(found[1])
        rest = rest[:found.start()] + " " + rest[found.end():]
    rest = re.sub(r"^[期话話集]", "", rest.strip(" ._-"))
    title = re.sub(r"[\s._-]+", " ", rest).strip()
    out["title"] = title[:1].upper() + title[1:] if title.isascii() else title
    return out


def details(project: Project, episode_id: int) -> dict:
    """The Episode details dialog's fields: provenance plus series name."""
    from annotator.core.gui_queries import episode_details

    out = episode_details(project, episode_id)
    with project.session() as s:
        episode = get_row(s, models.Episode, episode_id)
        series = s.get(models.Series, episode.series_id)
        out["series"] = series.name if series else ""
    return out


def update_details(project: Project, episode_id: int, **fields) -> dict:
    """Change an episode's series, number and provenance fields; returns the old values (for undo).

    Series and number are checked first, so a number clash changes nothing."""
    from annotator.core.gui_queries import update_episode

    before: dict = {}
    if "series" in fields or "number" in fields:
        current = details(project, episode_id)
        moved = move_episode(project, episode_id, fields.pop("series", current["series"]),
                             fields.pop("number", current["number"]))
        before.update(moved)
    if fields:
        before.update(update_episode(project, episode_id, **fields))
    return before


def rename_series(project: Project, series_id: int, name: str) -> dict:
    """Rename a series (refusing a name another series has); returns the old name."""
    name = name.strip()
    if not name:
        raise ValueError("a series needs a name")
    with project.session() as s:
        series = get_row(s, models.Series, series_id)
        other = s.exec(select(models.Series.id).where(models.Series.name == name, models.Series.id != series_id)).first()
        if other is not None:
            raise EpisodeConflict(f"there is already a series called {name}; move the episodes there instead")
        before = {"name": series.name}
        series.name = name
        s.add(series)
        return before
