"""Numerical gradients by central differences and the course's gradient check."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import sigmoid_gradient
from .network import Network, one_hot
from .params import debug_initialize_weights, theta_views, unroll

COURSE_CHECK_PASS = 1e-9                         # checkNNGradients: "less than 1e-9"
COURSE_CHECK_LAMBDAS = (0.0, 3.0)                # ex4.m checks without, then with λ = 3
SIGMOID_GRADIENT_POINTS = (-1.0, -0.5, 0.0, 0.5, 1.0)  # ex4.m's sigmoidGradient check


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
    numeric = unroll(numerical_gradients(network, X, Y, lam, eps))
    return relative_difference(numeric, analytic)


# --- the course's checkNNGradients, as it prints it ------------------------------------------------
def course_debug_problem() -> tuple[Network, np.ndarray, np.ndarray]:
    """checkNNGradients' debug network 3-5-3 and its data: Θ and X from debugInitializeWeights,
    m = 5 examples labelled y = 1 + mod(1:m, 3) (returned as Y, one-hot)."""
    input_units, hidden_units, labels, m = 3, 5, 3, 5
    thetas = [debug_initialize_weights(hidden_units, input_units),
              debug_initialize_weights(labels, hidden_units)]
    X = debug_initialize_weights(m, input_units - 1)
    y = np.mod(np.arange(1, m + 1), labels)  # 1 + mod(1:m, 3), 0-based
    return Network([input_units, hidden_units, labels], thetas=thetas), X, one_hot(y, labels)


@dataclass(frozen=True)
class CourseCheck:
    """One run of checkNNGradients(λ): numgrad and grad, unrolled as nn_params."""

    lam: float
    cost: float                  # J at the debug parameters
    numerical: np.ndarray        # computeNumericalGradient, ε = 1e-4
    analytical: np.ndarray       # backprop
    relative_difference: float   # ‖numgrad − grad‖ / ‖numgrad + grad‖

    @property
    def passed(self) -> bool:
        return self.relative_difference < COURSE_CHECK_PASS


def course_check(lam: float = 0.0) -> CourseCheck:
    network, X, Y = course_debug_problem()
    result = network.backprop(X, Y, lam)
    numeric = unroll(numerical_gradients(network, X, Y, lam))
    return CourseCheck(lam, result.cost, numeric, result.gradient_vector,
                       relative_difference(numeric, result.gradient_vector))


def course_check_report(checks: list[CourseCheck]) -> str:
    """The checks as ex4.m prints them: disp([numgrad grad]) (Octave's %13.4e columns here),
    the relative difference as %g, then sigmoidGradient's check values as %f."""
    lines = ["checkNNGradients: the course's debug network 3-5-3, m = 5 examples,",
             "Θ and X from debugInitializeWeights, y = 1 + mod(1:m, 3)."]
    for check in checks:
        lines += ["", f"λ = {check.lam:g}: cost at the debug parameters J = {check.cost:.10f}",
                  f"{'numerical':>13}{'analytical':>13}   (a row per parameter, nn_params order)"]
        lines += [f"{n:13.4e}{a:13.4e}" for n, a in zip(check.numerical, check.analytical)]
        verdict = ("below 1e-9: backpropagation agrees with the numerical gradient" if check.passed
                   else "NOT below 1e-9: backpropagation disagrees with the numerical gradient")
        lines += [f"Relative Difference: {check.relative_difference:g}   ({verdict})"]
    values = sigmoid_gradient(np.array(SIGMOID_GRADIENT_POINTS))
    points = " ".join(f"{z:g}" for z in SIGMOID_GRADIENT_POINTS)
    lines += ["", f"sigmoidGradient(0) = {sigmoid_gradient(0.0):f}",
              f"Sigmoid gradient evaluated at [{points}]:",
              "  " + " ".join(f"{g:f}" for g in values)]
    return "\n".join(lines) + "\n"
