"""Where the files shipped with the program live: ``seeds/`` and ``resources/``.

In a source checkout they sit beside the package, where they are edited (the codebook YAML,
``resources/templates``, icons). A wheel or a PyInstaller build carries them inside the package
as ``annotator/_data/<name>`` (``setup.py`` and ``packaging/annotator.spec`` copy them there), so
an installed program never depends on the folder it was built from. The packaged copy wins
when it exists; otherwise the source folder is used.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[1]
APP_ID = "org.example.ComicPanelAnnotator"  # desktop file, icon and AppStream id (placeholder domain until published)


def data_dir(name: str) -> Path:
    """``seeds`` or ``resources``: the packaged copy if this is an installed build, else the source folder.

    The source path is returned even when it is missing, so a caller's "file missing" message
    names where the file was expected.
    """
    packaged = files("annotator") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return SOURCE_ROOT / name


def resource(*parts: str) -> Path:
    """A file under ``resources/`` (templates, icons, desktop files)."""
    return data_dir("resources").joinpath(*parts)
