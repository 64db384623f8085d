"""Render the SVG icon to the PNG sizes desktops ask for (and a Windows .ico), with Qt's SVG renderer.

    python packaging/render_icons.py    # writes resources/icons/hicolor/NxN/apps/APP_ID.png and APP_ID.ico

The PNGs are committed; re-run after editing the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image

APP_ID = "org.example.ComicPanelAnnotator"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QPainter needs an application)
    renderer = QSvgRenderer(str(ICONS / f"{APP_ID}.svg"))
    if not renderer.isValid():
        print(f"error: cannot read {ICONS / f'{APP_ID}.svg'}", file=sys.stderr)
        return 1
    pngs = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out))
        pngs.append(out)
        print(out)
    biggest = Image.open(pngs[-1])
    biggest.save(ICONS / f"{APP_ID}.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    print(ICONS / f"{APP_ID}.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
