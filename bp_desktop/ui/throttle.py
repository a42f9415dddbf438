"""Views that need not follow every frame: draw the newest item at most once per interval."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


REDRAW_INTERVAL = 0.1  # seconds between side-view redraws (decision boundary, weights) while training


class LatestOnly:
    """Calls `draw(item)` at most once every `interval` seconds, always ending on the newest
    item: one offered too soon waits for the end of the interval (replacing any item that
    was waiting), and `urgent` ones are drawn at once.

    For the views whose redraw costs milliseconds of the GUI thread (the inspector's text
    and tables, the decision boundary): while training runs, drawing them on every 30 Hz
    frame took the GUI thread's time, and the GIL, from the training thread (measured in
    the window: the inspector alone was 9 ms a frame). GUI thread only.
    """

    def __init__(self, parent: QObject, interval: float, draw: Callable[[Any], None]):
        self.interval = interval
        self._draw = draw
        self._due: Any = None
        self._drawn_at = -float("inf")
        self._timer = QTimer(parent, singleShot=True, timeout=self.flush)

    def offer(self, item: Any, urgent: bool = False) -> None:
        self._due = item
        wait = self.interval - (time.monotonic() - self._drawn_at)
        if urgent or wait <= 0:
            self.flush()
        elif not self._timer.isActive():
            self._timer.start(max(1, round(wait * 1000)))

    def flush(self) -> None:
        """Draw the waiting item now, if there is one."""
        self._timer.stop()
        item, self._due = self._due, None
        if item is not None:
            self._drawn_at = time.monotonic()
            self._draw(item)

    def forget(self) -> None:
        """Drop the waiting item (it belongs to a network that is gone)."""
        self._timer.stop()
        self._due = None


class SnapshotFollower(QObject):
    """Draws the workbench's newest snapshot on `view` through `draw(snapshot)`, at most once
    every `interval` seconds while training runs and at once for the pass at rest. A hidden
    view draws nothing; shown again, it catches up at once. A new network forgets the old
    one's snapshot. GUI thread only."""

    def __init__(self, view: QWidget, model, interval: float, draw: Callable[[Any], None]):
        super().__init__(view)
        self._view, self._model = view, model
        self._latest = None
        self._updates = LatestOnly(self, interval, draw)
        model.events.installed.connect(self._forget)
        model.events.snapshot.connect(self.offer)
        view.installEventFilter(self)

    def offer(self, snapshot) -> None:
        self._latest = snapshot
        if self._view.isVisibleTo(self._view.window()):
            self._updates.offer(snapshot, urgent=self._model.at_rest(snapshot))

    def _forget(self, *_) -> None:
        self._latest = None
        self._updates.forget()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Show and self._latest is not None:
            self._updates.offer(self._latest, urgent=True)
        return False
