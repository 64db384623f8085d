"""Build step that pyproject.toml cannot declare: copy ``seeds/`` and ``resources/`` into the package.

They live beside the package in the source tree (where they are edited); an installed program
finds them as ``annotator/_data/<name>`` (see ``annotator/bundled.py``). Editable installs skip
the copy, since the source folders are then right there.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("seeds", "resources")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in DATA:
            target = Path(self.build_lib) / "annotator" / "_data" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(Path(name), target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "make_demo.py"))


setup(cmdclass={"build_py": BuildWithData})
