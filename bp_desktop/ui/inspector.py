"""LayerInspector: the selected layer as a table, the selected unit's δ (or edge's D)
explained with its numbers, the layer's Θ, D and Δ as heatmaps, and the unit's history."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QHeaderView, QLabel, QSizePolicy, QSplitter, QTableView,
                               QTabWidget, QTextBrowser, QToolButton, QVBoxLayout, QWidget)

from bp_desktop.core import Network, numerical_derivative
from bp_desktop.core.activations import gradient_from_activation
from bp_desktop.core.explain import explain_delta, explain_gradient, gradient_parts, saturated_fraction
from bp_desktop.training.history import theta_iterations
from bp_desktop.workbench.worked import selection_doc

from .canvas.layout import nice_scale
from .canvas.notation import fmt, layer_symbol, sub, sup, unit_names
from .copy_buttons import CopyButtons
from .explain_html import delta_html, gradient_html, input_html
from .palette import AXIS_TEXT_COLOR, DIVERGING_LUT
from .throttle import SnapshotFollower

FLOAT32_MAX = float(np.finfo(np.float32).max)
INSPECTOR_INTERVAL = 0.25  # seconds between redraws while training (text: 4 a second)
SATURATION_SHARE = 0.9  # flag a unit when g′(z) ≈ 0 for this share of the examples
FIRST_RUN_HINT = "Press Train (Space), then click a unit"
TRAINED_ONCE_KEY = "hints/trained_once"  # settings: the first-run hint has done its job


def _when(snapshot, at_rest: bool) -> str:
    """Which Θ the numbers belong to, in words; at rest it is the Θ Export writes."""
    n = snapshot.theta_iteration
    after = f"Θ after {n} iteration{'s' if n != 1 else ''}"
    if snapshot.preview:
        return f"{after} (as exported)" if at_rest else after
    return f"{after}, in iteration {snapshot.iteration}'s pass (before its update)"


def _activation_of(snapshot, layer: int) -> str:
    return "sigmoid" if layer == len(snapshot.a_columns) - 1 else snapshot.hidden_activation


class LayerTableModel(QAbstractTableModel):
    """One row per unit of the selected layer: a, z, g′(z), δ for the chosen example, mean |δ|."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._columns: list[tuple[str, np.ndarray | None]] = []
        self._rows = 0
        self._layer = 0
        self._names: list[str] | None = None

    def show(self, snapshot, layer: int, example: int, names: list[str] | None = None,
             raw: np.ndarray | None = None) -> None:
        """The layer's units for one example; names label the rows (features, classes), raw
        holds the inputs as the file has them (before scaling), for layer 1."""
        self.beginResetModel()
        l = layer + 1
        a = snapshot.a_columns[layer][:, example]
        self._layer, self._rows = layer, a.size
        self._names = names if names is not None and len(names) == a.size else None
        if layer == 0:
            self._columns = [(f"{layer_symbol('a', 1)} = x", a)]
            if raw is not None and raw.shape == a.shape and not np.array_equal(raw, a):
                self._columns = [("x in the file", raw), (f"{layer_symbol('a', 1)} = x scaled", a)]
        else:
            z = snapshot.z_columns[layer][:, example]
            deltas = snapshot.delta_columns[layer]
            g_prime = gradient_from_activation(_activation_of(snapshot, layer), z, a)
            self._columns = [(layer_symbol("a", l), a), (layer_symbol("z", l), z),
                             (f"g′({layer_symbol('z', l)})", g_prime),
                             (layer_symbol("δ", l), deltas[:, example]),
                             (f"mean |{layer_symbol('δ', l)}|", np.mean(np.abs(deltas), axis=1))]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section][0]
        name = f"  {self._names[section]}" if self._names is not None else ""
        return f"j = {section + 1}{name}"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self._columns[index.column()][1][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return fmt(value)
        if role == Qt.ItemDataRole.UserRole:
            return float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MatrixHeatmaps(pg.GraphicsLayoutWidget):
    """Θ^(l), D^(l) and Δ^(l) side by side, with fixed symmetric colour levels; or D^(l) split
    into its data part and its λ part (show_gradient_parts)."""

    NAMES = ("Θ", "D", "Δ")
    PART_NAMES = ("(1/m)Δ", "(λ/m)Θ", "D")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self._slots, self._plots, self._levels = [], [], {}
        self._shown = dict(zip(self.NAMES, range(3)))  # name -> slot of what is shown
        for col in range(3):
            plot = self.addPlot(row=0, col=col)
            plot.invertY(True)
            plot.setAspectLocked(False)
            plot.getAxis("bottom").setLabel("j (0 = bias)")
            plot.getAxis("left").setLabel("i")
            image = pg.ImageItem(axisOrder="row-major")
            image.setLookupTable(DIVERGING_LUT)
            plot.addItem(image)
            bias_line = pg.InfiniteLine(pos=0.5, angle=90, pen=pg.mkPen("#000000", width=2))
            plot.addItem(bias_line)
            self._slots.append(image)
            self._plots.append(plot)

    def reset_levels(self) -> None:
        self._levels = {}

    def level(self, name: str, l: int, matrix: np.ndarray) -> float:
        """The fixed colour scale of one matrix, chosen from its first values."""
        key = (name, l)
        if key not in self._levels:
            self._levels[key] = nice_scale(float(np.max(np.abs(matrix))) if matrix.size else 1.0)
        return self._levels[key]

    def _show(self, slot: int, title: str, matrix: np.ndarray, scale: float,
              titled_scale: bool = True) -> None:
        """One matrix in a slot, coloured on ±scale; the title gives the scale unless the
        matrices share one (the parts of D: only D's title gives it)."""
        # the colours saturate at ±scale anyway; clipping first also keeps a diverging
        # run's 1e300 inside float32
        limit = min(scale, FLOAT32_MAX)
        image = self._slots[slot]
        image.setImage(np.clip(matrix, -limit, limit).astype(np.float32),
                       levels=(-scale, scale), autoLevels=False)
        # pixel centres on the lecture's indices: column j (0 = bias), row i from 1
        image.setRect(-0.5, 0.5, matrix.shape[1], matrix.shape[0])
        self._plots[slot].setTitle(f"{title}  ±{fmt(scale)}" if titled_scale else title, size="9pt")

    def show_matrices(self, l: int, theta: np.ndarray, D: np.ndarray, Delta: np.ndarray) -> None:
        self._shown = dict(zip(self.NAMES, range(3)))
        for slot, (name, matrix) in enumerate(zip(self.NAMES, (theta, D, Delta))):
            self._show(slot, layer_symbol(name, l), matrix, self.level(name, l, matrix))

    def show_gradient_parts(self, l: int, data_part: np.ndarray, lambda_part: np.ndarray,
                            D: np.ndarray) -> None:
        """D^(l) = (1/m)Δ^(l) + (λ/m)Θ^(l) as three heatmaps on D's one scale, so the part
        that dominates shows; the λ part's bias column (j = 0) is white: none."""
        self._shown = dict(zip(self.PART_NAMES, range(3)))
        scale = self.level("D", l, D)
        # the box above says D = (1/m)Δ + (λ/m)Θ: short titles keep three plots in a narrow dock
        titles = (f"(1/m){layer_symbol('Δ', l)}", f"(λ/m){layer_symbol('Θ', l)}", layer_symbol('D', l))
        for slot, (title, matrix) in enumerate(zip(titles, (data_part, lambda_part, D))):
            self._show(slot, title, matrix, scale, titled_scale=slot == 2)

    def shown_names(self) -> tuple[str, ...]:
        return tuple(self._shown)

    def image(self, name: str) -> np.ndarray:
        """The matrix shown as `name` (one of NAMES, or of PART_NAMES when D is split)."""
        return self._slots[self._shown[name]].image


DELTA_CURVE_COLOR, A_CURVE_COLOR = "#542788", "#b35806"


def history_title(layer: int, unit: int) -> str:
    """The unit history plot's title: which unit, and which curve is which (0-based in)."""
    l, j = layer + 1, unit + 1
    if layer == 0:
        return f"unit {j} of layer 1 is an input: it has no δ and a fixed a"
    delta, a = f"|δ{sub(j)}{sup(f'({l})')}|", f"a{sub(j)}{sup(f'({l})')}"
    return (f"unit {j} of layer {l}: <span style='color:{DELTA_CURVE_COLOR}'>━ mean {delta}</span>"
            f"&nbsp;&nbsp;<span style='color:{A_CURVE_COLOR}'>━ mean {a}</span>")


class LayerInspector(QWidget):
    """Explains the selected unit's δ, or the selected edge's D, with the snapshot's numbers."""

    selection_described = Signal(str)  # plain text of what is explained (status bar, tests)

    def __init__(self, numerical_action=None, parent=None, *, model=None):
        super().__init__(parent)
        self.setObjectName("layerInspector")
        self._model = None
        self._snapshot = None
        self._history = None
        self._selection: tuple = ("unit", 1, 0)
        self._example = 0
        self._batch_mean = False
        self._canvas_mode = "forward"  # what the canvas colours units by, for _origin's note
        self._examples = None  # the training split as loaded: raw x, names, rows, file lines
        self._numerical: float | None = None

        # what to do first, until the user has trained once (remembered between launches)
        self.hint = QLabel(FIRST_RUN_HINT)
        self.hint.setObjectName("firstRunHint")
        self.hint.setStyleSheet("background: #fff4cc; color: #3a2c00; padding: 4px; font-weight: bold")
        self.hint.setWordWrap(True)
        self.title = QLabel("Click a unit or an edge on the network.")
        self.title.setWordWrap(True)
        self.saturation = QLabel()
        self.saturation.setObjectName("saturationFlag")
        self.saturation.setStyleSheet("color: #a04000; font-weight: bold")
        self.saturation.setWordWrap(True)  # one long line widened the dock and clipped the controls
        self.saturation.hide()
        self.explanation = QTextBrowser()
        self.explanation.setObjectName("deltaExplanation")
        if numerical_action is None:  # standalone use (tests): the inspector owns its action
            numerical_action = QAction("Numerical estimate of this D", self)
            numerical_action.setObjectName("actionNumericalEstimate")
        self.numerical_action = numerical_action
        numerical_action.triggered.connect(self._on_numerical_clicked)
        numerical_action.setEnabled(False)
        self.numerical_button = QToolButton()
        self.numerical_button.setObjectName("numericalEstimateButton")
        self.numerical_button.setDefaultAction(numerical_action)
        self.numerical_button.hide()

        self.table_model = LayerTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("layerTable")
        self.table.setModel(self.table_model)
        font = self.table.font()  # a little smaller: five columns of 6-digit numbers fit the dock
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.table.setFont(font)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.heatmaps = MatrixHeatmaps()
        self.split_D = QCheckBox("Split D = (1/m)Δ + (λ/m)Θ")
        # the dock's width is the user's: a narrow one clips the box's text rather than widening
        self.split_D.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.split_D.setObjectName("splitD")
        self.split_D.setToolTip("D⁽ˡ⁾ as its data part (1/m)Δ⁽ˡ⁾ and its λ part (λ/m)Θ⁽ˡ⁾, all on "
                                "D's colour scale, so the part that dominates shows; the bias "
                                "weights (column j = 0) are not regularised: no λ part")
        self.split_D.toggled.connect(lambda *_: self._refresh())
        matrices = QWidget()
        matrices_layout = QVBoxLayout(matrices)
        matrices_layout.setContentsMargins(0, 2, 0, 0)
        matrices_layout.addWidget(self.split_D)
        matrices_layout.addWidget(self.heatmaps, 1)
        self.history_plot = pg.PlotWidget(background="w")
        self.history_plot.setObjectName("unitHistory")
        self.history_plot.setLabel("bottom", "iteration", color=AXIS_TEXT_COLOR)
        for side in ("left", "bottom"):
            self.history_plot.getAxis(side).setTextPen(AXIS_TEXT_COLOR)
        # The key is in the title, above the curves, so it hides none of them.
        self.history_plot.setToolTip("the selected unit's |δ| and a, each averaged over the m "
                                     "training examples, at every iteration")
        self._delta_curve = self.history_plot.plot(pen=pg.mkPen(DELTA_CURVE_COLOR, width=2))
        self._a_curve = self.history_plot.plot(pen=pg.mkPen(A_CURVE_COLOR, width=2))

        tabs = QTabWidget()
        tabs.addTab(self.table, "Layer table")
        tabs.addTab(matrices, "Θ, D, Δ")
        tabs.addTab(self.history_plot, "Unit history")
        tabs.currentChanged.connect(lambda *_: self._refresh())
        self.tabs = tabs
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.hint)
        top_layout.addWidget(self.title)
        top_layout.addWidget(self.saturation)
        top_layout.addWidget(self.explanation, 1)
        top_layout.addWidget(self.numerical_button)
        self.copy_buttons = CopyButtons(self.explanation_blocks, "inspector", self, compact=True)
        top_layout.addWidget(self.copy_buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(tabs)
        splitter.setSizes([380, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        if model is not None:
            self._follow(model)

    def _follow(self, model) -> None:
        """Explain the workbench's selection at the moment on screen. While training runs the
        text and tables are redrawn a few times a second (9 ms a frame measured), the pass at
        rest at once."""
        self._model = model
        events = model.events
        events.installed.connect(self._on_installed)
        SnapshotFollower(self, model, INSPECTOR_INTERVAL, self.show_snapshot)
        events.example.connect(self.set_example)
        events.mode.connect(self.set_canvas_mode)
        events.selection.connect(self._on_selection)

    def _at_rest(self, snap) -> bool:
        """Training rests at this snapshot's Θ (standalone, without a model: a preview)."""
        return self._model.at_rest(snap) if self._model is not None else snap.preview

    def _on_installed(self, workspace) -> None:
        self.set_history(self._model.history)
        self.set_examples(workspace.train)

    def _on_selection(self, selection) -> None:
        if selection is not None:
            (self.select_unit if selection.kind == "unit" else self.select_edge)(*selection.indices)

    def rescale(self) -> None:
        """Fit the heatmaps' fixed colour scales to the values shown, once."""
        self.heatmaps.reset_levels()
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    # --- remembered between launches ----------------------------------------------------------
    def restore_settings(self, settings) -> None:
        self.hint.setHidden(str(settings.value(TRAINED_ONCE_KEY, "false")).lower() == "true")

    def save_settings(self, settings) -> None:
        settings.setValue(TRAINED_ONCE_KEY, self.hint.isHidden())

    # --- inputs -------------------------------------------------------------------------------
    def set_history(self, history) -> None:
        """The engine's History (per-unit series), read when a unit's history is drawn."""
        self._history = history

    def show_snapshot(self, snapshot) -> None:
        architecture_changed = (self._snapshot is None or
                                self._snapshot.layer_sizes != snapshot.layer_sizes)
        self._snapshot = snapshot
        if snapshot.iteration > 0:
            self.hint.hide()  # trained once: the hint has done its job
        if architecture_changed:
            self.heatmaps.reset_levels()
        self._numerical = None
        self._refresh()

    def select_unit(self, layer: int, unit: int) -> None:
        self._selection, self._numerical = ("unit", layer, unit), None
        self._refresh()

    def select_edge(self, l: int, i: int, j: int) -> None:
        self._selection, self._numerical = ("edge", l, i, j), None
        self._refresh()

    def set_example(self, example: int) -> None:
        """The training example to explain; −1 (the canvas's batch mean of |δ|) explains t = 1."""
        self._batch_mean = example < 0
        self._example = max(int(example), 0)
        self._refresh()

    def set_canvas_mode(self, mode: str) -> None:
        """The canvas's display mode ('forward', 'backward', 'gradient'), so that what the
        text says the canvas shows is what it shows."""
        self._canvas_mode = mode
        self._refresh()

    def set_examples(self, dataset) -> None:
        """The training examples as loaded (a Dataset, before scaling, in the trainer's
        order): their raw inputs, the names of features and classes, and which data row and
        file line each one is (the split shuffles them)."""
        self._examples = dataset
        self._refresh()

    def unit_names(self, snap) -> list[list[str] | None]:
        """What each unit of the snapshot's network stands for (features, classes)."""
        sizes = list(snap.layer_sizes)
        if self._examples is None:
            return [None] * len(sizes)
        return unit_names(self._examples.feature_names, self._examples.class_names, sizes)

    def _origin(self, example: int) -> str:
        text = ""
        data = self._examples
        if data is not None and example < data.m:
            text = f" (data row {int(data.original_rows[example]) + 1}"
            if data.source_lines is not None:
                text += f", file line {int(data.source_lines[example])}"
            text += ")"
        if self._batch_mean and self._canvas_mode == "forward":
            text += (" — t = mean |δ| colours only the Backward and Gradient views; "
                     "this Forward view shows a for example 1")
        elif self._batch_mean:
            text += " — the canvas shows the batch mean of |δ|; δ itself is per example"
        return text

    def explanation_text(self) -> str:
        return self.explanation.toPlainText()

    def explanation_blocks(self) -> list:
        """The explanation on screen as a document, for Copy as Markdown / Copy as LaTeX."""
        snap = self._snapshot
        if snap is None:
            return []
        example = min(self._example, snap.a_columns[0].shape[1] - 1)
        return selection_doc(snap, self._selection, example, self._numerical, self.unit_names(snap),
                             self._raw_inputs(snap, example), self._example_class(example))

    # --- drawing -----------------------------------------------------------------------------
    def _refresh(self) -> None:
        snap = self._snapshot
        if snap is None:
            return
        example = min(self._example, snap.a_columns[0].shape[1] - 1)
        if self._selection[0] == "unit":
            _, layer, unit = self._selection
            layer = min(layer, len(snap.a_columns) - 1)
            unit = min(unit, snap.a_columns[layer].shape[0] - 1)
            self._show_unit(snap, layer, unit, example)
            theta_index = layer - 1 if layer > 0 else 0
        else:
            _, l, i, j = self._selection
            self._show_edge(snap, l, i, j)
            layer, theta_index = l + 1, l
        names = self.unit_names(snap)[layer]
        raw = self._raw_inputs(snap, example) if layer == 0 else None
        self.table_model.show(snap, layer, example, names, raw)
        self._show_matrices(snap, theta_index)

    def _show_matrices(self, snap, t: int) -> None:
        """Θ, D and Δ of layer t + 1, or D split into its two parts (the core's)."""
        if self.split_D.isChecked():
            data_part, lambda_part = gradient_parts(snap.Deltas[t], snap.thetas[t], snap.lam, snap.m)
            self.heatmaps.show_gradient_parts(t + 1, data_part, lambda_part, snap.gradients[t])
        else:
            self.heatmaps.show_matrices(t + 1, snap.thetas[t], snap.gradients[t], snap.Deltas[t])

    def _raw_inputs(self, snap, example: int) -> np.ndarray | None:
        """Example t's inputs as the file has them, if the examples are known and fit."""
        data = self._examples
        if data is None or example >= data.m or data.n != snap.a_columns[0].shape[0]:
            return None
        return data.X[example]

    def _example_class(self, example: int) -> str | None:
        data = self._examples
        return data.class_names[int(data.y[example])] if data is not None and example < data.m else None

    def _show_unit(self, snap, layer: int, unit: int, example: int) -> None:
        self.numerical_button.hide()
        self.numerical_action.setEnabled(False)
        names = self.unit_names(snap)[layer]
        name = names[unit] if names is not None else None
        self.title.setText(f"Layer {layer + 1}, unit {unit + 1}{f' ({name})' if name else ''} — "
                           f"{_when(snap, self._at_rest(snap))}")
        if layer == 0:
            raw = self._raw_inputs(snap, example)
            self.explanation.setHtml(input_html(snap.a_columns[0].shape[0], unit,
                                                float(snap.a_columns[0][unit, example]), example,
                                                self._origin(example), name,
                                                None if raw is None else float(raw[unit])))
            self.saturation.hide()
        else:
            e = explain_delta(snap.thetas, snap.a_columns, snap.z_columns, snap.delta_columns,
                              snap.Y, layer, unit, example, snap.hidden_activation)
            self.explanation.setHtml(delta_html(e, example, self._origin(example), name,
                                                self._example_class(example)))
            share = saturated_fraction(snap.z_columns[layer][unit], snap.a_columns[layer][unit],
                                       _activation_of(snap, layer))
            self.saturation.setVisible(share >= SATURATION_SHARE and layer < len(snap.a_columns) - 1)
            self.saturation.setText(f"⚠ saturated: g′(z) < 0.01 for {share:.0%} of the examples — "
                                    "this unit has almost stopped learning")
        self._show_history(layer, unit)
        self.selection_described.emit(self.explanation_text())

    def _show_edge(self, snap, l: int, i: int, j: int) -> None:
        self.saturation.hide()
        self.numerical_button.show()
        self.numerical_action.setEnabled(True)
        self.title.setText(f"Edge Θ{layer_symbol('', l + 1)}{sub(f'{i + 1},{j}')} — {_when(snap, self._at_rest(snap))}")
        e = explain_gradient(snap.thetas, snap.a_columns, snap.delta_columns, snap.Deltas,
                             snap.gradients, snap.lam, l, i, j)
        names = self.unit_names(snap)
        source = names[l][j - 1] if names[l] is not None and j > 0 else None
        target = names[l + 1][i] if names[l + 1] is not None else None
        self.explanation.setHtml(gradient_html(e, self._numerical, source, target))
        self.selection_described.emit(self.explanation_text())

    def _show_history(self, layer: int, unit: int) -> None:
        history = self._history
        self.history_plot.setTitle(history_title(layer, unit), color=AXIS_TEXT_COLOR, size="9pt")
        if history is None or layer == 0:
            self._delta_curve.setData([], [])
            self._a_curve.setData([], [])
            return
        if not self.history_plot.isVisible():
            return  # read only what is shown: the history can hold millions of rows
        iterations, mean_abs_delta, mean_a = history.unit_history(layer, unit)
        x = theta_iterations(iterations)  # against Θ's age, as the cost plot
        self._delta_curve.setData(x, mean_abs_delta)
        self._a_curve.setData(x, mean_a)

    def _on_numerical_clicked(self) -> None:
        snap = self._snapshot
        if snap is None or self._selection[0] != "edge":
            return
        _, l, i, j = self._selection
        sizes = list(snap.layer_sizes)
        net = Network(sizes, thetas=snap.thetas, hidden_activation=snap.hidden_activation)
        self._numerical = numerical_derivative(net, snap.a_columns[0].T, snap.Y, l, i, j, snap.lam)
        self._refresh()

    @property
    def numerical_estimate(self) -> float | None:
        return self._numerical
