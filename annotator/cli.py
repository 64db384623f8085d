"""The ``annotator`` command line: thin shells over ``annotator.core`` services.

Every command takes ``--json`` and then prints one JSON document on stdout (UTF-8, Chinese
unescaped); progress and messages go to stderr. User errors print one line and exit 1.
"""

from __future__ import annotations

import functools
import json
import sys
from datetime import date
from pathlib import Path

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
def cli() -> None:
    """Comic Panel Annotator: import, segment, read and annotate comics."""


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
    emit(result, as_json, lambda r: click.echo(f"Created project {r['project']} ({r['motifs']} motifs in the codebook)"))


def _parse_date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


@cli.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--series", default=None, help="Series name (created if new; default 'Unsorted').")
@click.option("--episode", "number", type=int, default=None, help="Episode number (existing episode gets the pages).")
@click.option("--title", default=None, help="Episode title.")
@click.option("--title-zh", default=None, help="Episode title in Chinese.")
@click.option("--url", default=None, help="Where the episode was published (for citation).")
@click.option("--date", "published", default=None, callback=_parse_date, help="Publication date, YYYY-MM-DD.")
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
    with open_project(directory, db) as project:
        report = import_pages(project, list(files), spec, progress=progress_bar("Importing", sys.stderr.isatty()))
    result = report.to_json()
    for item in result["errors"]:
        click.echo(f"error: {item['file']}: {item['error']}", err=True)

    def human(r):
        click.echo(f"Imported {r['pages_added']} page(s) into episode {r['episode_id']}"
                   f" ({len(r['duplicates'])} duplicate(s) skipped, {len(r['errors'])} error(s))")

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
@json_option
@user_errors
def demo(directory: Path, no_analysis: bool, as_json: bool) -> None:
    """Build the demo project (from seeds/) in DIRECTORY: import, segment and read its episodes."""
    from annotator.core.library import summary
    from annotator.core.seeds import build_demo

    click.echo("Building the demo project (import, panels, OCR)...", err=True)
    project, reports = build_demo(directory, progress=progress_bar("Building demo", sys.stderr.isatty()),
                                  analyse=not no_analysis)
    with project:
        result = summary(project)
    errors = [e for r in reports for e in r.errors]
    for name, message in errors:
        click.echo(f"error: {name}: {message}", err=True)
    emit(result, as_json, lambda r: click.echo(f"Demo project ready in {directory}"))


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@db_option
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save a screenshot of the window to this PNG and quit (for docs and checks).")
@json_option
def gui(directory: Path | None, db: str | None, screenshot: Path | None, as_json: bool) -> None:
    """Open the desktop window (on DIRECTORY if given)."""
    from annotator.gui.app import run

    code = run(directory, db=db, screenshot=screenshot)
    if as_json:
        emit({"exit_code": code, "screenshot": str(screenshot) if screenshot else None}, True)
    sys.exit(code)


def _episode_id(project, number: int | None, series: str | None) -> int | None:
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


def _batch_report(report, as_json: bool, verb: str) -> None:
    for result in report.errors:
        click.echo(f"error: {result.message}", err=True)
    data = {"pages": [r.__dict__ | {"message": r.message} for r in report.results], "cancelled": report.cancelled,
            "errors": len(report.errors)}
    emit(data, as_json, lambda d: click.echo(f"{verb} {len(d['pages'])} page(s), {d['errors']} error(s)"))


@cli.command()
@click.argument("images", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Segment the pages stored in this project instead of IMAGES.")
@click.option("--episode", "number", type=int, default=None, help="Only this episode (by number) of --project.")
@click.option("--series", default=None, help="Series of --episode, when several have that number.")
@click.option("--direction", type=click.Choice(["auto", "ltr", "rtl"]), default=None,
              help="Reading direction (default: the episode's setting, else auto).")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
@db_option
@json_option
@user_errors
def segment(images, directory, number, series, direction, workers, db, as_json) -> None:
    """Cut pages into panels in reading order: IMAGES, or a project's pages."""
    if directory is None:
        if not images:
            raise click.UsageError("give IMAGE files or --project DIR")
        from annotator.vision.panels import segment_file

        results = []
        for image in images:
            try:
                results.append(segment_file(image, direction or "auto"))
            except ValueError as exc:  # ImageLoadError: report, carry on with the rest
                click.echo(f"error: {exc}", err=True)
                results.append({"image": image.name, "error": str(exc)})
        emit(results, as_json, lambda r: [
            click.echo(f"{x['image']}: " + (x.get("error") or f"{len(x['panels'])} panels")) for x in r])
        if all("error" in r for r in results):
            sys.exit(1)
        return
    from annotator.core.project import open_project
    from annotator.core.segmentation import episode_page_ids, segment_pages

    with open_project(directory, db) as project:
        pages = episode_page_ids(project, _episode_id(project, number, series))
        report = segment_pages(project, pages, direction=direction, workers=workers,
                               progress=progress_bar("Segmenting", sys.stderr.isatty()))
    _batch_report(report, as_json, "Segmented")


@cli.command()
@click.argument("images", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Read the pages stored in this project instead of IMAGES.")
@click.option("--episode", "number", type=int, default=None, help="Only this episode (by number) of --project.")
@click.option("--series", default=None, help="Series of --episode, when several have that number.")
@click.option("--engine", default=None, help="OCR engine (rapidocr, tesseract; default: the best installed).")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", help="Language of the text.")
@click.option("--engines", "list_engines", is_flag=True, help="List OCR engines, versions and languages.")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
@click.option("--timeout", type=float, default=300.0, show_default=True,
              help="Seconds after which a page is given up (reported; the batch goes on).")
@db_option
@json_option
@user_errors
def ocr(images, directory, number, series, engine, lang, list_engines, workers, timeout, db, as_json) -> None:
    """Find and read balloons and captions: IMAGES, or a project's pages (resumable; Ctrl+C keeps what is done)."""
    from annotator.vision.ocr import EngineUnavailable, OcrError, describe_engines

    if list_engines:
        engines = describe_engines()
        emit(engines, as_json, lambda r: [click.echo(
            f"{e['name']:10} {e['version'] or '-':12} {' '.join(e['languages']):24} "
            + ("available" if e["available"] else f"unavailable: {e['error']}")) for e in r])
        return
    try:
        if directory is None:
            if not images:
                raise click.UsageError("give IMAGE files, --project DIR or --engines")
            _ocr_images(images, engine, lang, as_json)
            return
        from annotator.core.ocr_service import ocr_pages
        from annotator.core.project import open_project
        from annotator.core.segmentation import episode_page_ids

        with open_project(directory, db) as project:
            pages = episode_page_ids(project, _episode_id(project, number, series))
            try:
                report = ocr_pages(project, pages, engine=engine, lang=lang, workers=workers, timeout=timeout,
                                   progress=progress_bar("Reading text", sys.stderr.isatty()))
            except KeyboardInterrupt:
                raise click.ClickException("cancelled; pages finished so far are saved, run again to resume") from None
        _batch_report(report, as_json, "Read")
    except EngineUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    except OcrError as exc:
        raise click.ClickException(f"OCR failed: {exc}") from None


def _ocr_images(images, engine: str | None, lang: str, as_json: bool) -> None:
    from annotator.vision.ocr import OcrError, get_engine
    from annotator.vision.reading import read_file

    reader = get_engine(engine)
    results = []
    for image in images:
        try:
            results.append(read_file(image, reader, lang=lang))
        except (ValueError, OcrError) as exc:  # one bad image is reported; the rest are read
            click.echo(f"error: {image.name}: {exc}", err=True)
            results.append({"image": image.name, "error": str(exc)})

    def human(r):
        for item in r:
            click.echo(f"{item['image']}: " + (item.get("error") or ""))
            for text in item.get("texts", []):
                click.echo(f"  [{text['kind']}{' vertical' if text['vertical'] else ''}] {text['text']}")

    emit(results, as_json, human)
    if all("error" in r for r in results):
        sys.exit(1)


def main() -> None:
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
