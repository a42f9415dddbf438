"""The lecture's backpropagation algorithm, walked line by line (the Algorithm view's model).

The slide (week 5, "Backpropagation algorithm"):

    Training set {(x(1), y(1)), ..., (x(m), y(m))}
    Set Δ_ij(l) = 0 (for all l, i, j)
    For t = 1 to m
        Set a(1) = x(t)
        Perform forward propagation to compute a(l) for l = 2, 3, ..., L
        Using y(t), compute δ(L) = a(L) − y(t)
        Compute δ(L−1), δ(L−2), ..., δ(2)
        Δ_ij(l) := Δ_ij(l) + a_j(l) δ_i(l+1)
    D_ij(l) := (1/m) Δ_ij(l) + (λ/m) Θ_ij(l)   if j ≠ 0
    D_ij(l) := (1/m) Δ_ij(l)                   if j = 0

A walk is a position in that loop, at the Θ on screen: one step per line, forward and
backward propagation one layer per step. Every number comes from the core's backprop
(the snapshot's a, z, δ per example, its Δ and D); the only sums made here are Δ after
t examples, Σ_{s ≤ t} δ^(l+1)_s (a^(l)_s)ᵀ, kept as lazily built prefix sums so that a key
press costs at most one example's outer product, or one short block of examples.

A new snapshot (training went on, λ changed, Reset) keeps the walk where it is: the same
line and example, recomputed at the new Θ. A new network or dataset (`installed`) starts
it again from the top.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from psygnal import Signal, SignalGroup

from bp_desktop.core import Network, make_optimizer
from bp_desktop.core.activations import gradient_from_activation
from bp_desktop.core.explain import gradient_parts
from bp_desktop.core.params import reshape_params
from bp_desktop.training import Hyperparameters

CHUNK = 64                          # examples between two stored prefix sums (at least)
CHECKPOINT_BYTES = 64 * 2**20       # at most this much memory for the stored prefix sums
RECENT = 4                          # answers kept (a step asks for t − 1 and t)


@dataclass(frozen=True)
class SlideLine:
    key: str
    text: str           # the lecture's words, math in $…$ (LaTeX)
    indent: int = 0


SLIDE = (
    SlideLine("data", r"Training set $\{(x^{(1)}, y^{(1)}), \ldots, (x^{(m)}, y^{(m)})\}$"),
    SlideLine("zero", r"Set $\Delta^{(l)}_{ij} = 0$ (for all $l, i, j$)"),
    SlideLine("loop", r"For $t = 1$ to $m$"),
    SlideLine("input", r"Set $a^{(1)} = x^{(t)}$", 1),
    SlideLine("forward", r"Perform forward propagation to compute $a^{(l)}$ for $l = 2, 3, \ldots, L$", 1),
    SlideLine("output_delta", r"Using $y^{(t)}$, compute $\delta^{(L)} = a^{(L)} - y^{(t)}$", 1),
    SlideLine("hidden_delta", r"Compute $\delta^{(L-1)}, \delta^{(L-2)}, \ldots, \delta^{(2)}$", 1),
    SlideLine("accumulate", r"$\Delta^{(l)}_{ij} := \Delta^{(l)}_{ij} + a^{(l)}_{j} \delta^{(l+1)}_{i}$"
                            r"  (vectorised: $\Delta^{(l)} := \Delta^{(l)} + \delta^{(l+1)} (a^{(l)})^{T}$)", 1),
    SlideLine("D_weights", r"$D^{(l)}_{ij} := \frac{1}{m} \Delta^{(l)}_{ij} + \frac{\lambda}{m} \Theta^{(l)}_{ij}$"
                           r"  if $j \ne 0$"),
    SlideLine("D_bias", r"$D^{(l)}_{ij} := \frac{1}{m} \Delta^{(l)}_{ij}$  if $j = 0$"),
    SlideLine("update", r"then the optimiser uses $D^{(l)} = \partial J(\Theta) / \partial \Theta^{(l)}$:"
                        r" gradient descent $\Theta^{(l)} := \Theta^{(l)} - \alpha D^{(l)}$"),
)
LINE_KEYS = tuple(line.key for line in SLIDE)

# the slide lines each phase of the walk highlights (the loop's header stays lit inside the loop)
PHASE_LINES = {"data": ("data",), "zero": ("zero",), "input": ("loop", "input"),
               "forward": ("loop", "forward"), "output_delta": ("loop", "output_delta"),
               "hidden_delta": ("loop", "hidden_delta"), "accumulate": ("loop", "accumulate"),
               "D": ("D_weights", "D_bias"), "update": ("update",)}
LOOP_PHASES = ("input", "forward", "output_delta", "hidden_delta", "accumulate")


@dataclass(frozen=True)
class Step:
    """One position of the walk.

    phase     one of PHASE_LINES
    t         the example, 1-based as the lecture counts (None outside the loop)
    layer     the lecture's layer l whose a (forward) or δ (δ steps) this step computes
    L         the number of layers
    """

    phase: str
    t: int | None = None
    layer: int | None = None
    L: int = 0

    @property
    def example(self) -> int | None:
        """The example's 0-based index (the model's), or None outside the loop."""
        return None if self.t is None else self.t - 1

    @property
    def lines(self) -> tuple[str, ...]:
        return PHASE_LINES[self.phase]

    @property
    def lighting(self) -> tuple[str | None, ...] | None:
        """Per layer (0-based), what the canvas lights for this step: 'a', 'δ' or None (dim).
        None outside the forward and backward steps: the canvas shows what it always shows."""
        if self.phase in ("input", "forward"):
            done = 1 if self.phase == "input" else self.layer
            return tuple("a" if k < done else None for k in range(self.L))
        if self.phase in ("output_delta", "hidden_delta"):
            return tuple("δ" if k >= self.layer - 1 else None for k in range(self.L))
        return None


def steps_per_example(L: int) -> int:
    """a(1) = x; L − 1 forward layers; δ(L); L − 2 hidden δ; the Δ update."""
    return 2 * L


def step_at(position: int, m: int, L: int) -> Step:
    """The step at `position` of a walk through m examples of an L-layer network:
    0 the training set, 1 Δ = 0, then 2L steps per example, then D, then the update."""
    per = steps_per_example(L)
    if position <= 1:
        return Step(("data", "zero")[max(position, 0)], L=L)
    if position >= 2 + m * per:
        return Step("D" if position == 2 + m * per else "update", L=L)
    t, offset = divmod(position - 2, per)
    t += 1
    if offset == 0:
        return Step("input", t, 1, L)
    if offset < L:
        return Step("forward", t, offset + 1, L)
    if offset == L:
        return Step("output_delta", t, L, L)
    if offset < per - 1:
        return Step("hidden_delta", t, 2 * L - offset, L)  # L − 1 down to 2
    return Step("accumulate", t, None, L)


def position_of(step: Step, m: int) -> int:
    """The inverse of step_at."""
    L, per = step.L, steps_per_example(step.L)
    fixed = {"data": 0, "zero": 1, "D": 2 + m * per, "update": 3 + m * per}
    if step.phase in fixed:
        return fixed[step.phase]
    offset = {"input": 0, "forward": (step.layer or 2) - 1, "output_delta": L,
              "hidden_delta": 2 * L - (step.layer or L - 1), "accumulate": per - 1}[step.phase]
    return 2 + (step.t - 1) * per + offset


def step_count(m: int, L: int) -> int:
    return 4 + m * steps_per_example(L)


# --- Δ after t examples ----------------------------------------------------------------------------
class DeltaPrefix:
    """Δ^(l) after the first t examples: Σ_{s ≤ t} δ^(l+1)_s (a^(l)_s)ᵀ with a_0 = 1, any t.

    Sums at every `chunk` examples are built lazily, the first time a t beyond them is asked
    for; between two of them the few examples left take one matrix product. The last answer
    is kept, so the next example costs one outer product, as the slide's loop does."""

    def __init__(self, a_columns, delta_columns, chunk: int | None = None):
        self._a = list(a_columns[:-1])
        self._delta = list(delta_columns[1:])
        self.m = self._a[0].shape[1]
        size = sum(d.shape[0] * (a.shape[0] + 1) for a, d in zip(self._a, self._delta))
        self.chunk = chunk or max(CHUNK, math.ceil(self.m * size * 8 / CHECKPOINT_BYTES))
        zeros = tuple(np.zeros((d.shape[0], a.shape[0] + 1)) for a, d in zip(self._a, self._delta))
        self._checkpoints = [zeros]             # _checkpoints[k]: Δ after k·chunk examples
        self._recent: dict[int, tuple[np.ndarray, ...]] = {0: zeros}  # the last few answers

    def contribution(self, t: int) -> tuple[np.ndarray, ...]:
        """Example t's (1-based) term δ^(l+1) (a^(l))ᵀ of every layer, bias column first."""
        out = []
        for a, d in zip(self._a, self._delta):
            delta = d[:, t - 1]
            out.append(np.outer(delta, np.concatenate(([1.0], a[:, t - 1]))))
        return tuple(out)

    def after(self, t: int) -> tuple[np.ndarray, ...]:
        """Δ^(l) per layer after examples 1..t (t = 0: all zeros). Read-only arrays."""
        if not 0 <= t <= self.m:
            raise ValueError(f"t must lie in 0..{self.m}; got {t}")
        if t in self._recent:
            return self._recent[t]
        if t - 1 in self._recent:
            result = tuple(D + c for D, c in zip(self._recent[t - 1], self.contribution(t)))
        else:
            k = t // self.chunk
            self._build_checkpoints(k)
            result = self._checkpoints[k]
            if t > k * self.chunk:
                result = tuple(D + S for D, S in zip(result, self._block(k * self.chunk, t)))
        for array in result:
            array.flags.writeable = False
        self._recent[t] = result
        while len(self._recent) > RECENT:
            del self._recent[next(iter(self._recent))]  # the oldest answer
        return result

    def _block(self, start: int, stop: int) -> tuple[np.ndarray, ...]:
        """Σ over examples start+1..stop (0-based columns start..stop−1), one product per layer."""
        out = []
        for a, d in zip(self._a, self._delta):
            block = np.empty((d.shape[0], a.shape[0] + 1))
            deltas = d[:, start:stop]
            deltas.sum(axis=1, out=block[:, 0])
            block[:, 1:] = deltas @ a[:, start:stop].T
            out.append(block)
        return tuple(out)

    def _build_checkpoints(self, k: int) -> None:
        while len(self._checkpoints) <= k:
            n = len(self._checkpoints)
            block = self._block((n - 1) * self.chunk, n * self.chunk)
            self._checkpoints.append(tuple(D + S for D, S in zip(self._checkpoints[-1], block)))
            for array in self._checkpoints[-1]:
                array.flags.writeable = False


# --- the update -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Update:
    """What the optimiser does with D at this Θ. `after` is Θ after the update, or None
    when it cannot be known here (why: `unknown`). `velocity`: momentum's v after the step."""

    optimizer: str
    alpha: float
    momentum: float
    batch_size: int
    after: tuple[np.ndarray, ...] | None
    unknown: str = ""
    velocity_before: tuple[np.ndarray, ...] | None = None
    evaluations: int = 0


def optimiser_update(snapshot, hyper, optimizer_state: dict | None) -> Update:
    """Θ after the update the run would make from the snapshot's Θ.

    gd: Θ − αD, from the core's D. momentum: v := μv − αD with the run's v, Θ + v.
    Mini-batch and conjugate gradient do not update with this D alone: the run's own
    optimiser takes one step on a copy of the network, from the run's state (shuffling
    generator, search direction). `optimizer_state` None: the run's state is not that of
    this Θ (a frame while training), so only gd can be shown."""
    kind = hyper.optimizer
    common = dict(optimizer=kind, alpha=hyper.alpha, momentum=hyper.momentum, batch_size=hyper.batch_size)
    thetas, D = snapshot.thetas, snapshot.gradients
    if kind == "gd":
        return Update(after=tuple(theta - hyper.alpha * d for theta, d in zip(thetas, D)), **common)
    if optimizer_state is None:
        return Update(after=None, unknown="training is running: the optimiser's state at this Θ "
                      "has moved on; pause to see the update", **common)
    if kind == "momentum":
        velocity = optimizer_state.get("velocity")
        sizes = snapshot.layer_sizes
        v = (tuple(np.zeros_like(theta) for theta in thetas) if velocity is None
             else tuple(_theta_shaped(velocity, sizes)))
        new_v = tuple(hyper.momentum * vl - hyper.alpha * d for vl, d in zip(v, D))
        return Update(after=tuple(theta + vl for theta, vl in zip(thetas, new_v)),
                      velocity_before=v, **common)
    network = Network(snapshot.layer_sizes, thetas=thetas, hidden_activation=snapshot.hidden_activation)
    optimizer = make_optimizer(kind, alpha=hyper.alpha, momentum=hyper.momentum,
                               batch_size=hyper.batch_size, seed=hyper.seed, track_cost_after=False)
    optimizer.load_state(optimizer_state)
    with np.errstate(all="ignore"):
        report = optimizer.step(network, snapshot.a_columns[0].T, snapshot.Y, snapshot.lam)
    return Update(after=tuple(theta.copy() for theta in network.thetas), evaluations=report.evaluations,
                  **common)


def _theta_shaped(vector: np.ndarray, sizes) -> list[np.ndarray]:
    return reshape_params(np.asarray(vector, dtype=float), sizes)


# --- what one step shows ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """One heatmap of a layer's row in the view: a Θ-shaped matrix (or the vector of a layer).

    title      LaTeX
    changed    cells the step changed (outlined), or None
    exempt     the bias column carries no λ term here (drawn blank and labelled)
    kind       what hovering a cell explains: 'Delta', 'outer', 'data', 'reg', 'D', 'theta',
               'theta_after', 'change', 'pending' (the example's term, before the Δ line)
    """

    title: str
    matrix: np.ndarray
    kind: str
    changed: np.ndarray | None = None
    exempt: bool = False


class WalkEvents(SignalGroup):
    moved = Signal(object)          # Step: the walk is at another line or example


class AlgorithmWalk:
    """The position in the loop and its numbers at the Θ of `model.snapshot`.

    With a model (the workbench) the walk follows it: a new snapshot keeps the position,
    a new network or dataset starts again at the top, and choosing another example
    elsewhere moves the walk to that example, on the same line. While `active` (the
    Algorithm view is shown) it tells the model its step, so the canvas lights the layers
    it computes, and which example it is at, so every view shows that example."""

    def __init__(self, model=None):
        self.events = WalkEvents()
        self.position = 0
        self.snapshot = None
        self.active = False
        self._model = model
        self._prefix: DeltaPrefix | None = None
        self._update: Update | None = None
        if model is not None:
            model.events.installed.connect(self._on_installed)
            model.events.snapshot.connect(self.set_snapshot)
            model.events.example.connect(self._on_example)
            if model.snapshot is not None:
                self.set_snapshot(model.snapshot)

    # --- following the model --------------------------------------------------------------------
    def set_snapshot(self, snapshot) -> None:
        """Walk at this snapshot's Θ, keeping the position (clamped to its m and L)."""
        old = self.step if self.snapshot is not None else None
        self.snapshot = snapshot
        self._prefix, self._update = None, None
        if old is not None and old.L != self.L:
            old = None
        self.position = 0 if old is None else min(self._position_of(old), self.count - 1)
        self._publish()

    def _on_installed(self, *_) -> None:
        self.snapshot = None
        self.position = 0
        self._prefix, self._update = None, None
        if self._model is not None:  # the old step does not fit the new network
            self._model.set_algorithm_step(None)

    def _on_example(self, example: int) -> None:
        step = self.step if self.snapshot is not None else None
        if step is None or step.t is None or example < 0 or example == step.example:
            return
        self.go_to(Step(step.phase, example + 1, step.layer, step.L))

    def set_active(self, active: bool) -> None:
        """The view is shown (True) or hidden: only a shown walk lights the canvas."""
        self.active = active
        self._publish()

    def _publish(self) -> None:
        model = self._model
        if model is None or self.snapshot is None:
            return
        step = self.step
        if self.active and step.example is not None and step.example != model.example:
            model.set_example(step.example)
        model.set_algorithm_step(step if self.active else None)

    # --- where the walk is ----------------------------------------------------------------------
    @property
    def m(self) -> int:
        return self.snapshot.a_columns[0].shape[1]

    @property
    def L(self) -> int:
        return len(self.snapshot.a_columns)

    @property
    def count(self) -> int:
        return step_count(self.m, self.L)

    @property
    def step(self) -> Step:
        return step_at(self.position, self.m, self.L)

    def _position_of(self, step: Step) -> int:
        if step.t is not None:
            step = Step(step.phase, min(step.t, self.m), step.layer, step.L)
        return position_of(step, self.m)

    # --- commands (the view's keys) -----------------------------------------------------------------
    def go(self, position: int) -> None:
        position = int(np.clip(position, 0, self.count - 1))
        if position != self.position:
            self.position = position
            self.events.moved.emit(self.step)
        self._publish()

    def go_to(self, step: Step) -> None:
        self.go(self._position_of(step))

    def next_line(self) -> None:
        self.go(self.position + 1)

    def previous_line(self) -> None:
        self.go(self.position - 1)

    def next_example(self) -> None:
        """The same line for the next example; before the loop, its first line for t = 1."""
        step = self.step
        if step.t is None:
            if step.phase in ("data", "zero"):
                self.go_to(Step("input", 1, 1, self.L))
            return
        if step.t < self.m:
            self.go(self.position + steps_per_example(self.L))

    def previous_example(self) -> None:
        """The same line for the previous example; from t = 1 back to Δ = 0; after the loop,
        back to the last example's Δ update."""
        step = self.step
        if step.t is None:
            if step.phase in ("D", "update"):
                self.jump_to_example(self.m)
            return
        if step.t > 1:
            self.go(self.position - steps_per_example(self.L))
        else:
            self.go_to(Step("zero", L=self.L))

    def jump_to_example(self, t: int) -> None:
        """Example t's Δ update: Δ then holds the sum over examples 1..t."""
        self.go_to(Step("accumulate", int(np.clip(t, 1, self.m)), None, self.L))

    def end_of_loop(self) -> None:
        """Run the loop to its end: D, made of Δ over all m examples."""
        self.go_to(Step("D", L=self.L))

    def home(self) -> None:
        self.go(0)

    # --- numbers (the core's) --------------------------------------------------------------------
    @property
    def prefix(self) -> DeltaPrefix:
        if self._prefix is None:
            self._prefix = DeltaPrefix(self.snapshot.a_columns, self.snapshot.delta_columns)
        return self._prefix

    def Deltas_after(self, t: int) -> tuple[np.ndarray, ...]:
        """Δ^(l) after examples 1..t; after all m, the core's Δ (backprop's own sum)."""
        if t == self.m:
            return tuple(self.snapshot.Deltas)
        return self.prefix.after(t)

    def Deltas_now(self) -> tuple[np.ndarray, ...]:
        """Δ as it stands at this step: examples before t, or up to t once the step adds it."""
        step = self.step
        if step.t is None:
            return self.Deltas_after(0 if step.phase in ("data", "zero") else self.m)
        return self.Deltas_after(step.t if step.phase == "accumulate" else step.t - 1)

    def D_parts(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """Per layer, D^(l)'s data part (1/m) Δ^(l) and λ part (λ/m) Θ^(l), bias column 0."""
        snap = self.snapshot
        return tuple(gradient_parts(Delta, theta, snap.lam, self.m) for Delta, theta in zip(snap.Deltas, snap.thetas))

    def weighted_sums(self, layer: int) -> np.ndarray:
        """Σ_k Θ^(l)_kj δ^(l+1)_k for every unit j of the lecture's layer l (bias row left out),
        example t: the slide's sum before the g′ factor."""
        snap, t = self.snapshot, self.step.example
        return snap.thetas[layer - 1][:, 1:].T @ snap.delta_columns[layer][:, t]

    def g_prime(self, layer: int) -> np.ndarray:
        """g′(z^(l)) for example t."""
        snap, t = self.snapshot, self.step.example
        activation = "sigmoid" if layer == self.L else snap.hidden_activation
        return gradient_from_activation(activation, snap.z_columns[layer - 1][:, t],
                                        snap.a_columns[layer - 1][:, t])

    def update(self) -> Update:
        """The optimiser's step from this Θ (computed once per snapshot)."""
        if self._update is None:
            model, state = self._model, None
            hyper = model.run.hyper if model is not None and model.run is not None else None
            if hyper is None:
                hyper = Hyperparameters()
            if model is not None and self._is_current(model):
                state = model.optimizer_state()
            self._update = optimiser_update(self.snapshot, hyper, state)
        return self._update

    def _is_current(self, model) -> bool:
        """Whether the run's optimiser state belongs to this snapshot's Θ: at rest, the pass at
        the current Θ."""
        snap = self.snapshot
        return model.run is not None and model.at_rest(snap) and snap.theta_iteration == model.iteration

    def panels(self) -> list[list[Panel]]:
        """Per Θ^(l) (l = 1..L−1), the heatmaps this step shows."""
        step, snap = self.step, self.snapshot
        layers = range(1, self.L)
        if step.phase == "D":
            parts = self.D_parts()
            return [[Panel(rf"\frac{{1}}{{m}} \Delta^{{({l})}}", parts[l - 1][0], "data"),
                     Panel(rf"\frac{{\lambda}}{{m}} \Theta^{{({l})}}", parts[l - 1][1], "reg", exempt=True),
                     Panel(rf"D^{{({l})}}", snap.gradients[l - 1], "D")] for l in layers]
        if step.phase == "update":
            after = self.update().after
            return [[Panel(rf"\Theta^{{({l})}}\ \text{{before}}", snap.thetas[l - 1], "theta")]
                    + ([] if after is None else
                       [Panel(rf"\Theta^{{({l})}}\ \text{{after}}", after[l - 1], "theta_after"),
                        Panel(r"\text{after} - \text{before}", after[l - 1] - snap.thetas[l - 1], "change")])
                    for l in layers]
        Deltas = self.Deltas_now()
        if step.phase != "accumulate":
            # the term's place stays, blank until the Δ line adds it: the layout does not jump
            return [[Panel(_Delta_title(l, None if step.t is None else step.t - 1), Deltas[l - 1], "Delta"),
                     Panel(_term_title(l, step.t) + r"\ \text{at the } \Delta \text{ line}",
                           np.full(Deltas[l - 1].shape, np.nan), "pending")] for l in layers]
        outer = self.prefix.contribution(step.t)
        return [[Panel(_Delta_title(l, step.t), Deltas[l - 1], "Delta",
                       changed=outer[l - 1] != 0),
                 Panel(_term_title(l, step.t), outer[l - 1], "outer", changed=outer[l - 1] != 0)]
                for l in layers]

    def cell(self, layer: int, i: int, j: int) -> dict[str, float]:
        """The numbers behind cell (i, j) of Θ^(layer)-shaped panels (0-based i, j; j = 0 the
        bias) at this step: a_j, δ_i, their product for the example, Δ before and after,
        and the D parts. The view's hover text names them."""
        snap, step = self.snapshot, self.step
        values = {"theta": float(snap.thetas[layer - 1][i, j]),
                  "D": float(snap.gradients[layer - 1][i, j])}
        if step.t is not None:
            a = 1.0 if j == 0 else float(snap.a_columns[layer - 1][j - 1, step.example])
            delta = float(snap.delta_columns[layer][i, step.example])
            values.update(a=a, delta=delta, product=a * delta)
            before = self.Deltas_after(step.t - 1)[layer - 1][i, j]
            values.update(Delta_before=float(before))
            if step.phase == "accumulate":
                values.update(Delta=float(self.Deltas_after(step.t)[layer - 1][i, j]))
        else:
            values.update(Delta=float(self.Deltas_now()[layer - 1][i, j]))
        if step.phase == "D":
            data, reg = self.D_parts()[layer - 1]
            values.update(data=float(data[i, j]), reg=float(reg[i, j]))
        if step.phase == "update" and self.update().after is not None:
            values.update(after=float(self.update().after[layer - 1][i, j]))
        return values


def _Delta_title(l: int, t: int | None) -> str:
    """Δ^(l) = 0 before the loop, else Δ^(l) after t examples."""
    if t is None or t == 0:
        return rf"\Delta^{{({l})}} = 0" if t is None else rf"\Delta^{{({l})}} = 0\ \text{{(no example yet)}}"
    examples = r"\text{example 1}" if t == 1 else rf"\text{{examples 1..{t}}}"
    return rf"\Delta^{{({l})}}\ \text{{after}}\ " + examples


def _term_title(l: int, t: int | None) -> str:
    """δ^(l+1) (a^(l))ᵀ of example t."""
    return rf"\delta^{{({l + 1})}} (a^{{({l})}})^{{T}}" + ("" if t is None else rf",\ t = {t}")


def parse_step(text: str, m: int, L: int) -> Step:
    """A step written as PHASE[:t[:l]] (the command line's --algorithm): 'zero',
    'forward:3:2' (example 3, layer 2), 'hidden_delta:1:2', 'accumulate:40', 'D', 'update'.
    Raises ValueError naming what does not fit this network and training set."""
    phase, *numbers = text.strip().split(":")
    if phase not in PHASE_LINES:
        raise ValueError(f"--algorithm {text}: unknown line {phase!r}; choose one of {', '.join(PHASE_LINES)}")
    try:
        values = [int(n) for n in numbers]
    except ValueError:
        raise ValueError(f"--algorithm {text}: t and l must be whole numbers") from None
    if phase not in LOOP_PHASES:
        return Step(phase, L=L)
    t = values[0] if values else 1
    layers = {"input": (1, 1), "forward": (2, L), "output_delta": (L, L), "hidden_delta": (2, L - 1),
              "accumulate": (None, None)}[phase]
    layer = values[1] if len(values) > 1 else layers[0]
    if not 1 <= t <= m:
        raise ValueError(f"--algorithm {text}: t must lie in 1..{m}")
    if layers[0] is not None and not (layers[0] <= (layer or 0) <= layers[1]):
        raise ValueError(f"--algorithm {text}: {phase} has layers {layers[0]}..{layers[1]} in this network")
    return Step(phase, t, layer, L)
