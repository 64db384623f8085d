"""Team commands: agreement between coders."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, json_option, user_errors


def parse_numbers(_ctx, _param, value: str | None) -> list[int] | None:
    """``1-3,5`` -> [1, 2, 3, 5]."""
    if not value:
        return None
    numbers: list[int] = []
    try:
        for part in value.split(","):
            low, _, high = part.strip().partition("-")
            numbers += list(range(int(low), int(high or low) + 1))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a list of episode numbers (e.g. 1-3,5)") from None
    return numbers


def _episode_ids(project, numbers: list[int] | None, series: str | None) -> list[int] | None:
    from sqlmodel import select

    from annotator.core import models

    if numbers is None and series is None:
        return None
    with project.session() as s:
        query = select(models.Episode.id, models.Episode.number).join(models.Series)
        if series is not None:
            query = query.where(models.Series.name == series)
        rows = s.exec(query).all()
    ids = [i for i, n in rows if numbers is None or n in numbers]
    if not ids:
        raise click.ClickException("no episode matches --episodes/--series")
    return ids


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--coders", default=None, help="Comma-separated coder names (default: all who coded these units).")
@click.option("--episodes", callback=parse_numbers, default=None, help="Episode numbers, e.g. 1-3,5 (default: all).")
@click.option("--series", default=None, help="Only episodes of this series.")
@click.option("--unit", type=click.Choice(["panel", "text_region"]), default="panel", show_default=True,
              help="What a coding decision is about.")
@db_option
@json_option
@user_errors
def agreement(directory, coders, episodes, series, unit, db, as_json) -> None:
    """Cohen's kappa and Krippendorff's alpha (nominal) per motif and overall, with disagreeing units."""
    from annotator.core.agreement import agreement as measure
    from annotator.core.project import open_project

    with open_project(directory, db) as project:
        names = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
        report = measure(project, names, _episode_ids(project, episodes, series), unit)
    result = report.to_json()

    def fmt(value):
        return "   -  " if value is None else f"{value:6.3f}"

    def human(r):
        click.echo(f"{r['unit']}s of episodes {', '.join(map(str, r['episodes']))}; coders {', '.join(r['coders'])}")
        click.echo(f"{'motif':44} units  kappa   alpha  disagreements")
        for m in [r["overall"] | {"disagreements": []}] + r["motifs"]:
            click.echo(f"{m['motif'][:44]:44} {m['units']:5} {fmt(m['kappa'])} {fmt(m['alpha'])}  "
                       f"{len(m['disagreements'])}")

    emit(result, as_json, human)
