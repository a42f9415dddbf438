"""History rows computed but not handed over yet, batched so that a fast run takes few locks."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from .history import History, HistoryChunk

if TYPE_CHECKING:
    from .records import IterationRecord

# History rows computed but not yet handed over (a few KB): far fewer appends and locks
ROW_BATCH = 64


class PendingRows:
    """History rows computed but not handed over yet: History and the mailbox get them
    ROW_BATCH at a time, instead of one append (two locks) per iteration.

    Each row is computed as its iteration ends, straight from the iteration's arrays while
    backprop left them in cache, and nothing else of the iteration is kept: holding on to
    a few iterations' arrays slowed backprop itself (measured: 16 of them, 8%). Rows are
    never observable late: History's readers and Mailbox.drain() call flush() first, and
    the loop flushes whenever it parks. Thread-safe: the training thread adds, any thread
    may flush.
    """

    def __init__(self, row_views, fill_row, history: History, capacity: int = ROW_BATCH):
        self._lock = threading.Lock()
        self._row_views = row_views  # row_views(row): the views fill_row writes through
        self._fill_row = fill_row    # fill_row(record, views): the record's row into them
        self._rows = np.empty((capacity, history.layout.ncols))
        self._views = [row_views(row) for row in self._rows]  # made once: slicing costs too
        self._n = 0
        self._history = history
        self.sink = None  # a Mailbox that also receives every row (set by the loop)

    def add(self, record: IterationRecord) -> None:
        with self._lock:
            self._fill_row(record, self._views[self._n])
            self._n += 1
            if self._n == len(self._rows):
                self._flush_locked()

    def flush(self) -> None:
        if not self._n:  # the common case for readers, without taking the lock
            return
        with self._lock:
            self._flush_locked()

    def row_now(self, record: IterationRecord) -> np.ndarray:
        """The row of `record` (not queued), after flushing the queue so that order is kept."""
        row = np.empty((1, self._rows.shape[1]))
        with self._lock:
            self._flush_locked()
            self._fill_row(record, self._row_views(row[0]))
        return row

    def clear(self) -> None:
        with self._lock:
            self._n = 0

    def rewind(self, iteration: int) -> None:
        """Drop every row after `iteration`, here, in the history and in the sink."""
        with self._lock:
            self._flush_locked()
            self._history.drop_after(iteration)
            if self.sink is not None:
                self.sink.drop_rows_after(iteration)

    def _flush_locked(self) -> None:
        if not self._n:
            return
        rows, self._n = self._rows[:self._n], 0  # both receivers copy them
        self._history.append(rows)
        if self.sink is not None:
            self.sink.put(None, HistoryChunk(self._history.layout, rows))
