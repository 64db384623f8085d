"""How pages and episodes are named wherever a user reads about them.

Database ids mean nothing to a researcher; "Secret Division · Ep 9 p. 1" is what they cite
and find in the library. Status messages, job progress and CLI output all use these.
"""

from __future__ import annotations

from sqlmodel import select

from annotator.core import models
from annotator.core.project import Project


def episode_name(series: str, number: int | None, title: str = "") -> str:
    episode = f"Ep {number}" if number is not None else (f"“{title}”" if title else "unnumbered episode")
    return f"{series} · {episode}" if series else episode


def page_labels(project: Project, page_ids: list[int]) -> dict[int, str]:
    """``{page_id: "Series · Ep N p. M"}`` for the given pages (one query)."""
    if not page_ids:
        return {}
    with project.session() as s:
        rows = s.exec(
            select(models.Page.id, models.Page.index, models.Episode.number, models.Episode.title, models.Series.name)
            .join(models.Episode, models.Episode.id == models.Page.episode_id)
            .join(models.Series, models.Series.id == models.Episode.series_id)
            .where(models.Page.id.in_(list(page_ids)))
        ).all()
    return {pid: f"{episode_name(series, number, title)} p. {index + 1}" for pid, index, number, title, series in rows}


def page_label(project: Project, page_id: int) -> str:
    return page_labels(project, [page_id]).get(page_id, f"page {page_id}")


def episode_label(project: Project, episode_id: int) -> str:
    with project.session() as s:
        episode = s.get(models.Episode, episode_id)
        if episode is None:
            return f"episode {episode_id}"
        series = s.get(models.Series, episode.series_id)
        return episode_name(series.name if series else "", episode.number, episode.title)


def page_span(indexes: list[int]) -> str:
    """'p. 3' or 'pp. 1–10' (page indexes are 0-based in the database)."""
    if not indexes:
        return "no pages"
    first, last = min(indexes) + 1, max(indexes) + 1
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


def import_message(project: Project, episode_id: int | None, page_ids: list[int], duplicates: int = 0,
                   errors: int = 0) -> str:
    """'Imported 10 page(s) into Series · Ep 2 (pp. 1–10)', the sentence GUI and CLI print."""
    if episode_id is None:
        text = "Imported no pages"
    else:
        with project.session() as s:
            indexes = list(s.exec(select(models.Page.index).where(models.Page.id.in_(page_ids))).all()) if page_ids else []
        text = f"Imported {len(page_ids)} page(s) into {episode_label(project, episode_id)} ({page_span(indexes)})"
    return text + f" ({duplicates} duplicate(s) skipped, {errors} error(s))"
