"""Per-iteration series of a training run, kept in bounded memory.

Every iteration produces one *row*: the scalar series (cost, accuracy, ...) and,
for every unit of layers 2..L, four statistics (mean a and mean |δ| over the
examples, and a and δ of the selected example). Rows live in one float64 matrix,
so appending is one copy and a series is one column.

Memory is bounded by progressive decimation (see RowBuffer): the oldest rows
are thinned evenly, halving their resolution each time the budget fills, while
the newest rows stay at full resolution. The first row is always kept and rows
stay sorted by iteration, so a plot against the `iteration` column is correct.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

SERIES = ("iteration", "cost", "data_cost", "validation_cost", "train_accuracy",
          "validation_accuracy", "gradient_norm")
UNIT_STATS = ("mean_a", "mean_abs_delta", "selected_a", "selected_delta")

DEFAULT_HISTORY_BYTES = 32 * 2**20
MIN_CAPACITY = 64


class RowLayout:
    """Where each series and unit statistic sits in a history row.

    `layer` is a 0-based index into `layer_sizes` (as Snapshot uses it), so the
    units with statistics are those of layers 1..L-1 (the lecture's 2..L).
    """

    def __init__(self, layer_sizes: Sequence[int]):
        self.layer_sizes = tuple(int(s) for s in layer_sizes)
        if len(self.layer_sizes) < 2:
            raise ValueError(f"a network needs at least two layers; got {list(self.layer_sizes)}")
        self.units = sum(self.layer_sizes[1:])
        self.ncols = len(SERIES) + len(UNIT_STATS) * self.units
        self._layer_offset = {}
        offset = 0
        for layer in range(1, len(self.layer_sizes)):
            self._layer_offset[layer] = offset
            offset += self.layer_sizes[layer]

    def series_column(self, name: str) -> int:
        if name not in SERIES:
            raise KeyError(f"unknown series {name!r}; choose one of {list(SERIES)}")
        return SERIES.index(name)

    def stat_columns(self, layer: int, stat: str) -> slice:
        """The columns of `stat` for every unit of `layer`."""
        if stat not in UNIT_STATS:
            raise KeyError(f"unknown unit statistic {stat!r}; choose one of {list(UNIT_STATS)}")
        if layer not in self._layer_offset:
            raise IndexError(f"layer index must lie in 1..{len(self.layer_sizes) - 1} (0-based, "
                             f"the input layer has no statistics); got {layer}")
        start = len(SERIES) + UNIT_STATS.index(stat) * self.units + self._layer_offset[layer]
        return slice(start, start + self.layer_sizes[layer])

    def unit_column(self, layer: int, unit: int, stat: str) -> int:
        columns = self.stat_columns(layer, stat)
        size = columns.stop - columns.start
        if not 0 <= unit < size:
            raise IndexError(f"layer {layer} has units 0..{size - 1}; got {unit}")
        return columns.start + unit

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowLayout) and other.layer_sizes == self.layer_sizes

    def __hash__(self) -> int:
        return hash(self.layer_sizes)


def theta_iterations(iterations: np.ndarray) -> np.ndarray:
    """For rows of these iterations, how many iterations Θ had had when their numbers were
    computed (see Snapshot.theta_iteration): an iteration's pass runs before its update."""
    return iterations - 1


class _RowView:
    """Read access shared by History and HistoryChunk: `rows` is (n, ncols)."""

    layout: RowLayout

    def theta_iteration(self) -> np.ndarray:
        """theta_iterations() of the rows: the x of a plot against Θ's age."""
        return theta_iterations(self.series("iteration"))

    def _rows(self) -> np.ndarray:
        raise NotImplementedError

    def series(self, name: str) -> np.ndarray:
        """One scalar series over the rows; `iteration` comes back as int64."""
        column = self._rows()[:, self.layout.series_column(name)]
        return column.astype(np.int64) if name == "iteration" else column.copy()

    def unit_series(self, layer: int, unit: int, stat: str) -> np.ndarray:
        """One statistic of one unit over the rows (layer 0-based, as Snapshot uses)."""
        return self._rows()[:, self.layout.unit_column(layer, unit, stat)].copy()

    def layer_stats(self, layer: int, stat: str) -> np.ndarray:
        """One statistic for every unit of `layer`: shape (rows, s_layer)."""
        return self._rows()[:, self.layout.stat_columns(layer, stat)].copy()


@dataclass(frozen=True)
class HistoryChunk(_RowView):
    """The rows produced since the last delivery, oldest first.

    `decimated` is True when a consumer fell so far behind that the mailbox had to
    thin out its backlog (it never happens with a 30 Hz pump).
    """

    layout: RowLayout
    rows: np.ndarray
    decimated: bool = False

    def _rows(self) -> np.ndarray:
        return self.rows

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def joined(cls, chunks: Sequence[HistoryChunk]) -> HistoryChunk:
        """Consecutive chunks of one layout as one."""
        return cls(chunks[0].layout, np.concatenate([chunk.rows for chunk in chunks]),
                   decimated=any(chunk.decimated for chunk in chunks))

    @property
    def iteration(self) -> np.ndarray:
        return self.series("iteration")

    @property
    def cost(self) -> np.ndarray:
        return self.series("cost")

    @property
    def data_cost(self) -> np.ndarray:
        return self.series("data_cost")

    @property
    def validation_cost(self) -> np.ndarray:
        return self.series("validation_cost")

    @property
    def train_accuracy(self) -> np.ndarray:
        return self.series("train_accuracy")

    @property
    def validation_accuracy(self) -> np.ndarray:
        return self.series("validation_accuracy")

    @property
    def gradient_norm(self) -> np.ndarray:
        return self.series("gradient_norm")


class RowBuffer:
    """A growable (n, ncols) matrix with a hard capacity. Not thread-safe: owners lock.

    The rows are an *archive* (the oldest, evenly thinned) followed by a *recent*
    part at full resolution. When the buffer is full, the older half of the recent
    rows moves to the archive, keeping one row in `stride`; when the archive is
    full, it keeps every second row and the stride doubles. So the whole curve
    keeps its shape at a resolution of about (iterations / capacity), the newest
    quarter of the capacity is never thinned, and the first row is always kept.
    """

    def __init__(self, ncols: int, max_bytes: int):
        self.ncols = ncols
        self.capacity = max(MIN_CAPACITY, int(max_bytes) // (8 * ncols))
        self.capacity -= self.capacity % 2
        # All of it at once: np.empty only reserves address space, and the pages are mapped
        # as rows first touch them (numpy asks for huge pages from 4 MiB on), so an idle
        # buffer costs no memory and appending never copies the rows to a bigger array
        # (growing by doubling cost the loop 1-2 µs per iteration on 2-8-8-1, measured).
        self._data = np.empty((self.capacity, ncols))
        self.clear()

    def clear(self) -> None:
        self.n = 0
        self._archived = 0      # rows in the archive part, [0, _archived)
        self._moved = 0         # rows ever moved towards the archive (kept or not)
        self.stride = 1         # the archive keeps moved rows whose number is a multiple
        self.decimations = 0    # how many times rows were dropped

    @property
    def rows(self) -> np.ndarray:
        return self._data[:self.n]

    @property
    def nbytes(self) -> int:
        """The bytes reserved (the bound); only the pages rows have touched use memory."""
        return self._data.nbytes

    def append(self, rows: np.ndarray) -> None:
        rows = np.atleast_2d(rows)
        if self.n + len(rows) <= len(self._data):  # the common case: it fits
            self._data[self.n:self.n + len(rows)] = rows
            self.n += len(rows)
            return
        piece = self.capacity // 4  # always fits after one archiving
        for start in range(0, len(rows), piece):
            self._append_fitting(rows[start:start + piece])

    def _append_fitting(self, rows: np.ndarray) -> None:
        while self.n + len(rows) > self.capacity:
            self._archive_older_recent_rows()
        self._data[self.n:self.n + len(rows)] = rows
        self.n += len(rows)

    def _archive_older_recent_rows(self) -> None:
        archive_capacity = self.capacity // 2
        moving = (self.n - self._archived) // 2
        while True:
            # the moved rows numbered _moved, _moved+1, ...: keep the multiples of stride
            first = -self._moved % self.stride
            kept = range(self._archived + first, self._archived + moving, self.stride)
            if self._archived + len(kept) <= archive_capacity:
                break
            self._thin_archive()
        if len(kept) < moving:
            self.decimations += 1
        data, end = self._data, self._archived + moving
        # numpy copes with the overlap of source and destination (it buffers)
        data[self._archived:self._archived + len(kept)] = data[kept.start:end:self.stride]
        remaining = self.n - end
        data[self._archived + len(kept):self._archived + len(kept) + remaining] = data[end:self.n]
        self._archived += len(kept)
        self._moved += moving
        self.n = self._archived + remaining

    def _thin_archive(self) -> None:
        """Keep every second archived row; the stride doubles."""
        kept = (self._archived + 1) // 2
        self._data[:kept] = self._data[0:self._archived:2]
        # the recent rows move down with the archive's end
        recent = self.n - self._archived
        self._data[kept:kept + recent] = self._data[self._archived:self.n]
        self._archived, self.n = kept, kept + recent
        self.stride *= 2
        self.decimations += 1

    def drop_after(self, iteration: int) -> None:
        """Forget the newest rows whose iteration is above `iteration` (rows are sorted)."""
        iterations = self._data[:self.n, 0]  # the `iteration` series is column 0
        self.n = int(np.searchsorted(iterations, iteration, side="right"))
        self._archived = min(self._archived, self.n)

    def take(self) -> np.ndarray:
        """All rows (a copy), and empty the buffer."""
        rows = self._data[:self.n].copy()
        self.clear()
        return rows


class History(_RowView):
    """Every iteration's series of one run, within `max_bytes` (default 32 MiB).

    Thread-safe: the training thread appends while the GUI thread reads; every
    read returns a copy. `before_read`, if set, is called before every read: the
    training run computes rows in batches, and hands over the ones still pending
    there, so a reader always sees every iteration run so far.
    """

    def __init__(self, layer_sizes: Sequence[int], max_bytes: int = DEFAULT_HISTORY_BYTES):
        self.layout = RowLayout(layer_sizes)
        self._buffer = RowBuffer(self.layout.ncols, max_bytes)
        self._lock = threading.Lock()
        self.before_read: Callable[[], None] | None = None
        # bumped whenever rows already read change (cleared, rewound or thinned): a cursor
        # that saw an older generation must read everything again
        self.generation = 0

    def _settle(self) -> None:
        # outside self._lock: before_read appends, which takes it
        if self.before_read is not None:
            self.before_read()

    @property
    def capacity(self) -> int:
        """The most rows ever held at once."""
        return self._buffer.capacity

    @property
    def max_bytes(self) -> int:
        """The bound on the row storage: capacity × columns × 8 bytes."""
        return self._buffer.capacity * self.layout.ncols * 8

    @property
    def nbytes(self) -> int:
        self._settle()
        with self._lock:
            return self._buffer.nbytes

    @property
    def decimations(self) -> int:
        """How many times the older half was thinned."""
        self._settle()
        return self._buffer.decimations

    def append(self, rows: np.ndarray) -> None:
        rows = np.atleast_2d(rows)
        if rows.shape[-1] != self.layout.ncols:
            raise ValueError(f"history rows need {self.layout.ncols} columns; got {rows.shape[1]}")
        with self._lock:
            decimations = self._buffer.decimations
            self._buffer.append(rows)
            if self._buffer.decimations != decimations:
                self.generation += 1

    def clear(self) -> None:
        with self._lock:
            self._buffer.clear()
            self.generation += 1

    def drop_after(self, iteration: int) -> None:
        """Forget the rows of iterations after `iteration` (a run that went back to it)."""
        with self._lock:
            self._buffer.drop_after(iteration)
            self.generation += 1

    def read_since(self, generation: int, iteration: int) -> tuple[HistoryChunk, int, bool]:
        """The rows a reader has not seen: those after `iteration` if the rows it read are
        unchanged since `generation`, else every row (then `restarted` is True). Returns
        (chunk, the current generation, restarted). See HistoryCursor."""
        self._settle()
        with self._lock:
            rows = self._buffer.rows
            restarted = generation != self.generation
            start = 0 if restarted else int(np.searchsorted(rows[:, 0], iteration, side="right"))
            return HistoryChunk(self.layout, rows[start:].copy()), self.generation, restarted

    def unit_history(self, layer: int, unit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(iteration, mean |δ|, mean a) of one unit, read together under the lock."""
        self._settle()
        columns = [self.layout.series_column("iteration"),
                   self.layout.unit_column(layer, unit, "mean_abs_delta"),
                   self.layout.unit_column(layer, unit, "mean_a")]
        with self._lock:
            picked = self._buffer.rows[:, columns]  # fancy indexing copies just these columns
        return picked[:, 0].astype(np.int64), picked[:, 1], picked[:, 2]

    def as_chunk(self) -> HistoryChunk:
        """Everything held, as one chunk (for a view that opens mid-run)."""
        self._settle()
        with self._lock:
            return HistoryChunk(self.layout, self._buffer.rows.copy(),
                                decimated=self._buffer.decimations > 0)

    def __len__(self) -> int:
        self._settle()
        return self._buffer.n

    def _rows(self) -> np.ndarray:
        self._settle()
        # a copy under the lock: the training thread may decimate at any time
        with self._lock:
            return self._buffer.rows.copy()

    def series(self, name: str) -> np.ndarray:
        self._settle()
        column = self.layout.series_column(name)
        with self._lock:
            values = self._buffer.rows[:, column].copy()
        return values.astype(np.int64) if name == "iteration" else values

    def unit_series(self, layer: int, unit: int, stat: str) -> np.ndarray:
        self._settle()
        column = self.layout.unit_column(layer, unit, stat)
        with self._lock:
            return self._buffer.rows[:, column].copy()

    def layer_stats(self, layer: int, stat: str) -> np.ndarray:
        self._settle()
        columns = self.layout.stat_columns(layer, stat)
        with self._lock:
            return self._buffer.rows[:, columns].copy()

    def unit_stats(self, layer: int, unit: int) -> dict[str, np.ndarray]:
        """'iteration' and the four statistics of one unit, read together: separate
        series() / unit_series() calls during training may differ by a row or two."""
        self._settle()
        columns = [self.layout.unit_column(layer, unit, stat) for stat in UNIT_STATS]
        with self._lock:
            rows = self._buffer.rows
            stats = {"iteration": rows[:, 0].astype(np.int64)}
            stats.update((stat, rows[:, column].copy()) for stat, column in zip(UNIT_STATS, columns))
        return stats


class HistoryCursor:
    """A reader's place in a History: `read()` hands out only the rows added since the last
    read, or every row again (restarted) when the history was cleared, rewound or thinned.
    The history is the one store of rows; the cost plot and the engines' reports read it
    through cursors instead of keeping rows of their own."""

    def __init__(self, history: History):
        self.history = history
        self._generation = -1  # nothing read yet: the first read restarts
        self._iteration = -1

    def read(self) -> tuple[HistoryChunk, bool]:
        """(the unseen rows, restarted)."""
        chunk, self._generation, restarted = self.history.read_since(self._generation, self._iteration)
        if len(chunk):
            self._iteration = int(chunk.rows[-1, 0])
        elif restarted:
            self._iteration = -1
        return chunk, restarted
