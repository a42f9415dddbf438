"""The worked arithmetic the app explains, as documents (mathtext blocks), with the core's
numbers: each line of the backprop loop (the Algorithm view), a unit's δ and an edge's D
(the inspector), and a whole iteration for one example (File ▸ Save worked example).

The screen shows them as HTML; Copy as Markdown / Copy as LaTeX and the saved file are the
same documents rendered otherwise, so what is copied is what is on screen.

(Python 3.11 allows no backslash inside an f-string's braces: LaTeX pieces are built
before the f-strings that use them.)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bp_desktop.core import OPTIMIZERS
from bp_desktop.core.explain import (GradientEntry, HiddenDelta, OutputDelta, explain_delta,
                                     explain_gradient)

from .algorithm import AlgorithmWalk, Step, Update, optimiser_update, position_of, steps_per_example
from .mathtext import Block, Heading, Math, Para, Table, m, num, sym

SCREEN_ROWS = 12          # rows of a vector table on screen (the canvas shows every unit)
FILE_ROWS = 400           # rows of a vector table in a saved worked example
MATRIX_COLUMNS = 11        # matrices with more columns are not written out as tables
SHOWN_TERMS = 4           # terms of a long sum written out before "…"
G_NAMES = {"sigmoid": r"\mathrm{sigmoid}", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}"}
DELTA_NAME, THETA_NAME = r"\Delta", r"\Theta"
THETA, DELTA, DELTA_SUM, LAMBDA, ALPHA = (m(r"\Theta"), m(r"\delta"), m(r"\Delta"), m(r"\lambda"),
                                          m(r"\alpha"))
BETA = m(r"\beta")
A_ERROR, Z_ERROR = m(r"\partial \mathrm{cost} / \partial a"), m(r"\partial \mathrm{cost} / \partial z")
G_PRIME, SIGMOID_SLOPE, COST_SLOPE = m("g'(z)"), "g'(z) = a(1 - a)", r"\partial \mathrm{cost} / \partial a = (a - y) / (a(1 - a))"
ONE_OVER_M, LAMBDA_OVER_M = r"\frac{1}{m} ", r"\frac{\lambda}{m} "


@dataclass(frozen=True)
class Focus:
    """Whose numbers a step spells out: `units[l]` the unit (0-based) of layer index l,
    `edge` = (Θ index, row i, column j; 0-based, j = 0 the bias)."""

    units: tuple[int, ...]
    edge: tuple[int, int, int]

    @classmethod
    def of(cls, selection, layer_sizes: Sequence[int]) -> Focus:
        """From the workbench's selection: the selected unit in its layer (unit 1 elsewhere),
        the selected edge, or the selected unit's incoming edge from unit 1."""
        units = [0] * len(layer_sizes)
        edge = (0, 0, 1)
        if selection is not None and selection.kind == "unit":
            layer, unit = selection.indices
            if layer < len(units) and unit < layer_sizes[layer]:
                units[layer] = unit
                if layer > 0:
                    edge = (layer - 1, unit, 1)
        elif selection is not None:
            l, i, j = selection.indices
            if l < len(layer_sizes) - 1 and i < layer_sizes[l + 1] and j <= layer_sizes[l]:
                edge = (l, i, j)
                units[l + 1] = i
                if j > 0:
                    units[l] = j - 1
        return cls(tuple(units), edge)


def n(value: float) -> str:
    """A number as inline math."""
    return m(num(value))


def _factor(value: float) -> str:
    """A number as a factor of a product: negative ones in parentheses."""
    text = num(value)
    return f"({text})" if value < 0 else text


def _names(names, layer: int) -> list[str] | None:
    return None if names is None or names[layer] is None else list(names[layer])


def _vector_table(header: tuple[str, ...], columns: Sequence[np.ndarray], max_rows: int,
                  row_names: list[str] | None = None) -> list[Block]:
    rows = []
    size = len(columns[0])
    for k in range(min(size, max_rows)):
        label = str(k + 1) + (f" ({row_names[k]})" if row_names else "")
        rows.append((label, *(n(float(c[k])) for c in columns)))
    blocks: list[Block] = [Table(header, tuple(rows))]
    if size > max_rows:
        blocks.append(Para(f"… and {size - max_rows} more rows (the canvas and the layer table "
                           "show them all)."))
    return blocks


def _matrix_tables(names: Sequence[str], matrices: Sequence[np.ndarray], max_rows: int) -> list[Block]:
    """Each layer's matrix as a table (rows i, columns j with 0 the bias) when it is small
    enough to read, under its LaTeX name."""
    blocks: list[Block] = []
    for name, matrix in zip(names, matrices):
        rows, cols = matrix.shape
        if rows > max_rows or cols > MATRIX_COLUMNS:
            continue
        blocks.append(Para(m(name) + ":"))
        blocks.append(Table(("i", *(f"j = {j}" for j in range(cols))),
                            tuple((str(i + 1), *(n(v) for v in matrix[i])) for i in range(rows))))
    return blocks


def _sum_terms(symbols: list[str], factors: list[tuple[float, float]], total: float) -> Math:
    """symbol_1 + symbol_2 + … = a·b + c·d + … = total, long sums cut after SHOWN_TERMS."""
    more = r" + \ldots" if len(symbols) > SHOWN_TERMS else ""
    symbolic = " + ".join(symbols[:SHOWN_TERMS]) + more
    numeric = " + ".join(_factor(x) + r" \cdot " + _factor(y) for x, y in factors[:SHOWN_TERMS]) + more
    return Math(f"{symbolic} = {numeric} = {num(total)}")


def ij(i, j) -> str:
    """A matrix index as the lecture writes it: 12, or 12,3 once an index has two digits."""
    return f"{i}{j}" if len(f"{i}{j}") <= 2 else f"{i},{j}"


def _layer_sym(name: str, l: int) -> str:
    """Inline math of a layer's symbol: Δ^(2) -> $\\Delta^{(2)}$."""
    return m(sym(name, l))


# --- the loop, line by line -------------------------------------------------------------------------------
def step_doc(walk: AlgorithmWalk, focus: Focus, names=None, example_class: str | None = None,
             max_rows: int = SCREEN_ROWS, update: Update | None = None) -> list[Block]:
    """What the walk's step computes, with its numbers. names: per layer, what each unit
    stands for, or None; example_class: the class of example t."""
    step = walk.step
    if step.phase == "data":
        return _data(walk)
    if step.phase == "zero":
        return _zero(walk)
    if step.phase == "input":
        return _input(walk, step, names, example_class, max_rows)
    if step.phase == "forward":
        return _forward(walk, step, focus, names, max_rows)
    if step.phase == "output_delta":
        return _output_delta(walk, step, focus, names, max_rows)
    if step.phase == "hidden_delta":
        return _hidden_delta(walk, step, focus, names, max_rows)
    if step.phase == "accumulate":
        terms = [sym(r"\delta", l + 1) + " (" + sym("a", l) + ")^{T}" for l in range(1, walk.L)]
        return _accumulate(walk, step, focus) + _matrix_tables(terms, walk.prefix.contribution(step.t), max_rows)
    if step.phase == "D":
        names = [sym("D", l) for l in range(1, walk.L)]
        return _D(walk, focus) + _matrix_tables(names, walk.snapshot.gradients, max_rows)
    return _update(walk, focus, update or walk.update())


def _data(walk) -> list[Block]:
    snap = walk.snapshot
    sizes = snap.layer_sizes
    pair, lam = m(r"(x^{(t)}, y^{(t)})"), m(r"\lambda = " + num(snap.lam))
    return [Heading("Training set"),
            Para(f"{m(f'm = {walk.m}')} examples {pair}: each {m('x')} has {m(f'n = {sizes[0]}')} "
                 f"features, each {m('y')} holds {m(f'K = {sizes[-1]}')} targets. Network "
                 f"{'-'.join(map(str, sizes))} ({m(f'L = {walk.L}')} layers) at {THETA} after "
                 f"{snap.theta_iteration} iterations, {lam}.")]


def _zero(walk) -> list[Block]:
    shapes = ", ".join(f"{_layer_sym(DELTA_NAME, l + 1)} is {theta.shape[0]} × {theta.shape[1]}"
                       for l, theta in enumerate(walk.snapshot.thetas))
    Delta_l, Theta_l, data = m(r"\Delta^{(l)}"), m(r"\Theta^{(l)}"), m(r"\Delta / m")
    return [Heading(r"Set $\Delta = 0$"),
            Math(r"\Delta^{(l)}_{ij} = 0 \quad \text{for all } l, i, j"),
            Para(f"Each {Delta_l} has the shape of {Theta_l}: {shapes}. Column {m('j = 0')} collects "
                 f"the bias unit's terms ({m('a_0 = 1')}). The loop adds one term per example; after "
                 f"it, {data} is the data part of the gradient.")]


def _example_heading(walk, step, example_class) -> Heading:
    what = f" (class {example_class})" if example_class else ""
    return Heading(f"Example {m(f't = {step.t}')} of {walk.m}{what}")


def _input(walk, step, names, example_class, max_rows) -> list[Block]:
    x = walk.snapshot.a_columns[0][:, step.example]
    return [_example_heading(walk, step, example_class),
            Math(r"a^{(1)} = x^{(t)}, \quad a^{(1)}_0 = 1 \ \text{(the bias unit)}"),
            *_vector_table(("j", m(sym("a", 1, "j"))), [x], max_rows, _names(names, 0))]


def _g(walk, layer: int) -> str:
    """g of the lecture's layer `layer` in LaTeX (the output layer is always a sigmoid)."""
    return G_NAMES["sigmoid" if layer == walk.L else walk.snapshot.hidden_activation]


def _forward(walk, step, focus, names, max_rows) -> list[Block]:
    snap, l, t = walk.snapshot, step.layer, step.example
    theta = snap.thetas[l - 2]
    a_prev = np.concatenate(([1.0], snap.a_columns[l - 2][:, t]))
    z, a = snap.z_columns[l - 1][:, t], snap.a_columns[l - 1][:, t]
    i = focus.units[l - 1]
    symbols = [sym(r"\Theta", l - 1, ij(i + 1, j)) + " " + sym("a", l - 1, j) for j in range(len(a_prev))]
    rule = (f"z^{{({l})}} = " + sym(r"\Theta", l - 1) + f" a^{{({l - 1})}}, " + r"\quad "
            + f"a^{{({l})}} = g(z^{{({l})}}), " + r"\quad g = " + _g(walk, l))
    return [Heading(f"Forward propagation: layer {l}"),
            Math(rule),
            Para(f"Unit {i + 1}, with {m(sym('a', l - 1, 0) + ' = 1')}:"),
            _sum_terms(symbols, list(zip(theta[i], a_prev)), float(z[i])),
            Math(f"{sym('a', l, i + 1)} = g({num(z[i])}) = {num(a[i])}"),
            *_vector_table(("i", m(sym("z", l, "i")), m(sym("a", l, "i"))), [z, a], max_rows,
                           _names(names, l - 1))]


def _output_delta(walk, step, focus, names, max_rows) -> list[Block]:
    snap, L, t = walk.snapshot, walk.L, step.example
    a, y, delta = snap.a_columns[-1][:, t], snap.Y[t], snap.delta_columns[-1][:, t]
    k = focus.units[-1]
    d = r"\delta"
    return [Heading(r"Output error $\delta^{(L)}$"),
            Math(f"{sym(d, L)} = {sym('a', L)} - y^{{(t)}}"),
            Math(f"{sym(d, L, k + 1)} = {sym('a', L, k + 1)} - {sym('y', None, k + 1)} = "
                 f"{num(a[k])} - {_factor(y[k])} = {num(delta[k])}"),
            *_vector_table(("k", m(sym("a", L, "k")), m(sym("y", None, "k")), m(sym(d, L, "k"))),
                           [a, y, delta], max_rows, _names(names, L - 1))]


def _hidden_delta(walk, step, focus, names, max_rows) -> list[Block]:
    snap, l, t = walk.snapshot, step.layer, step.example
    sums, g_prime = walk.weighted_sums(l), walk.g_prime(l)
    delta = snap.delta_columns[l - 1][:, t]
    next_delta = snap.delta_columns[l][:, t]
    j = focus.units[l - 1]
    weights = snap.thetas[l - 1][:, j + 1]
    d, th = r"\delta", r"\Theta"
    symbols = [sym(th, l, ij(k + 1, j + 1)) + " " + sym(d, l + 1, k + 1) for k in range(len(weights))]
    backward = f"({sym(th, l)})^{{T}} {sym(d, l + 1)}"
    slope = m("g'(z)")
    spelled = (f"{sym(d, l, j + 1)} = {num(sums[j])} " + r"\cdot" + f" g'({num(snap.z_columns[l - 1][j, t])}) = "
               f"{_factor(sums[j])} " + r"\cdot" + f" {_factor(g_prime[j])} = {num(delta[j])}")
    return [Heading(f"Back propagation: {m(sym(d, l))}"),
            Math(f"{sym(d, l)} = {backward} " + r"\odot" + f" g'(z^{{({l})}})"),
            Para(f"The bias unit has no {DELTA}: row 0 of {m(backward)} is dropped. Unit {j + 1}: the "
                 f"weighted sum of the errors it feeds (where the lecture's intuition slide stops), "
                 f"then times the slope {slope}:"),
            _sum_terms(symbols, list(zip(weights, next_delta)), float(sums[j])),
            Math(spelled),
            *_vector_table(("j", m(r"\sum_k " + sym(th, l, "kj") + " " + sym(d, l + 1, "k")),
                            m(f"g'({sym('z', l, 'j')})"), m(sym(d, l, "j"))),
                           [sums, g_prime, delta], max_rows, _names(names, l - 1))]


def _accumulate(walk, step, focus) -> list[Block]:
    t = step.t
    changed = []
    for l, term in enumerate(walk.prefix.contribution(t), start=1):
        changed.append(f"{_layer_sym(DELTA_NAME, l)}: {int(np.count_nonzero(term)):,} of {term.size:,} cells")
    l, i, j = focus.edge
    cell = walk.cell(l + 1, i, j)
    a_j = "1" if j == 0 else sym("a", l + 1, j)
    cell_ij = ij(i + 1, j)
    D, d = r"\Delta", r"\delta"
    spelled = (f"{sym(D, l + 1, cell_ij)} := {sym(D, l + 1, cell_ij)} + {a_j} " + r"\, " + f"{sym(d, l + 2, i + 1)} = "
               f"{num(cell['Delta_before'])} + {_factor(cell['a'])} " + r"\cdot" + f" {_factor(cell['delta'])} = "
               f"{num(cell['Delta'])}")
    return [Heading(f"Accumulate: {DELTA_SUM} after {m(f't = {t}')}"),
            Math(r"\Delta^{(l)} := \Delta^{(l)} + \delta^{(l+1)} (a^{(l)})^{T} \quad \text{for } l = 1, \ldots, L-1"),
            Para(f"{DELTA_SUM} now holds the sum over examples 1 to {t}. Cells changed (an input "
                 f"{m('a_j = 0')} or an error {m(d + '_i = 0')} leaves its cell as it was): "
                 + "; ".join(changed) + "."),
            Para(f"Edge {m(sym(THETA_NAME, l + 1, ij(i + 1, j)))}:"),
            Math(spelled)]


def _D(walk, focus) -> list[Block]:
    snap = walk.snapshot
    l, i, j = focus.edge
    cell = walk.cell(l + 1, i, j)
    cell_ij = ij(i + 1, j)
    D, th = r"\Delta", r"\Theta"
    one_over_m = r"\frac{1}{m} " + sym(D, l + 1, cell_ij)
    data = r"\frac{" + num(cell["Delta"]) + "}{" + str(walk.m) + "}"
    if j == 0:
        spelled = f"{sym('D', l + 1, cell_ij)} = {one_over_m} = {data} = {num(cell['D'])}"
        why = "the bias column: no λ term"
    else:
        reg = r"\frac{\lambda}{m} " + sym(th, l + 1, cell_ij)
        reg_numbers = r"\frac{" + num(snap.lam) + "}{" + str(walk.m) + r"} \cdot " + _factor(cell["theta"])
        spelled = (f"{sym('D', l + 1, cell_ij)} = {one_over_m} + {reg} = {data} + {reg_numbers} = "
                   f"{num(cell['data'])} + {_factor(cell['reg'])} = {num(cell['D'])}")
        why = "a weight: data part plus λ part"
    lam = m(r"\lambda = " + num(snap.lam))
    reg_part, gradient = m(r"\frac{\lambda}{m} \Theta"), m(r"\partial J / \partial \Theta")
    return [Heading("After the loop: D"),
            Math(r"D^{(l)}_{ij} = \frac{1}{m} \Delta^{(l)}_{ij} + \frac{\lambda}{m} \Theta^{(l)}_{ij} \ (j \ne 0),"
                 r"\quad D^{(l)}_{ij} = \frac{1}{m} \Delta^{(l)}_{ij} \ (j = 0)"),
            Para(f"{m(f'm = {walk.m}')}, {lam}. The bias column {m('j = 0')} is not regularised: its "
                 f"{reg_part} part is left out. {m('D')} is backprop's gradient {gradient}, the one the "
                 "gradient check compares with central differences."),
            Para(f"Edge {m(sym(th, l + 1, ij(i + 1, j)))} ({why}):"),
            Math(spelled)]


def _update(walk, focus, update: Update) -> list[Block]:
    l, i, j = focus.edge
    cell_ij = ij(i + 1, j)
    theta_ij = sym(r"\Theta", l + 1, cell_ij)
    theta, D = float(walk.snapshot.thetas[l][i, j]), float(walk.snapshot.gradients[l][i, j])
    alpha = r"\alpha = " + num(update.alpha)
    blocks: list[Block] = [Heading(f"The update: {OPTIMIZERS.get(update.optimizer, update.optimizer)}")]
    if update.optimizer == "gd":
        blocks += [Math(r"\Theta^{(l)} := \Theta^{(l)} - \alpha D^{(l)}, \quad " + alpha),
                   Math(f"{theta_ij} := {num(theta)} - {num(update.alpha)} " + r"\cdot" + f" {_factor(D)} = "
                        f"{num(update.after[l][i, j])}")]
    elif update.optimizer == "momentum":
        blocks += [Math(r"v := \mu v - \alpha D, \quad \Theta := \Theta + v, \quad \mu = " + num(update.momentum)
                        + r", \ " + alpha),
                   Para(f"Momentum does not step along {m('D')} alone: {m('v')} carries the earlier "
                        f"steps on ({m('v = 0')} before the first iteration).")]
        if update.after is not None:
            v = float(update.velocity_before[l][i, j])
            new_v = update.momentum * v - update.alpha * D
            v_ij = sym("v", l + 1, cell_ij)
            blocks.append(Math(f"{v_ij} := {num(update.momentum)} " + r"\cdot" + f" {_factor(v)} - "
                               f"{num(update.alpha)} " + r"\cdot" + f" {_factor(D)} = {num(new_v)}, " + r"\quad "
                               f"{theta_ij} := {num(theta)} + {_factor(new_v)} = {num(update.after[l][i, j])}"))
    elif update.optimizer == "sgd":
        batches = -(-walk.m // update.batch_size)
        step = m(r"\Theta := \Theta - \alpha D_{\mathrm{batch}}")
        blocks.append(Para(f"Mini-batch gradient descent does not use this {m('D')}: one iteration is an "
                           f"epoch that shuffles the {walk.m} examples and updates {THETA} {batches} times, "
                           f"{step} with each batch's own {m('D')} (batches of {update.batch_size}, "
                           f"{LAMBDA} scaled by {m('b / m')}), {m(alpha)}."))
    else:
        direction = m(r"s := \beta s - D")
        blocks.append(Para(f"Conjugate gradient (the course's fmincg) has no {ALPHA}: it searches along a "
                           f"direction {m('s')} ({m('-D')} at first, then {direction} with the "
                           f"Polak–Ribière {BETA}) for a step that lowers J enough "
                           "(Wolfe–Powell conditions), by interpolation and extrapolation. D sets the "
                           "direction and the slope; the line search sets the step."))
    if update.after is None:
        blocks.append(Para(f"{THETA} after the update is not shown: {update.unknown}."))
    elif update.optimizer in ("sgd", "cg"):
        evaluations = (f" ({update.evaluations} evaluations of J and D)"
                       if update.optimizer == "cg" and update.evaluations else "")
        blocks.append(Math(f"{theta_ij}: {num(theta)} " + r"\to " + num(update.after[l][i, j])))
        blocks.append(Para(f"{THETA} after is the optimiser's own step, run on a copy of the network"
                           f"{evaluations}."))
    return blocks


# --- the inspector's explanations ----------------------------------------------------------------------
def delta_doc(e: OutputDelta | HiddenDelta, example: int, name: str | None = None,
              example_class: str | None = None) -> list[Block]:
    """A unit's δ term by term (core.explain's numbers), as the inspector shows it: for a hidden
    unit the slide's weighted sum first, then × g′(z), and the gate reading."""
    named = f" ({name})" if name else ""
    head = Heading(f"Unit {e.j} of layer {e.l}{named}, training example {m(f't = {example + 1}')}")
    d, th = r"\delta", r"\Theta"
    if isinstance(e, OutputDelta):
        what = f" Example t is {example_class}." if example_class else ""
        return [head, Para(f"Output layer ({m(f'L = {e.l}')}): the error is the activation minus the target.{what}"),
                Math(f"{sym(d, e.l, e.j)} = {sym('a', e.l, e.j)} - {sym('y', None, e.j)} = "
                     f"{num(e.a)} - {_factor(e.y)} = {num(e.delta)}"),
                Para(f"No {G_PRIME} factor here: {m(SIGMOID_SLOPE)} cancels the denominator of "
                     f"{m(COST_SLOPE)}, so {m(d + ' = a - y')}.")]
    l, j = e.l, e.j
    weight, error = sym(th, l, ij("k", j)), sym(d, l + 1, "k")
    rows = tuple((str(t.k), n(t.theta_kj), n(t.delta_k), n(t.product)) for t in e.terms)
    rows += (("sum", "", "", n(e.weighted_sum)),)
    z, g = sym("z", l, j), f"g'({sym('z', l, j)})"
    upstream = r"\sum_k " + f"{weight} {error}"
    return [head,
            Para(f"Hidden layer: the errors of layer {l + 1} flow back through the weights that "
                 "leave this unit, scaled by the slope of g."),
            Math(f"{sym(d, l, j)} = " + r"\left(" + upstream + r"\right) \cdot " + g),
            Table(("k", m(weight), m(error), m(f"{weight} {error}")), rows),
            Para("1. The weighted sum, what the lecture's intuition slide writes as δ:"),
            Math(f"{upstream} = {num(e.weighted_sum)}"),
            Para(f"2. Times the slope {G_PRIME}:"),
            Math(f"{z} = {num(e.z)}, " + r"\quad " + f"{sym('a', l, j)} = g({z}) = {num(e.a)}, " + r"\quad "
                 f"{g} = {_g_formula(e.g_prime_formula)} = {num(e.g_prime)}"),
            Math(f"{sym(d, l, j)} = {_factor(e.weighted_sum)} " + r"\cdot" + f" {_factor(e.g_prime)} = {num(e.delta)}"),
            Para(f"The slide stops at step 1; backprop multiplies by {G_PRIME} (the chain rule: the "
                 f"weighted sum is the error at the unit's output, {A_ERROR}; {DELTA} the error at its "
                 f"input, {Z_ERROR}). As a gate: the upstream gradient {n(e.weighted_sum)} times the "
                 f"local gradient {n(e.g_prime)} gives {n(e.delta)}.")]


def _g_formula(plain: str) -> str:
    """core.activations' g′ formula ('a(1 − a)') in LaTeX."""
    return (plain.replace("−", "-").replace("a²", "a^{2}")
            .replace(" if z > 0 else 0", r" \ (z > 0), \ 0 \ (z \le 0)"))


def input_doc(unit: int, x: float, example: int, name: str | None = None,
              raw: float | None = None) -> list[Block]:
    """An input unit: its value for the example (and in the file, before scaling)."""
    what = f"an input: {name}" if name else "an input"
    a = sym("a", 1, unit + 1)
    if raw is not None and raw != x:
        value = Math(f"x_{{{unit + 1}}} = {num(raw)} " + r"\ \text{in the file} \to " + f"{a} = {num(x)}")
    else:
        value = Math(f"{a} = x_{{{unit + 1}}} = {num(x)}")
    return [Heading(f"Unit {unit + 1} of layer 1 ({what}), example {m(f't = {example + 1}')}"), value,
            Para(f"Inputs have no {DELTA}: backpropagation stops at layer 2.")]


def gradient_doc(e: GradientEntry, numerical: float | None = None) -> list[Block]:
    """An edge's D_ij: Δ_ij term by term over the first examples, then D (core.explain's numbers)."""
    l, i, j = e.l, e.i, e.j
    cell_ij = ij(i, j)
    th, D, d = r"\Theta", r"\Delta", r"\delta"
    terms = " + ".join(_factor(dl) + r" \cdot " + _factor(a) for dl, a, _ in e.first_terms)
    more = r" + \ldots" if e.m > len(e.first_terms) else ""
    a_j = "1" if j == 0 else sym("a", l, j)
    source = f"the bias unit of layer {l}" if j == 0 else f"unit {j} of layer {l}"
    rule = f"{sym('D', l, 'ij')} = " + r"\frac{1}{m} \sum_t " + f"{sym(d, l + 1, 'i')} {sym('a', l, 'j')}"
    rule += (r" + \frac{\lambda}{m} " + sym(th, l, "ij")) if j else ""
    spelled = f"{sym('D', l, cell_ij)} = " + r"\frac{" + num(e.Delta) + "}{" + str(e.m) + "}"
    spelled += (r" + \frac{" + num(e.lam) + "}{" + str(e.m) + r"} \cdot " + _factor(e.theta)) if j else ""
    lam = m(r"\lambda = " + num(e.lam))
    blocks: list[Block] = [
        Heading(f"Edge {m(sym(th, l, ij(i, j)))}: from {source} to unit {i} of layer {l + 1}"),
        Math(f"{sym(th, l, cell_ij)} = {num(e.theta)}"),
        Math(rule),
        Para(f"with {m(sym('a', l, 'j') + ' = ' + a_j)}, {m(f'm = {e.m}')}, {lam}:"),
        Math(f"{sym(D, l, cell_ij)} = " + r"\sum_t " + f"{sym(d, l + 1, i)} {a_j} = {terms}{more} = {num(e.Delta)}"),
        Math(f"{spelled} = {num(e.D)}")]
    if j == 0:
        blocks.append(Para(f"The bias column has no {LAMBDA} term."))
    if numerical is not None:
        estimate = m(r"(J(\Theta + \epsilon) - J(\Theta - \epsilon)) / 2\epsilon")
        epsilon = m(r"\epsilon = 10^{-4}")
        blocks.append(Para(f"Numerical estimate {estimate} with {epsilon}: {n(numerical)}."))
    return blocks


# --- a whole iteration for one example ---------------------------------------------------------------------
def iteration_doc(snapshot, example: int, hyper, optimizer_state: dict | None, focus: Focus,
                  names=None, example_class: str | None = None, title: str = "") -> list[Block]:
    """One example (0-based `example`) through the whole loop at the snapshot's Θ: forward,
    backward, its term of Δ, then D over all m examples and the update: the File menu's
    worked example."""
    walk = AlgorithmWalk()
    walk.set_snapshot(snapshot)
    t, L = example + 1, walk.L
    update = optimiser_update(snapshot, hyper, optimizer_state)
    first = position_of(Step("input", t, 1, L), walk.m)
    positions = [0, 1, *range(first, first + steps_per_example(L)),
                 position_of(Step("D", L=L), walk.m), position_of(Step("update", L=L), walk.m)]
    blocks: list[Block] = [Heading(title or f"One iteration of backpropagation, worked for example t = {t}", 1)]
    for position in positions:
        walk.go(position)
        if walk.step.phase == "D":
            blocks.append(Para(f"… the loop runs on over the other examples; after {m(f't = {walk.m}')}, "
                               f"{DELTA_SUM} holds the sum over all {walk.m}."))
        blocks += step_doc(walk, focus, names, example_class, FILE_ROWS, update)
    return blocks


# --- a heatmap cell under the mouse ---------------------------------------------------------------------
def cell_text(walk: AlgorithmWalk, kind: str, layer: int, i: int, j: int) -> str:
    """What hovering cell (i, j) of layer `layer`'s panel of this `kind` (algorithm.Panel)
    says, as text with $…$ math; i, j 0-based, j = 0 the bias column."""
    c = walk.cell(layer, i, j)
    index = ij(i + 1, j)
    D, d, th = r"\Delta", r"\delta", r"\Theta"
    Delta_ij = sym(D, layer, index)
    if "a" in c and kind in ("Delta", "outer", "pending"):
        a_j = sym("a", layer, j) + (r" = 1 \ (\text{bias})" if j == 0 else " = " + num(c["a"]))
        delta_i = sym(d, layer + 1, i + 1) + " = " + num(c["delta"])
        product = sym("a", layer, j) + " " + sym(d, layer + 1, i + 1) + " = " + num(c["product"])
        text = f"{m(a_j)}, {m(delta_i)}, {m(product)}"
        if "Delta" in c:
            return text + f"; {m(Delta_ij)}: {n(c['Delta_before'])} → {n(c['Delta'])}"
        return text + f" (added at the Δ line); {m(Delta_ij)} so far: {n(c['Delta_before'])}"
    if kind == "Delta":
        return f"{m(Delta_ij + ' = ' + num(c['Delta']))}"
    if kind in ("data", "reg", "D"):
        reg = (r"\ \text{none: the bias column}" if j == 0 else " = " + num(c["reg"]))
        return (f"{m(ONE_OVER_M + Delta_ij + ' = ' + num(c['data']))}, "
                f"{m(LAMBDA_OVER_M + sym(th, layer, index) + reg)}, "
                f"{m(sym('D', layer, index) + ' = ' + num(c['D']))}")
    after = f", after {n(c['after'])}" if "after" in c else ""
    return f"{m(sym(th, layer, index))}: before {n(c['theta'])}{after}; {m(sym('D', layer, index) + ' = ' + num(c['D']))}"


# --- what the inspector explains, and the File menu's worked example ----------------------------------------
def selection_doc(snapshot, selection: tuple, example: int, numerical: float | None = None, names=None,
                  raw=None, example_class: str | None = None) -> list[Block]:
    """The inspector's explanation as a document. selection: ('unit', layer, unit) or
    ('edge', l, i, j), 0-based as the inspector keeps it; raw: example t's inputs as the
    file has them (or None)."""
    if selection[0] == "edge":
        _, l, i, j = selection
        return gradient_doc(explain_gradient(snapshot.thetas, snapshot.a_columns, snapshot.delta_columns,
                                             snapshot.Deltas, snapshot.gradients, snapshot.lam, l, i, j),
                            numerical)
    _, layer, unit = selection
    layer = min(layer, len(snapshot.a_columns) - 1)
    unit = min(unit, snapshot.a_columns[layer].shape[0] - 1)
    name = None if names is None or names[layer] is None else names[layer][unit]
    if layer == 0:
        return input_doc(unit, float(snapshot.a_columns[0][unit, example]), example, name,
                         None if raw is None else float(raw[unit]))
    e = explain_delta(snapshot.thetas, snapshot.a_columns, snapshot.z_columns, snapshot.delta_columns,
                      snapshot.Y, layer, unit, example, snapshot.hidden_activation)
    return delta_doc(e, example, name, example_class)


def worked_example(model, names=None) -> list[Block]:
    """One iteration worked for the workbench's example t at its current Θ (the pass at rest):
    call at rest (after pause_and_wait). names: per layer, what each unit stands for."""
    run = model.run
    snapshot = run.preview()
    example = min(max(model.example, 0), run.m - 1)
    data = model.workspace.train
    example_class = data.class_names[int(data.y[example])] if example < data.m else None
    title = (f"Backpropagation worked for example t = {example + 1} of {model.workspace.dataset.name} "
             f"(network {'-'.join(map(str, snapshot.layer_sizes))}, Θ after {snapshot.theta_iteration} iterations)")
    return iteration_doc(snapshot, example, run.hyper, run.optimizer_state(),
                         Focus.of(model.selection, snapshot.layer_sizes), names, example_class, title)
