"""The layers stay apart, as import-linter contracts (pyproject.toml, [tool.importlinter]).

Contracts read every import statement, lazy ones inside functions included, so a module no
test happens to import is checked too. `make test` runs `lint-imports` and `ruff` before pytest;
these tests keep the rules honest when pytest runs alone, and show the contracts can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True)


def test_import_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_a_lazy_qt_import_in_core_breaks_a_contract(tmp_path):
    shutil.copytree(REPO / "annotator", tmp_path / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with open(tmp_path / "annotator" / "core" / "reruns.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _tempting():\n    from PySide6.QtCore import QObject\n\n    return QObject\n")
    with open(tmp_path / "annotator" / "gui" / "editor.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _shortcut():\n    from annotator.vision.panels import segment\n\n    return segment\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "core and vision never load Qt BROKEN" in result.stdout
    assert "annotator.core.reruns -> PySide6 (l." in result.stdout
    assert "the GUI uses vision only to decode images BROKEN" in result.stdout
    assert "annotator.gui.editor -> annotator.vision.panels" in result.stdout


def test_ruff_is_clean():
    result = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
