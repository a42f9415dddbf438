"""The lecture's backprop written as a per-example loop (`for t = 1:m`).

Slow and plain on purpose: it is the readable reference the vectorised core is
tested against, and the baseline of the benchmarks."""
from __future__ import annotations

import numpy as np

from bp_desktop.core.activations import ACTIVATIONS, gradient_from_activation, sigmoid


def backprop_loop(thetas, X, Y, lam=0.0, hidden_activation="sigmoid"):
    """Returns (J, per-example deltas as lists of vectors, the accumulated Δ^(l), gradients D^(l))."""
    m = X.shape[0]
    L = len(thetas) + 1
    g = ACTIVATIONS[hidden_activation]
    Deltas = [np.zeros_like(t) for t in thetas]
    J = 0.0
    deltas_per_example = []
    for t in range(m):
        # forward: a^(1) = x, then z^(l+1) = Θ^(l) [1; a^(l)]
        a = [np.asarray(X[t], dtype=float)]
        z = [None]
        for l, theta in enumerate(thetas):
            zl = theta @ np.concatenate(([1.0], a[l]))
            z.append(zl)
            a.append(sigmoid(zl.copy()) if l == len(thetas) - 1 else g(zl.copy()))
        h, y = a[-1], Y[t]
        J += -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h))
        # backward
        d = [None] * L
        d[L - 1] = h - y
        for l in range(L - 2, 0, -1):
            d[l] = (thetas[l].T @ d[l + 1])[1:] * gradient_from_activation(hidden_activation, z[l], a[l])
        for l in range(L - 1):
            Deltas[l] += np.outer(d[l + 1], np.concatenate(([1.0], a[l])))
        deltas_per_example.append(d)
    J /= m
    J += lam / (2 * m) * sum(np.sum(t[:, 1:] ** 2) for t in thetas)
    D = []
    for theta, Delta in zip(thetas, Deltas):
        grad = Delta / m
        grad[:, 1:] += lam / m * theta[:, 1:]
        D.append(grad)
    return J, deltas_per_example, Deltas, D
