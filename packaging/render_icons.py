"""Render resources/icons/bp-desktop.svg to the PNG sizes desktops and the app's fallback use.

    python packaging/render_icons.py            # writes resources/icons/bp-desktop-<size>.png

The PNGs are committed: a desktop's icon theme wants them, and the window falls back to them
where Qt has no SVG image-format plugin. Re-run this after editing the SVG.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed

from bp_desktop.ui.icon import ICON_SIZES, SVG_ICON, png_icon_name

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICONS = RESOURCES / "icons"
SVG = RESOURCES / SVG_ICON


def png_path(size: int, folder: Path = ICONS) -> Path:
    return folder / Path(png_icon_name(size)).name


def render(svg: Path, size: int):
    """The SVG drawn into a transparent size × size image, antialiased."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main(folder: Path = ICONS) -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # fonts for the δ
    for size in ICON_SIZES:
        target = png_path(size, folder)
        if not render(SVG, size).save(str(target), "PNG"):
            print(f"render_icons: could not write {target}", file=sys.stderr)
            return 1
        print(f"wrote {target}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ICONS))
