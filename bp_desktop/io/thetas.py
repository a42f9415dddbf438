"""Checks every format applies to the Θ matrices it read, before a Network is built.

Each check raises ValueError with the problem in words; the format readers turn
that into a WeightsFileError that also names the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any

import numpy as np

THETA_NAME = re.compile(r"Theta([1-9][0-9]{0,5})")
# Θ values a weights file may hold in all: 16.8 million (134 MB as float64), 25 times the
# 784-512-512-10 network. Readers check what a file declares against it before they
# decompress or allocate, so a small compressed file cannot use gigabytes.
MAX_WEIGHT_VALUES = 1 << 24


def theta_name(layer: int) -> str:
    """'Theta1' for Θ^(1): the course's variable names."""
    return f"Theta{layer}"


def theta_count(names: Iterable[str]) -> int:
    """How many Θ there are, given the names found; the numbers must run 1..N without gaps."""
    numbers = sorted(int(m.group(1)) for m in map(THETA_NAME.fullmatch, names) if m)
    if not numbers:
        raise ValueError("no Theta1 found: a weights file holds Theta1, Theta2, ... "
                         "(one matrix per layer of weights)")
    missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
    if missing:
        found = ", ".join(theta_name(n) for n in numbers)
        absent = ", ".join(theta_name(n) for n in missing)
        raise ValueError(f"the Theta numbering has a gap: found {found} but not {absent}")
    return len(numbers)


def checked_theta(name: str, value: Any) -> np.ndarray:
    """A float64 copy of one Θ if it is a finite, real, 2-D numeric matrix of a usable shape."""
    if not isinstance(value, np.ndarray):
        raise ValueError(f"{name} must be a numeric matrix; got {_kind(value)}")
    if value.dtype.kind not in "fiu":
        raise ValueError(f"{name} must hold real numbers; got {_dtype_words(value.dtype)}")
    if value.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix; got {value.ndim} dimensions, "
                         f"shape {value.shape}")
    rows, cols = value.shape
    if rows < 1 or cols < 2:
        raise ValueError(f"{name} has shape {rows}×{cols}; Θ^(l) has s_(l+1) ≥ 1 rows and "
                         "s_l + 1 ≥ 2 columns (column 1 multiplies the bias unit)")
    theta = np.array(value, dtype=np.float64, order="C")
    if not np.all(np.isfinite(theta)):
        row, col = np.argwhere(~np.isfinite(theta))[0]
        raise ValueError(f"{name} holds a non-finite value ({theta[row, col]}) at row {row + 1}, "
                         f"column {col + 1}")
    return theta


def chained_layer_sizes(thetas: list[np.ndarray]) -> list[int]:
    """[s_1, ..., s_L] from the Θ shapes, checking that Θ^(l+1) has s_(l+1) + 1 columns."""
    for l in range(1, len(thetas)):
        rows, cols = thetas[l - 1].shape[0], thetas[l].shape[1]
        if cols != rows + 1:
            raise ValueError(
                f"the shapes do not chain: {theta_name(l)} is {thetas[l - 1].shape[0]}×"
                f"{thetas[l - 1].shape[1]}, so layer {l + 1} has {rows} units and "
                f"{theta_name(l + 1)} needs {rows} + 1 = {rows + 1} columns; "
                f"it is {thetas[l].shape[0]}×{cols}")
    return [thetas[0].shape[1] - 1] + [t.shape[0] for t in thetas]


def _kind(value: Any) -> str:
    if hasattr(value, "tocsc") or hasattr(value, "tocsr"):
        return "a sparse matrix"
    return type(value).__name__


def _dtype_words(dtype: np.dtype) -> str:
    words = {"b": "logical values", "c": "complex numbers", "O": "a cell array or objects",
             "U": "text", "S": "bytes", "V": "a struct or record", "M": "dates",
             "m": "time spans"}
    return words.get(dtype.kind, str(dtype))


@dataclass
class WeightsContent:
    """What a format reader found in a file, before it becomes a Network.

    `layer_sizes` and `hidden_activation` are what the file declares beside the Θ
    (None when it declares nothing, like the course's ex4weights.mat); they are
    checked against the Θ shapes and the metadata, never trusted alone.
    """

    thetas: list[np.ndarray]
    layer_sizes: list[int] | None = None
    hidden_activation: str | None = None
    metadata: dict[str, Any] | None = None
