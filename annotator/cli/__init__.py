"""The ``annotator`` command line: thin shells over ``annotator.core`` services.

Every command takes ``--json`` and then prints one JSON document on stdout (UTF-8, Chinese
unescaped); progress and messages go to stderr. User errors print one line and exit 1.
Each area's commands live in their own module and register on the one group in ``common``.
"""

from __future__ import annotations

from annotator.cli import analysis, annotate, codebook, compare, exchange, export, layers, project, search, selftest, team  # noqa: F401  (registers the commands)
from annotator.cli.common import cli


def main() -> None:
    from annotator.core import logs

    logs.setup()
    cli(prog_name="annotator")


__all__ = ["cli", "main"]
