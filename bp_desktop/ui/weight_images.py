"""What each hidden unit looks for: the course's `displayData(Theta1(:, 2:end))`.

Row j of Θ^(1) without its bias column holds the weights from every input pixel
to hidden unit j; reshaped to the image shape it is a picture of the pattern that
excites the unit (purple) or inhibits it (orange). All units are tiled into one
array with 1-px gaps and drawn by a single ImageItem, like displayData's one image.

Features that are not pixels make no picture: for them (`set_inputs` without an image
shape) the view draws Θ^(1) as it is, a heatmap of hidden units × features with the
feature names on its axis.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout,
                               QWidget)

from .palette import AXIS_TEXT_COLOR, DIVERGING_LUT

GAP = 1  # pixels between tiles, as displayData's `pad`
GAP_COLOR = "#7a7a7a"
HIGHLIGHT_COLOR = "#000000"
HOVER_HINT = "hover a tile to see its hidden unit and scale"
HEATMAP_HINT = "hover a cell to see its weight"
NAMED_TICKS = 40  # up to this many features (or units), every one is named on its axis


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def tile_grid(units: int) -> tuple[int, int]:
    """(rows, columns) of tiles for this many units, as displayData lays them out."""
    rows = max(1, math.floor(math.sqrt(units)))
    return rows, math.ceil(units / rows)


def _tile_origin(unit: int, tile_shape: tuple[int, int], grid_cols: int) -> tuple[int, int]:
    """Top-left pixel (row, column) of a unit's tile: tiles fill the grid row by row."""
    tile_row, tile_col = divmod(unit, grid_cols)
    return GAP + tile_row * (tile_shape[0] + GAP), GAP + tile_col * (tile_shape[1] + GAP)


class WeightImagesView(QWidget):
    """Hidden units' incoming weights as images, one tile per unit, in a grid.

    Each tile is scaled symmetrically by its own max |w| (displayData's choice:
    every pattern uses the full colour range), or, with `global_scale`, all tiles by
    the largest |w| of Θ^(1), so tiles can be compared with each other.

    Hovering a tile names its unit and its scale; `unit_hovered` and `unit_clicked`
    carry the row of
    Θ^(1) (0-based), i.e. hidden unit a_(row+1)^(2) in the lecture's numbering
    (a_0 is the bias unit, which has no incoming weights).
    """

    unit_hovered = Signal(int)
    unit_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, global_scale: bool = False):
        super().__init__(parent)
        self.setObjectName("weightImages")
        self.image_shape: tuple[int, int] | None = None
        self.order = "C"
        # None: pixels of a square image, as the column count suggests (standalone use);
        # else the inputs' names, drawn as a heatmap unless image_shape says they are pixels
        self.feature_names: list[str] | None = None
        self.matrix: np.ndarray | None = None  # the heatmap as drawn, units × n, in [−1, 1]
        self._theta1: np.ndarray | None = None
        self.tiles: np.ndarray | None = None  # (units, rows, cols), as drawn, in [−1, 1]

        self.graphics = pg.GraphicsLayoutWidget()
        # Grey, not white: near-zero weights are near-white and must not merge with the gaps.
        self.graphics.setBackground(GAP_COLOR)
        self.graphics.addLabel("hidden units' incoming weights Θ⁽¹⁾ (bias column dropped)",
                               row=0, col=0, color="w")
        self.view: pg.ViewBox = self.graphics.addViewBox(row=1, col=0, lockAspect=True,
                                                         invertY=True)
        self.view.setMenuEnabled(False)
        # Gaps are nan, drawn transparent: the grey background shows between tiles.
        self.image_item = pg.ImageItem(axisOrder="row-major", lut=DIVERGING_LUT,
                                       levels=(-1.0, 1.0))
        self.view.addItem(self.image_item)
        # The selected unit's tile is framed (one item, moved; see highlight_unit).
        self.highlight = QGraphicsRectItem()
        self.highlight.setPen(pg.mkPen(HIGHLIGHT_COLOR, width=2, cosmetic=True))
        self.highlight.setVisible(False)
        self.view.addItem(self.highlight)
        self._highlighted: int | None = None

        self.global_scale_box = QCheckBox("same scale for all units")
        self.global_scale_box.setObjectName("weightImagesGlobalScale")
        self.global_scale_box.setToolTip("Scale every tile by the largest |Θ| of the layer "
                                         "instead of by its own largest |Θ|")
        self.global_scale_box.setChecked(global_scale)
        self.global_scale_box.toggled.connect(self.set_global_scale)
        self.readout = QLabel(HOVER_HINT)
        self.readout.setObjectName("weightImagesReadout")
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.caption = QLabel()
        self.caption.setObjectName("weightImagesCaption")
        self.caption.setWordWrap(True)
        self.readout.setContentsMargins(4, 2, 4, 0)
        self._make_heatmap()
        self._update_caption()
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 0, 4, 2)
        controls.addWidget(self.caption, stretch=1)
        controls.addWidget(self.global_scale_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, stretch=1)
        layout.addWidget(self.heatmap_graphics, stretch=1)
        layout.addWidget(self.readout)
        layout.addLayout(controls)

    def _make_heatmap(self) -> None:
        """Θ^(1) as a units × features heatmap, for inputs that are not pixels."""
        self.heatmap_graphics = pg.GraphicsLayoutWidget()
        self.heatmap_graphics.setObjectName("weightHeatmap")
        self.heatmap_graphics.setBackground("w")
        self.heatmap_axes: pg.PlotItem = self.heatmap_graphics.addPlot()
        self.heatmap_axes.setTitle("incoming weights Θ⁽¹⁾, bias column dropped",
                                   color=AXIS_TEXT_COLOR, size="9pt")
        self.heatmap_axes.invertY(True)  # unit 1 on top, as row 1 of the matrix
        self.heatmap_axes.setMenuEnabled(False)
        for side in ("left", "bottom"):
            self.heatmap_axes.getAxis(side).setTextPen(AXIS_TEXT_COLOR)
        self.heatmap_axes.setLabel("left", "hidden unit")
        self.heatmap_item = pg.ImageItem(axisOrder="row-major", lut=DIVERGING_LUT,
                                         levels=(-1.0, 1.0))
        self.heatmap_axes.addItem(self.heatmap_item)
        self.heatmap_highlight = QGraphicsRectItem()
        self.heatmap_highlight.setPen(pg.mkPen(HIGHLIGHT_COLOR, width=2, cosmetic=True))
        self.heatmap_highlight.setVisible(False)
        self.heatmap_axes.addItem(self.heatmap_highlight)
        self.heatmap_graphics.scene().sigMouseMoved.connect(self._on_heatmap_mouse_moved)
        self.heatmap_axes.vb.sigResized.connect(self._name_heatmap_axes)
        self.heatmap_graphics.scene().sigMouseClicked.connect(self._on_heatmap_clicked)
        self.heatmap_graphics.hide()

    # --- public API ------------------------------------------------------------------------
    @property
    def global_scale(self) -> bool:
        return self.global_scale_box.isChecked()

    @property
    def heatmap_shown(self) -> bool:
        """Named features that are not pixels: Θ^(1) is drawn as a heatmap, not as images."""
        return self.feature_names is not None and self.image_shape is None

    def set_inputs(self, feature_names, image_shape: tuple[int, int] | None = None,
                   order: str = "C") -> None:
        """What Θ^(1) reads: the pixels of image_shape (tiles, as displayData) or, without
        an image shape, named features (a heatmap with the names on its axis). Forgets the
        weights shown: the next update_thetas brings the new data's."""
        self.clear()
        self.feature_names = [str(name) for name in feature_names]
        if image_shape is not None:
            self.set_image_shape(image_shape, order)
        else:
            self.image_shape = None
        self.graphics.setVisible(not self.heatmap_shown)
        self.heatmap_graphics.setVisible(self.heatmap_shown)
        self._update_caption()
        self.readout.setText(HEATMAP_HINT if self.heatmap_shown else HOVER_HINT)

    def set_image_shape(self, shape: tuple[int, int], order: str = "C") -> None:
        """Input images are rows × cols pixels, stored row by row ("C") or column by
        column ("F", the course's 20×20 digits from MATLAB)."""
        rows, cols = (int(v) for v in shape)
        if rows < 1 or cols < 1:
            raise ValueError(f"image shape must be positive; got {shape}")
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' (row by row) or 'F' (column by column); got {order!r}")
        self.image_shape, self.order = (rows, cols), order
        if self._theta1 is None:
            return
        if self._theta1.shape[1] - 1 == rows * cols:
            self.update_thetas(self._theta1)
        else:
            self.clear()  # weights of another dataset: wait for this one's

    def update_thetas(self, theta1: np.ndarray) -> None:
        """Draw Θ^(1) (shape s_2 × (n + 1), bias column first) as one tile per hidden unit."""
        theta1 = np.asarray(theta1, dtype=float)
        if theta1.ndim != 2 or theta1.shape[1] < 2:
            raise ValueError(f"Θ^(1) must be a matrix s_2 × (n + 1); got shape {theta1.shape}")
        weights = theta1[:, 1:]  # drop the bias column, as Theta1(:, 2:end)
        if self.heatmap_shown:
            self._draw_heatmap(theta1)
            return
        rows, cols = self._shape_for(weights.shape[1])
        self._theta1 = theta1
        tiles = weights.reshape(len(weights), rows, cols, order=self.order)
        self._tile_scales = self._scales(weights)
        self.tiles = tiles / self._tile_scales[:, None, None]
        mosaic = self._mosaic(self.tiles)
        reframe = self.image_item.image is None or self.image_item.image.shape != mosaic.shape
        self.image_item.setImage(mosaic, autoLevels=False, levels=(-1.0, 1.0))
        if reframe:  # a new layout: show all of it (and keep the user's zoom otherwise)
            self.view.autoRange(padding=0.02)
        self.highlight_unit(self._highlighted)

    def set_global_scale(self, on: bool) -> None:
        if self.global_scale_box.isChecked() != bool(on):
            self.global_scale_box.setChecked(bool(on))  # re-enters through `toggled`
            return
        self._update_caption()
        if self._theta1 is not None:
            self.update_thetas(self._theta1)

    def highlight_unit(self, unit: int | None) -> None:
        """Frame the tile of Θ^(1) row `unit` (e.g. the unit selected on the canvas);
        None, or a unit this layer does not have, removes the frame."""
        self._highlighted = unit
        if self.heatmap_shown:
            shown = self.matrix is not None and unit is not None and 0 <= unit < len(self.matrix)
            if shown:  # the unit's row
                self.heatmap_highlight.setRect(QRectF(-0.5, unit - 0.5, self.matrix.shape[1], 1))
            self.heatmap_highlight.setVisible(shown)
            return
        origin = self.tile_origin(unit) if unit is not None else None
        if origin is None:
            self.highlight.setVisible(False)
            return
        rows, cols = self.tiles.shape[1:]
        self.highlight.setRect(QRectF(origin[1] - 0.5, origin[0] - 0.5, cols + 1, rows + 1))
        self.highlight.setVisible(True)

    def tile_origin(self, unit: int) -> tuple[int, int] | None:
        """(row, column) of the top-left pixel of the unit's tile in the mosaic."""
        if self.tiles is None or not 0 <= unit < len(self.tiles):
            return None
        units, rows, cols = self.tiles.shape
        return _tile_origin(unit, (rows, cols), tile_grid(units)[1])

    def clear(self) -> None:
        self._theta1 = None
        self.tiles = None
        self.matrix = None
        self.image_item.clear()
        self.heatmap_item.clear()
        self.readout.setText(HEATMAP_HINT if self.heatmap_shown else HOVER_HINT)
        self.highlight.setVisible(False)
        self.heatmap_highlight.setVisible(False)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(Θ^(1) row, feature) of the heatmap cell at plot point (x, y) (x along the
        features, y down the units), or None outside it."""
        if self.matrix is None:
            return None
        unit, feature = round(y), round(x)
        units, n = self.matrix.shape
        return (unit, feature) if 0 <= unit < units and 0 <= feature < n else None

    def heatmap_readout(self, unit: int, feature: int) -> str:
        name = self.feature_names[feature] if feature < len(self.feature_names) else f"x{feature + 1}"
        return (f"hidden unit a{_subscript(unit + 1)}⁽²⁾ ← {name} (x{_subscript(feature + 1)}): "
                f"Θ⁽¹⁾{_subscript(unit + 1)},{_subscript(feature + 1)} = "
                f"{self._theta1[unit, feature + 1]:.3g}")

    def unit_at(self, x: float, y: float) -> int | None:
        """The Θ^(1) row whose tile covers image point (x, y) (column, row), or None
        over a gap or outside the tiles."""
        if self.tiles is None:
            return None
        units, rows, cols = self.tiles.shape
        grid_cols = tile_grid(units)[1]
        tile_row, inside_row = divmod(math.floor(y) - GAP, rows + GAP)
        tile_col, inside_col = divmod(math.floor(x) - GAP, cols + GAP)
        if min(tile_row, tile_col) < 0 or tile_col >= grid_cols or inside_row >= rows \
                or inside_col >= cols:
            return None
        unit = tile_row * grid_cols + tile_col
        return unit if unit < units else None

    # --- internals ---------------------------------------------------------------------------
    def _draw_heatmap(self, theta1: np.ndarray) -> None:
        weights = theta1[:, 1:]
        units, n = weights.shape
        if n != len(self.feature_names):
            raise ValueError(f"Θ^(1) has {n} inputs but {len(self.feature_names)} features are named")
        self._theta1 = theta1
        self._tile_scales = self._scales(weights)
        self.matrix = weights / self._tile_scales[:, None]
        reframe = self.heatmap_item.image is None or self.heatmap_item.image.shape != self.matrix.shape
        self.heatmap_item.setImage(self.matrix.astype(np.float32), autoLevels=False,
                                   levels=(-1.0, 1.0))
        self.heatmap_item.setRect(QRectF(-0.5, -0.5, n, units))  # cell (i, j) centred on (j, i)
        if reframe:  # a new shape: name the rows and columns, show all of it
            self._name_heatmap_axes(units, n)
            self.heatmap_axes.autoRange(padding=0)
        self.highlight_unit(self._highlighted)

    def _name_heatmap_axes(self, *_) -> None:
        """A name under every feature's column, shortened to the column's width (pyqtgraph
        would drop labels that overlap; the readout gives the whole name), and a₁⁽²⁾… beside
        the rows."""
        if self.matrix is None:
            return
        units, n = self.matrix.shape
        bottom, left = self.heatmap_axes.getAxis("bottom"), self.heatmap_axes.getAxis("left")
        if n <= NAMED_TICKS:
            width = max(self.heatmap_axes.vb.width() / n - 6, 8)
            metrics = QFontMetrics(bottom.style["tickFont"] or bottom.font())
            bottom.setTicks([[(j, metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(width)))
                              for j, name in enumerate(self.feature_names)]])
        else:
            bottom.setTicks(None)
        left.setTicks([[(i, f"a{_subscript(i + 1)}⁽²⁾") for i in range(units)]]
                      if units <= NAMED_TICKS else None)

    def _on_heatmap_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.heatmap_axes.vb.mapSceneToView(scene_pos)
        cell = self.cell_at(point.x(), point.y())
        if cell is None:
            return
        self.readout.setText(self.heatmap_readout(*cell))
        self.unit_hovered.emit(cell[0])

    def _on_heatmap_clicked(self, event) -> None:
        point = self.heatmap_axes.vb.mapSceneToView(event.scenePos())
        cell = self.cell_at(point.x(), point.y())
        if cell is not None:
            self.unit_clicked.emit(cell[0])

    def _on_mouse_clicked(self, event) -> None:
        point = self.view.mapSceneToView(event.scenePos())
        unit = self.unit_at(point.x(), point.y())
        if unit is not None:
            self.unit_clicked.emit(unit)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.view.mapSceneToView(scene_pos)
        unit = self.unit_at(point.x(), point.y())
        if unit is None:
            return
        self.readout.setText(f"hidden unit a{_subscript(unit + 1)}⁽²⁾, row {unit + 1} of Θ⁽¹⁾: "
                             f"full colour at |Θ| = {self._tile_scales[unit]:.3g}")
        self.unit_hovered.emit(unit)

    def _shape_for(self, n: int) -> tuple[int, int]:
        if self.image_shape is None:
            side = math.isqrt(n)
            if side * side != n:
                raise ValueError(f"{n} inputs do not make a square image; call set_image_shape first")
            return side, side
        rows, cols = self.image_shape
        if rows * cols != n:
            raise ValueError(f"Θ^(1) has {n} inputs but the image shape {rows}×{cols} "
                             f"has {rows * cols} pixels")
        return rows, cols

    def _scales(self, weights: np.ndarray) -> np.ndarray:
        """The |w| that maps to full colour, per unit; 1 where all weights are zero."""
        per_unit = np.abs(weights).max(axis=1)
        if self.global_scale:
            per_unit = np.full_like(per_unit, per_unit.max())
        return np.where(per_unit > 0, per_unit, 1.0)

    @staticmethod
    def _mosaic(tiles: np.ndarray) -> np.ndarray:
        units, rows, cols = tiles.shape
        grid_rows, grid_cols = tile_grid(units)
        mosaic = np.full((GAP + grid_rows * (rows + GAP), GAP + grid_cols * (cols + GAP)),
                         np.nan, dtype=np.float32)
        for unit, tile in enumerate(tiles):
            top, left = _tile_origin(unit, (rows, cols), grid_cols)
            mosaic[top:top + rows, left:left + cols] = tile
        return mosaic

    def _update_caption(self) -> None:
        part = "row" if self.heatmap_shown else "tile"
        scale = ("one scale for all: the largest |Θ|" if self.global_scale
                 else f"each {part} scaled to its own max |Θ|")
        self.caption.setText(f"one {part} per hidden unit: <b style='color:#542788'>purple +</b>, "
                             f"<b style='color:#b35806'>orange −</b>; {scale}")
