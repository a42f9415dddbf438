"""The File menu's helpers: the recent-files list and pictures of a view (PNG or SVG)."""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QObject, QSettings
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QMenu, QWidget

from bp_desktop.io import atomic_write

RECENT_KINDS = ("dataset", "weights", "session")
MAX_RECENT = 8
PICTURE_FORMATS = {".png": "PNG image", ".svg": "SVG drawing"}


class RecentFiles(QObject):
    """The last MAX_RECENT datasets, weights files and sessions, newest first, kept in QSettings.

    `open_recent(kind, path)` is called when the user picks one.
    """

    SETTINGS_KEY = "recent_files"

    def __init__(self, settings: QSettings, menu: QMenu, open_recent: Callable[[str, str], None],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.settings, self.menu, self.open_recent = settings, menu, open_recent
        self.menu.setObjectName("menuRecentFiles")
        self.menu.setToolTipsVisible(True)
        self._rebuild()

    def entries(self) -> list[tuple[str, str]]:
        """(kind, path) pairs, newest first; anything malformed in the settings is skipped."""
        try:
            stored = json.loads(str(self.settings.value(self.SETTINGS_KEY, "[]")))
        except ValueError:
            return []
        if not isinstance(stored, list):
            return []
        return [(kind, path) for kind, path in (e for e in stored if isinstance(e, list) and len(e) == 2)
                if kind in RECENT_KINDS and isinstance(path, str)][:MAX_RECENT]

    def add(self, kind: str, path: str | os.PathLike[str]) -> None:
        path = os.path.abspath(os.fspath(path))
        kept = [(k, p) for k, p in self.entries() if p != path]
        self._store([(kind, path), *kept][:MAX_RECENT])

    def remove(self, path: str) -> None:
        self._store([(k, p) for k, p in self.entries() if p != path])

    def clear(self) -> None:
        self._store([])

    def _store(self, entries: list[tuple[str, str]]) -> None:
        self.settings.setValue(self.SETTINGS_KEY, json.dumps([list(e) for e in entries]))
        self._rebuild()

    def _rebuild(self) -> None:
        self.menu.clear()
        entries = self.entries()
        for number, (kind, path) in enumerate(entries, start=1):
            action = QAction(f"&{number} {Path(path).name} ({kind})", self.menu)
            action.setObjectName(f"actionRecentFile{number}")
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{number}"))
            action.setToolTip(f"Open the {kind} {path} (Ctrl+Alt+{number})")
            action.setStatusTip(path)
            # a bound method of a GUI-thread object, with the entry captured by value
            action.triggered.connect(lambda _=False, k=kind, p=path: self.open_recent(k, p))
            self.menu.addAction(action)
        self.menu.addSeparator()
        clear = QAction("Clear recent files", self.menu)
        clear.setObjectName("actionClearRecentFiles")
        clear.setShortcut(QKeySequence("Ctrl+Alt+0"))
        clear.setToolTip("Forget the recent datasets, weights files and sessions (Ctrl+Alt+0)")
        clear.setEnabled(bool(entries))
        clear.triggered.connect(self.clear)
        self.menu.addAction(clear)
        self.menu.setEnabled(True)


def picture_bytes(widget: QWidget, suffix: str, title: str = "") -> bytes:
    """The widget as it looks now: a PNG (pixels) or an SVG (vector drawing)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if suffix == ".png":
        if not widget.grab().toImage().save(buffer, "PNG"):
            raise OSError("the picture could not be encoded as PNG")
    elif suffix == ".svg":
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(widget.size())
        generator.setViewBox(widget.rect())
        generator.setTitle(title)
        generator.setDescription("Made with bp-desktop")
        painter = QPainter(generator)
        try:
            widget.render(painter)
        finally:
            painter.end()
    else:
        raise ValueError(f"pictures are saved as {' or '.join(PICTURE_FORMATS)}; got {suffix!r}")
    return bytes(buffer.data())


def save_picture(widget: QWidget, path: str | os.PathLike[str], title: str = "") -> None:
    """Write the widget's picture atomically; the suffix (.png or .svg) picks the format."""
    data = picture_bytes(widget, Path(path).suffix.lower(), title)
    atomic_write(path, lambda stream: stream.write(data))
