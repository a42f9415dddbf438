"""Optimisers that advance a Network one iteration at a time.

A trainer must be able to pause, step one iteration and change α or λ between
iterations, so each optimiser keeps its own state (velocity, search direction)
and exposes `step()`. Every step reports the backprop result at the weights it
started from, so the δ a user inspects always belongs to the Θ shown with it.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import BackpropResult, Network

OPTIMIZERS = {
    "gd": "Batch gradient descent",
    "momentum": "Gradient descent with momentum",
    "sgd": "Mini-batch gradient descent",
    "cg": "Conjugate gradient (fmincg)",
}


@dataclass(frozen=True)
class StepReport:
    """One iteration. `result` is backprop at the weights *before* the step (Θ_t)."""

    result: BackpropResult
    cost_before: float
    cost_after: float | None
    gradient_norm: float
    evaluations: int
    converged: bool = False  # the line search could make no further progress (CG)
    updated: bool = True     # False: `proceed` declined the update, Θ is still Θ_t


# proceed(result) sees backprop at Θ_t before a step updates Θ; False ends the step there
Proceed = Callable[[BackpropResult], bool] | None


class Optimizer:
    kind = ""

    def step(self, network: Network, X: np.ndarray, Y: np.ndarray, lam: float = 0.0,
             proceed: Proceed = None) -> StepReport:
        """One iteration from Θ_t. If `proceed` returns False for the pass at Θ_t, Θ and the
        optimiser's state stay as they are (a stop criterion met before the update)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget velocity / search direction (after the weights were replaced)."""

    def state(self) -> dict[str, Any]:
        """The optimiser's internal state, for saving a session."""
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore what `state()` returned."""


class GradientDescent(Optimizer):
    """Θ := Θ − α D, or with momentum μ: v := μ v − α D, Θ := Θ + v."""

    kind = "gd"

    def __init__(self, alpha: float = 1.0, momentum: float = 0.0, *, track_cost_after: bool = True):
        self.alpha = float(alpha)
        self.momentum = float(momentum)
        self.track_cost_after = track_cost_after
        self._velocity: np.ndarray | None = None

    def step(self, network, X, Y, lam=0.0, proceed=None):
        result = network.backprop(X, Y, lam)
        if proceed is not None and not proceed(result):
            return _declined(result)
        self._apply(network.params, result.gradient_vector)
        cost_after = network.cost(X, Y, lam) if self.track_cost_after else None
        return StepReport(result, result.cost, cost_after,
                          float(np.linalg.norm(result.gradient_vector)), 1)

    def _apply(self, params: np.ndarray, gradient: np.ndarray) -> None:
        if self.momentum == 0.0:
            params -= self.alpha * gradient
            self._velocity = None
            return
        if self._velocity is None or self._velocity.shape != params.shape:
            self._velocity = np.zeros_like(params)
        self._velocity *= self.momentum
        self._velocity -= self.alpha * gradient
        params += self._velocity

    def reset(self):
        self._velocity = None

    def state(self):
        return {} if self._velocity is None else {"velocity": self._velocity.copy()}

    def load_state(self, state):
        velocity = state.get("velocity")
        self._velocity = None if velocity is None else np.array(velocity, dtype=float)


class Momentum(GradientDescent):
    kind = "momentum"

    def __init__(self, alpha: float = 1.0, momentum: float = 0.9, *, track_cost_after: bool = True):
        super().__init__(alpha, momentum, track_cost_after=track_cost_after)


class MiniBatchGradientDescent(GradientDescent):
    """One iteration is one epoch: the examples are shuffled (from the seed) and
    Θ is updated once per mini-batch of `batch_size` examples."""

    kind = "sgd"

    def __init__(self, alpha: float = 1.0, batch_size: int = 32, momentum: float = 0.0,
                 seed: int = 0, *, track_cost_after: bool = True):
        super().__init__(alpha, momentum, track_cost_after=track_cost_after)
        if batch_size < 1:
            raise ValueError(f"batch size must be at least 1; got {batch_size}")
        self.batch_size = int(batch_size)
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def step(self, network, X, Y, lam=0.0, proceed=None):
        result = network.backprop(X, Y, lam)  # the full-batch picture at Θ_t, for the report
        if proceed is not None and not proceed(result):
            return _declined(result)
        m = len(result.a_columns[0].T)
        order = self._rng.permutation(m)
        evaluations = 1
        for start in range(0, m, self.batch_size):
            batch = order[start:start + self.batch_size]
            # λ is scaled so that each batch's penalty weighs as much per example as the full one
            batch_lam = lam * len(batch) / m
            self._apply(network.params, network.backprop(X[batch], Y[batch], batch_lam).gradient_vector)
            evaluations += 1
        cost_after = network.cost(X, Y, lam) if self.track_cost_after else None
        return StepReport(result, result.cost, cost_after,
                          float(np.linalg.norm(result.gradient_vector)), evaluations)

    def reset(self):
        super().reset()
        self._rng = np.random.default_rng(self.seed)

    def state(self):
        return {**super().state(), "rng": self._rng.bit_generator.state}

    def load_state(self, state):
        super().load_state(state)
        if "rng" in state:
            self._rng.bit_generator.state = state["rng"]


class ConjugateGradient(Optimizer):
    """The course's fmincg (C. E. Rasmussen), one line search per step: Polak–Ribière
    directions and a line search by quadratic/cubic interpolation and extrapolation under
    the Wolfe–Powell conditions. A successful line search always lowers J; a failed one
    restores Θ; two failures in a row mean convergence (fmincg stops there). ex4.m's
    MaxIter = 50 is 50 steps: fmincg counts line searches, failed ones included.

    fmincg's quirk after a failed line search, kept on purpose: it restores X, f1 and df1,
    then swaps df1 and df2, so the next direction is the steepest descent of the *last
    point it tried*, not of the restored point, and the Polak–Ribière step after that uses
    that gradient as the "previous" one too. `_df1` is fmincg's df1 for that reason: after
    every line search it is the gradient of the last point evaluated.
    """

    kind = "cg"
    RHO, SIG, INT, EXT, MAX, RATIO = 0.01, 0.5, 0.1, 3.0, 20, 100.0

    def __init__(self):
        self.reset()

    def reset(self):
        self._s: np.ndarray | None = None   # search direction
        self._df1: np.ndarray | None = None  # fmincg's df1 (see the class docstring)
        self._d1 = 0.0                      # slope along s
        self._z1 = 0.0                      # step length guess
        self._ls_failed = False
        self._current: BackpropResult | None = None
        self._key: tuple | None = None      # what _current was computed for
        self._loaded_lam: float | None = None  # λ that a state from load_state() belongs to

    def state(self):
        if self._s is None:
            return {}
        # λ is part of the state: the direction s belongs to J with this λ; a step with
        # another λ restarts along −∇J, after a load_state() as without one.
        lam = self._key[2] if self._key is not None else self._loaded_lam
        state = {"s": self._s.copy(), "d1": self._d1, "z1": self._z1,
                 "ls_failed": self._ls_failed, "lam": lam}
        if self._df1 is not None:
            state["df1"] = self._df1.copy()
        return state

    def load_state(self, state):
        self.reset()
        if "s" in state:
            self._s = np.array(state["s"], dtype=float)
            self._d1, self._z1 = float(state["d1"]), float(state["z1"])
            self._ls_failed = bool(state["ls_failed"])
            lam = state.get("lam")
            self._loaded_lam = None if lam is None else float(lam)
            # sessions saved before df1 was kept: the start's gradient, right unless the
            # last line search had failed
            df1 = state.get("df1")
            self._df1 = None if df1 is None else np.array(df1, dtype=float)

    def _evaluate_start(self, network, X, Y, lam) -> BackpropResult:
        """Backprop at Θ_t, reusing the accepted point of the last line search when the
        weights, data and λ are unchanged (otherwise the search restarts along −∇J)."""
        key = (id(X), id(Y), float(lam))
        if (self._current is not None and self._key is not None and self._key[:3] == key
                and np.array_equal(self._key[3], network.params)):
            return self._current
        fresh = (self._key is not None or self._s is None
                 or (self._loaded_lam is not None and self._loaded_lam != float(lam)))
        result = network.backprop(X, Y, lam)
        if fresh:  # data, λ or weights changed under us (or first call): steepest descent
            self._s = -result.gradient_vector
            self._d1 = float(-self._s @ self._s)
            self._z1 = 1.0 / (1.0 - self._d1)
            self._ls_failed = False
            self._df1 = None
        if self._df1 is None:
            self._df1 = result.gradient_vector
        return result

    def step(self, network, X, Y, lam=0.0, proceed=None):
        start = self._evaluate_start(network, X, Y, lam)
        evaluations = 1 if start is not self._current else 0
        if proceed is not None and not proceed(start):
            return _declined(start, evaluations)
        params = network.params
        f1, df1 = start.cost, self._df1
        s, d1, z1 = self._s, self._d1, self._z1
        X0 = params.copy()

        def evaluate():
            nonlocal evaluations
            evaluations += 1
            r = network.backprop(X, Y, lam)
            return r, r.cost, r.gradient_vector, float(r.gradient_vector @ s)

        params += z1 * s
        r2, f2, df2, d2 = evaluate()
        f3, d3, z3 = f1, d1, -z1
        M, success, limit = self.MAX, False, -1.0
        while True:
            while ((f2 > f1 + z1 * self.RHO * d1) or (d2 > -self.SIG * d1)) and M > 0:
                limit = z1  # tighten the bracket
                z2 = self._interpolate(f1, f2, d2, f3, d3, z3)
                z1 += z2
                params += z2 * s
                r2, f2, df2, d2 = evaluate()
                M -= 1
                z3 -= z2
            if f2 > f1 + z1 * self.RHO * d1 or d2 > -self.SIG * d1:
                break  # failure
            if d2 > self.SIG * d1:
                success = True
                break
            if M == 0:
                break  # failure
            z2 = self._extrapolate(f2, d2, f3, d3, z3, z1, limit)
            f3, d3, z3 = f2, d2, -z2
            z1 += z2
            params += z2 * s
            r2, f2, df2, d2 = evaluate()
            M -= 1

        converged = False
        if success:
            # Polak–Ribière direction
            s = (df2 @ df2 - df1 @ df2) / (df1 @ df1) * s - df2
            d2 = float(df2 @ s)
            if d2 > 0:  # not a descent direction: restart along −∇J
                s = -df2
                d2 = float(-s @ s)
            z1 = z1 * min(self.RATIO, d1 / (d2 - np.finfo(float).tiny))
            self._s, self._d1, self._z1, self._ls_failed = s, d2, z1, False
            self._current, cost_after = r2, f2
        else:
            params[...] = X0  # restore Θ_t: a failed search never raises J
            converged = self._ls_failed
            # fmincg swaps df1 and df2 after restoring them: the new steepest-descent
            # direction is that of the last point tried (df2), not of the restored Θ_t
            s = -df2
            self._s, self._d1, self._z1, self._ls_failed = s, float(-s @ s), 1.0 / (1.0 + s @ s), True
            self._current, cost_after = start, f1
        self._df1 = df2  # after a success df2 is Θ_t+1's gradient; after a failure, see above
        self._key = (id(X), id(Y), float(lam), params.copy())
        return StepReport(start, f1, cost_after, float(np.linalg.norm(start.gradient_vector)),
                          evaluations, converged)

    def _interpolate(self, f1: float, f2: float, d2: float, f3: float, d3: float,
                     z3: float) -> float:
        """fmincg's step from point 2 back into the bracket towards point 3 (z3 away),
        kept at least INT·|z3| from either end."""
        if f2 > f1:  # quadratic fit
            z2 = z3 - _divide(0.5 * d3 * z3 * z3, d3 * z3 + f2 - f3)
        else:  # cubic fit
            A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
            B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
            # B² − A d2 z3² < 0 (Octave's sqrt would turn complex) cannot happen here: d3 < 0
            # and ρ < σ/6 keep it positive whenever the line search gets this far
            z2 = _divide(_sqrt(B * B - A * d2 * z3 * z3) - B, A)
        if not math.isfinite(z2):
            z2 = z3 / 2  # the fit failed numerically: bisect
        return max(min(z2, self.INT * z3), (1 - self.INT) * z3)  # not too close to either end

    def _extrapolate(self, f2: float, d2: float, f3: float, d3: float, z3: float, z1: float,
                     limit: float) -> float:
        """fmincg's cubic extrapolation beyond point 2, within EXT times the step and the
        bracket's limit (when there is one)."""
        A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
        B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
        root = _sqrt(B * B - A * d2 * z3 * z3)  # nan where Octave's is complex: same branch
        z2 = _divide(-d2 * z3 * z3, B + root)
        if not math.isfinite(z2) or z2 < 0:  # numerical problem or wrong sign
            return z1 * (self.EXT - 1) if limit < -0.5 else (limit - z1) / 2
        if limit > -0.5 and z2 + z1 > limit:
            return (limit - z1) / 2
        if limit < -0.5 and z2 + z1 > z1 * self.EXT:
            return z1 * (self.EXT - 1.0)
        if z2 < -z3 * self.INT:
            return -z3 * self.INT
        if limit > -0.5 and z2 < (limit - z1) * (1.0 - self.INT):
            return (limit - z1) * (1.0 - self.INT)
        return z2


def _declined(result: BackpropResult, evaluations: int = 1) -> StepReport:
    """The report of a step that `proceed` ended before the update."""
    return StepReport(result, result.cost, None, float(np.linalg.norm(result.gradient_vector)),
                      evaluations, updated=False)


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else math.nan


def _divide(a: float, b: float) -> float:
    """a / b, or nan for b = 0 where Octave gives ±inf or nan: fmincg treats them alike."""
    return a / b if b != 0 else math.nan


def make_optimizer(kind: str, *, alpha: float = 1.0, momentum: float = 0.9, batch_size: int = 32,
                   seed: int = 0, track_cost_after: bool = True) -> Optimizer:
    """An optimiser by its short name: 'gd', 'momentum', 'sgd' or 'cg'."""
    if kind == "gd":
        return GradientDescent(alpha, 0.0, track_cost_after=track_cost_after)
    if kind == "momentum":
        return Momentum(alpha, momentum, track_cost_after=track_cost_after)
    if kind == "sgd":
        return MiniBatchGradientDescent(alpha, batch_size, 0.0, seed, track_cost_after=track_cost_after)
    if kind == "cg":
        return ConjugateGradient()
    raise ValueError(f"unknown optimiser {kind!r}; choose one of {sorted(OPTIMIZERS)}")
