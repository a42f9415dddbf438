"""The decision boundary of a network over two input features: h_Θ(x) over their plane
as an image, with the data points on top.

With more than two features the user picks the two to plot; the others are held at
their mean over the training set (the plane is a slice through the data's centre, and
the points are projected onto it). With fewer than two, or too many to pick from (image
data), the view says so instead of plotting.

The grid of inputs covers the visible part of the plane and is rebuilt when that
changes (resize, zoom, pan: x₁ and x₂ keep equal units, so a wide dock shows more of
the plane rather than a stretched one); each update is one forward pass of the core
over the grid (no maths here) and one `setImage` with fixed levels.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bp_desktop.core import Network

from .canvas.notation import sub
from .palette import AXIS_TEXT_COLOR, class_color, class_rgb, two_class_lut

GRID_SIZE = 100
MARGIN = 0.1  # of the data's extent, on each side
MAX_FEATURES = 32  # more (image pixels) are not offered as axes: a pixel pair says little


class DecisionBoundaryView(QWidget):
    """Output probability over the input plane, with the data points coloured by class.

    One output unit (sigmoid): the image is P(class 1), from class 0's tint through
    white at 0.5 (the boundary) to class 1's tint. K > 1 output units: each pixel has
    the colour of its argmax class, from white (h = 0) to full tint (h = 1).
    """

    # P(class 1) for one output unit: class 0's tint, white at 0.5, class 1's tint.
    _two_class_lut = two_class_lut()

    def __init__(self, parent: QWidget | None = None, grid_size: int = GRID_SIZE):
        super().__init__(parent)
        self.setObjectName("decisionView")
        self.grid_size = grid_size
        self.grid: np.ndarray | None = None  # (rows · columns, 2) inputs, row-major over y then x
        self._shape = (grid_size, grid_size)  # the grid's (rows along x₂, columns along x₁)
        self._rgb = None  # reusable (n, n, 3) float32 buffer for K > 1
        self._output: np.ndarray | None = None  # h_Θ on the grid, (grid_size², K), for hover
        self._network: Network | None = None  # the last one drawn, to redraw a moved view
        self._hovered: tuple[float, float] | None = None  # where the readout reads h_Θ
        self._class_names: list[str] = []
        self._scatters: list[pg.ScatterPlotItem] = []
        self._X: np.ndarray | None = None  # all features of the points, (m, n)
        self._y: np.ndarray | None = None
        self._feature_names: list[str] = []
        self._centre: np.ndarray | None = None  # where the features not plotted are held
        self._inputs: np.ndarray | None = None  # the grid in all n features, for the network
        self.features = (0, 1)  # the two features plotted, as columns of X

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.axes: pg.PlotItem = self.graphics.addPlot()
        for side in ("left", "bottom"):
            self.axes.getAxis(side).setTextPen(AXIS_TEXT_COLOR)
            self.axes.getAxis(side).enableAutoSIPrefix(False)
        self.axes.setLabel("bottom", "x₁")
        self.axes.setLabel("left", "x₂")
        self.axes.setAspectLocked(True, ratio=1.0)  # equal units on x₁ and x₂: a spiral looks like one
        self.axes.setMenuEnabled(False)
        # axisOrder row-major: image[i, j] is at (x_j, y_i), the layout numpy gives the grid.
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)
        # out of auto-range: the image always reaches a little beyond the view, so fitting it
        # zoomed out without end (the grid follows the view); the "A" button fits the data
        self.axes.addItem(self.image_item, ignoreBounds=True)
        self.legend = self.axes.addLegend(offset=(-5, 5), labelTextColor="k",
                                          brush=pg.mkBrush(255, 255, 255, 200),
                                          pen=pg.mkPen("#bbbbbb"))
        self.readout = QLabel(" ")
        self.readout.setObjectName("decisionReadout")
        self.readout.setContentsMargins(4, 2, 4, 2)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.axes.vb.sigRangeChanged.connect(self._on_range_changed)
        self.message = QLabel()  # instead of the plot, when there is no plane to show
        self.message.setObjectName("decisionMessage")
        self.message.setWordWrap(True)
        self.message.setContentsMargins(8, 8, 8, 8)
        self.message.hide()
        self.slice_note = QLabel("Other features at their training mean: the colours are a "
                                 "slice through the data, the points projected onto it.")
        self.slice_note.setObjectName("decisionSliceNote")
        self.slice_note.setWordWrap(True)
        self.slice_note.setContentsMargins(4, 0, 4, 0)
        self.slice_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._feature_pickers())
        layout.addWidget(self.message)
        layout.addWidget(self.graphics, stretch=1)
        layout.addWidget(self.slice_note)
        layout.addWidget(self.readout)

    def _feature_pickers(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 0)
        self.pickers = []
        for axis, name in (("horizontal", "decisionFeatureX"), ("vertical", "decisionFeatureY")):
            picker = QComboBox()
            picker.setObjectName(name)
            picker.setToolTip(f"the feature on the {axis} axis")
            picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            picker.currentIndexChanged.connect(self._on_feature_picked)
            label = QLabel("→" if axis == "horizontal" else "↑")
            row.addWidget(label)
            row.addWidget(picker)
            self.pickers.append((label, picker))
        row.addStretch(1)
        self._show_pickers(False)
        return row

    def _show_pickers(self, shown: bool) -> None:
        for label, picker in self.pickers:
            label.setVisible(shown)
            picker.setVisible(shown)

    # --- public API --------------------------------------------------------------------
    def set_data(self, X: np.ndarray, y: np.ndarray, class_names: Sequence[str],
                 feature_names: Sequence[str] | None = None) -> None:
        """Show these points and build the grid around them. X (m × n) must be in the
        network's input space (normalised, if the network was trained on normalised
        features); with n > 2 the first two features are plotted until others are picked,
        with n < 2 (or n > MAX_FEATURES) the view says why it shows no plane."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2:
            raise ValueError(f"X must be a matrix of shape (m, n); got {X.shape}")
        if y.shape != (len(X),):
            raise ValueError(f"y must hold one class per row of X: shape ({len(X)},); got {y.shape}")
        if len(X) == 0:
            raise ValueError("the decision view needs at least one point")
        if y.size and (y.min() < 0 or y.max() >= len(class_names)):
            raise ValueError(f"class indices must lie in 0..{len(class_names) - 1}")
        n = X.shape[1]
        names = list(feature_names) if feature_names is not None else [f"x{sub(k + 1)}" for k in range(n)]
        if len(names) != n:
            raise ValueError(f"one name per feature: {n}; got {len(names)}")
        self.clear()
        if not 2 <= n <= MAX_FEATURES:
            self._say(f"The decision boundary is drawn over two input features; this dataset "
                      f"has {n}." + (" Its hidden units' weights show what the network looks "
                                     "at." if n > MAX_FEATURES else ""))
            return
        self._say("")
        self._X, self._y, self._class_names = X, y.astype(np.int64), list(class_names)
        self._feature_names, self._centre = names, X.mean(axis=0)
        for k, (_label, picker) in enumerate(self.pickers):
            with QSignalBlocker(picker):
                picker.clear()
                picker.addItems(names)
                picker.setCurrentIndex(k)
        self._show_pickers(n > 2)
        self.slice_note.setVisible(n > 2)
        self.features = (0, 1)
        self._plot_features()

    def show_features(self, i: int, j: int) -> None:
        """Plot feature i (column of X) across and feature j up (the pickers follow)."""
        if self._X is None or i == j or not (0 <= i < self._X.shape[1] and 0 <= j < self._X.shape[1]):
            raise ValueError(f"two different features of 0..{self._n - 1}; got {i} and {j}")
        for (_label, picker), k in zip(self.pickers, (i, j)):
            with QSignalBlocker(picker):
                picker.setCurrentIndex(k)
        self.features = (i, j)
        self._plot_features()

    @property
    def _n(self) -> int:
        return 0 if self._X is None else self._X.shape[1]

    def _on_feature_picked(self) -> None:
        (_, across), (_, up) = self.pickers
        i, j = across.currentIndex(), up.currentIndex()
        if i < 0 or j < 0 or self._X is None:
            return
        if i == j:  # the feature the other axis showed: the two trade places
            i, j = (i, self.features[0]) if self.sender() is across else (self.features[1], j)
        self.show_features(i, j)

    def _plot_features(self) -> None:
        """Fit the view to the points on the chosen features, scatter them and redraw the
        network over them."""
        i, j = self.features
        for scatter in self._scatters:
            self.axes.removeItem(scatter)
        self._scatters = []
        self.legend.clear()
        self.axes.setLabel("bottom", self._feature_names[i])
        self.axes.setLabel("left", self._feature_names[j])
        plane = self._X[:, [i, j]]
        self.grid = None  # no redraws from the range change below: the grid is rebuilt next
        self._show_around(plane)
        self._build_grid()
        self._scatter_points(plane, self._y, self._class_names)
        if self._network is not None:
            self.update_network(self._network)

    def _say(self, text: str) -> None:
        """A sentence in place of the plot ("" shows the plot)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.graphics.setVisible(not text)
        self.readout.setVisible(not text)

    def update_network(self, network: Network) -> None:
        """Redraw the background from h_Θ over the grid (the core's forward pass). A network
        with another number of inputs than the data's features (one of the data before) is
        not drawn: the next one will be."""
        if self.grid is None or network.layer_sizes[0] != self._n:
            self._network = None
            self._output = None
            self.image_item.clear()
            return
        self._network = network
        output = np.asarray(network.forward(self._inputs).output, dtype=np.float32)
        self._output = output
        if self._hovered is not None:  # the readout follows the new h_Θ without a mouse move
            self.readout.setText(self.readout_at(*self._hovered))
        if output.shape[1] == 1:
            self.image_item.setImage(output[:, 0].reshape(self._shape), levels=(0.0, 1.0),
                                     lut=self._two_class_lut, autoLevels=False, rect=self._rect)
        else:
            self.image_item.setImage(self._argmax_colours(output), levels=(0.0, 255.0),
                                     lut=None, autoLevels=False, rect=self._rect)

    def clear(self) -> None:
        """Remove the points, the grid and the image."""
        for scatter in self._scatters:
            self.axes.removeItem(scatter)
        self._scatters = []
        self.legend.clear()
        self.grid = None
        self._inputs = None
        self._rgb = None
        self._output = None
        self._network = None
        self._hovered = None
        self._class_names = []
        self._X = self._y = self._centre = None
        self._feature_names = []
        self._show_pickers(False)
        self.slice_note.hide()
        self.image_item.clear()
        self.readout.setText(" ")

    def readout_at(self, x1: float, x2: float) -> str:
        """h_Θ at the grid point nearest to (x1, x2), as the hover readout shows it."""
        if self._output is None or self.grid is None:
            return ""
        rows, columns = self._shape
        low, high = self.grid[0], self.grid[-1]
        j = int(np.clip(np.rint((x1 - low[0]) / (high[0] - low[0]) * (columns - 1)), 0, columns - 1))
        i = int(np.clip(np.rint((x2 - low[1]) / (high[1] - low[1]) * (rows - 1)), 0, rows - 1))
        h = self._output[i * columns + j]
        x1, x2 = self.grid[i * columns + j]
        if self._n == 2:
            at = f"x = ({x1:.2f}, {x2:.2f})"
        else:
            first, second = (self._feature_names[k] for k in self.features)
            at = f"{first} = {x1:.2f}, {second} = {x2:.2f}, others at their mean:"
        if len(h) == 1:
            return f"{at}   h_Θ(x) = {h[0]:.3f}, the estimated probability of {self._name(1)}"
        k = int(np.argmax(h))
        return f"{at}   h_Θ(x) is largest for {self._name(k)}: {h[k]:.3f}"

    # --- internals ------------------------------------------------------------------------
    def _name(self, k: int) -> str:
        return self._class_names[k] if k < len(self._class_names) else f"class {k}"

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self._output is None or not self.axes.vb.sceneBoundingRect().contains(scene_pos):
            return
        point = self.axes.vb.mapSceneToView(scene_pos)
        self._hovered = (point.x(), point.y())
        self.readout.setText(self.readout_at(point.x(), point.y()))

    def _show_around(self, X: np.ndarray) -> None:
        """Show the data with a margin (the locked aspect may widen one axis)."""
        low, high = X.min(axis=0), X.max(axis=0)
        flat = high <= low  # one point, or points on a line: still show a plane around them
        low, high = np.where(flat, low - 0.5, low), np.where(flat, high + 0.5, high)
        extent = high - low
        low, high = low - MARGIN * extent, high + MARGIN * extent
        self.axes.setRange(xRange=(low[0], high[0]), yRange=(low[1], high[1]), padding=0)

    def _on_range_changed(self, *_) -> None:
        if self.grid is None:  # no data yet
            return
        self._build_grid()
        if self._network is not None:
            self.update_network(self._network)

    def _build_grid(self) -> None:
        """The grid over the visible plane: grid_size pixel centres along its shorter side,
        as many as keep the cells square along the longer one (at most 6 × grid_size)."""
        (x_low, x_high), (y_low, y_high) = self.axes.vb.viewRange()
        low, high = np.array([x_low, y_low]), np.array([x_high, y_high])
        width, height = high - low
        n = self.grid_size
        columns = int(min(6 * n, max(n, round(n * width / height))))
        rows = int(min(6 * n, max(n, round(n * height / width))))
        self._shape = (rows, columns)
        xs, ys = np.linspace(low[0], high[0], columns), np.linspace(low[1], high[1], rows)
        XX, YY = np.meshgrid(xs, ys)  # XX[i, j] = xs[j], YY[i, j] = ys[i]
        self.grid = np.column_stack([XX.ravel(), YY.ravel()])
        # the network's inputs: the plane's two features, the others at their mean
        self._inputs = np.repeat(self._centre[None, :], len(self.grid), axis=0)
        self._inputs[:, list(self.features)] = self.grid
        # Grid values are pixel centres, so the image reaches half a step beyond them.
        step = (high - low) / (np.array([columns, rows]) - 1)
        # (Given to every setImage: ImageItem cannot take a rect before it has an image.)
        self._rect = QRectF(low[0] - step[0] / 2, low[1] - step[1] / 2, columns * step[0],
                            rows * step[1])
        self._rgb = np.empty((rows, columns, 3), dtype=np.float32)

    def _scatter_points(self, X: np.ndarray, y: np.ndarray, class_names: list[str]) -> None:
        for k, name in enumerate(class_names):
            mine = y == k
            scatter = pg.ScatterPlotItem(x=X[mine, 0], y=X[mine, 1], size=7,
                                         brush=pg.mkBrush(class_color(k)),
                                         pen=pg.mkPen("#222222", width=1), name=name)
            self.axes.addItem(scatter)
            self._scatters.append(scatter)

    def _argmax_colours(self, output: np.ndarray) -> np.ndarray:
        """White blended towards the argmax class's tint by that class's output h_k."""
        winner = np.argmax(output, axis=1)
        strength = np.clip(output[np.arange(len(output)), winner], 0.0, 1.0)[:, None]
        tints = np.array([class_rgb(k, light=True) for k in range(output.shape[1])],
                         dtype=np.float32)
        rgb = self._rgb.reshape(-1, 3)
        np.subtract(tints[winner], 255.0, out=rgb)
        rgb *= strength
        rgb += 255.0
        return self._rgb
