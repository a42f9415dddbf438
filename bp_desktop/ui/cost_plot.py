"""The cost curve: J(Θ) per iteration on the training and validation sets, the
regularisation term on its own, and accuracy below on a linked x axis. "J = data + λ term"
stacks J's two parts instead: the data term (cross-entropy) and, on top of it, the λ term
λ/(2m) ΣΘ² (bias excluded), whose band ends at J.

Built for long runs: the series live in growing buffers (doubling capacity, so an
append costs amortised O(chunk)), the curves are created once and fed with
`setData`. Long series are fed as min/max per bin from an incrementally updated
pyramid (decimation.py), about one bin per pixel of the visible range, so a frame
costs the same at 10^4 and 10^6 points; pyqtgraph's peak downsampling and
clip-to-view stay on for the rest (tests/benchmarks/bench_cost_plot.py).
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bp_desktop.training import HistoryChunk

from .decimation import PeakPyramid
from .palette import AXIS_TEXT_COLOR
from .throttle import LatestOnly

# Okabe-Ito colours (colour-blind safe): train blue, validation vermillion; the
# regularisation term, a part of J rather than a data set, in near-black.
TRAIN_COLOR = "#0072B2"
VALIDATION_COLOR = "#D55E00"
REGULARISATION_COLOR = "#222222"
# The stacked parts of J: the data term's area in a tint of the training blue, the λ band grey
DATA_FILL = (0x00, 0x72, 0xB2, 45)
LAMBDA_FILL = (0x22, 0x22, 0x22, 90)

# Points held at full detail: 10^6 iterations fit (about 60 MB with the pyramid); beyond
# that the older half is thinned, so a fast run (10^5 iterations/s) cannot exhaust memory.
MAX_POINTS = 1 << 20
COST_PLOT_INTERVAL = 0.1  # seconds between repaints while training

# The legend's names, without and with a λ term in J train (see _show_optional_curves)
TRAIN_NAMES = {False: "J train", True: "J train (with λ term)"}
VALIDATION_NAMES = {False: "J validation", True: "J validation (no λ term)"}

X_MIN = -0.5  # the iteration axes' left end at the least
EMPTY_X_RANGE = (0.0, 10.0)  # a new run's x range, before its points widen it

_COLUMNS = ("iteration", "cost", "data_cost", "regularisation", "validation_cost",
            "train_accuracy", "validation_accuracy")


class GrowingSeries:
    """Equal-length columns of float64 that grow by appending chunks.

    Capacity doubles when full, so a long run costs amortised O(1) per point and
    `column(name)` is a contiguous view of the first `len(self)` values (no copy).
    """

    def __init__(self, names: tuple[str, ...], capacity: int = 1024):
        self._index = {name: i for i, name in enumerate(names)}
        self._data = np.empty((len(names), capacity))
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def append(self, **columns: np.ndarray) -> None:
        if set(columns) != set(self._index):
            raise ValueError(f"expected columns {sorted(self._index)}; got {sorted(columns)}")
        lengths = {np.shape(v)[0] if np.ndim(v) == 1 else -1 for v in columns.values()}
        if len(lengths) != 1 or -1 in lengths:
            raise ValueError("every series must be a 1-D array, all of the same length")
        count = lengths.pop()
        self._reserve(self._length + count)
        for name, values in columns.items():
            self._data[self._index[name], self._length:self._length + count] = values
        self._length += count

    def column(self, name: str) -> np.ndarray:
        return self._data[self._index[name], :self._length]

    def columns(self) -> np.ndarray:
        """Every column as rows of one (columns, len) view, in the constructor's order."""
        return self._data[:, :self._length]

    def clear(self) -> None:
        self._length = 0

    def thin_to(self, target: int) -> None:
        """Drop rows until at most `target` remain (never fewer than 2): each round keeps
        every second row of the older half and the newer half whole, so the first row and
        the newest rows survive and detail is lost where it matters least. The rounds
        work on indices; the data moves once."""
        keep = np.arange(self._length)
        while len(keep) > max(target, 2):
            older = (len(keep) + 1) // 2
            keep = np.concatenate([keep[:older:2], keep[older:]])
        if len(keep) < self._length:
            self._data[:, :len(keep)] = self._data[:, keep]
            self._length = len(keep)

    def _reserve(self, needed: int) -> None:
        capacity = self._data.shape[1]
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        grown = np.empty((self._data.shape[0], capacity))
        grown[:, :self._length] = self._data[:, :self._length]
        self._data = grown


class _LambdaBand(pg.FillBetweenItem):
    """A fill between two curves that rebuilds its path only while it is shown: J train
    changes every frame, and hidden (not stacked) the band must cost nothing."""

    def updatePath(self):
        if self.isVisible():
            super().updatePath()

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if visible:
            self.updatePath()


class CostAxis(pg.AxisItem):
    """The J(Θ) axis. On a log scale pyqtgraph labels every 2..9 × 10^k, and the
    labels overlap; keeping 1, 2 and 5 × 10^k reads cleanly (the ticks all stay)."""

    def tickStrings(self, values, scale, spacing):
        strings = super().tickStrings(values, scale, spacing)
        if not self.logMode:
            return strings
        return [text if _mantissa(value) in (1, 2, 5) else ""
                for value, text in zip(values, strings)]


class IterationAxis(pg.AxisItem):
    """An iteration axis: whole numbers only (with a point or two, pyqtgraph would mark
    −0.4 … 0.4)."""

    def tickValues(self, minVal, maxVal, size):
        levels = [(spacing, values) for spacing, values in super().tickValues(minVal, maxVal, size)
                  if spacing >= 1]
        if not levels:
            levels = [(1.0, [float(v) for v in range(int(np.ceil(minVal)), int(np.floor(maxVal)) + 1)])]
        return levels


def _readout(iteration, cost, validation_cost, accuracy, parts=None) -> str:
    """parts: (data term, λ term) of J, when the plot stacks them."""
    # 4 significant digits: a diverging run's J of 1e299 must not print 300 of them
    text = f"iteration {int(iteration)}   J = {cost:.4g}"
    if parts is not None:
        text += f" ({parts[0]:.4g} data + {parts[1]:.4g} λ)"
    if np.isfinite(validation_cost):
        text += f"   J validation = {validation_cost:.4g}"
    if np.isfinite(accuracy):
        text += f"   accuracy = {accuracy:.1f} %"
    return text


def _mantissa(log10_value: float) -> int:
    return round(10 ** (log10_value - np.floor(log10_value + 1e-9)))


class CostPlot(QWidget):
    """J train, J validation and λ/(2m) ΣΘ² per iteration; accuracy (%) below.

    Feed it with `append(...)` batches (e.g. the trainer's `costs_appended`). Up to
    `max_points` points are held at full detail; beyond that the older half is thinned.
    Accuracies are fractions in [0, 1] and are drawn as percentages. Validation
    series that are all nan (no validation set) are hidden with their legend entries,
    and so is the λ term while it is zero everywhere (λ = 0).
    """

    def __init__(self, parent: QWidget | None = None, max_points: int = MAX_POINTS, *, model=None):
        super().__init__(parent)
        self.setObjectName("costPlot")
        if max_points < 4:
            raise ValueError(f"max_points must be at least 4; got {max_points}")
        self.max_points = max_points
        self._series = GrowingSeries(_COLUMNS)
        self._pyramid = PeakPyramid(len(_COLUMNS))
        # Off only to measure what the pyramid saves (tests/benchmarks/bench_cost_plot.py).
        self.decimate = True
        # Whether every value appended so far is finite, per column: lets pyqtgraph
        # skip its own finite check on each redraw when that is safe.
        self._all_finite = dict.fromkeys(_COLUMNS, True)
        self._has_validation = False
        self._has_regularisation = False
        self._stacked = False  # J drawn as its data term and its λ term, stacked
        self._current: tuple | None = None  # (iteration, J, J validation, accuracy %) of the dots
        self._build_plots()
        self._build_controls()
        if model is not None:
            self._follow(model)

    def _follow(self, model) -> None:
        """Plot the workbench's history. Every row is plotted, but while training runs the
        plot repaints only COST_PLOT_INTERVAL apart; at rest at once, with the dots of J at
        the Θ on screen."""
        self._model = model
        self._pending: list[HistoryChunk] = []
        self._updates = LatestOnly(self, COST_PLOT_INTERVAL, self._plot_pending)
        model.events.rows.connect(self._on_rows)
        model.events.history_rewritten.connect(self._replot)
        model.events.snapshot.connect(self._on_snapshot)

    def _on_rows(self, chunk: HistoryChunk) -> None:
        self._pending.append(chunk)
        self._updates.offer(True, urgent=not self._model.is_running())

    def _plot_pending(self, _=None) -> None:
        if self._pending:
            chunk, self._pending = HistoryChunk.joined(self._pending), []
            self.append_rows(chunk)

    def _replot(self) -> None:
        """The history was cleared or rewound (a new run, Reset, a divergence): plot it anew."""
        self._updates.forget()
        self._pending = []
        self.clear()
        history = self._model.history
        if history is not None and len(history):
            self.append_rows(history.as_chunk())

    def _on_snapshot(self, snapshot) -> None:
        if self._model.at_rest(snapshot):
            self._updates.flush()  # at rest the curve is complete
            self.show_current(snapshot.theta_iteration, snapshot.cost, snapshot.validation_cost,
                              snapshot.train_accuracy, snapshot.validation_accuracy)
        else:
            self.hide_current()

    def append_rows(self, chunk) -> None:
        """History rows, plotted against Θ's age as the status bar counts (Snapshot.theta_iteration)."""
        self.append(chunk.theta_iteration(), chunk.series("cost"), chunk.series("data_cost"),
                    chunk.series("validation_cost"), chunk.series("train_accuracy"),
                    chunk.series("validation_accuracy"))

    # --- construction ---------------------------------------------------------------
    def _build_plots(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.cost_axes: pg.PlotItem = self.graphics.addPlot(
            row=0, col=0, axisItems={"left": CostAxis("left"), "bottom": IterationAxis("bottom")})
        self.accuracy_axes: pg.PlotItem = self.graphics.addPlot(
            row=1, col=0, axisItems={"bottom": IterationAxis("bottom")})
        self.graphics.ci.layout.setRowStretchFactor(0, 2)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.accuracy_axes.setXLink(self.cost_axes)
        # No negative iterations: a view never pans, zooms or auto-ranges left of the first
        # point's half-step (its dot at 0 stays whole)
        for axes in (self.cost_axes, self.accuracy_axes):
            axes.vb.setLimits(xMin=X_MIN)
        # No grid lines: pyqtgraph draws them translucent across the plot, which
        # measured 6-8 ms of an 800×500 frame; the hover readout gives exact values.

        for axes in (self.cost_axes, self.accuracy_axes):
            for side in ("left", "bottom"):
                axes.getAxis(side).setTextPen(AXIS_TEXT_COLOR)
                # J in plain numbers: an "(x0.001)" scale in the label reads as part of J.
                axes.getAxis(side).enableAutoSIPrefix(False)
        self.cost_axes.setLabel("left", "J(Θ)")
        self.accuracy_axes.setLabel("left", "accuracy (%)")
        self.accuracy_axes.setLabel("bottom", "iteration")
        self.accuracy_axes.setYRange(0, 100, padding=0.05)
        self.accuracy_axes.getAxis("left").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        self.accuracy_axes.enableAutoRange(axis="y", enable=False)

        # Each legend beside its plot, not on it: in the short docked plot any corner a legend
        # took covered some run's curves (and the dots of the current Θ).
        self.cost_legend = pg.LegendItem(labelTextColor="k")
        self.accuracy_legend = pg.LegendItem(labelTextColor="k")
        self.graphics.addItem(self.cost_legend, row=0, col=1)
        self.graphics.addItem(self.accuracy_legend, row=1, col=1)
        self.train_curve = self._curve(self.cost_axes, TRAIN_COLOR, "J train")
        self.validation_curve = self._curve(self.cost_axes, VALIDATION_COLOR, "J validation")
        self.regularisation_curve = self._curve(self.cost_axes, REGULARISATION_COLOR, "λ/(2m) ΣΘ²")
        self._build_stacked_parts()
        self.train_accuracy_curve = self._curve(self.accuracy_axes, TRAIN_COLOR, "train")
        self.validation_accuracy_curve = self._curve(self.accuracy_axes, VALIDATION_COLOR,
                                                     "validation")
        self._show_optional_curves(validation=False, regularisation=False)
        # Dots for the Θ the window shows at rest (see show_current), one per curve they continue
        self.current_marks = {
            key: self._mark(axes, color) for key, axes, color in (
                ("cost", self.cost_axes, TRAIN_COLOR), ("validation_cost", self.cost_axes, VALIDATION_COLOR),
                ("train_accuracy", self.accuracy_axes, TRAIN_COLOR),
                ("validation_accuracy", self.accuracy_axes, VALIDATION_COLOR))}

        # One marker line per plot, created once and moved on hover.
        self.hover_lines = []
        for axes in (self.cost_axes, self.accuracy_axes):
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#999999", width=1))
            line.setVisible(False)
            axes.addItem(line, ignoreBounds=True)
            self.hover_lines.append(line)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        # Zooming or panning shows another index range: re-feed it at full detail.
        self.cost_axes.vb.sigXRangeChanged.connect(self._on_x_range_changed)
        # A wider plot has more pixel columns: re-feed the bins at the new width.
        self.cost_axes.vb.sigResized.connect(self._on_resized)

    def _build_stacked_parts(self) -> None:
        """J's data term as a filled curve, and the λ band between it and J train (shown by
        the "J = data + λ term" box). The band's legend sample is an item of its own."""
        self.data_curve = self._curve(self.cost_axes, TRAIN_COLOR, "data term")
        self.data_curve.setPen(pg.mkPen(TRAIN_COLOR, width=1, style=Qt.PenStyle.DashLine))
        self.data_curve.setBrush(pg.mkBrush(DATA_FILL))
        self.data_curve.setFillLevel(0.0)
        self.lambda_band = _LambdaBand(self.data_curve, self.train_curve, brush=pg.mkBrush(LAMBDA_FILL))
        self.lambda_band.setZValue(-10)  # under the curves
        self.cost_axes.addItem(self.lambda_band)
        self._lambda_band_sample = pg.PlotDataItem(pen=pg.mkPen(REGULARISATION_COLOR), fillLevel=0.0,
                                                   fillBrush=pg.mkBrush(LAMBDA_FILL))
        for item in (self.data_curve, self.lambda_band):
            item.setVisible(False)

    @staticmethod
    def _curve(axes: pg.PlotItem, color: str, name: str) -> pg.PlotDataItem:
        curve = axes.plot(pen=pg.mkPen(color, width=1), name=name)
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        return curve

    @staticmethod
    def _mark(axes: pg.PlotItem, color: str) -> pg.PlotDataItem:
        # a PlotDataItem rather than a bare scatter: it follows the log-y mode
        return axes.plot(pen=None, symbol="o", symbolSize=7, symbolPen=color, symbolBrush=color)

    def _build_controls(self) -> None:
        self.log_y_box = QCheckBox("log y")
        self.log_y_box.setObjectName("costLogY")
        self.log_y_box.setToolTip("Show J(Θ) on a logarithmic axis")
        self.log_y_box.toggled.connect(self.set_log_y)
        self.stacked_box = QCheckBox("J = data + λ term")
        self.stacked_box.setObjectName("costStacked")
        self.stacked_box.setToolTip("Show J train as its two parts stacked: the data term (the "
                                    "cross-entropy) and on top of it the λ term λ/(2m) ΣΘ², "
                                    "bias weights excluded; together they reach J")
        self.stacked_box.toggled.connect(self.set_stacked)
        self.readout = QLabel(" ")
        self.readout.setObjectName("costReadout")
        self.readout.setToolTip("The point under the mouse")
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 2, 4, 2)
        controls.addWidget(self.log_y_box)
        controls.addWidget(self.stacked_box)
        controls.addSpacing(12)
        controls.addWidget(self.readout, stretch=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, stretch=1)
        layout.addLayout(controls)

    # --- public API ---------------------------------------------------------------------
    def append(self, iterations: np.ndarray, cost: np.ndarray, data_cost: np.ndarray,
               validation_cost: np.ndarray, train_accuracy: np.ndarray,
               validation_accuracy: np.ndarray) -> None:
        """Add one batch of per-iteration values (equal-length 1-D arrays) and redraw once.

        Nothing is stored when the arrays disagree in shape (ValueError).
        """
        given = {"iterations": iterations, "cost": cost, "data_cost": data_cost,
                 "validation_cost": validation_cost, "train_accuracy": train_accuracy,
                 "validation_accuracy": validation_accuracy}
        arrays = {name: np.asarray(values, dtype=float) for name, values in given.items()}
        shapes = {name: a.shape for name, a in arrays.items()}
        if any(len(shape) != 1 for shape in shapes.values()) or len(set(shapes.values())) != 1:
            raise ValueError(f"CostPlot.append needs 1-D arrays of equal length; got shapes {shapes}")
        self._check_increasing(arrays["iterations"])
        columns = {
            "iteration": arrays["iterations"],
            "cost": arrays["cost"],
            "data_cost": arrays["data_cost"],
            "regularisation": arrays["cost"] - arrays["data_cost"],
            "validation_cost": arrays["validation_cost"],
            "train_accuracy": 100.0 * arrays["train_accuracy"],
            "validation_accuracy": 100.0 * arrays["validation_accuracy"],
        }
        self._make_room(len(columns["iteration"]))
        self._series.append(**columns)
        for name, values in columns.items():
            self._all_finite[name] = self._all_finite[name] and bool(np.isfinite(values).all())
        validation = self._has_validation or bool(np.isfinite(columns["validation_cost"]).any())
        regularisation = self._has_regularisation or bool(np.any(columns["regularisation"] != 0))
        if (validation, regularisation) != (self._has_validation, self._has_regularisation):
            self._show_optional_curves(validation, regularisation)
        self._redraw()

    def show_current(self, iteration: int, cost: float, validation_cost: float | None,
                     train_accuracy: float, validation_accuracy: float | None) -> None:
        """Mark J and the accuracies at the Θ the window shows at rest, `iteration` iterations
        old: the curves end one iteration earlier (each point is an iteration's pass, made
        before its update), so without the dots the status bar's J would be nowhere on the
        plot, and a new run's plot would be empty."""
        if validation_cost is not None and not self._has_validation:  # before any row arrived
            self._show_optional_curves(validation=True, regularisation=self._has_regularisation)
        self._current = (iteration, cost, math.nan if validation_cost is None else validation_cost,
                         100.0 * train_accuracy)
        values = {"cost": cost, "validation_cost": validation_cost,
                  "train_accuracy": 100.0 * train_accuracy,
                  "validation_accuracy": None if validation_accuracy is None else 100.0 * validation_accuracy}
        for key, mark in self.current_marks.items():
            value = values[key]
            shown = value is not None and math.isfinite(value)
            if shown:
                mark.setData([iteration], [value])
            else:
                mark.setData([], [])
            mark.setVisible(shown)

    def hide_current(self) -> None:
        """Training runs: the curves are the news."""
        self._current = None
        for mark in self.current_marks.values():
            mark.setData([], [])
            mark.setVisible(False)

    def clear(self) -> None:
        """Forget every point (a new run)."""
        self.hide_current()
        self._series.clear()
        self._pyramid.clear()
        self._all_finite = dict.fromkeys(_COLUMNS, True)
        self._show_optional_curves(validation=False, regularisation=False)
        for line in self.hover_lines:
            line.setVisible(False)
        self.readout.setText(" ")
        self._redraw()
        # A single point keeps the old run's width centred on it (−80,000…80,000 after a long
        # run): start a new run narrow, and follow its data again
        self.cost_axes.setXRange(*EMPTY_X_RANGE, padding=0)
        self.cost_axes.enableAutoRange(axis="x")

    def point_count(self) -> int:
        """Points held: every appended one until max_points, then fewer of the older ones."""
        return len(self._series)

    def set_log_y(self, on: bool) -> None:
        """J(Θ) on a log10 axis (the checkbox follows). A log axis has no 0 to fill down to:
        there the data term is a line, and only the λ band is filled."""
        self.cost_axes.setLogMode(x=False, y=bool(on))
        self.data_curve.setFillLevel(None if on else 0.0)
        if self.log_y_box.isChecked() != bool(on):
            self.log_y_box.setChecked(bool(on))

    def set_stacked(self, on: bool) -> None:
        """J train as its data term with the λ term stacked on it (the checkbox follows)."""
        self._stacked = bool(on)
        if self.stacked_box.isChecked() != self._stacked:
            self.stacked_box.setChecked(self._stacked)
        self._show_optional_curves(self._has_validation, self._has_regularisation)
        self._redraw()

    def stacked_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(iterations, data term, λ term) as the stacked curves draw them: the data curve,
        and the band from it up to J train."""
        x, data = self.data_curve.getData()
        _, cost = self.train_curve.getData()
        return x, data, cost - data

    def readout_at(self, x: float) -> str:
        """The readout text for the point nearest to iteration x, the dots of the current Θ
        included ("" when empty)."""
        i = self._nearest_index(x)
        current = self._current
        if current is not None and (i is None or abs(x - current[0]) < abs(x - self._series.column("iteration")[i])):
            return _readout(*current)
        if i is None:
            return ""
        s = self._series
        parts = (s.column("data_cost")[i], s.column("regularisation")[i]) if self._stacked else None
        return _readout(*(s.column(name)[i] for name in ("iteration", "cost", "validation_cost",
                                                           "train_accuracy")), parts)

    # --- internals ---------------------------------------------------------------------
    def _check_increasing(self, iterations: np.ndarray) -> None:
        """Hover search and binning rely on iterations that only grow."""
        previous = self._series.column("iteration")[-1:]
        if np.any(np.diff(np.concatenate([previous, iterations])) <= 0):
            raise ValueError("CostPlot.append needs increasing iteration numbers; "
                             "call clear() before a new run")

    def _make_room(self, count: int) -> None:
        """When `count` more points would pass max_points, thin the held ones to half of
        it at once: one copy and one pyramid rebuild per max_points/2 appended points."""
        if len(self._series) + count <= self.max_points:
            return
        # (A single batch larger than max_points is still held whole until the next append.)
        self._series.thin_to(min(self.max_points // 2, self.max_points - count))
        self._pyramid.clear()  # rebuilt from the thinned series on the next update

    def _redraw(self) -> None:
        columns = self._displayed_columns()
        x = columns[_COLUMNS.index("iteration")]
        parts = ((self.data_curve, "data_cost"),) if self._stacked else ()  # drawn only when shown
        for curve, name in ((self.train_curve, "cost"), *parts,
                            (self.regularisation_curve, "regularisation"),
                            (self.validation_curve, "validation_cost"),
                            (self.train_accuracy_curve, "train_accuracy"),
                            (self.validation_accuracy_curve, "validation_accuracy")):
            finite = self._all_finite[name] and self._all_finite["iteration"]
            curve.setData(x=x, y=columns[_COLUMNS.index(name)], skipFiniteCheck=finite)

    def _displayed_columns(self) -> np.ndarray:
        """What the curves get: the raw points in view when they are few, else min and
        max per bin (both at the bin's first iteration), then the newest raw point."""
        raw = self._series.columns()
        self._pyramid.update(raw)
        start, stop = self._visible_index_range()
        pixels = max(int(self.cost_axes.vb.width()), 400)
        binned = self._pyramid.bins(start, stop, pixels) if self.decimate else None
        if binned is None:
            return raw[:, start:stop]
        _size, mins, maxs = binned
        shown = np.empty((raw.shape[0], 2 * mins.shape[1] + 1))
        shown[:, 0:-1:2], shown[:, 1:-1:2] = mins, maxs
        shown[_COLUMNS.index("iteration"), 1:-1:2] = mins[_COLUMNS.index("iteration")]
        shown[:, -1] = raw[:, stop - 1]
        return shown

    def _visible_index_range(self) -> tuple[int, int]:
        """Raw indices [start, stop) inside the x range, one point of margin each side;
        everything while the x axis follows the data (auto range)."""
        n = self.point_count()
        if self.cost_axes.vb.autoRangeEnabled()[0] or n == 0:
            return 0, n
        low, high = self.cost_axes.vb.viewRange()[0]
        iterations = self._series.column("iteration")
        start = max(int(np.searchsorted(iterations, low)) - 1, 0)
        stop = min(int(np.searchsorted(iterations, high, side="right")) + 1, n)
        return (start, stop) if stop > start else (0, n)

    def _on_resized(self) -> None:
        if self.point_count():
            self._redraw()

    def _on_x_range_changed(self) -> None:
        if not self.cost_axes.vb.autoRangeEnabled()[0] and self.point_count():
            self._redraw()

    def _show_optional_curves(self, validation: bool, regularisation: bool) -> None:
        """Show the validation curves only when there is a validation set, and the λ term
        only when it is not zero throughout (λ = 0); the legends list what is shown."""
        self._has_validation, self._has_regularisation = validation, regularisation
        self.validation_curve.setVisible(validation)
        self.validation_accuracy_curve.setVisible(validation)
        self.regularisation_curve.setVisible(regularisation and not self._stacked)
        self.data_curve.setVisible(self._stacked)
        self.lambda_band.setVisible(self._stacked)
        # Rebuilt rather than patched, so the entries keep their order.
        self.cost_legend.clear()
        # With λ > 0 the two J differ in kind: the training curve is the J(Θ) gradient
        # descent minimises (ex4's cost, λ term included), the validation curve is J_cv
        # (ex5's, without it). The legend says so, or the gap between them misleads.
        self.cost_legend.addItem(self.train_curve, TRAIN_NAMES[regularisation])
        if validation:
            self.cost_legend.addItem(self.validation_curve, VALIDATION_NAMES[regularisation])
        if self._stacked:
            self.cost_legend.addItem(self.data_curve, "data term")
            self.cost_legend.addItem(self._lambda_band_sample, "+ λ/(2m) ΣΘ²")
        elif regularisation:
            self.cost_legend.addItem(self.regularisation_curve, "λ/(2m) ΣΘ²")
        self.accuracy_legend.clear()
        self.accuracy_legend.addItem(self.train_accuracy_curve, "train")
        if validation:
            self.accuracy_legend.addItem(self.validation_accuracy_curve, "validation")

    def legend_names(self) -> list[str]:
        """The entries of both legends, top plot first (what the user can read)."""
        return [label.text for legend in (self.cost_legend, self.accuracy_legend)
                for _sample, label in legend.items]

    def _nearest_index(self, x: float) -> int | None:
        iterations = self._series.column("iteration")
        if not len(iterations):
            return None
        # Iterations arrive in increasing order: binary search, then the closer neighbour.
        i = int(np.searchsorted(iterations, x))
        if i >= len(iterations):
            return len(iterations) - 1
        if i > 0 and x - iterations[i - 1] <= iterations[i] - x:
            return i - 1
        return i

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        for axes in (self.cost_axes, self.accuracy_axes):
            if axes.sceneBoundingRect().contains(scene_pos):
                x = axes.vb.mapSceneToView(scene_pos).x()
                i = self._nearest_index(x)
                if i is not None:
                    for line in self.hover_lines:
                        line.setPos(self._series.column("iteration")[i])
                        line.setVisible(True)
                    self.readout.setText(self.readout_at(x))
                return
