"""The application's icon and desktop identity.

The SVG is the source; PNG renderings of it (packaging/render_icons.py) stand in where Qt has
no SVG image-format plugin (a trimmed standalone build, a distribution's split Qt packages).
"""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImageReader

from bp_desktop.paths import resource_path

# Reverse-DNS id shared by the .desktop entry, the AppStream metainfo and the installed icons
# (packaging/linux/); Wayland compositors find the window's icon and name through it.
APP_ID = "io.github.bp_desktop"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
SVG_ICON = "icons/bp-desktop.svg"


def png_icon_name(size: int) -> str:
    return f"icons/bp-desktop-{size}.png"


def svg_supported() -> bool:
    return b"svg" in {bytes(fmt) for fmt in QImageReader.supportedImageFormats()}


def png_icon() -> QIcon:
    """Every PNG size in one icon, so small sizes stay sharp instead of being scaled down."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path(png_icon_name(size))
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def app_icon(use_svg: bool | None = None) -> QIcon:
    """The SVG icon where Qt can draw SVG, else the PNG renderings."""
    if use_svg is None:
        use_svg = svg_supported()
    svg = resource_path(SVG_ICON)
    if use_svg and svg.is_file():
        return QIcon(str(svg))
    return png_icon()
