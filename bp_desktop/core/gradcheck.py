"""Numerical gradients by central differences and the course's gradient check."""
from __future__ import annotations

import numpy as np

from .network import Network
from .params import theta_views


def numerical_gradients(network: Network, X: np.ndarray, Y: np.ndarray, lam: float = 0.0,
                        eps: float = 1e-4) -> list[np.ndarray]:
    """∂J/∂Θ_ij ≈ (J(Θ + ε e_ij) − J(Θ − ε e_ij)) / 2ε for every weight (computeNumericalGradient).

    Returns one array per Θ^(l), shaped like `network.thetas[l]`. The network's
    weights are restored afterwards, bit for bit, even if a cost evaluation fails.
    """
    params = network.params
    numeric = np.empty_like(params)
    original = params.copy()
    try:
        for p in range(params.size):
            params[p] = original[p] - eps
            loss1 = network.cost(X, Y, lam)
            params[p] = original[p] + eps
            loss2 = network.cost(X, Y, lam)
            params[p] = original[p]
            numeric[p] = (loss2 - loss1) / (2 * eps)
    finally:
        params[...] = original
    return [np.array(v) for v in theta_views(numeric, network.layer_sizes)]


def numerical_derivative(network: Network, X: np.ndarray, Y: np.ndarray, layer: int, i: int,
                         j: int, lam: float = 0.0, eps: float = 1e-4) -> float:
    """The central-difference estimate of one ∂J/∂Θ_ij^(layer+1) (0-based `layer`)."""
    theta = network.thetas[layer]
    original = theta[i, j]
    try:
        theta[i, j] = original - eps
        loss1 = network.cost(X, Y, lam)
        theta[i, j] = original + eps
        loss2 = network.cost(X, Y, lam)
    finally:
        theta[i, j] = original
    return (loss2 - loss1) / (2 * eps)


def relative_difference(numeric: np.ndarray, analytic: np.ndarray) -> float:
    """‖num − grad‖ / ‖num + grad‖, as the course's checkNNGradients prints it."""
    denominator = np.linalg.norm(numeric + analytic)
    if denominator == 0.0:
        return 0.0 if np.linalg.norm(numeric - analytic) == 0.0 else float("inf")
    return float(np.linalg.norm(numeric - analytic) / denominator)


def gradient_check(network: Network, X: np.ndarray, Y: np.ndarray, lam: float = 0.0,
                   eps: float = 1e-4) -> float:
    """The course's relative difference between numerical and backprop gradients.

    Below 1e-9 on the course's small set-up means backprop is right."""
    analytic = network.backprop(X, Y, lam).gradient_vector
    numeric = np.concatenate([g.ravel(order="F") for g in numerical_gradients(network, X, Y, lam, eps)])
    return relative_difference(numeric, analytic)
