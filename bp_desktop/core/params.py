"""Parameter vectors in the course's layout: unroll, reshape, initialise."""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


def theta_shapes(layer_sizes: Sequence[int]) -> list[tuple[int, int]]:
    """Shape of each Θ^(l): s_{l+1} × (s_l + 1)."""
    return [(layer_sizes[l + 1], layer_sizes[l] + 1) for l in range(len(layer_sizes) - 1)]


def parameter_count(layer_sizes: Sequence[int]) -> int:
    return sum(r * c for r, c in theta_shapes(layer_sizes))


def theta_views(vector: np.ndarray, layer_sizes: Sequence[int]) -> list[np.ndarray]:
    """Views of Θ^(1..L-1) into one unrolled vector, column-major like Octave's Theta(:).

    The views share memory with `vector`, so an optimiser can update the flat
    vector and the network's Θ matrices see the change without a copy.
    """
    # each Θ is a row-major (columns × rows) block, transposed: the same column-major view as
    # reshape(order="F"), made faster; backprop makes two sets of views per call
    return [vector[start:stop].reshape(shape).T
            for start, stop, shape in _unrolled_layout(tuple(layer_sizes))]


@lru_cache(maxsize=32)
def _unrolled_layout(layer_sizes: tuple[int, ...]) -> tuple[tuple[int, int, tuple[int, int]], ...]:
    """Where each Θ^(l) lies in the unrolled vector: (start, stop, (columns, rows))."""
    layout, offset = [], 0
    for rows, cols in theta_shapes(layer_sizes):
        layout.append((offset, offset + rows * cols, (cols, rows)))
        offset += rows * cols
    return tuple(layout)


def unroll(thetas: Sequence[np.ndarray]) -> np.ndarray:
    """[Theta1(:); Theta2(:); ...] as one float64 vector (Octave's column-major order)."""
    return np.concatenate([np.asarray(t, dtype=float).ravel(order="F") for t in thetas])


def reshape_params(vector: np.ndarray, layer_sizes: Sequence[int]) -> list[np.ndarray]:
    """The inverse of `unroll`: fresh Θ matrices (copies) from an unrolled vector."""
    vector = np.asarray(vector, dtype=float).ravel()
    expected = parameter_count(layer_sizes)
    if vector.size != expected:
        raise ValueError(
            f"parameter vector has {vector.size} elements; layer sizes "
            f"{list(layer_sizes)} need {expected}")
    return [np.array(v, order="C") for v in theta_views(vector, layer_sizes)]


def default_epsilon(fan_in: int, fan_out: int) -> float:
    """The course's ε_init = √6 / √(L_in + L_out)."""
    return float(np.sqrt(6.0) / np.sqrt(fan_in + fan_out))


def rand_initialize_weights(fan_in: int, fan_out: int, rng: np.random.Generator,
                            epsilon: float | None = None) -> np.ndarray:
    """Θ of shape fan_out × (1 + fan_in), uniform in [−ε, ε] (the course's randInitializeWeights)."""
    eps = default_epsilon(fan_in, fan_out) if epsilon is None else float(epsilon)
    return rng.uniform(-eps, eps, size=(fan_out, 1 + fan_in))


def debug_initialize_weights(fan_out: int, fan_in: int) -> np.ndarray:
    """The course's debugInitializeWeights: reshape(sin(1:numel(W)), size(W)) / 10."""
    size = fan_out * (1 + fan_in)
    return (np.sin(np.arange(1, size + 1)) / 10.0).reshape((fan_out, 1 + fan_in), order="F")
