"""``annotator compare``: motifs, characters and dialogue counted across episodes."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, user_errors


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _human(result: dict, by: str) -> None:
    from annotator.core.compare import table

    rows = [[str(v) for v in r] for r in table(result, by)]
    widths = [max(_width(r[i]) for r in rows if i < len(r)) for i in range(max(len(r) for r in rows))]
    for row in rows:
        click.echo("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip())


@cli.command("compare")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--by", type=click.Choice(["motif", "character", "speech", "cooccurrence", "timeline"]),
              default="motif", show_default=True,
              help="motif: motif x episode codings and panel shares; character: appearances per episode; "
                   "speech: balloons and characters of text per speaker; cooccurrence: motifs and characters "
                   "in the same panel; timeline: first and last episode of each motif and character.")
@click.option("--episodes", default=None, metavar="RANGE", help="Only episodes with these numbers, e.g. 1-12 or 1-3,7.")
@click.option("--series", default=None, help="Only this series (by name).")
@click.option("--coder", default=None, help="Only codings and appearances by this coder (by name).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON on stdout.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the comparison as CSV on stdout (one row per motif/character and measure).")
@db_option
@user_errors
def compare_cmd(directory, by, episodes, series, coder, as_json, as_csv, db) -> None:
    """Compare episodes of a project: motifs, characters, speech share, co-occurrence, timeline.

    Motif rows count their whole subtree (a parent row answers "any of its motifs").
    """
    from annotator.core import compare
    from annotator.core.project import open_project

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    with open_project(directory, db) as project:
        try:
            ids = compare.episodes_in_range(project, episodes, series) if episodes else None
            if ids == []:
                raise click.ClickException(f"no episode numbered {episodes}" + (f" in series {series!r}" if series else ""))
            result = compare.compare(project, by, ids, series, coder)
        except compare.CompareError as exc:
            raise click.ClickException(str(exc)) from None
    if as_csv:
        sys.stdout.write(compare.to_csv(result, by))
        return
    emit(result, as_json, lambda r: _human(r, by))
