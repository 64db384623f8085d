"""``annotator self-test`` and its alias ``annotator --self-test``: check this installation end to end."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import cli, emit, json_option

MARK = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def run_self_test(as_json: bool = False, window: bool = True, workdir: Path | None = None) -> int:
    """Print each step as it finishes (or one JSON document); 0 when no step failed."""
    from annotator import __version__
    from annotator.core.selftest import FAIL, run_steps

    def window_check(root: Path) -> str:
        from annotator.gui.selftest import open_and_close

        return open_and_close(root)

    steps = []
    for step in run_steps(window_check if window else None, workdir):
        steps.append(step)
        if not as_json:
            click.echo(f"{MARK[step.status]}  {step.name:<13} {step.detail} ({step.seconds:.1f} s)")
    failed = [s.name for s in steps if s.status == FAIL]
    if as_json:
        emit({"version": __version__, "passed": not failed, "failed": failed,
              "steps": [s.to_json() for s in steps]}, True)
    elif failed:
        click.echo(f"self-test FAILED ({len(failed)} of {len(steps)} steps): {', '.join(failed)}", err=True)
    else:
        click.echo(f"self-test passed ({len(steps)} steps, annotator {__version__})")
    return 1 if failed else 0


@cli.command("self-test")
@click.option("--no-window", is_flag=True, help="Skip opening the main window (it then counts as a failure).")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build the demo project here and keep it, instead of in a temporary folder.")
@json_option
def self_test(no_window: bool, keep: Path | None, as_json: bool) -> None:
    """Check this installation: build a demo project, segment and OCR a page, search, export HTML,
    open and close the main window offscreen. Exits 0 when every step passed, else 1."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    raise SystemExit(run_self_test(as_json, window=not no_window, workdir=keep))


def _flag(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        ctx.exit(run_self_test())


cli.params.append(click.Option(["--self-test"], is_flag=True, expose_value=False, is_eager=True, callback=_flag,
                               help="Check this installation end to end (same as 'annotator self-test') and exit."))
