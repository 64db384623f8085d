"""Analysis commands: panels and OCR, on loose images or a project's pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, episode_id, json_option, progress_bar, user_errors


def _batch_report(report, as_json: bool, verb: str) -> None:
    for result in report.errors:
        click.echo(f"error: {result.message}", err=True)
    data = {"pages": [r.__dict__ | {"message": r.message} for r in report.results], "cancelled": report.cancelled,
            "errors": len(report.errors)}
    def human(d):
        for page in d["pages"]:
            if not page["error"]:
                click.echo(page["message"])
        click.echo(f"{verb} {len(d['pages'])} page(s), {d['errors']} error(s)")

    emit(data, as_json, human)


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
                # named by the path as given, so a/page_000.jpg and b/page_000.jpg stay apart
                results.append(segment_file(image, direction or "auto") | {"image": str(image)})
            except ValueError as exc:  # ImageLoadError: report, carry on with the rest
                click.echo(f"error: {exc}", err=True)
                results.append({"image": str(image), "error": str(exc)})
        emit(results, as_json, lambda r: [
            click.echo(f"{x['image']}: " + (x.get("error") or f"{len(x['panels'])} panels")) for x in r])
        if all("error" in r for r in results):
            sys.exit(1)
        return
    from annotator.core.project import open_project
    from annotator.core.segmentation import episode_page_ids, segment_pages

    with open_project(directory, db) as project:
        pages = episode_page_ids(project, episode_id(project, number, series))
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
            pages = episode_page_ids(project, episode_id(project, number, series))
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
            results.append(read_file(image, reader, lang=lang) | {"image": str(image)})  # the path as given
        except (ValueError, OcrError) as exc:  # one bad image is reported; the rest are read
            click.echo(f"error: {image}: {exc}", err=True)
            results.append({"image": str(image), "error": str(exc)})

    def human(r):
        for item in r:
            click.echo(f"{item['image']}: " + (item.get("error") or ""))
            for text in item.get("texts", []):
                click.echo(f"  [{text['kind']}{' vertical' if text['vertical'] else ''}] {text['text']}")

    emit(results, as_json, human)
    if all("error" in r for r in results):
        sys.exit(1)
