"""Search commands: find tagged dialogue, and auto-code what a search finds."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, json_option, user_errors


def query_errors(func):
    """A malformed query (or an unknown motif/speaker) is a one-line error, exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from annotator.core.annotate import NotFound
        from annotator.core.query import QueryError

        try:
            return func(*args, **kwargs)
        except (QueryError, NotFound) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def _print_hits(data: dict) -> None:
    for hit in data["hits"]:
        where = f"{hit['series']} ep{hit['episode']} p.{hit['page']}" + (f" panel {hit['panel']}" if hit["panel"] else "")
        click.echo(f"{where:32} {hit['field']:11} {hit['context']}")
    shown = len(data["hits"])
    total = f"{data['total']:,}" if data.get("total_exact", True) else f"{data['total']:,} or more"
    click.echo(f"{total} hit(s)" + (f", first {shown} shown" if shown < data["total"] else ""))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("query", required=False)
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True, help="Hits to print.")
@click.option("--episodes", "with_episodes", is_flag=True, help="Also print hit counts per episode.")
@click.option("--rebuild", is_flag=True, help="Rebuild the search index from the project's rows first.")
@db_option
@json_option
@user_errors
@query_errors
def search(directory: Path, query: str | None, limit: int, with_episodes: bool, rebuild: bool, db: str | None,
           as_json: bool) -> None:
    """Search texts, translations, memos, speakers and motifs of the project in DIRECTORY.

    QUERY: words and "phrases" (all must match), OR, -word or NOT word, and filters series:,
    ep:3 or ep:1-12, date:2024-01..2024-06, speaker:, character:, motif:, kind:, coder:,
    field:text|translation|memo|character|motif. Chinese matches any substring; other
    languages match whole words. Traditional characters find simplified ones.
    """
    from annotator.core import search_index
    from annotator.core.project import open_project
    from annotator.core.search import search as run_search

    if query is None and not rebuild:
        raise click.UsageError("give a QUERY (or --rebuild)")
    with open_project(directory, db) as project:
        if rebuild:
            with project.engine.begin() as conn:
                docs = search_index.rebuild(conn)
            click.echo(f"Rebuilt the search index ({docs:,} documents)", err=True)
            if query is None:
                emit({"documents": docs}, as_json, lambda _d: None)
                return
        result = run_search(project, query, limit=limit, per_episode=with_episodes)
    data = result.to_json()
    if with_episodes:
        data["episodes"] = result.per_episode
    if as_json:
        emit(data, True)
        return
    _print_hits(data | {"total_exact": result.total_exact})
    for row in result.per_episode or []:
        click.echo(f"  {row['series']} ep{row['episode']}: {row['count']}")


def _one(project, model, name: str, what: str) -> int:
    from sqlmodel import select

    from annotator.core.fold import fold

    with project.session() as s:
        rows = [r for r in s.exec(select(model)).all()
                if fold(name) in (fold(r.name), fold(getattr(r, "name_zh", "") or ""))]
    if not rows:
        raise click.ClickException(f"no {what} named {name!r}")
    if len(rows) > 1:
        raise click.ClickException(f"several {what}s are named {name!r} (ids {', '.join(str(r.id) for r in rows)})")
    return rows[0].id


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("query")
@click.option("--motif", default=None, help="Code every hit's region with this motif (name or Chinese name).")
@click.option("--speaker", default=None, help="Make this character the speaker of every hit's region.")
@click.option("--coder", default="anonymous", show_default=True, help="Coder recorded on the new codings.")
@click.option("--yes", is_flag=True, help="Apply; without it only the preview is printed.")
@db_option
@json_option
@user_errors
@query_errors
def autocode(directory: Path, query: str, motif: str | None, speaker: str | None, coder: str, yes: bool,
             db: str | None, as_json: bool) -> None:
    """Apply a motif or a speaker to every region a QUERY finds (preview first; --yes applies).

    Codings made this way record the query ("search: QUERY"), so they can be told apart.
    """
    from annotator.core import autocode as service
    from annotator.core import models
    from annotator.core.project import open_project

    if (motif is None) == (speaker is None):
        raise click.UsageError("give exactly one of --motif NAME or --speaker NAME")
    with open_project(directory, db) as project:
        motif_id = _one(project, models.Motif, motif, "motif") if motif else None
        speaker_id = _one(project, models.Character, speaker, "character") if speaker else None
        preview = service.preview(project, query, motif_id=motif_id, speaker_id=speaker_id, sample=10)
        data = preview.to_json() | {"applied": False}
        if yes:
            if motif_id is not None:
                done = service.apply_motif(project, preview.region_ids, motif_id, query, project.coder(coder))
                data["applied"], data["codings"] = True, done["codings"]
            else:
                done = service.apply_speaker(project, preview.region_ids, speaker_id)
                data["applied"], data["speakers_changed"] = True, len(done["speakers"])

    def human(d):
        what = f"motif {motif!r}" if motif else f"speaker {speaker!r}"
        click.echo(f"{d['regions']} region(s) found; {d['changes']} would get {what} ({d['unchanged']} already have it)"
                   if not d["applied"] else f"Applied {what} to {d['changes']} region(s)")
        for hit in d["sample"]:
            click.echo(f"  ep{hit['episode']} p.{hit['page']} {hit['context']}")
        if not d["applied"] and d["changes"]:
            click.echo("Run again with --yes to apply.")

    emit(data, as_json, human)
