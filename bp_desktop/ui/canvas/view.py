"""NetworkCanvas: layers as columns, units as circles, edges coloured by Θ (or D).

Edges are drawn as a few bucketed QGraphicsPathItems (one per colour level and
sign), which DESIGN.md measured as the fast way to restyle thousands of edges
every frame; units are real items. Hit-testing uses the pure layout module.

In Backward mode the selected unit gets the arrows that carry δ back into it, one per unit
k of the next layer with its term Θ_kj δ_k, and a note reading it as a gate (gate.py). Only
the selection is drawn richly: a few items made once, restyled per frame.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen,
                           QPolygonF)
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem,
                               QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem,
                               QGraphicsView, QToolTip)

from bp_desktop.core.explain import HiddenDelta, explain_delta

from ..palette import diverging_color
from .gate import GateNote, gate_lines
from .layout import (MAGNITUDE_LEVELS, arrows_into, buckets, compute_layout, nearest_segment,
                     nice_scale, spread_apart, strongest_edges, strongest_terms)
from .legend import Legend
from .notation import fmt, layer_symbol, sub, unit_names

MODES = ("forward", "backward", "gradient")
UNIT_LEVELS = 33            # fill colours per unit, from −scale to +scale
WIDE_FAN_IN = 24            # fan-ins above this show only the strongest edges by default
DEFAULT_EDGES_PER_UNIT = 8
NEUTRAL = QColor("#d9d9d9")
NAME_COLOR = QColor("#333333")
NAME_POINT_SIZE = 9.0
DEFAULT_MARGIN = 100.0  # scene units left of the inputs and right of the outputs
MAX_NAME_MARGIN = 190.0  # longer names are shortened ("sepal_len…")
MAX_RADIUS = 18.0  # of a unit in a column (layout._column)
MAX_DELTA_ARROWS = 6  # arrows into the selected unit: the strongest |Θ_kj δ_k| of a wide layer
ARROW_POINT_SIZE = 10.0


class NetworkCanvas(QGraphicsView):
    """Draws a network and one training snapshot; emits what the user selects."""

    unit_selected = Signal(int, int)        # layer index (0-based), unit index (0-based)
    edge_selected = Signal(int, int, int)   # Θ index l (0-based), row i, column j (0 = bias)

    def __init__(self, parent=None, *, model=None):
        super().__init__(parent)
        self.setObjectName("networkCanvas")
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QColor("white"))
        self.setMinimumSize(400, 300)
        self.setToolTip("")  # tooltips are built on demand in viewportEvent
        # 1 px opaque pens for the bulk: wide or translucent ones cost 6–13× more to draw
        self._edge_pens = [QPen(diverging_color(_bucket_value(b), 1.0), 1.0)
                           for b in range(2 * MAGNITUDE_LEVELS)]
        for pen in self._edge_pens:
            pen.setCosmetic(True)
        self._unit_brushes = [QBrush(diverging_color(v, 1.0)) for v in np.linspace(-1, 1, UNIT_LEVELS)]
        self._neutral_brush = QBrush(NEUTRAL)
        # δ's arrows, by the sign of Θ_kj δ_k: orange negative, purple positive
        self._arrow_colours = [diverging_color(s, 1.0) for s in (-1.0, 1.0)]
        self._arrow_font = QFont()
        self._arrow_font.setPointSizeF(ARROW_POINT_SIZE)
        self.legend = Legend(self.viewport())
        self.gate = GateNote(self.viewport())
        self._arrow_terms: tuple = ()
        self._arrow_geometry = None
        self._mode = "forward"
        self._example = 0
        self._lighting = None  # the Algorithm view's step: per layer 'a', 'δ' or None (dimmed)
        self._edges_per_unit: int | None = DEFAULT_EDGES_PER_UNIT
        self._snapshot = None
        self._scales: dict[str, float] = {}
        self._selected: tuple[int, int] | None = None
        self._selected_edge: tuple[int, int, int] | None = None
        self._layout = None
        self._segments = np.empty((0, 2, 2))
        self._segment_ids = np.empty((0, 3), dtype=np.int64)
        if model is not None:
            self._follow(model)

    def _follow(self, model) -> None:
        """Draw the workbench's network and the moment on screen; tell it what the user selects."""
        events = model.events
        events.installed.connect(self._on_installed)
        events.snapshot.connect(self.show_snapshot)
        events.example.connect(self.set_example)
        events.mode.connect(self.set_mode)
        events.selection.connect(self._on_selection)
        events.algorithm.connect(lambda step: self.set_lighting(None if step is None else step.lighting))
        self.unit_selected.connect(model.select_unit)
        self.edge_selected.connect(model.select_edge)

    def _on_installed(self, workspace) -> None:
        dataset, sizes = workspace.dataset, workspace.layer_sizes
        self.set_architecture(sizes, dataset.image_shape, dataset.image_order,
                              unit_names(dataset.feature_names, dataset.class_names, sizes))

    def _on_selection(self, selection) -> None:
        if selection is None:
            return
        if selection.kind == "unit":
            self.select_unit(*selection.indices)
        else:
            self.select_edge(*selection.indices)

    # --- building ----------------------------------------------------------------------------
    def set_architecture(self, layer_sizes, image_shape=None, image_order: str = "C",
                         names=None) -> None:
        """Lay out a network of these sizes (forgetting the old drawing and selection);
        image inputs fill their grid row by row ("C") or column by column ("F"). names:
        per layer, what each unit stands for or None (notation.unit_names): shown beside
        the units where they fit, and always in the tooltips."""
        scene = self.scene()
        scene.clear()
        self._layout = compute_layout(layer_sizes, image_shape=image_shape, image_order=image_order)
        self._names = list(names) if names is not None else [None] * len(self._layout.layers)
        margins = self._name_margins()
        if margins != (DEFAULT_MARGIN, DEFAULT_MARGIN):  # room for the names beside the units
            self._layout = compute_layout(layer_sizes, image_shape=image_shape,
                                          image_order=image_order, margins=margins)
        scene.setSceneRect(QRectF(0, 0, self._layout.width, self._layout.height))
        self._snapshot, self._scales, self._selected, self._selected_edge = None, {}, None, None
        self._edge_items = [self._path_item(pen, z=0) for pen in self._edge_pens]
        self._highlight_items = [self._path_item(QPen(diverging_color(s, 1.0), 3.0), z=1) for s in (-1, 1)]
        self._unit_items, self._unit_level, self._scale_labels = [], [], []
        for l, geometry in enumerate(self._layout.layers):
            items = []
            for centre in geometry.centres:
                items.append(self._circle(centre, geometry.radius, QPen(QColor("#404040"), 0.8)))
            self._unit_items.append(items)
            self._unit_level.append(np.full(len(items), -1))
            if geometry.bias is not None:
                self._bias_unit(geometry.bias, max(geometry.radius, 9.0))
            self._layer_header(l, geometry)
            if l in (0, len(self._layout.layers) - 1) and self._names_fit(l):
                self._name_labels(geometry, self._names[l], outside_left=l == 0)
        self._make_arrow_items()
        ring_pen = QPen(QColor("#111111"), 3.0)
        self._ring = QGraphicsEllipseItem()
        self._ring.setPen(ring_pen)
        self._ring.setZValue(5)
        self._ring.setVisible(False)
        scene.addItem(self._ring)
        self.fitInView(scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._update_legend()

    def _make_arrow_items(self) -> None:
        """The items of δ's arrows (shafts and heads per sign, a pool of labels), made once per
        network and restyled per frame."""
        self._arrow_shafts, self._arrow_heads = [], []
        for colour in self._arrow_colours:  # antialiased, unlike the bulk of the edges: a few lines
            shaft, head = QGraphicsPathItem(), QGraphicsPathItem()
            pen = QPen(colour, 2.5)
            pen.setCosmetic(True)
            shaft.setPen(pen)
            head.setPen(QPen(Qt.PenStyle.NoPen))
            head.setBrush(QBrush(colour))
            for item in (shaft, head):
                item.setZValue(3)
                self.scene().addItem(item)
            self._arrow_shafts.append(shaft)
            self._arrow_heads.append(head)
        self._arrow_labels = []
        for _ in range(MAX_DELTA_ARROWS):
            box = QGraphicsRectItem()
            box.setPen(QPen(Qt.PenStyle.NoPen))
            box.setBrush(QBrush(QColor(255, 255, 255, 225)))
            box.setZValue(4)
            text = QGraphicsSimpleTextItem(box)
            text.setFont(self._arrow_font)
            text.setBrush(QBrush(NAME_COLOR))
            box.setVisible(False)
            self.scene().addItem(box)
            self._arrow_labels.append((box, text))
        self._arrow_terms, self._arrow_geometry = (), None

    def _path_item(self, pen: QPen, z: float) -> QGraphicsPathItem:
        item = _EdgePaths()
        pen.setCosmetic(True)
        item.setPen(pen)
        item.setZValue(z)
        self.scene().addItem(item)
        return item

    def _circle(self, centre, radius, pen) -> QGraphicsEllipseItem:
        item = QGraphicsEllipseItem(centre[0] - radius, centre[1] - radius, 2 * radius, 2 * radius)
        item.setPen(pen)
        item.setBrush(self._neutral_brush)
        item.setZValue(2)
        # a cached pixmap per unit: repainted only when its colour changes, not every frame
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.scene().addItem(item)
        return item

    def _bias_unit(self, centre, radius) -> None:
        pen = QPen(QColor("#404040"), 1.0, Qt.PenStyle.DashLine)
        item = self._circle(centre, radius, pen)
        item.setBrush(QBrush(QColor("white")))
        label = QGraphicsSimpleTextItem("+1", item)
        font = QFont()
        font.setPointSizeF(max(6.0, radius * 0.8))
        label.setFont(font)
        bounds = label.boundingRect()
        # small circles (wide layers): shrink the text until it fits inside the circle
        fit = min(1.0, 1.3 * radius / bounds.width(), 1.5 * radius / bounds.height())
        label.setScale(fit)
        label.setPos(centre[0] - fit * bounds.width() / 2, centre[1] - fit * bounds.height() / 2)

    @staticmethod
    def _name_font() -> QFont:
        font = QFont()
        font.setPointSizeF(NAME_POINT_SIZE)
        return font

    def _names_fit(self, l: int) -> bool:
        """Whether layer l's units have names and room for a line of text each (not a grid,
        not a long column)."""
        geometry, metrics = self._layout.layers[l], QFontMetricsF(self._name_font())
        spacing = np.min(np.diff(geometry.centres[:, 1])) if len(geometry.centres) > 1 else np.inf
        return self._names[l] is not None and not geometry.compact and spacing >= metrics.height()

    def _name_margins(self) -> tuple[float, float]:
        """Room left of the inputs and right of the outputs: the longest name, within limits."""
        metrics = QFontMetricsF(self._name_font())
        margins = []
        for l in (0, len(self._layout.layers) - 1):
            longest = max((metrics.horizontalAdvance(n) for n in self._names[l]), default=0.0) \
                if self._names_fit(l) else 0.0
            margins.append(float(np.clip(longest + MAX_RADIUS + 14, DEFAULT_MARGIN, MAX_NAME_MARGIN)))
        return margins[0], margins[1]

    def _name_labels(self, geometry, names, outside_left: bool) -> None:
        """Each unit's name beside it, outside the network (left of the inputs, right of the
        outputs), shortened to the margin; none where the units sit too close for a line
        of text (grids, long columns): the tooltips still name them."""
        font = self._name_font()
        metrics = QFontMetricsF(font)
        x = geometry.centres[0, 0]
        gap = geometry.radius + 8  # clear of the selection ring
        room = (x - gap if outside_left else self._layout.width - x - gap) - 4
        for (cx, cy), name in zip(geometry.centres, names):
            label = self.scene().addSimpleText(metrics.elidedText(name, Qt.TextElideMode.ElideRight, room))
            label.setFont(font)
            label.setBrush(QBrush(NAME_COLOR))
            width = label.boundingRect().width()
            label.setPos(cx - gap - width if outside_left else cx + gap,
                         cy - label.boundingRect().height() / 2)

    def _layer_header(self, l: int, geometry) -> None:
        L = len(self._layout.layers)
        role = "input" if l == 0 else "output" if l == L - 1 else "hidden"
        text = f"layer {l + 1} · {role}\ns{sub(l + 1)} = {len(geometry.centres)}"
        label = self.scene().addSimpleText(text)
        font = QFont()
        font.setPointSizeF(10)
        label.setFont(font)
        bounds = label.boundingRect()
        x = geometry.centres[:, 0].mean()
        label.setPos(x - bounds.width() / 2, min(geometry.top - 14, 40) - bounds.height())
        # the colour scale of this layer's units when each layer has its own (δ)
        scale_label = self.scene().addSimpleText("")
        scale_label.setFont(font)
        scale_label.setBrush(QBrush(QColor("#555555")))
        scale_label.setPos(x - bounds.width() / 2, min(geometry.top - 14, 40) + 2)
        self._scale_labels.append(scale_label)

    # --- state --------------------------------------------------------------------------------
    @property
    def layout(self):
        return self._layout

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def selected_unit(self) -> tuple[int, int] | None:
        return self._selected

    @property
    def selected_edge(self) -> tuple[int, int, int] | None:
        return self._selected_edge

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown display mode {mode!r}; choose one of {MODES}")
        self._mode = mode
        self._redraw()

    def set_example(self, example: int) -> None:
        """Which training example's a and δ fill the units; −1 for the batch mean of |δ|."""
        self._example = int(example)
        self._redraw()

    def set_lighting(self, lighting) -> None:
        """The layers the Algorithm view's step has computed: per layer 'a' or 'δ' fills the
        units with that quantity, None leaves them grey; lighting None: the display mode's."""
        self._lighting = lighting
        self._redraw()

    def set_edges_per_unit(self, k: int | None) -> None:
        """Strongest edges drawn per unit of a wide layer; None draws every edge."""
        self._edges_per_unit = k
        self._redraw()

    def rescale_colours(self) -> None:
        """Fit the fixed colour scales to the current values (the only time they change)."""
        self._scales = {}
        self._redraw()

    def show_snapshot(self, snapshot) -> None:
        self._snapshot = snapshot
        self._redraw()

    def select_unit(self, layer: int, unit: int) -> None:
        if self._layout is None:
            return
        sizes = self._layout.layer_sizes
        layer = int(np.clip(layer, 0, len(sizes) - 1))
        unit = int(np.clip(unit, 0, sizes[layer] - 1))
        self._selected, self._selected_edge = (layer, unit), None
        geometry = self._layout.layers[layer]
        (x, y), r = geometry.centres[unit], geometry.radius + 3
        self._ring.setRect(x - r, y - r, 2 * r, 2 * r)
        self._ring.setVisible(True)
        self._draw_highlight()
        self._draw_delta_arrows()
        self.unit_selected.emit(layer, unit)

    def select_edge(self, l: int, i: int, j: int) -> None:
        """Select one edge; the unit selected before loses its ring and fan (one selection)."""
        self._selected, self._selected_edge = None, (l, i, j)
        self._ring.setVisible(False)
        self._draw_highlight()
        self._draw_delta_arrows()
        self.edge_selected.emit(l, i, j)

    def scene_position(self, layer: int, unit: int) -> QPointF:
        x, y = self._layout.layers[layer].centres[unit]
        return QPointF(float(x), float(y))

    def view_position(self, layer: int, unit: int):
        """Where a unit is drawn in viewport coordinates (for clicks in tests)."""
        return self.mapFromScene(self.scene_position(layer, unit))

    # --- drawing ---------------------------------------------------------------------------------
    def _scale(self, name: str, values) -> float:
        """The fixed colour scale of a quantity, chosen once from the values first shown.
        Weights grow while training, so Θ starts with room for four times its initial size."""
        if name not in self._scales:
            biggest = max((float(np.max(np.abs(v))) for v in values if v is not None and v.size), default=1.0)
            self._scales[name] = nice_scale(4 * biggest if name == "Θ" else biggest)
        return self._scales[name]

    def _redraw(self) -> None:
        if self._layout is None or self._snapshot is None:
            return
        self._draw_edges()
        self._fill_units()
        self._draw_highlight()
        self._draw_delta_arrows()
        self._update_legend()

    def _edge_values(self):
        snap = self._snapshot
        return (snap.gradients, "D") if self._mode == "gradient" else (snap.thetas, "Θ")

    def _draw_edges(self) -> None:
        values, name = self._edge_values()
        scale = self._scale(name, values)
        segments, ids, colour = [], [], []
        for l, theta in enumerate(values):
            per_unit = self._edges_per_unit if theta.shape[1] - 1 > WIDE_FAN_IN else None
            rows, cols = strongest_edges(theta, per_unit)
            segments.append(self._layout.edge_segments(l, rows, cols))
            ids.append(np.column_stack([np.full(rows.size, l), rows, cols]))
            colour.append(buckets(theta[rows, cols], scale))
        self._segments, self._segment_ids = np.concatenate(segments), np.concatenate(ids)
        colour = np.concatenate(colour)
        for b, item in enumerate(self._edge_items):
            item.setPath(_pairs_path(self._segments[colour == b]))

    def _unit_values(self, l: int):
        snap, example = self._snapshot, self._example
        lit = self._lighting
        if lit is not None and len(lit) == len(snap.a_columns):  # the Algorithm view's step
            kind = lit[l] or ("δ" if "δ" in lit else "a")
            if lit[l] is None or (kind == "δ" and l == 0):
                return None, kind
            values = (snap.delta_columns if kind == "δ" else snap.a_columns)[l]
            column = values[:, min(max(example, 0), values.shape[1] - 1)]
            return column, kind if kind == "δ" or l > 0 else "x"
        if self._mode == "backward" or (self._mode == "gradient" and l > 0):
            deltas = snap.delta_columns[l]
            if deltas is None:
                return None, "δ"
            if example < 0:
                return np.mean(np.abs(deltas), axis=1), "δ"
            return deltas[:, min(example, deltas.shape[1] - 1)], "δ"
        if self._mode == "gradient":
            return None, "δ"
        a = snap.a_columns[l]
        column = a[:, min(max(example, 0), a.shape[1] - 1)]
        return column, "x" if l == 0 else "a"

    def _fill_units(self) -> None:
        values = [self._unit_values(l) for l in range(len(self._unit_items))]
        for l, (v, name) in enumerate(values):
            items, levels = self._unit_items[l], self._unit_level[l]
            if v is None:
                new = np.full(len(items), -1)
            else:
                # δ shrinks by orders of magnitude from layer to layer: one scale per layer keeps
                # the hidden layers readable (each layer's scale is printed under its header)
                key = f"{name}{l}" if name == "δ" else name
                scale = self._scale(key, [v] if name == "δ" else [vv for vv, nn in values if nn == name])
                t = np.clip(v / scale, -1.0, 1.0)
                new = np.rint((t + 1) / 2 * (UNIT_LEVELS - 1)).astype(np.int64)
            changed = np.flatnonzero(new != levels)
            for k in changed:  # restyle only the units whose colour level changed
                items[k].setBrush(self._neutral_brush if new[k] < 0 else self._unit_brushes[new[k]])
            levels[:] = new

    def _draw_highlight(self) -> None:
        if self._snapshot is None or not hasattr(self, "_highlight_items"):
            return
        values, _ = self._edge_values()
        scale = self._scales.get("D" if self._mode == "gradient" else "Θ", 1.0)
        segments, signs = [], []
        if self._selected is not None:
            layer, unit = self._selected
            if layer > 0:  # fan-in: row `unit` of Θ^(layer), its strongest edges if it is wide
                theta = values[layer - 1]
                per_unit = self._edges_per_unit if theta.shape[1] - 1 > WIDE_FAN_IN else None
                _, cols = strongest_edges(theta[unit:unit + 1], per_unit)
                segments.append(self._layout.edge_segments(layer - 1, np.full(cols.size, unit), cols))
                signs.append(theta[unit, cols])
            if layer < len(values) and not self._shows_arrows():  # fan-out: column unit + 1 of Θ^(layer + 1)
                theta = values[layer]
                rows = np.arange(theta.shape[0])
                segments.append(self._layout.edge_segments(layer, rows, np.full(rows.size, unit + 1)))
                signs.append(theta[rows, unit + 1])
        if segments:
            segments, signs = np.concatenate(segments), np.concatenate(signs)
            strong = np.abs(signs) >= 0.05 * scale  # faint fan edges stay in the background
            segments, signs = segments[strong], signs[strong]
        if self._selected_edge is not None:  # the selected edge shows however faint it is
            l, i, j = self._selected_edge
            segments = self._layout.edge_segments(l, np.array([i]), np.array([j]))
            signs = values[l][[i], [j]]
        if len(segments) == 0:
            for item in self._highlight_items:
                item.setPath(QPainterPath())
            return
        self._highlight_items[0].setPath(_pairs_path(segments[signs < 0]))
        self._highlight_items[1].setPath(_pairs_path(segments[signs >= 0]))

    def _units_mode(self) -> str:
        """What the units show: the display mode's quantity, or the Algorithm view's step's."""
        if self._lighting is None:
            return self._mode
        return "backward" if "δ" in self._lighting else "forward"

    def _shows_arrows(self) -> bool:
        """Backward mode with a unit selected: δ's arrows take the place of its fan-out."""
        return self._mode == "backward" and self._selected is not None and self._selected[0] > 0

    def _explained_delta(self):
        """The core's explanation of the selected unit's δ, when the arrows are shown."""
        snap = self._snapshot
        if snap is None or not self._shows_arrows():
            return None
        layer, unit = self._selected
        return explain_delta(snap.thetas, snap.a_columns, snap.z_columns, snap.delta_columns, snap.Y,
                             layer, unit, self._numbers_example(), snap.hidden_activation)

    def _numbers_example(self) -> int:
        """The example whose δ the arrows carry: t, or t = 1 while the units show mean |δ|
        (as the inspector explains)."""
        return min(max(self._example, 0), self._snapshot.a_columns[0].shape[1] - 1)

    def _draw_delta_arrows(self) -> None:
        """The arrows that carry δ_k^(l+1) along Θ_kj back into the selected unit j (the
        strongest MAX_DELTA_ARROWS of a wide layer), each labelled with its term Θ_kj δ_k of
        the upstream gradient, and the gate note in the corner."""
        if not hasattr(self, "_arrow_shafts"):
            return
        e = self._explained_delta()
        terms = e.terms if isinstance(e, HiddenDelta) else ()
        products = np.array([t.product for t in terms])
        shown = strongest_terms(products, MAX_DELTA_ARROWS)
        self._arrow_terms = tuple(terms[i] for i in shown)
        self._arrow_geometry = arrows_into(self._layout, *self._selected, shown) if len(shown) else None
        self.gate.say(None if e is None else gate_lines(e, self._numbers_example(), self._example < 0,
                                                        len(shown)))
        self._place_gate()
        positive = products[shown] >= 0
        for sign, (shaft, head) in enumerate(zip(self._arrow_shafts, self._arrow_heads)):
            chosen = positive == bool(sign)
            geometry = self._arrow_geometry
            shaft.setPath(_pairs_path(geometry.shafts[chosen]) if geometry else QPainterPath())
            head.setPath(_triangles_path(geometry.heads[chosen]) if geometry else QPainterPath())
        self._label_arrows()

    def _label_arrows(self) -> None:
        """Each arrow's term Θ_kj δ_k, on a white box near its source unit; boxes that would
        overlap are moved apart vertically (layout.spread_apart)."""
        shown = self._arrow_terms
        for n, (box, text) in enumerate(self._arrow_labels):
            box.setVisible(n < len(shown))
            label = _signed(shown[n].product) if n < len(shown) else ""
            if text.text() != label:
                text.setText(label)
                box.setRect(text.boundingRect().adjusted(-2, -1, 2, 1))
        if not shown:
            return
        boxes = [box for box, _ in self._arrow_labels[:len(shown)]]
        points = self._arrow_geometry.labels
        ys = spread_apart(points[:, 1], max(box.rect().height() for box in boxes))
        for box, x, y in zip(boxes, points[:, 0], ys):
            centre = box.rect().center()
            box.setPos(x - centre.x(), y - centre.y())

    @property
    def delta_arrows(self) -> tuple:
        """The terms Θ_kj δ_k (core.explain.DeltaTerm) whose arrows are drawn, in order of k."""
        return self._arrow_terms

    @property
    def delta_arrow_geometry(self):
        """Where those arrows are drawn (layout.Arrows), None without arrows."""
        return self._arrow_geometry

    def delta_arrow_labels(self) -> list[str]:
        return [text.text() for box, text in self._arrow_labels if box.isVisible()]

    def _place_gate(self) -> None:
        viewport = self.viewport()
        self.gate.move(viewport.width() - self.gate.width() - 8,
                       viewport.height() - self.gate.height() - 8)

    def _update_layer_scales(self) -> None:
        for l, label in enumerate(self._scale_labels):
            scale = self._scales.get(f"δ{l}") if self._units_mode() != "forward" else None
            label.setText(f"δ: ±{fmt(scale)}" if scale else "")

    def _update_legend(self) -> None:
        self._update_layer_scales()
        name = "D" if self._mode == "gradient" else "Θ"
        unit_name = {"forward": "a", "backward": "δ", "gradient": "δ"}[self._units_mode()]
        if self._mode != "forward" and self._example < 0:  # as _unit_values fills them
            unit_name = "mean |δ|"
        edge_scale = self._scales.get(name)
        if unit_name == "a":
            self.legend.set_scales(f"edges: {name}{sub('ij')}", edge_scale, "units: a", self._scales.get("a"))
        else:  # each layer's δ scale is printed under its header
            self.legend.set_scales(f"edges: {name}{sub('ij')}", edge_scale,
                                   f"units: {unit_name}, scale per layer", None)
        self.legend.move(8, self.viewport().height() - self.legend.height() - 8)

    # --- interaction -------------------------------------------------------------------------------
    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._layout is not None:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.legend.move(8, self.viewport().height() - self.legend.height() - 8)
        self._place_gate()

    def wheelEvent(self, event):
        factor = 1.15 ** (event.angleDelta().y() / 120)
        self.scale(factor, factor)

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and self._layout is not None:
            point = self.mapToScene(event.position().toPoint())
            hit = self._layout.unit_at((point.x(), point.y()))
            if hit is not None and hit[1] >= 0:
                self.select_unit(*hit)
                event.accept()
                return
            edge = self._edge_at(point)
            if edge is not None:
                self.select_edge(*edge)
                event.accept()
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event):
        key = event.key()
        moves = {Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1),
                 Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0)}
        if key in moves and self._layout is not None:
            layer, unit = self._selected or self._edge_target() or (0, -1 if key == Qt.Key.Key_Down else 0)
            dl, du = moves[key]
            self.select_unit(layer + dl, unit + du)
            event.accept()
            return
        super().keyPressEvent(event)

    def _edge_target(self) -> tuple[int, int] | None:
        """The unit the selected edge leads to: where the arrow keys go on from."""
        if self._selected_edge is None:
            return None
        l, i, _ = self._selected_edge
        return l + 1, i

    def viewportEvent(self, event):
        if event.type() == QEvent.Type.ToolTip and self._layout is not None:
            point = self.mapToScene(event.pos())
            text = self._tooltip_at(point)
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _edge_at(self, point: QPointF):
        tolerance = 4.0 / max(self.transform().m11(), 1e-6)  # 4 screen pixels
        k = nearest_segment((point.x(), point.y()), self._segments, tolerance)
        return None if k < 0 else tuple(int(v) for v in self._segment_ids[k])

    def _tooltip_at(self, point: QPointF) -> str:
        hit = self._layout.unit_at((point.x(), point.y()))
        if hit is not None:
            return self.unit_tooltip(*hit)
        arrow = self._arrow_at(point)
        if arrow is not None:
            return self.arrow_tooltip(arrow)
        edge = self._edge_at(point)
        return self.edge_tooltip(*edge) if edge is not None else ""

    def _arrow_at(self, point: QPointF):
        """The term (DeltaTerm) whose arrow is under a scene point, or None."""
        if self._arrow_geometry is None:
            return None
        tolerance = 4.0 / max(self.transform().m11(), 1e-6)
        k = nearest_segment((point.x(), point.y()), self._arrow_geometry.shafts, tolerance)
        return None if k < 0 else self._arrow_terms[k]

    def arrow_tooltip(self, term) -> str:
        """What one of δ's arrows carries: δ_k of the next layer, times Θ_kj."""
        layer, unit = self._selected
        l, j, k = layer + 1, unit + 1, term.k
        theta = f"Θ{sub(f'{k}{j}')}{layer_symbol('', l)}"
        delta = f"δ{sub(k)}{layer_symbol('', l + 1)}"
        return (f"δ flowing back from unit {k} of layer {l + 1} into unit {j} of layer {l}:\n"
                f"{theta} × {delta} = {fmt(term.theta_kj)} × {fmt(term.delta_k)} = {fmt(term.product)}")

    def unit_tooltip(self, layer: int, unit: int) -> str:
        l = layer + 1
        if unit < 0:
            return f"bias unit a{sub(0)}{layer_symbol('', l)} = +1"
        j = unit + 1
        name = self.unit_name(layer, unit)
        lines = [f"layer {l}, unit {j}" + (f": {name}" if name else "")]
        snap = self._snapshot
        if snap is not None:
            example = max(self._example, 0)
            lines.append(f"example {example + 1}:")
            lines.append(f"{layer_symbol('a', l)}{sub(j)} = {fmt(snap.a_columns[layer][unit, example])}")
            if layer > 0:
                lines.append(f"{layer_symbol('z', l)}{sub(j)} = {fmt(snap.z_columns[layer][unit, example])}")
                lines.append(f"{layer_symbol('δ', l)}{sub(j)} = {fmt(snap.delta_columns[layer][unit, example])}")
        return "\n".join(lines)

    def unit_name(self, layer: int, unit: int) -> str | None:
        """What the unit stands for (a feature, a class), if anything."""
        names = self._names[layer] if self._layout is not None else None
        return names[unit] if names is not None and 0 <= unit < len(names) else None

    def edge_tooltip(self, l: int, i: int, j: int) -> str:
        snap = self._snapshot
        name = f"{{}}{layer_symbol('', l + 1)}{sub(f'{i + 1},{j}')}"
        source = (f"the bias unit a{sub(0)}{layer_symbol('', l + 1)} = +1" if j == 0
                  else f"unit {j}")
        lines = [f"edge from {source} of layer {l + 1}{_named(self.unit_name(l, j - 1) if j else None)} "
                 f"to unit {i + 1} of layer {l + 2}{_named(self.unit_name(l + 1, i))}"]
        if snap is not None:
            lines.append(f"{name.format('Θ')} = {fmt(snap.thetas[l][i, j])}")
            lines.append(f"{name.format('D')} = {fmt(snap.gradients[l][i, j])}")
        return "\n".join(lines)


class _EdgePaths(QGraphicsPathItem):
    """Edge lines drawn without antialiasing: with it, thousands of lines cost several
    times more per frame (measured), while units and text keep their smooth edges."""

    def paint(self, painter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        super().paint(painter, option, widget)


def _signed(value: float) -> str:
    """An arrow's term with its sign, short: +0.279, −0.0961 (the terms add up to Σ_k)."""
    return fmt(value, 3) if value < 0 else f"+{fmt(value, 3)}"


def _named(name: str | None) -> str:
    return f" ({name})" if name else ""


def _bucket_value(b: int) -> float:
    """The signed value (in units of the scale) that bucket b is drawn as."""
    level = b % MAGNITUDE_LEVELS
    magnitude = (level + 1) / MAGNITUDE_LEVELS
    return magnitude if b >= MAGNITUDE_LEVELS else -magnitude


def _triangles_path(triangles: np.ndarray) -> QPainterPath:
    path = QPainterPath()
    for corners in triangles:
        path.addPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in corners]))
        path.closeSubpath()
    return path


def _pairs_path(segments: np.ndarray) -> QPainterPath:
    if len(segments) == 0:
        return QPainterPath()
    points = segments.reshape(-1, 2)
    return pg.functions.arrayToQPath(points[:, 0], points[:, 1], connect="pairs", finiteCheck=False)
