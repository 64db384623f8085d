"""``annotator import-annotations``: PAGE, ALTO, Web Annotation, JSON transcripts and REFI-QDA codebooks."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, json_option, user_errors


def _human(result: dict) -> None:
    click.echo(f"Imported {result['files']} file(s): {len(result['pages'])} page(s), "
               f"{result['panels_added']} panel(s) added ({result['panels_kept']} already there), "
               f"{result['regions_added']} text region(s) added, {result['regions_updated']} updated, "
               f"{result['codings_added']} coding(s), {result['motifs_added']} motif(s)"
               + (f", new characters: {', '.join(result['characters_added'])}" if result["characters_added"] else ""))


@cli.command("import-annotations")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["page", "alto", "webanno", "json", "qdc"]), default=None,
              help="Format of every file (default: recognised from each file).")
@click.option("--coder", default=None, help="Coder recorded on codings whose file names none.")
@db_option
@json_option
@user_errors
def import_annotations_cmd(directory, files, fmt, coder, db, as_json) -> None:
    """Import annotations made elsewhere into the project in DIRECTORY.

    FILES are PAGE or ALTO XML (Transkribus, eScriptorium; one file per page image, matched by
    image hash or file name), W3C Web Annotation JSON-LD, JSON transcripts, or REFI-QDA
    codebooks (.qdc, or the codebook of a .qdpx). Folders are searched for such files. All of
    it lands in one transaction: a bad file changes nothing.
    """
    from annotator.core.exchange.importing import import_annotations
    from annotator.core.exchange.xmlsafe import ExchangeError
    from annotator.core.project import open_project

    with open_project(directory, db) as project:
        try:
            result = import_annotations(project, list(files), fmt, coder)
        except ExchangeError as exc:
            raise click.ClickException(f"{exc}; nothing was imported") from None
    emit(result.to_json(), as_json, _human)
