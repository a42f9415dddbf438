"""Peak (min/max) decimation of growing series, kept up to date incrementally.

pyqtgraph's own peak downsampling rescans the whole series on every `setData`,
so a frame costs O(n): about 3 ms per curve at 10^6 points here. A pyramid of
min/max per bin of 2^k points (k = base_level, base_level + 1, ...) is updated in
O(new points) per append and answers "the visible range at about one bin per
pixel" with O(pixels) values, whatever n is. Peaks survive: every raw value lies
between its bin's min and max, and both are drawn.

numpy only; lives in ui/ because only the plots need it.
"""
from __future__ import annotations

import numpy as np


class PeakPyramid:
    """Per-bin min and max of several equal-length columns, for bins of 2^k points.

    Call `update(columns)` with the whole columns (rows = series) after each
    append; it only recomputes the bins the new points touch. Columns may hold nan
    (a missing validation value): bins ignore it unless every value is nan.
    """

    def __init__(self, column_count: int, base_level: int = 4):
        self.column_count = column_count
        self.base_level = base_level
        self._mins: list[np.ndarray] = []  # level index i holds bins of 2^(base_level + i)
        self._maxs: list[np.ndarray] = []
        self._bins: list[int] = []         # bins filled per level (the last may be partial)
        self._length = 0                   # raw points already folded in

    def __len__(self) -> int:
        return self._length

    def clear(self) -> None:
        self._mins, self._maxs, self._bins, self._length = [], [], [], 0

    def level_count(self) -> int:
        return len(self._bins)

    def level(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """(mins, maxs), each (columns, bins), for bins of 2^(base_level + index) points."""
        count = self._bins[index]
        return self._mins[index][:, :count], self._maxs[index][:, :count]

    def update(self, columns: np.ndarray) -> None:
        """Fold in columns[:, len(self):], the points appended since the last update."""
        n = columns.shape[1]
        if columns.shape[0] != self.column_count or n < self._length:
            raise ValueError("update needs the same columns, grown (never shrunk)")
        if n == self._length:
            return
        # Base level from the raw values; the previous last bin may have been partial.
        size = 1 << self.base_level
        first = self._length // size
        self._store(0, first, self._reduce(columns, first * size, n, size))
        # Each higher level from pairs of the level below, only where that changed.
        level = 1
        while self._bins[level - 1] > 1:
            first //= 2
            below_min, below_max = self._mins[level - 1], self._maxs[level - 1]
            start, stop = 2 * first, self._bins[level - 1]
            offsets = np.arange(0, stop - start, 2)
            self._store(level, first,
                        (np.fmin.reduceat(below_min[:, start:stop], offsets, axis=1),
                         np.fmax.reduceat(below_max[:, start:stop], offsets, axis=1)))
            level += 1
        self._length = n

    def bins(self, start: int, stop: int, max_bins: int) -> tuple[int, np.ndarray, np.ndarray] | None:
        """Min and max per bin over raw points [start, stop), with at most about
        `max_bins` bins: (bin size in points, mins, maxs), each (columns, bins); the
        first bin begins at raw index start − start % size. None when raw points
        are few enough to draw as they are (fewer than 2^base_level per bin)."""
        stop = min(stop, self._length)
        span = stop - start
        if span <= 0 or span <= max_bins << self.base_level or not self._bins:
            return None
        # The smallest bin size that brings the bin count to max_bins or below.
        level = min(int(np.ceil(np.log2(span / max_bins))) - self.base_level, len(self._bins) - 1)
        level = max(level, 0)
        size = 1 << (self.base_level + level)
        first, last = start // size, min(-(-stop // size), self._bins[level])
        return size, self._mins[level][:, first:last], self._maxs[level][:, first:last]

    # --- internals -------------------------------------------------------------------------
    @staticmethod
    def _reduce(columns: np.ndarray, start: int, stop: int, size: int) -> tuple[np.ndarray, np.ndarray]:
        offsets = np.arange(0, stop - start, size)
        part = columns[:, start:stop]
        return np.fmin.reduceat(part, offsets, axis=1), np.fmax.reduceat(part, offsets, axis=1)

    def _store(self, level: int, first: int, values: tuple[np.ndarray, np.ndarray]) -> None:
        """Write bins first, first + 1, ... of a level, growing its arrays by doubling."""
        mins, maxs = values
        stop = first + mins.shape[1]
        if level == len(self._bins):
            capacity = max(16, stop)
            self._mins.append(np.empty((self.column_count, capacity)))
            self._maxs.append(np.empty((self.column_count, capacity)))
            self._bins.append(0)
        if stop > self._mins[level].shape[1]:
            capacity = max(stop, 2 * self._mins[level].shape[1])
            for arrays in (self._mins, self._maxs):
                grown = np.empty((self.column_count, capacity))
                grown[:, :self._bins[level]] = arrays[level][:, :self._bins[level]]
                arrays[level] = grown
        self._mins[level][:, first:stop] = mins
        self._maxs[level][:, first:stop] = maxs
        self._bins[level] = stop
