"""Small reads and edits the desktop window needs that the other services do not cover.

Qt-free like the rest of core: the inspector's per-panel cast, and episode provenance edits
(which return the previous values so the GUI can undo them).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from annotator.core import models
from annotator.core.annotate import get_row
from annotator.core.project import Project

EPISODE_FIELDS = {"number", "title", "title_zh", "published_on", "source_url", "notes", "direction"}


def panel_appearances(project: Project, panel_id: int) -> list[tuple[int, int, str]]:
    """(appearance id, character id, display name) for everyone drawn in a panel."""
    with project.session() as s:
        rows = s.exec(
            select(models.Appearance, models.Character)
            .join(models.Character, models.Character.id == models.Appearance.character_id)
            .where(models.Appearance.panel_id == panel_id)
            .order_by(models.Character.name)
        ).all()
        return [(a.id, c.id, f"{c.name_zh} {c.name}".strip() if c.name_zh else c.name) for a, c in rows]


def episode_details(project: Project, episode_id: int) -> dict[str, Any]:
    """An episode's provenance fields plus its series' publishing account."""
    with project.session() as s:
        episode = get_row(s, models.Episode, episode_id)
        series = s.get(models.Series, episode.series_id)
        out = {k: getattr(episode, k) for k in sorted(EPISODE_FIELDS)}
        out["account"] = series.publisher if series else ""
        return out


def update_episode(project: Project, episode_id: int, **fields: Any) -> dict[str, Any]:
    """Change provenance fields (``account`` edits the series' publisher); returns the old values."""
    unknown = set(fields) - EPISODE_FIELDS - {"account"}
    if unknown:
        raise ValueError(f"unknown episode fields: {sorted(unknown)}")
    if isinstance(fields.get("published_on"), str):
        fields["published_on"] = date.fromisoformat(fields["published_on"]) if fields["published_on"] else None
    with project.session() as s:
        episode = get_row(s, models.Episode, episode_id)
        series = s.get(models.Series, episode.series_id)
        before = {}
        for key, value in fields.items():
            if key == "account":
                before[key] = series.publisher
                series.publisher = value
                s.add(series)
            else:
                before[key] = getattr(episode, key)
                setattr(episode, key, value)
        s.add(episode)
        return before
