"""Shared colours for every view, chosen to stay readable with colour-blind eyes.

Signed values (Θ, δ, D, weight images) use one diverging palette, interpolated
from ColorBrewer's PuOr: negative is orange, zero is near-white, positive is
purple. Orange/purple stays distinct for deuteranopia, protanopia and tritanopia,
where red/green does not. Scales are symmetric and fixed by the caller, so a
colour change always means a value change.

Classes use Paul Tol's "muted" qualitative scheme (10 colours, enough for the
digits), with a light tint of each for filled regions under the markers.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

# ColorBrewer PuOr, 11 classes, from most negative (dark orange) to most positive (dark purple).
_PUOR_ANCHORS = ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7",
                 "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"]

# Axis numbers and labels: dark grey, readable on the white plot background.
AXIS_TEXT_COLOR = "#333333"

# Paul Tol, "muted": distinct for common colour-vision deficiencies.
CLASS_COLORS: list[str] = ["#332288", "#DDCC77", "#117733", "#CC6677", "#88CCEE",
                           "#882255", "#44AA99", "#999933", "#AA4499", "#555555"]


def _hex_to_rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _tint(hex_color: str, amount: float) -> str:
    """The colour mixed with white: amount 1 keeps the colour, 0 gives white."""
    rgb = 255.0 + amount * (_hex_to_rgb(hex_color) - 255.0)
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb)


# The same classes as light fills (decision regions), so the markers on top stand out.
CLASS_COLORS_LIGHT: list[str] = [_tint(c, 0.45) for c in CLASS_COLORS]


def _interpolated_lut(anchors: list[str], entries: int = 256) -> np.ndarray:
    rgb = np.array([_hex_to_rgb(c) for c in anchors])
    positions = np.linspace(0.0, 1.0, len(anchors))
    samples = np.linspace(0.0, 1.0, entries)
    channels = [np.interp(samples, positions, rgb[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


# 256 × 3 uint8: index 0 is the most negative value, 255 the most positive, ~127.5 is zero.
DIVERGING_LUT: np.ndarray = _interpolated_lut(_PUOR_ANCHORS)
DIVERGING_LUT.setflags(write=False)


def diverging_index(value: float | np.ndarray, scale: float) -> np.ndarray:
    """LUT index for value on the symmetric scale [−scale, +scale] (clipped)."""
    if not scale > 0:
        raise ValueError(f"scale must be positive; got {scale}")
    unit = np.clip((np.asarray(value, dtype=float) / scale + 1.0) / 2.0, 0.0, 1.0)
    return np.round(unit * (len(DIVERGING_LUT) - 1)).astype(np.intp)


def diverging_color(value: float, scale: float) -> QColor:
    """The palette's colour for value on the symmetric scale [−scale, +scale]."""
    r, g, b = DIVERGING_LUT[int(diverging_index(value, scale))]
    return QColor(int(r), int(g), int(b))


def diverging_bucket_colors(buckets: int) -> list[QColor]:
    """Colours for `buckets` equal-width value ranges across [−scale, +scale], taken at
    each range's centre: build pens from these once, then sort items into buckets."""
    if buckets < 1:
        raise ValueError(f"need at least one bucket; got {buckets}")
    centres = (np.arange(buckets) + 0.5) / buckets * 2.0 - 1.0
    return [diverging_color(c, 1.0) for c in centres]


def class_color(k: int) -> QColor:
    """Marker colour of class k (the scheme repeats after 10 classes)."""
    return QColor(CLASS_COLORS[k % len(CLASS_COLORS)])


def class_rgb(k: int, light: bool = False) -> np.ndarray:
    """Class k's colour as float RGB in 0..255, for image arithmetic."""
    colors = CLASS_COLORS_LIGHT if light else CLASS_COLORS
    return _hex_to_rgb(colors[k % len(colors)])


def two_class_lut(entries: int = 256) -> np.ndarray:
    """P(class 1) from 0 to 1: class 0's light tint, through white at 0.5, to class 1's.

    For a network with one sigmoid output, so the background reads as the two
    regions and their boundary is where the colour fades out.
    """
    return _interpolated_lut([CLASS_COLORS_LIGHT[0], "#ffffff", CLASS_COLORS_LIGHT[1]], entries)
