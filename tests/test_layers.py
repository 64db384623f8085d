"""The three layers stay apart: core and vision never load Qt; vision never loads the database."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize(
    "module", ["annotator.core.annotate", "annotator.core.coding", "annotator.core.importer",
               "annotator.core.library", "annotator.core.seeds", "annotator.core.gui_queries", "annotator.cli"]
)
def test_core_and_cli_do_not_load_qt(module):
    loaded = _loaded_after(f"import {module}")
    assert not {m for m in loaded if m.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}}


def test_vision_loads_neither_qt_nor_the_database():
    import pkgutil

    import annotator.vision as vision

    names = [f"annotator.vision.{m.name}" for m in pkgutil.walk_packages(vision.__path__) if not m.ispkg]
    loaded = _loaded_after("\n".join(f"import {n}" for n in names))
    roots = {m.split(".")[0] for m in loaded}
    assert not roots & {"PySide6", "shiboken6", "sqlmodel", "sqlalchemy", "alembic"}
    assert not any(m.startswith("annotator.core") or m.startswith("annotator.gui") for m in loaded)
