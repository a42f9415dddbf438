"""The numbers behind one δ or one D, term by term, for the layer inspector.

These functions only *collect* what backprop computed (and the products it
summed, Δ^(l) included), so the inspector can print the lecture's formulas with numbers:

    δ_j^(L) = a_j^(L) − y_j
    δ_j^(l) = (Σ_k Θ_kj^(l) δ_k^(l+1)) · g′(z_j^(l))
    D_ij^(l) = (1/m) Σ_t δ_i^(l+1) a_j^(l) + (λ/m) Θ_ij^(l)     (no λ term for j = 0)

The weighted sum Σ_k Θ_kj δ_k is what the lecture's intuition slide writes as δ
(δ_2^(2) = Θ_12^(2) δ_1^(3) + Θ_22^(2) δ_2^(3)): it is ∂cost/∂a_j, the error at the unit's
output. δ_j = ∂cost/∂z_j is at its input, one g′(z_j) further back (the chain rule); in a
computational graph, the upstream gradient times the unit's local gradient.

Indices follow the lecture: units are numbered from 1, and j = 0 is the bias
unit, so Θ_kj is `theta[k - 1, j]`. `layer` arguments are 0-based positions in
`layer_sizes` (layer l of the lecture is index l − 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import derivative_formula, gradient_from_activation


@dataclass(frozen=True)
class DeltaTerm:
    k: int            # unit k of layer l + 1 (1-based)
    theta_kj: float
    delta_k: float
    product: float


@dataclass(frozen=True)
class OutputDelta:
    l: int            # the lecture's layer number (= L)
    j: int            # the unit (1-based)
    a: float
    y: float
    delta: float      # the core's δ_j^(L)


@dataclass(frozen=True)
class HiddenDelta:
    l: int
    j: int
    terms: tuple[DeltaTerm, ...]
    weighted_sum: float   # Σ_k Θ_kj δ_k: the intuition slide's "δ", ∂cost/∂a_j (the upstream gradient)
    z: float
    a: float
    g_prime: float        # g′(z_j): the local gradient ∂a_j/∂z_j
    g_prime_formula: str  # e.g. "a(1 − a)"
    delta: float          # the core's δ_j^(l)


@dataclass(frozen=True)
class GradientEntry:
    l: int
    i: int                # unit of layer l + 1 (1-based)
    j: int                # unit of layer l (0 = bias)
    m: int
    lam: float
    theta: float
    Delta: float          # the core's Δ_ij^(l) = Σ_t δ_i^(l+1) a_j^(l)
    regularisation: float # (λ/m) Θ_ij, 0 for j = 0
    D: float              # the core's D_ij^(l)
    first_terms: tuple[tuple[float, float, float], ...]  # (δ_i, a_j, product) of the first examples


def explain_delta(thetas, a_columns, z_columns, delta_columns, Y, layer: int, unit: int,
                  example: int, hidden_activation: str = "sigmoid") -> OutputDelta | HiddenDelta:
    """Why δ of `unit` in `layer` (both 0-based) has its value, for one example."""
    L = len(a_columns)
    if not 1 <= layer < L:
        raise ValueError(f"layer index {layer} has no δ (inputs have none); choose 1..{L - 1}")
    delta = float(delta_columns[layer][unit, example])
    a = float(a_columns[layer][unit, example])
    if layer == L - 1:
        return OutputDelta(L, unit + 1, a, float(Y[example, unit]), delta)
    theta = thetas[layer]  # Θ^(l) maps layer l to l + 1; column j = unit + 1 (0 is the bias)
    weights = theta[:, unit + 1]
    next_deltas = delta_columns[layer + 1][:, example]
    products = weights * next_deltas
    terms = tuple(DeltaTerm(k + 1, float(w), float(d), float(p))
                  for k, (w, d, p) in enumerate(zip(weights, next_deltas, products)))
    z = float(z_columns[layer][unit, example])
    g_prime = float(gradient_from_activation(hidden_activation, np.array([z]), np.array([a]))[0])
    return HiddenDelta(layer + 1, unit + 1, terms, float(weights @ next_deltas), z, a, g_prime,
                       derivative_formula(hidden_activation), delta)


def explain_gradient(thetas, a_columns, delta_columns, Deltas, gradients, lam: float, layer: int,
                     i: int, j: int, shown_terms: int = 5) -> GradientEntry:
    """Why D_ij^(layer+1) has its value. `i` is the 0-based row of Θ, `j` its column (0 = bias).
    `Deltas` and `gradients` are the core's Δ^(l) and D^(l) (BackpropResult)."""
    delta_i = delta_columns[layer + 1][i]
    a_j = np.ones_like(delta_i) if j == 0 else a_columns[layer][j - 1]
    m = delta_i.size
    theta = float(thetas[layer][i, j])
    regularisation = 0.0 if j == 0 else lam / m * theta
    first = tuple((float(d), float(a), float(d * a)) for d, a in zip(delta_i[:shown_terms], a_j[:shown_terms]))
    return GradientEntry(layer + 1, i + 1, j, m, float(lam), theta, float(Deltas[layer][i, j]),
                         regularisation, float(gradients[layer][i, j]), first)


def gradient_parts(Delta: np.ndarray, theta: np.ndarray, lam: float, m: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """D^(l) as its two parts: the data part (1/m) Δ^(l) and the λ part (λ/m) Θ^(l), whose
    bias column (j = 0) is zero because the bias weights are not regularised. Their sum is
    backprop's D^(l)."""
    data_part = Delta / m
    regularisation_part = (lam / m) * theta
    regularisation_part[:, 0] = 0.0
    return data_part, regularisation_part


def saturated_fraction(z_row: np.ndarray, a_row: np.ndarray, hidden_activation: str,
                       threshold: float = 0.01) -> float:
    """The share of examples for which g′(z) < threshold: the unit has (almost) stopped learning."""
    g_prime = gradient_from_activation(hidden_activation, z_row, a_row)
    return float(np.mean(g_prime < threshold))
