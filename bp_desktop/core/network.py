"""A fully connected network in the lecture's notation, with forward propagation,
the cost J(Θ) and backpropagation.

Public arrays are laid out as in the course's vectorised code: one row per
example, shape (m, s_l). Internally each layer is kept as units × examples
(s_l × m), which makes every step one matrix product; the public arrays are
transposed *views* of those, so nothing is copied to present them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .activations import ACTIVATIONS, DERIVATIVES, logistic_loss, sigmoid_unguarded
from .params import parameter_count, rand_initialize_weights, theta_shapes, theta_views


def one_hot(y: Sequence[int] | np.ndarray, num_classes: int) -> np.ndarray:
    """Y with Y[i, y[i]] = 1: the course's recoding of labels into vectors (0-based here)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a vector of class indices; got shape {y.shape}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1; got {num_classes}")
    if y.size and (not np.issubdtype(y.dtype, np.integer) and not np.all(y == np.round(y))):
        raise ValueError("y must hold whole class indices")
    yi = y.astype(np.int64)
    if y.size and (yi.min() < 0 or yi.max() >= num_classes):
        raise ValueError(f"class indices must lie in 0..{num_classes - 1}; "
                         f"got {yi.min()}..{yi.max()}")
    Y = np.zeros((y.size, num_classes))
    Y[np.arange(y.size), yi] = 1.0
    return Y


class PerExampleViews:
    """Row views (one row per example, shape (m, s_l)) of arrays kept as units × examples
    in `a_columns`, `z_columns` and, where there are deltas, `delta_columns`."""

    @property
    def activations(self) -> list[np.ndarray]:
        return [a.T for a in self.a_columns]

    @property
    def z(self) -> list[np.ndarray | None]:
        return [None if z is None else z.T for z in self.z_columns]

    @property
    def deltas(self) -> list[np.ndarray | None]:
        return [None if d is None else d.T for d in self.delta_columns]

    @property
    def output(self) -> np.ndarray:
        """h_Θ(x) for every example, shape (m, K)."""
        return self.a_columns[-1].T


@dataclass(frozen=True)
class ForwardPass(PerExampleViews):
    """a^(l) and z^(l) for every layer. `activations[0]` is X; `z[0]` is None.

    `a_columns[l]` / `z_columns[l]` hold the same numbers as units × examples
    (the layout backprop computes in); `activations[l]` is `a_columns[l].T`.
    """

    a_columns: list[np.ndarray]
    z_columns: list[np.ndarray | None]
    # a, z (and in a BackpropResult δ) of layers 2..L in one (2 or 3, s_2 + … + s_L, m) array:
    # stacked[0] holds a, one row per unit, layer after layer; stacked[1] z; stacked[2] δ.
    # a_columns[1:], z_columns[1:] and delta_columns[1:] are views into it, so a statistic
    # over every unit is one numpy call on it rather than one per layer.
    stacked: np.ndarray | None = None


@dataclass(frozen=True)
class BackpropResult(ForwardPass):
    """Everything one pass of backpropagation computes, at one set of weights.

    cost                 J(Θ), regularisation included
    data_cost            the cross-entropy part alone (λ term excluded)
    deltas[l]            δ^(l+1) per example, shape (m, s_{l+1}); deltas[0] is None
    Deltas[l]            the lecture's Δ^(l) = Σ_t δ^(l+1) (a^(l))ᵀ with a_0 = 1, shape of
                         thetas[l]: column 0 is Σ_t δ^(l+1)
    gradients[l]         D^(l) = Δ^(l)/m + (λ/m) Θ^(l) (bias column unregularised), shape of
                         thetas[l]; views into `gradient_vector`
    gradient_vector      unroll(gradients), the course's `grad`
    """

    cost: float = 0.0
    data_cost: float = 0.0
    delta_columns: list[np.ndarray | None] = field(default_factory=list)
    Deltas: list[np.ndarray] = field(default_factory=list)
    gradients: list[np.ndarray] = field(default_factory=list)
    gradient_vector: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def regularisation(self) -> float:
        """λ/(2m) Σ Θ² over the non-bias columns."""
        return self.cost - self.data_cost


class Network:
    """Θ^(1) … Θ^(L-1) for layer sizes s_1 … s_L, and the maths that uses them.

    `thetas[l]` has shape (s_{l+1}, s_l + 1); column 0 multiplies the bias unit
    a_0 = +1. All Θ are views into one column-major vector `params`, which is
    exactly the course's unrolled `nn_params = [Theta1(:); Theta2(:); ...]`.
    """

    def __init__(self, layer_sizes: Sequence[int], *, thetas: Sequence[np.ndarray] | None = None,
                 hidden_activation: str = "sigmoid", seed: int | None = None,
                 epsilon_init: float | None = None):
        self.layer_sizes = _checked_layer_sizes(layer_sizes)
        ends = np.cumsum(self.layer_sizes[1:]).tolist()
        self._stacked_rows = [slice(end - size, end) for end, size in zip(ends, self.layer_sizes[1:])]
        if hidden_activation not in ACTIVATIONS:
            raise ValueError(f"unknown hidden activation {hidden_activation!r}; "
                             f"choose one of {sorted(ACTIVATIONS)}")
        self.hidden_activation = hidden_activation
        self.params = np.zeros(parameter_count(self.layer_sizes))
        self._thetas = theta_views(self.params, self.layer_sizes)
        # each Θ^(l) split into its weights and its bias column, once: views that stay valid
        # because params is only ever written in place
        self._weights = [theta[:, 1:] for theta in self._thetas]
        self._biases = [theta[:, :1] for theta in self._thetas]
        # 1 where params holds a weight, 0 where it holds a bias: the λ terms leave biases out
        self._weight_mask = np.ones_like(self.params)
        for bias in theta_views(self._weight_mask, self.layer_sizes):
            bias[:, 0] = 0.0
        self.epsilon_init = epsilon_init
        self.seed = seed
        if thetas is None:
            self.initialize(seed)
        else:
            self.thetas = thetas

    # --- weights -----------------------------------------------------------------
    @property
    def L(self) -> int:
        """The number of layers, inputs and outputs included."""
        return len(self.layer_sizes)

    @property
    def thetas(self) -> list[np.ndarray]:
        return list(self._thetas)

    @thetas.setter
    def thetas(self, thetas: Sequence[np.ndarray]) -> None:
        checked = _checked_thetas(thetas, self.layer_sizes)
        for view, theta in zip(self._thetas, checked):
            view[...] = theta

    def initialize(self, seed: int | None = None, epsilon: float | None = None) -> None:
        """Random Θ uniform in [−ε, ε], ε = √6/√(s_l + s_{l+1}) unless `epsilon` (or
        `epsilon_init`) is given. The seed is recorded, so the same weights can be
        drawn again; with no seed a fresh one is drawn and recorded."""
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**32))
        if epsilon is not None:
            self.epsilon_init = epsilon
        self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        for l, view in enumerate(self._thetas):
            view[...] = rand_initialize_weights(self.layer_sizes[l], self.layer_sizes[l + 1], rng,
                                                self.epsilon_init)

    def copy(self) -> Network:
        twin = Network(self.layer_sizes, thetas=self._thetas,
                       hidden_activation=self.hidden_activation, seed=self.seed,
                       epsilon_init=self.epsilon_init)
        return twin

    # --- the maths -----------------------------------------------------------------
    def forward(self, X: np.ndarray) -> ForwardPass:
        """Forward propagation: a^(1) = x, z^(l+1) = Θ^(l) a^(l), a^(l+1) = g(z^(l+1))."""
        block, a_cols, z_cols, _, _ = self._forward_pass(self._checked_X(X), with_deltas=False)
        return ForwardPass(a_cols, z_cols, block)

    def cost(self, X: np.ndarray, Y: np.ndarray, lam: float = 0.0) -> float:
        """J(Θ), the regularised cross-entropy cost of the course."""
        X, Y = self._checked_X(X), self._checked_Y(Y, len(X))
        _, _, z_cols, _, scratch = self._forward_pass(X, with_deltas=False)
        data_cost = self._data_cost(z_cols[-1], Y, scratch)
        return data_cost + self._regularisation(lam, len(X))[0] if lam else data_cost

    def backprop(self, X: np.ndarray, Y: np.ndarray, lam: float = 0.0) -> BackpropResult:
        """J(Θ), every δ^(l) for every example, the lecture's Δ^(l) and the gradients D^(l)."""
        X = self._checked_X(X)
        Y = self._checked_Y(Y, len(X))
        m = len(X)
        block, a_cols, z_cols, deltas, scratch = self._forward_pass(X, with_deltas=True)
        self._backward_into(deltas, a_cols, z_cols, Y, scratch)
        # Δ and D unrolled like params, each seen as one Θ-shaped matrix per layer. Two arrays:
        # as two rows of one, they made 784-128-64-10 page-fault twice as often (measured)
        Delta_vector, gradient_vector = np.empty(self.params.size), np.empty(self.params.size)
        Deltas = theta_views(Delta_vector, self.layer_sizes)
        for l, Delta in enumerate(Deltas):
            # Δ^(l) = Σ_t δ^(l+1) (a^(l))ᵀ, a_0 = 1: column 0 is Σ_t δ^(l+1)
            deltas[l + 1].sum(axis=1, out=Delta[:, 0])
            # the product lands in a row-major temporary and is then copied: BLAS writing straight
            # into the column-major Θ-shaped view is slower (measured)
            Delta[:, 1:] = deltas[l + 1] @ a_cols[l].T
        # D^(l) = Δ^(l)/m + (λ/m) Θ^(l), bias column unregularised: every layer in one go
        np.divide(Delta_vector, m, out=gradient_vector)
        data_cost = cost = self._data_cost(z_cols[-1], Y, scratch)
        if lam:
            regularisation, weight_gradient = self._regularisation(lam, m)
            gradient_vector += weight_gradient
            cost += regularisation
        return BackpropResult(a_cols, z_cols, block, cost=cost, data_cost=data_cost,
                              delta_columns=deltas, Deltas=Deltas,
                              gradients=theta_views(gradient_vector, self.layer_sizes),
                              gradient_vector=gradient_vector)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """0-based class per row: argmax of h_Θ(x); with one output unit, 1 where h ≥ 0.5."""
        h = self.forward(X).a_columns[-1]
        if h.shape[0] == 1:
            return (h[0] >= 0.5).astype(np.int64)
        return np.argmax(h, axis=0).astype(np.int64)

    # --- helpers ---------------------------------------------------------------------
    def _forward_pass(self, X: np.ndarray, *, with_deltas: bool):
        """The arrays of one pass (see `_pass_arrays`), with a^(l) and z^(l) filled in."""
        arrays = self._pass_arrays(X, with_deltas=with_deltas)
        self._forward_into(*arrays[1:3])
        return arrays

    def _forward_into(self, a_cols: list[np.ndarray], z_cols: list[np.ndarray | None]) -> None:
        hidden = (sigmoid_unguarded if self.hidden_activation == "sigmoid"
                  else ACTIVATIONS[self.hidden_activation])
        output = self.L - 2
        # one np.errstate for the whole pass rather than one per sigmoid (see sigmoid)
        with np.errstate(over="ignore", under="ignore"):
            for l, (weights, bias) in enumerate(zip(self._weights, self._biases)):
                # z^(l+1) = Θ^(l) [1; a^(l)]: the bias column is added instead of stacking a row of ones
                z = np.matmul(weights, a_cols[l], out=z_cols[l + 1])
                z += bias
                (sigmoid_unguarded if l == output else hidden)(z, a_cols[l + 1])

    def _backward_into(self, deltas: list[np.ndarray | None], a_cols: list[np.ndarray],
                       z_cols: list[np.ndarray | None], Y: np.ndarray, scratch: np.ndarray) -> None:
        # δ^(L) = a^(L) − y
        np.subtract(a_cols[-1], Y.T, out=deltas[-1])
        # δ^(l) = (Θ^(l))ᵀ δ^(l+1) .* g′(z^(l)), the bias column left out (no δ for a_0)
        g_prime = DERIVATIVES[self.hidden_activation]
        for l in range(self.L - 2, 0, -1):
            np.matmul(self._weights[l].T, deltas[l + 1], out=deltas[l])
            deltas[l] *= g_prime(z_cols[l], a_cols[l], scratch[:self.layer_sizes[l]])

    def _pass_arrays(self, X: np.ndarray, *, with_deltas: bool
                     ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray | None],
                                list[np.ndarray | None], np.ndarray]:
        """The stacked block, a^(l), z^(l), δ^(l) (if asked for) and a scratch layer, units ×
        examples, for one pass.

        a, z and δ are views of one fresh block (ForwardPass.stacked), so one pass never shares
        memory with another. One allocation because fresh memory costs a page fault per
        4 KiB on first touch: one array each, plus the temporaries this code now avoids,
        made backprop twice as slow for 64-32-10, m = 1797 (measured). a^(1) is X itself,
        seen as units × examples. The scratch holds a layer's g'(z), or the output layer's
        cost terms."""
        m, rows = len(X), self._stacked_rows
        block = np.empty((3 if with_deltas else 2, rows[-1].stop, m))
        a_cols = [X.T, *(block[0, layer] for layer in rows)]
        z_cols = [None, *(block[1, layer] for layer in rows)]
        deltas = [None, *(block[2, layer] for layer in rows)] if with_deltas else []
        scratch = np.empty((max(self.layer_sizes[1:]) if with_deltas else self.layer_sizes[-1], m))
        return block, a_cols, z_cols, deltas, scratch

    @staticmethod
    def _data_cost(z_out: np.ndarray, Y: np.ndarray, scratch: np.ndarray) -> float:
        return cross_entropy(z_out, Y, scratch)

    def _regularisation(self, lam: float, m: int) -> tuple[float, np.ndarray]:
        """The λ terms: λ/(2m) Σ Θ² of the cost, and (λ/m) Θ of the gradient unrolled like
        params, both without the bias columns. One product over every layer's weights."""
        weights = np.multiply(self.params, self._weight_mask)
        cost = lam / (2 * m) * float(weights @ self.params)
        weights *= lam / m
        return cost, weights

    def _checked_X(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0] or X.shape[0] < 1:
            raise ValueError(f"X must have shape (m, {self.layer_sizes[0]}) with m ≥ 1 for layer "
                             f"sizes {list(self.layer_sizes)}; got shape {X.shape}")
        return X

    def _checked_Y(self, Y: np.ndarray, m: int) -> np.ndarray:
        Y = np.asarray(Y, dtype=float)
        K = self.layer_sizes[-1]
        if Y.shape != (m, K):
            raise ValueError(f"Y must have shape ({m}, {K}) (one row per example of X, one column "
                             f"per output unit); got shape {Y.shape}")
        return Y

    def __repr__(self) -> str:
        return (f"Network({list(self.layer_sizes)}, hidden_activation={self.hidden_activation!r}, "
                f"seed={self.seed})")


def cross_entropy(z_out: np.ndarray, Y: np.ndarray, scratch: np.ndarray | None = None) -> float:
    """J without the λ term, −(1/m) Σ_i Σ_k [y log h + (1 − y) log(1 − h)], from the output
    layer's z (units × examples) and Y (examples × units). `scratch`, if given, is a
    buffer of at least z's shape that may be overwritten. Never negative (see logistic_loss)."""
    out = None if scratch is None else scratch[:len(z_out)]
    return float(logistic_loss(z_out, Y.T, out=out).sum() / Y.shape[0])


def _checked_layer_sizes(layer_sizes: Sequence[int]) -> tuple[int, ...]:
    sizes = tuple(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least two layers (inputs and outputs); got {list(sizes)}")
    for l, s in enumerate(sizes, start=1):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"layer {l} must have at least 1 unit (a whole number); got {s!r} "
                             f"in layer sizes {list(sizes)}")
    return tuple(int(s) for s in sizes)


def _checked_thetas(thetas: Sequence[np.ndarray], layer_sizes: tuple[int, ...]) -> list[np.ndarray]:
    shapes = theta_shapes(layer_sizes)
    thetas = list(thetas)
    if len(thetas) != len(shapes):
        raise ValueError(f"layer sizes {list(layer_sizes)} need {len(shapes)} Θ matrices; "
                         f"got {len(thetas)}")
    checked = []
    for l, (theta, shape) in enumerate(zip(thetas, shapes), start=1):
        theta = np.asarray(theta, dtype=float)
        if theta.shape != shape:
            raise ValueError(f"Θ^({l}) must have shape {shape} (s_{l + 1} × (s_{l} + 1)) for layer "
                             f"sizes {list(layer_sizes)}; got {theta.shape}")
        if not np.all(np.isfinite(theta)):
            raise ValueError(f"Θ^({l}) holds non-finite values (nan or inf)")
        checked.append(theta)
    return checked
