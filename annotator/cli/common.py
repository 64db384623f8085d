"""The command group and what every command shares: JSON output, ``--db``, one-line user errors."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date

import click

from annotator import __version__


def emit(data, as_json: bool, human=None) -> None:
    """Print a result as JSON, or through ``human`` (a callable printing text) otherwise."""
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    elif human is not None:
        human(data)
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")(func)


def db_option(func):
    return click.option(
        "--db", default=None, metavar="URL", help="Database URL (default: DIR/project.db; e.g. postgresql+psycopg://...)."
    )(func)


def user_errors(func):
    """Turn the core's user-facing exceptions into one-line click errors (exit 1)."""
    from annotator.core.database import ProjectError
    from annotator.core.seeds import SeedError
    from annotator.vision.images import ImageLoadError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (ProjectError, ImageLoadError, SeedError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def progress_bar(label: str, enabled: bool = True):
    """A stderr progress callback ``(done, total, name)``; silent when not a terminal and disabled."""
    state = {"bar": None}

    def update(done: int, total: int, name: str) -> None:
        if not enabled:
            return
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return update


def parse_date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def episode_id(project, number: int | None, series: str | None) -> int | None:
    """Episode id for ``--episode N`` (and ``--series`` when several series have an episode N)."""
    if number is None:
        return None
    from sqlmodel import select

    from annotator.core import models

    with project.session() as s:
        query = select(models.Episode.id, models.Series.name).join(models.Series).where(models.Episode.number == number)
        rows = [r for r in s.exec(query).all() if series is None or r[1] == series]
    if not rows:
        raise click.ClickException(f"no episode {number}" + (f" in series {series!r}" if series else ""))
    if len(rows) > 1:
        raise click.ClickException(f"several series have an episode {number}; add --series NAME")
    return rows[0][0]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
def cli() -> None:
    """Comic Panel Annotator: import, segment, read and annotate comics."""
