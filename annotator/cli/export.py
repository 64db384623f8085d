"""``annotator export``: every exporter in ``annotator.core.export`` behind one command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, episode_id, json_option, progress_bar, user_errors


@cli.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="Export format (see --list-formats).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="File or folder to write.")
@click.option("--episode", "number", type=int, default=None, help="Only this episode (by number).")
@click.option("--series", default=None, help="Only this series (or the series of --episode).")
@click.option("--stamp", is_flag=True, help="Write the export time into the files (off: byte-identical re-exports).")
@click.option("--bom", is_flag=True, help="Start CSV files with a UTF-8 byte-order mark, for Excel.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="PDF paper size.")
@click.option("--list-formats", "list_formats", is_flag=True, help="List the formats, their versions and contents.")
@db_option
@json_option
@user_errors
def export_cmd(directory, fmt, output, number, series, stamp, bom, paper, list_formats, db, as_json) -> None:
    """Export the project in DIRECTORY (or one episode or series) to another format."""
    from annotator.core import export as exporters

    if list_formats:
        rows = [{"name": f.name, "version": f.version, "output": f.output, "carries": f.carries}
                for f in exporters.formats().values()]
        emit(rows, as_json, lambda r: [click.echo(f"{x['name']:15} {x['version']:24} {x['carries']}") for x in r])
        return
    if directory is None or fmt is None or output is None:
        raise click.UsageError("give DIRECTORY, --format and -o PATH (or --list-formats)")
    from annotator.core.library import scope_episode_ids
    from annotator.core.project import open_project

    with open_project(directory, db) as project:
        ids = scope_episode_ids(project, episode_id(project, number, series) if number is not None else None, series)
        try:
            written = exporters.export(project, fmt, output, exporters.Scope(tuple(ids)),
                                       exporters.Options(stamp=stamp, bom=bom, paper=paper),
                                       progress_bar("Exporting", sys.stderr.isatty()))
        except exporters.ExportError as exc:
            raise click.ClickException(str(exc)) from None
    result = {"format": fmt, "output": str(output), "files": [str(p) for p in written]}
    emit(result, as_json, lambda r: click.echo(f"Wrote {len(r['files'])} file(s) to {r['output']}"))


@cli.command("open-archive")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@json_option
@user_errors
def open_archive_cmd(archive: Path, dest: Path, as_json: bool) -> None:
    """Unpack a project ARCHIVE (from `export --format archive`) into DEST, verifying every file."""
    from annotator.core.export.archive import open_archive

    result = open_archive(archive, dest, progress_bar("Unpacking", sys.stderr.isatty()))
    emit(result, as_json, lambda r: click.echo(f"Opened {r['archive']} as project {r['project']} "
                                               f"({r['media_files']} media files verified)"))
