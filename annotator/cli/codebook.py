"""The codebook and the cast from the command line: what the codebook dock and the characters
window do (list, add, edit, move, merge, link), plus the codebook as a YAML file to share."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.annotate import PROJECT, _open, coder_option, default_coder, find_character, find_motif, \
    service_errors
from annotator.cli.common import cli, db_option, emit, json_option

# -- characters ----------------------------------------------------------------------------------


@cli.group()
def characters() -> None:
    """The cast: list, add, edit, and link a character to the panels they appear in."""


def _character_json(row) -> dict:
    return {k: getattr(row, k) for k in ("id", "name", "name_zh", "role", "affiliation", "description", "version")}


def character_fields(func):
    for name, help_text in reversed([("name-zh", "Chinese name."), ("role", "e.g. officer, foreign agent, civilian."),
                                     ("affiliation", "Organisation or side."), ("description", "Free text.")]):
        func = click.option(f"--{name}", default=None, help=help_text)(func)
    return func


@characters.command("list")
@PROJECT
@db_option
@json_option
@service_errors
def characters_list(directory, db, as_json) -> None:
    """Every character, by name."""
    from annotator.core import coding

    with _open(directory, db) as project:
        rows = [_character_json(c) | {"appearances": len(coding.appearances_of(project, c.id))}
                for c in coding.characters(project)]
    emit(rows, as_json, lambda r: [click.echo(f"{c['id']:4}  {c['name']} {c['name_zh']}  ({c['role'] or '-'}, "
                                              f"{c['appearances']} panel(s))") for c in r])


@characters.command("add")
@PROJECT
@click.argument("name")
@character_fields
@db_option
@json_option
@service_errors
def characters_add(directory, name, name_zh, role, affiliation, description, db, as_json) -> None:
    """Add a character called NAME."""
    from annotator.core import coding

    fields = {k: v for k, v in (("name_zh", name_zh), ("role", role), ("affiliation", affiliation),
                                ("description", description)) if v is not None}
    with _open(directory, db) as project:
        new_id = coding.create_character(project, name, **fields)
        row = find_character(project, str(new_id))
    emit(_character_json(row), as_json, lambda r: click.echo(f"Added character {r['id']}: {r['name']}"))


@characters.command("edit")
@PROJECT
@click.argument("character")
@click.option("--name", default=None, help="New name.")
@character_fields
@db_option
@json_option
@service_errors
def characters_edit(directory, character, name, name_zh, role, affiliation, description, db, as_json) -> None:
    """Change CHARACTER (id or name); all given fields in one transaction."""
    from annotator.core import coding

    fields = {k: v for k, v in (("name", name), ("name_zh", name_zh), ("role", role), ("affiliation", affiliation),
                                ("description", description)) if v is not None}
    if not fields:
        raise click.UsageError("nothing to change: give --name, --name-zh, --role, --affiliation or --description")
    with _open(directory, db) as project:
        row = find_character(project, character)
        before = coding.update_character(project, row.id, **fields)
        after = find_character(project, str(row.id))
    emit({"character": _character_json(after), "before": before}, as_json,
         lambda r: click.echo(f"Character {r['character']['id']}: {r['character']['name']}"))


@characters.command("link")
@PROJECT
@click.argument("character")
@click.option("--panel", "panel_id", type=int, required=True, help="The panel the character appears in.")
@click.option("--unlink", is_flag=True, help="Remove the appearance instead.")
@coder_option
@db_option
@json_option
@service_errors
def characters_link(directory, character, panel_id, unlink, coder, db, as_json) -> None:
    """Record that CHARACTER (id or name) appears in a panel (or, with --unlink, does not)."""
    from annotator.core import coding

    with _open(directory, db) as project:
        row = find_character(project, character)
        if unlink:
            found = [a for a in coding.appearances_of(project, row.id) if a["panel_id"] == panel_id]
            if not found:
                raise click.ClickException(f"{row.name} is not linked to panel {panel_id}")
            coding.delete_appearance(project, found[0]["appearance_id"])
            appearance = found[0]["appearance_id"]
        else:
            appearance = coding.add_appearance(project, row.id, panel_id, coder_name=coder or default_coder())
        panels = [a["panel_id"] for a in coding.appearances_of(project, row.id)]
    emit({"character_id": row.id, "appearance_id": appearance, "linked": not unlink, "panels": panels}, as_json,
         lambda r: click.echo(f"{row.name} appears in panel(s) {', '.join(map(str, r['panels'])) or 'none'}"))


# -- codebook ------------------------------------------------------------------------------------


@cli.group()
def codebook() -> None:
    """The motif tree: list, add, move, merge; import and export it as YAML."""


def _motif_json(row, counts: dict) -> dict:
    return {"id": row.id, "parent_id": row.parent_id, "position": row.position, "name": row.name,
            "name_zh": row.name_zh, "colour": row.colour, "shortcut": row.shortcut, "codings": counts.get(row.id, 0)}


@codebook.command("list")
@PROJECT
@db_option
@json_option
@service_errors
def codebook_list(directory, db, as_json) -> None:
    """Every motif in tree order, with how often it is applied."""
    from annotator.core import coding

    with _open(directory, db) as project:
        rows, counts = coding.motifs(project), coding.motif_counts(project)
    by_parent: dict = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    ordered: list[tuple[int, object]] = []

    def walk(parent, depth):
        for row in sorted(by_parent.get(parent, []), key=lambda r: (r.position, r.id)):
            ordered.append((depth, row))
            walk(row.id, depth + 1)

    walk(None, 0)
    data = [_motif_json(row, counts) | {"depth": depth} for depth, row in ordered]
    emit(data, as_json, lambda r: [click.echo(f"{m['id']:4}  {'  ' * m['depth']}{m['name']} {m['name_zh']}"
                                              f"  [{m['codings']}]") for m in r])


@codebook.command("add")
@PROJECT
@click.argument("name")
@click.option("--parent", default=None, metavar="MOTIF", help="Parent motif (id or name); top level if omitted.")
@click.option("--name-zh", default="", help="Chinese name.")
@click.option("--description", default="")
@click.option("--colour", default="#888888", show_default=True, help="Hex colour of its overlay.")
@click.option("--shortcut", default="", help="A digit 1-9 to tag with in the window.")
@db_option
@json_option
@service_errors
def codebook_add(directory, name, parent, name_zh, description, colour, shortcut, db, as_json) -> None:
    """Add a motif called NAME."""
    from annotator.core import coding

    with _open(directory, db) as project:
        parent_id = find_motif(project, parent).id if parent else None
        new_id = coding.create_motif(project, name, parent_id, name_zh=name_zh, description=description,
                                     colour=colour, shortcut=shortcut)
        row = find_motif(project, str(new_id))
    emit(_motif_json(row, {}), as_json, lambda r: click.echo(f"Added motif {r['id']}: {r['name']}"))


@codebook.command("move")
@PROJECT
@click.argument("motif")
@click.option("--parent", default=None, metavar="MOTIF", help="New parent (id or name).")
@click.option("--top", is_flag=True, help="Move to the top level.")
@click.option("--position", type=int, default=None, help="Place among the new siblings, from 0 (default: last).")
@db_option
@json_option
@service_errors
def codebook_move(directory, motif, parent, top, position, db, as_json) -> None:
    """Move MOTIF under another motif (or to the top level) at a position."""
    from annotator.core import coding

    if (parent is None) == (not top):
        raise click.UsageError("give --parent MOTIF or --top")
    with _open(directory, db) as project:
        row = find_motif(project, motif)
        parent_id = None if top else find_motif(project, parent).id
        before = coding.move_motif(project, row.id, parent_id, position)
        after = find_motif(project, str(row.id))
    emit({"motif": _motif_json(after, {}), "before": {"parent_id": before[0], "position": before[1]}}, as_json,
         lambda r: click.echo(f"Moved {after.name} to position {after.position}"))


@codebook.command("merge")
@PROJECT
@click.argument("source")
@click.argument("target")
@db_option
@json_option
@service_errors
def codebook_merge(directory, source, target, db, as_json) -> None:
    """Merge motif SOURCE into TARGET: its codings move to TARGET, SOURCE is removed."""
    from annotator.core import coding

    with _open(directory, db) as project:
        src, dst = find_motif(project, source), find_motif(project, target)
        if src.id == dst.id:
            raise click.ClickException("a motif cannot be merged into itself")
        coding.merge_motifs(project, src.id, dst.id)
        count = coding.motif_counts(project).get(dst.id, 0)
    emit({"merged": src.id, "into": dst.id, "codings": count}, as_json,
         lambda r: click.echo(f"Merged {src.name} into {dst.name} ({count} coding(s))"))


@codebook.command("export")
@PROJECT
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the YAML here (default: stdout).")
@db_option
@json_option
@service_errors
def codebook_export(directory, output, db, as_json) -> None:
    """Write the codebook as YAML, in the format `codebook import` and `init` read."""
    import yaml

    from annotator.core import coding

    with _open(directory, db) as project:
        tree = coding.codebook_tree(project)
    text = yaml.safe_dump({"motifs": tree}, allow_unicode=True, sort_keys=False)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        emit({"output": str(output), "motifs": _count(tree)}, as_json,
             lambda r: click.echo(f"Wrote {r['motifs']} motifs to {r['output']}"))
    elif as_json:
        emit({"motifs": tree}, True)
    else:
        sys.stdout.write(text)


def _count(tree: list[dict]) -> int:
    return sum(1 + _count(node.get("children", [])) for node in tree)


@codebook.command("import")
@PROJECT
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@json_option
@service_errors
def codebook_import(directory, path, db, as_json) -> None:
    """Add the motifs of a codebook YAML file (motifs already there by name and parent are kept)."""
    import yaml

    from annotator.core.seeds import load_codebook

    with _open(directory, db) as project:
        try:
            added = load_codebook(project, path)  # one transaction: a bad file adds nothing
        except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise click.ClickException(f"{path.name} is not a codebook file ({reason})") from None
    emit({"added": added, "file": str(path)}, as_json, lambda r: click.echo(f"Added {added} motif(s) from {path}"))
