"""What each hidden unit looks for: the course's `displayData(Theta1(:, 2:end))`.

Row j of Θ^(1) without its bias column holds the weights from every input pixel
to hidden unit j; reshaped to the image shape it is a picture of the pattern that
excites the unit (purple) or inhibits it (orange). All units are tiled into one
array with 1-px gaps and drawn by a single ImageItem, like displayData's one image.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtWidgets import (QCheckBox, QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout,
                               QWidget)

from .palette import DIVERGING_LUT

GAP = 1  # pixels between tiles, as displayData's `pad`
GAP_COLOR = "#7a7a7a"
HIGHLIGHT_COLOR = "#000000"
HOVER_HINT = "hover a tile to see its hidden unit and scale"


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
        self._update_caption()
        self.readout.setContentsMargins(4, 2, 4, 0)
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 0, 4, 2)
        controls.addWidget(self.caption, stretch=1)
        controls.addWidget(self.global_scale_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, stretch=1)
        layout.addWidget(self.readout)
        layout.addLayout(controls)

    # --- public API ------------------------------------------------------------------------
    @property
    def global_scale(self) -> bool:
        return self.global_scale_box.isChecked()

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
        self.image_item.clear()
        self.readout.setText(HOVER_HINT)
        self.highlight.setVisible(False)

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
        scale = ("one scale for all: the largest |Θ|" if self.global_scale
                 else "each tile scaled to its own max |Θ|")
        self.caption.setText(f"one tile per hidden unit: <b style='color:#542788'>purple +</b>, "
                             f"<b style='color:#b35806'>orange −</b>; {scale}")
