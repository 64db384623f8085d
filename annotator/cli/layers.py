"""Layer commands: a region's revision history (and OCR layers), and page status."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, episode_id, json_option, user_errors

PROJECT = click.argument("directory", type=click.Path(file_okay=False, path_type=Path))


def service_errors(func):
    """Unknown ids and bad values are one-line errors, exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from annotator.core.annotate import Conflict, NotFound

        try:
            return func(*args, **kwargs)
        except (NotFound, Conflict, LookupError, ValueError) as exc:
            raise click.ClickException(str(exc).strip("'\"")) from None

    return user_errors(wrapper)


def _show(value: str | None, label: str | None) -> str:
    if label is not None:
        return label
    return "∅" if value is None else repr(value)


def _print_history(data: dict) -> None:
    for rev in data["revisions"]:
        click.echo(f"#{rev['id']:<5} {rev['at'][:19]}  {rev['coder'] or '?':12} {rev['source']:12} {rev['field']:11}"
                   f" {_show(rev['old'], rev['old_label'])} → {_show(rev['new'], rev['new_label'])}")
    for reading in data["ocr"]:
        conf = f"{reading['confidence']:.2f}" if reading["confidence"] is not None else "?"
        click.echo(f"OCR run {reading['run']}: {reading['engine']} {reading['engine_version']} ({conf}) "
                   f"{reading['text']}")
    if not data["revisions"] and not data["ocr"]:
        click.echo(f"Region {data['region']}: no revisions and no OCR reading.")


@cli.command()
@PROJECT
@click.option("--region", "region_id", type=int, required=True, help="Text region id.")
@click.option("--field", type=click.Choice(["text", "translation", "speaker"]), default=None,
              help="Only the revisions of this field.")
@click.option("--revert", "revert_id", type=int, default=None, metavar="REVISION",
              help="Put the field back to what this revision made it (recorded as a 'reverted' revision).")
@click.option("--coder", default=None, metavar="NAME", help="Who reverts (default: $ANNOTATOR_CODER, else the login).")
@db_option
@json_option
@service_errors
def history(directory, region_id, field, revert_id, coder, db, as_json) -> None:
    """A text region's revisions (correction, translation, speaker: who, when, how) and its OCR layers."""
    from annotator.core import ocr_layers, revisions
    from annotator.core.project import open_project

    with open_project(directory, db) as project:
        if revert_id is not None:
            target, _ = revisions.revert_fields(project, revert_id)
            if target != region_id:
                raise click.ClickException(f"revision {revert_id} belongs to region {target}, not {region_id}")
            revisions.revert(project, revert_id, coder)
        rows = revisions.history(project, region_id, "speaker_id" if field == "speaker" else field)
        if not rows and not ocr_layers.region_readings(project, region_id):
            from annotator.core import annotate, models

            with project.session() as s:
                annotate.get_row(s, models.TextRegion, region_id)
        data = {"region": region_id, "revisions": [r.to_json() for r in rows],
                "ocr": ocr_layers.region_readings(project, region_id)}
    emit(data, as_json, _print_history)


@cli.command()
@PROJECT
@click.option("--episode", type=int, default=None, help="Episode number (default: every episode).")
@click.option("--series", default=None, help="Series name, when several series have this episode number.")
@click.option("--page", type=click.IntRange(min=1), default=None, help="Page number within the episode (1 = first).")
@click.option("--set", "new_status", type=click.Choice(["new", "in_progress", "done", "reviewed"]), default=None,
              help="Set the page's status.")
@click.option("--only", type=click.Choice(["new", "in_progress", "done", "reviewed"]), default=None,
              help="List only pages with this status.")
@db_option
@json_option
@service_errors
def status(directory, episode, series, page, new_status, only, db, as_json) -> None:
    """Page status (new, in_progress, done, reviewed): list it, filter by it, or --set it on one page."""
    from annotator.core import page_status
    from annotator.core.project import open_project

    if page is not None and episode is None:
        raise click.UsageError("--page needs --episode")
    if new_status is not None and page is None:
        raise click.UsageError("--set needs --episode and --page")
    with open_project(directory, db) as project:
        rows = page_status.statuses(project, episode_id(project, episode, series))
        if page is not None:
            rows = [r for r in rows if r["page"] == page]
            if not rows:
                raise click.ClickException(f"episode {episode} has no page {page}")
            if new_status is not None:
                before = page_status.set_status(project, rows[0]["page_id"], new_status)
                rows = [rows[0] | {"status": new_status, "before": before}]
        if only is not None:
            rows = [r for r in rows if r["status"] == only]
    data = rows[0] if page is not None else {"pages": rows}
    emit(data, as_json, lambda d: [click.echo(f"ep {r['episode']} p.{r['page']:<3} {r['status']:12} {r['file']}")
                                   for r in d.get("pages", [d])])
