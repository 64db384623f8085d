"""Where a page stands in the work: ``new``, ``in_progress``, ``done``, ``reviewed``.

A page starts ``new`` and becomes ``in_progress`` by itself with the first revision of its
human layer (see ``core.revisions``); ``done`` and ``reviewed`` are a coder's call.
"""

from __future__ import annotations

from sqlmodel import select

from annotator.core import models
from annotator.core.annotate import get_row
from annotator.core.models import PAGE_STATUSES
from annotator.core.project import Project

LABELS = {"new": "new", "in_progress": "in progress", "done": "done", "reviewed": "reviewed"}


def check(status: str) -> str:
    value = status.strip().lower().replace(" ", "_").replace("-", "_")
    if value not in PAGE_STATUSES:
        raise ValueError(f"unknown page status {status!r}; one of {', '.join(PAGE_STATUSES)}")
    return value


def set_status(project: Project, page_id: int, status: str) -> str:
    """Set a page's status; returns the previous one (setting it back undoes the change)."""
    status = check(status)
    with project.session() as s:
        page = get_row(s, models.Page, page_id)
        before = page.status
        if before != status:
            page.status = status
            s.add(page)
        return before


def statuses(project: Project, episode_id: int | None = None) -> list[dict]:
    """Every page (of one episode, or all) with its status, in library order."""
    with project.session() as s:
        query = (select(models.Page, models.Episode).join(models.Episode)
                 .order_by(models.Episode.series_id, models.Episode.number, models.Episode.id, models.Page.index))
        if episode_id is not None:
            query = query.where(models.Page.episode_id == episode_id)
        return [{"page_id": page.id, "episode": episode.number, "page": page.index + 1,
                 "file": page.original_filename, "status": page.status} for page, episode in s.exec(query).all()]
