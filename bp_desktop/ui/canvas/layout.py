"""Where units and edges go, which edges to draw, and what the mouse is over.

Pure numpy: no Qt here, so the geometry is tested without a window. Layer
indices are 0-based positions in `layer_sizes`; unit indices are 0-based
without the bias unit (the bias unit of layer l has its own position).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

COMPACT_ABOVE = 32   # layers wider than this are drawn as a grid, not a column
MAGNITUDE_LEVELS = 8  # edge colour buckets per sign


@dataclass(frozen=True)
class LayerGeometry:
    centres: np.ndarray          # (s_l, 2) unit centres
    bias: np.ndarray | None      # (2,) centre of the bias unit a_0 = +1; None for the output layer
    radius: float
    compact: bool                # drawn as a grid (wide layers, images)
    top: float                   # y of the layer's topmost drawn unit (bias included)


@dataclass(frozen=True)
class NetworkLayout:
    layer_sizes: tuple[int, ...]
    layers: tuple[LayerGeometry, ...]
    width: float
    height: float

    def source_points(self, layer: int) -> np.ndarray:
        """Centres of the units Θ^(layer+1) reads, bias first: row j is column j of Θ."""
        geometry = self.layers[layer]
        return np.vstack([geometry.bias[None, :], geometry.centres])

    def edge_segments(self, layer: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """(n, 2, 2) segments for the Θ entries (rows[i], cols[i]) of Θ^(layer+1)."""
        start = self.source_points(layer)[cols]
        end = self.layers[layer + 1].centres[rows]
        return np.stack([start, end], axis=1)

    def unit_at(self, point: tuple[float, float]) -> tuple[int, int] | None:
        """(layer, unit) under a scene point; unit −1 is a bias unit."""
        x, y = point
        for l, geometry in enumerate(self.layers):
            d2 = np.sum((geometry.centres - (x, y)) ** 2, axis=1)
            k = int(np.argmin(d2))
            if d2[k] <= geometry.radius ** 2:
                return l, k
            if geometry.bias is not None and np.sum((geometry.bias - (x, y)) ** 2) <= geometry.radius ** 2:
                return l, -1
        return None


def compute_layout(layer_sizes, *, image_shape=None, image_order: str = "C", width: float = 900.0,
                   height: float = 560.0, margins: tuple[float, float] = (100.0, 100.0)) -> NetworkLayout:
    """Layers as evenly spaced columns; wide layers (and image inputs) as compact grids.

    image_order says how the inputs fill the image: "C" row by row, "F" column by column
    (MATLAB's reshape: input k at row k mod rows, column k div rows). margins: room left
    of the input layer and right of the output layer (for the units' names)."""
    if image_order not in ("C", "F"):
        raise ValueError(f"image_order must be 'C' or 'F'; got {image_order!r}")
    sizes = tuple(int(s) for s in layer_sizes)
    top, bottom = 70.0, 30.0
    usable = height - top - bottom
    xs = np.linspace(margins[0], width - margins[1], len(sizes))
    layers = []
    for l, (s, x) in enumerate(zip(sizes, xs)):
        has_bias = l < len(sizes) - 1
        grid = _grid_shape(s, image_shape if l == 0 else None)
        is_image = l == 0 and image_shape is not None and grid == tuple(int(v) for v in image_shape)
        if grid is None:
            layers.append(_column(s, x, top, usable, has_bias))
        else:
            layers.append(_grid(s, grid, x, top, usable, has_bias, image_order if is_image else "C"))
    return NetworkLayout(sizes, tuple(layers), width, height)


def _grid_shape(s: int, image_shape) -> tuple[int, int] | None:
    if image_shape is not None and image_shape[0] * image_shape[1] == s:
        return int(image_shape[0]), int(image_shape[1])
    if s <= COMPACT_ABOVE:
        return None
    cols = math.ceil(math.sqrt(s))
    return math.ceil(s / cols), cols


def _column(s: int, x: float, top: float, usable: float, has_bias: bool) -> LayerGeometry:
    slots = s + (1 if has_bias else 0)
    spacing = min(64.0, usable / max(slots, 1))
    radius = max(3.0, min(18.0, spacing * 0.38))
    # centre the column (bias included) vertically
    first = top + (usable - spacing * (slots - 1)) / 2
    ys = first + spacing * np.arange(slots)
    bias = np.array([x, ys[0]]) if has_bias else None
    unit_ys = ys[1:] if has_bias else ys
    centres = np.column_stack([np.full(s, x), unit_ys])
    return LayerGeometry(centres, bias, radius, False, float(ys[0] - radius))


def _grid(s: int, grid: tuple[int, int], x: float, top: float, usable: float,
          has_bias: bool, order: str) -> LayerGeometry:
    rows, cols = grid
    cell = min(usable / (rows + 2), 160.0 / cols, 22.0)
    radius = cell * 0.45
    block_h = rows * cell
    y0 = top + (usable - block_h) / 2 + cell / 2
    x0 = x - (cols - 1) * cell / 2
    k = np.arange(s)
    row, col = (k % rows, k // rows) if order == "F" else (k // cols, k % cols)
    centres = np.column_stack([x0 + col * cell, y0 + row * cell])
    bias = np.array([x, y0 - 1.6 * cell - radius]) if has_bias else None
    bias_radius_top = (bias[1] - max(radius, 9.0)) if has_bias else y0 - radius
    return LayerGeometry(centres, bias, radius, True, float(bias_radius_top))


def strongest_edges(theta: np.ndarray, per_unit: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the Θ entries to draw: for each unit of the next layer its
    `per_unit` largest |Θ_ij| (bias column included); all of them when None."""
    rows_n, cols_n = theta.shape
    if per_unit is None or per_unit >= cols_n:
        rows, cols = np.divmod(np.arange(rows_n * cols_n), cols_n)
        return rows, cols
    k = max(1, int(per_unit))
    cols = np.argpartition(-np.abs(theta), k - 1, axis=1)[:, :k]
    rows = np.repeat(np.arange(rows_n), k)
    return rows, cols.ravel()


@dataclass(frozen=True)
class Arrows:
    """Arrows into one unit, one row per arrow: the shaft from the source unit's rim to just
    outside the target's (clear of the selection ring), the head as a triangle whose first
    corner is the tip, and the point each arrow's label is centred on (nearer the source,
    where the arrows are still apart)."""

    shafts: np.ndarray   # (n, 2, 2): start, end
    heads: np.ndarray    # (n, 3, 2): tip, then the two corners of the base
    labels: np.ndarray   # (n, 2)


def arrows_into(layout: NetworkLayout, layer: int, unit: int, sources: np.ndarray, *,
                gap: float = 4.0, head_length: float = 11.0, head_width: float = 5.0,
                label_at: float = 0.3) -> Arrows:
    """Arrows from units `sources` (0-based) of layer + 1 back to `unit` of `layer`: the
    way δ_k^(l+1) travels, along Θ_kj, into δ_j^(l). `label_at` is the fraction of the
    way from the source where its label sits."""
    target = layout.layers[layer].centres[unit]
    source_geometry = layout.layers[layer + 1]
    centres = source_geometry.centres[np.asarray(sources, dtype=np.int64)]
    direction = target - centres
    direction /= np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-12)
    start = centres + source_geometry.radius * direction
    tip = target - (layout.layers[layer].radius + gap) * direction
    normal = np.column_stack([-direction[:, 1], direction[:, 0]])
    base = tip - head_length * direction
    heads = np.stack([tip, base + head_width * normal, base - head_width * normal], axis=1)
    labels = start + label_at * (tip - start)
    return Arrows(np.stack([start, base], axis=1), heads, labels)


def spread_apart(values: np.ndarray, gap: float) -> np.ndarray:
    """Positions along one axis (labels' y) moved as little as it takes to put neighbours at
    least `gap` apart: each keeps its rank, and the group keeps its mean."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    placed = values[order].copy()
    for i in range(1, placed.size):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed += np.mean(values[order] - placed) if placed.size else 0.0
    spread = np.empty_like(values)
    spread[order] = placed
    return spread


def strongest_terms(values: np.ndarray, cap: int | None) -> np.ndarray:
    """Indices of the `cap` largest |values|, in increasing index order (all when cap is None
    or not smaller than the number of values)."""
    values = np.asarray(values)
    if cap is None or cap >= values.size:
        return np.arange(values.size)
    return np.sort(np.argsort(-np.abs(values), kind="stable")[:max(int(cap), 0)])


def buckets(values: np.ndarray, scale: float, levels: int = MAGNITUDE_LEVELS) -> np.ndarray:
    """Colour bucket per value: 0..levels−1 for negative values by growing |v|,
    levels..2·levels−1 for positive ones. |v| ≥ scale lands in the strongest bucket."""
    magnitude = np.minimum(np.abs(values) / scale, 1.0) if scale > 0 else np.ones_like(values)
    level = np.minimum((magnitude * levels).astype(np.int64), levels - 1)
    return np.where(values >= 0, levels + level, level)


def nearest_segment(point, segments: np.ndarray, tolerance: float) -> int:
    """Index of the segment within `tolerance` of `point` that is nearest, or −1."""
    if len(segments) == 0:
        return -1
    p = np.asarray(point, dtype=float)
    a, b = segments[:, 0], segments[:, 1]
    ab = b - a
    length2 = np.maximum(np.sum(ab * ab, axis=1), 1e-12)
    t = np.clip(np.sum((p - a) * ab, axis=1) / length2, 0.0, 1.0)
    d2 = np.sum((a + t[:, None] * ab - p) ** 2, axis=1)
    k = int(np.argmin(d2))
    return k if d2[k] <= tolerance ** 2 else -1


def nice_scale(value: float) -> float:
    """A round number ≥ value (1, 2, 5 × 10^k), for fixed legend ends."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        candidate = step * 10.0 ** exponent
        if candidate >= value * (1 - 1e-12):
            return candidate
    return 10.0 ** (exponent + 1)
