"""Project commands: create, import into, describe, build the demo, open the window."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, json_option, parse_date, progress_bar, user_errors


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@db_option
@click.option("--no-codebook", is_flag=True, help="Start with an empty codebook instead of the default one.")
@json_option
@user_errors
def init(directory: Path, db: str | None, no_codebook: bool, as_json: bool) -> None:
    """Create a new project in DIRECTORY."""
    from annotator.core.project import init_project
    from annotator.core.seeds import load_codebook

    with init_project(directory, db) as project:
        motifs = 0 if no_codebook else load_codebook(project)
        result = {"project": str(directory), "database": project.url, "motifs": motifs}
    emit(result, as_json,
         lambda r: click.echo(f"Created project {r['project']} ({r['motifs']} motifs in the codebook)"))


@cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--series", default=None, help="Series name (created if new; default 'Unsorted').")
@click.option("--episode", "number", type=int, default=None, help="Episode number (existing episode gets the pages).")
@click.option("--title", default=None, help="Episode title.")
@click.option("--title-zh", default=None, help="Episode title in Chinese.")
@click.option("--url", default=None, help="Where the episode was published (for citation).")
@click.option("--date", "published", default=None, callback=parse_date, help="Publication date, YYYY-MM-DD.")
@click.option("--direction", type=click.Choice(["auto", "ltr", "rtl"]), default=None, help="Reading direction.")
@db_option
@json_option
@user_errors
def import_cmd(directory, files, series, number, title, title_zh, url, published, direction, db, as_json) -> None:
    """Import FILES (images, folders, CBZ/ZIP, PDF) into one episode of the project in DIRECTORY."""
    from annotator.core.importer import EpisodeSpec, import_pages
    from annotator.core.project import open_project

    spec = EpisodeSpec(series=series, number=number, title=title, title_zh=title_zh, url=url,
                       published_on=published, direction=direction)
    from annotator.core.names import import_message

    with open_project(directory, db) as project:
        report = import_pages(project, list(files), spec, progress=progress_bar("Importing", sys.stderr.isatty()))
        message = import_message(project, report.episode_id, report.page_ids, len(report.duplicates),
                                 len(report.errors))
    result = report.to_json() | {"message": message}
    for item in result["errors"]:
        click.echo(f"error: {item['file']}: {item['error']}", err=True)

    def human(r):
        click.echo(r["message"])

    emit(result, as_json, human)
    if result["errors"] and not result["pages_added"] and not result["duplicates"]:
        sys.exit(1)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@db_option
@json_option
@user_errors
def info(directory: Path, db: str | None, as_json: bool) -> None:
    """Show series and episodes with page, panel, region and coding counts."""
    from annotator.core.library import summary
    from annotator.core.project import open_project

    with open_project(directory, db) as project:
        result = summary(project)

    def human(r):
        click.echo(f"Project {r['project']} ({r['database']})")
        for se in r["series"]:
            click.echo(f"{se['name']} {se['name_zh']}".rstrip())
            for ep in se["episodes"]:
                click.echo(f"  #{ep['number']} {ep['title_zh'] or ep['title']}: {ep['pages']} pages, "
                           f"{ep['panels']} panels, {ep['regions']} regions, {ep['codings']} codings")

    emit(result, as_json, human)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-analysis", is_flag=True, help="Only import the pages; skip segmentation and OCR.")
@db_option
@json_option
@user_errors
def demo(directory: Path, no_analysis: bool, db: str | None, as_json: bool) -> None:
    """Build the demo project (from seeds/) in DIRECTORY: import, segment and read its episodes."""
    from annotator.core.library import summary
    from annotator.core.seeds import build_demo

    click.echo("Building the demo project (import, panels, OCR)...", err=True)
    project, reports = build_demo(directory, progress=progress_bar("Building demo", sys.stderr.isatty()),
                                  analyse=not no_analysis, db=db)
    with project:
        result = summary(project)
    errors = [e for r in reports for e in r.errors]
    for name, message in errors:
        click.echo(f"error: {name}: {message}", err=True)
    emit(result, as_json, lambda r: click.echo(f"Demo project ready in {directory}"))


@cli.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@db_option
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save a screenshot of the window to this PNG and quit (for docs and checks).")
def gui(directory: Path | None, db: str | None, screenshot: Path | None) -> None:
    """Open the desktop window (on DIRECTORY if given). Given a comic file (CBZ/ZIP, PDF, image)
    instead, ask which project receives it and import it as a new episode."""
    from annotator.gui.app import run

    code = run(directory, db=db, screenshot=screenshot)
    sys.exit(code)
