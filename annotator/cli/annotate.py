"""Annotation commands: what the window's inspector, codebook dock and panel tools do, for scripts.

``tag``/``untag`` (motifs on an episode, page, panel or text), ``text`` (correction, translation,
speaker, kind), ``panels`` (list, reorder, delete) and ``episode`` (provenance). Each user action
is one core call, hence one transaction; ``--json`` prints what changed and what it was before.
"""

from __future__ import annotations

import functools
import getpass
import os
from pathlib import Path

import click

from annotator.cli.common import cli, db_option, emit, episode_id, json_option, parse_date, user_errors

PROJECT = click.argument("directory", type=click.Path(file_okay=False, path_type=Path))


def service_errors(func):
    """The services' refusals (unknown id, stale edit, bad value) as one-line errors, exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from annotator.core.annotate import Conflict, NotFound

        try:
            return func(*args, **kwargs)
        except (NotFound, Conflict, ValueError) as exc:
            raise click.ClickException(str(exc).strip("'\"")) from None

    return user_errors(wrapper)


def default_coder() -> str:
    return os.environ.get("ANNOTATOR_CODER") or getpass.getuser()


def coder_option(func):
    return click.option("--coder", default=None, metavar="NAME",
                        help="Who is coding (default: $ANNOTATOR_CODER, else the login name).")(func)


def find_motif(project, ref: str):
    """A motif by id, or by its English or Chinese name (refused when several share it)."""
    from annotator.core import coding

    rows = coding.motifs(project)
    if ref.isdigit():
        found = [r for r in rows if r.id == int(ref)]
    else:
        found = [r for r in rows if ref in (r.name, r.name_zh)]
    if not found:
        raise click.ClickException(f"no motif {ref!r} in the codebook (see `annotator codebook list`)")
    if len(found) > 1:
        raise click.ClickException(f"several motifs are called {ref!r} (ids {', '.join(str(r.id) for r in found)});"
                                   " give the id")
    return found[0]


def find_character(project, ref: str):
    from annotator.core import coding

    rows = coding.characters(project)
    found = [r for r in rows if r.id == int(ref)] if ref.isdigit() else [r for r in rows if ref in (r.name, r.name_zh)]
    if len(found) != 1:
        raise click.ClickException(f"no character {ref!r}" if not found else
                                   f"several characters are called {ref!r}; give the id")
    return found[0]


def target_options(func):
    for kind, help_text in reversed([("episode", "Episode id."), ("page", "Page id."), ("panel", "Panel id."),
                                     ("region", "Text region id.")]):
        func = click.option(f"--{kind}", f"{kind}_id", type=int, default=None, help=help_text)(func)
    return func


def one_target(episode_id_, page_id, panel_id, region_id) -> tuple[str, int]:
    given = [(k, v) for k, v in (("episode", episode_id_), ("page", page_id), ("panel", panel_id),
                                 ("text_region", region_id)) if v is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --episode, --page, --panel, --region")
    return given[0]


def _open(directory, db):
    from annotator.core.project import open_project

    return open_project(directory, db)


# -- tag / untag ---------------------------------------------------------------------------------


@cli.command()
@PROJECT
@click.argument("motif")
@target_options
@click.option("--memo", default="", help="A note on why this motif applies here.")
@coder_option
@db_option
@json_option
@service_errors
def tag(directory, motif, episode_id, page_id, panel_id, region_id, memo, coder, db, as_json) -> None:
    """Tag one target with MOTIF (id or name); tagging twice keeps the first coding."""
    from annotator.core import coding

    target = one_target(episode_id, page_id, panel_id, region_id)
    with _open(directory, db) as project:
        row = find_motif(project, motif)
        coding_id = coding.add_coding(project, row.id, target, memo=memo, coder_name=coder or default_coder())
        result = {"coding_id": coding_id, "motif_id": row.id, "motif": row.name,
                  "target": {"kind": target[0], "id": target[1]}}
    emit(result, as_json, lambda r: click.echo(f"Tagged {r['target']['kind']} {r['target']['id']} with {r['motif']}"))


@cli.command()
@PROJECT
@click.argument("motif")
@target_options
@coder_option
@db_option
@json_option
@service_errors
def untag(directory, motif, episode_id, page_id, panel_id, region_id, coder, db, as_json) -> None:
    """Remove this coder's MOTIF (id or name) from one target; other coders' codings stay."""
    from annotator.core import coding

    target = one_target(episode_id, page_id, panel_id, region_id)
    with _open(directory, db) as project:
        row = find_motif(project, motif)
        name = coder or default_coder()
        names = coding.coder_names(project)
        found = [c for c in coding.codings_for(project, target) if c.motif_id == row.id and names.get(c.coder_id) == name]
        if not found:
            raise click.ClickException(f"{target[0]} {target[1]} is not tagged with {row.name} by {name}")
        coding.delete_coding(project, found[0].id)
    emit({"removed_coding_id": found[0].id, "motif": row.name, "target": {"kind": target[0], "id": target[1]}},
         as_json, lambda r: click.echo(f"Removed {r['motif']} from {r['target']['kind']} {r['target']['id']}"))


# -- text ----------------------------------------------------------------------------------------


def _region_json(region) -> dict:
    keys = ("id", "page_id", "panel_id", "order", "ocr_text", "ocr_engine", "ocr_engine_version", "text",
            "translation", "kind", "lang", "vertical", "speaker_id", "version")
    return {k: getattr(region, k) for k in keys} | {"bbox": list(region.bbox)}


@cli.command()
@PROJECT
@click.argument("region_id", type=int)
@click.option("--correction", default=None, help="The corrected text (the OCR reading is kept apart).")
@click.option("--clear-correction", is_flag=True, help="Drop the correction; the OCR reading shows again.")
@click.option("--translation", default=None, help="Translation of the text.")
@click.option("--speaker", default=None, metavar="CHARACTER",
              help="Who speaks: character id or name; '' for nobody.")
@click.option("--kind", type=click.Choice(["speech", "thought", "caption", "sfx", "sign"]), default=None)
@click.option("--lang", type=click.Choice(["zh", "en", "auto"]), default=None, help="Language of the text.")
@db_option
@json_option
@service_errors
def text(directory, region_id, correction, clear_correction, translation, speaker, kind, lang, db, as_json) -> None:
    """Edit one text region: correction, translation, speaker, kind (all in one transaction)."""
    from annotator.core import annotate, models

    fields = {k: v for k, v in (("text", correction), ("translation", translation), ("kind", kind),
                                ("lang", lang)) if v is not None}
    if clear_correction:
        if correction is not None:
            raise click.UsageError("--correction and --clear-correction exclude each other")
        fields["text"] = None
    with _open(directory, db) as project:
        if speaker is not None:
            fields["speaker_id"] = find_character(project, speaker).id if speaker else None
        before = annotate.update_region(project, region_id, **fields) if fields else {}
        with project.session() as s:
            region = annotate.get_row(s, models.TextRegion, region_id)
            result = {"region": _region_json(region), "before": before}
    emit(result, as_json, lambda r: click.echo(
        f"Region {region_id}: {r['region']['text'] or r['region']['ocr_text'] or ''}"
        + (f" — {r['region']['translation']}" if r["region"]["translation"] else "")))


# -- panels --------------------------------------------------------------------------------------


@cli.group()
def panels() -> None:
    """List, reorder and delete the panels of a page."""


def _panel_json(panel) -> dict:
    return {"id": panel.id, "order": panel.order, "bbox": list(panel.bbox), "polygon": panel.polygon,
            "source": panel.source, "confidence": panel.confidence, "memo": panel.memo}


@panels.command("list")
@PROJECT
@click.argument("page_id", type=int)
@db_option
@json_option
@service_errors
def panels_list(directory, page_id, db, as_json) -> None:
    """The panels of PAGE_ID in reading order."""
    from annotator.core import annotate

    with _open(directory, db) as project:
        data = [_panel_json(p) for p in annotate.page_data(project, page_id).panels]
    emit(data, as_json, lambda rows: [click.echo(f"{r['order'] + 1:3}  panel {r['id']:<6} {r['bbox']} {r['source']}")
                                      for r in rows])


@panels.command("reorder")
@PROJECT
@click.argument("page_id", type=int)
@click.argument("panel_ids", type=int, nargs=-1, required=True)
@db_option
@json_option
@service_errors
def panels_reorder(directory, page_id, panel_ids, db, as_json) -> None:
    """Set the reading order of PAGE_ID: PANEL_IDS first, in that order, then the rest."""
    from annotator.core import annotate

    with _open(directory, db) as project:
        present = {p.id for p in annotate.page_data(project, page_id).panels}
        stray = [i for i in panel_ids if i not in present]
        if stray:
            raise click.ClickException(f"panel(s) {', '.join(map(str, stray))} not on page {page_id}")
        before = annotate.reorder_panels(project, page_id, list(panel_ids))
        after = [p.id for p in annotate.page_data(project, page_id).panels]
    emit({"page_id": page_id, "order": after, "before": before}, as_json,
         lambda r: click.echo(f"Page {page_id}: panels " + " ".join(map(str, r["order"]))))


@panels.command("delete")
@PROJECT
@click.argument("panel_id", type=int)
@db_option
@json_option
@service_errors
def panels_delete(directory, panel_id, db, as_json) -> None:
    """Delete PANEL_ID (its text regions stay on the page; its codings go with it)."""
    from annotator.core import annotate

    with _open(directory, db) as project:
        snap = annotate.delete_panel(project, panel_id)
    emit({"deleted_panel_id": panel_id, "page_id": snap["page_id"]}, as_json,
         lambda r: click.echo(f"Deleted panel {panel_id} of page {r['page_id']}"))


# -- episode provenance --------------------------------------------------------------------------


@cli.command()
@PROJECT
@click.option("--episode", "number", type=int, required=True, help="Episode number.")
@click.option("--series", default=None, help="Series of --episode, when several have that number.")
@click.option("--title", default=None)
@click.option("--title-zh", default=None, help="Chinese title.")
@click.option("--date", "published_on", default=None, callback=parse_date, help="Publication date, YYYY-MM-DD.")
@click.option("--url", "source_url", default=None, help="Where it was published (e.g. the WeChat article).")
@click.option("--account", default=None, help="Publishing account (the series' publisher).")
@click.option("--notes", default=None)
@click.option("--direction", type=click.Choice(["auto", "ltr", "rtl"]), default=None, help="Reading direction.")
@db_option
@json_option
@service_errors
def episode(directory, number, series, title, title_zh, published_on, source_url, account, notes, direction, db,
            as_json) -> None:
    """Show an episode's provenance, or change it (all given fields in one transaction)."""
    from annotator.core import gui_queries

    fields = {k: v for k, v in (("title", title), ("title_zh", title_zh), ("published_on", published_on),
                                ("source_url", source_url), ("account", account), ("notes", notes),
                                ("direction", direction)) if v is not None}
    with _open(directory, db) as project:
        ep = episode_id(project, number, series)
        before = gui_queries.update_episode(project, ep, **fields) if fields else {}
        details = gui_queries.episode_details(project, ep)
    result = {"episode_id": ep, "details": details, "before": before}
    emit(result, as_json, lambda r: [click.echo(f"{k}: {v if v is not None else ''}")
                                     for k, v in r["details"].items()])
