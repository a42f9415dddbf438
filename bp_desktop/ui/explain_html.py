"""The inspector's explanations as HTML, in the lecture's notation.

The numbers come from bp_desktop.core.explain, which takes them from backprop;
this module only typesets them.
"""
from __future__ import annotations

from html import escape

from bp_desktop.core.explain import GradientEntry, HiddenDelta, OutputDelta

from .canvas.notation import fmt


def sym(name: str, l: int | str | None = None, index: str | int | None = None) -> str:
    """name with a superscript (l) and a subscript index: δ<sub>j</sub><sup>(l)</sup>."""
    sup = f"<sup>({l})</sup>" if l is not None else ""
    sub = f"<sub>{index}</sub>" if index is not None else ""
    return f"{name}{sub}{sup}"


def n(value: float) -> str:
    return f"<span style='font-family:monospace'>{fmt(value)}</span>"


def _named(name: str | None) -> str:
    return f" ({escape(name)})" if name else ""


def delta_html(e: OutputDelta | HiddenDelta, example: int, origin: str = "",
               name: str | None = None, example_class: str | None = None) -> str:
    """name: what the unit stands for (an output unit's class); example_class: the class
    of example t, which sets the target y."""
    head = (f"<p><b>Unit {e.j} of layer {e.l}</b>{_named(name)}, training example t = "
            f"{example + 1}{origin}</p>")
    if isinstance(e, OutputDelta):
        target = f" Example t is {escape(example_class)}." if example_class else ""
        return head + (
            f"<p>Output layer (L = {e.l}): the error is the activation minus the target.{target}</p>"
            f"<p style='font-size:larger'>{sym('δ', 'L', e.j)} = {sym('a', 'L', e.j)} − {sym('y', None, e.j)}"
            f" = {n(e.a)} − {n(e.y)} = <b>{n(e.delta)}</b></p>" + _output_gate())
    rows = "".join(
        f"<tr><td align='right'>{t.k}</td><td align='right'>{n(t.theta_kj)}</td>"
        f"<td align='right'>{n(t.delta_k)}</td><td align='right'>{n(t.product)}</td></tr>"
        for t in e.terms)
    l, j = e.l, e.j
    return head + (
        f"<p>Hidden layer: the errors of layer {l + 1} flow back through the weights "
        f"that leave this unit, scaled by the slope of g.</p>"
        f"<p style='font-size:larger'>{sym('δ', l, j)} = (Σ<sub>k</sub> {sym('Θ', l, f'k{j}')} "
        f"{sym('δ', l + 1, 'k')}) · g′({sym('z', l, j)})</p>"
        f"<table cellspacing='0' cellpadding='3' border='1' style='border-collapse:collapse'>"
        f"<tr><th>k</th><th>{sym('Θ', l, f'k{j}')}</th><th>{sym('δ', l + 1, 'k')}</th>"
        f"<th>{sym('Θ', l, f'k{j}')} · {sym('δ', l + 1, 'k')}</th></tr>{rows}"
        f"<tr><td colspan='3' align='right'>Σ<sub>k</sub></td><td align='right'><b>{n(e.weighted_sum)}</b></td></tr>"
        f"</table>"
        f"<p><b>1. The weighted sum</b>, what the lecture's intuition slide writes as δ "
        f"(δ<sub>2</sub><sup>(2)</sup> = Θ<sub>12</sub><sup>(2)</sup> δ<sub>1</sub><sup>(3)</sup> + "
        f"Θ<sub>22</sub><sup>(2)</sup> δ<sub>2</sub><sup>(3)</sup>):<br>"
        f"{_written_sum(e)} = <b>{n(e.weighted_sum)}</b></p>"
        f"<p><b>2. Times g′(z)</b>: {sym('z', l, j)} = {n(e.z)}, {sym('a', l, j)} = "
        f"g({sym('z', l, j)}) = {n(e.a)},<br>g′({sym('z', l, j)}) = {e.g_prime_formula} = "
        f"<b>{n(e.g_prime)}</b></p>"
        f"<p style='font-size:larger'>{sym('δ', l, j)} = {n(e.weighted_sum)} · {n(e.g_prime)}"
        f" = <b>{n(e.delta)}</b></p>" + _slide_and_gate(e))


def _written_sum(e: HiddenDelta) -> str:
    """Σ_k Θ_kj δ_k written out term by term as the slide does (Θ_1j δ_1 + … for many k)."""
    l, j = e.l, e.j
    term = lambda k: f"{sym('Θ', l, f'{k}{j}')} {sym('δ', l + 1, k)}"  # noqa: E731
    ks = [t.k for t in e.terms]
    if len(ks) > 4:
        return f"{term(ks[0])} + … + {term(ks[-1])}"
    return " + ".join(term(k) for k in ks)


def _slide_and_gate(e: HiddenDelta) -> str:
    """Where the intuition slide and backprop differ, and the computational-graph reading."""
    l, j = e.l, e.j
    return (
        f"<p><i>Slide and algorithm:</i> the intuition slide stops at step 1 and calls the "
        f"weighted sum δ; backprop multiplies by g′, so {sym('δ', l, j)} is {n(e.g_prime)} × "
        f"the slide's value. The weighted sum is the error at the unit's output, "
        f"∂cost/∂{sym('a', l, j)}; δ is the error at its input, ∂cost/∂{sym('z', l, j)}, and "
        f"going back through g multiplies by g's slope (the chain rule). The slide leaves g′ "
        f"out to show how the errors flow; the algorithm keeps it.</p>"
        f"<p><i>As a gate</i> (the computational graph of CS231n): the unit computes "
        f"{sym('a', l, j)} = g({sym('z', l, j)}). Backward it receives the upstream gradient "
        f"Σ<sub>k</sub> {sym('Θ', l, f'k{j}')} {sym('δ', l + 1, 'k')} = {n(e.weighted_sum)} "
        f"along the edges to layer {l + 1} (the arrows on the canvas in Backward mode), "
        f"multiplies it by its local gradient g′({sym('z', l, j)}) = {n(e.g_prime)} and "
        f"passes {sym('δ', l, j)} = {n(e.delta)} on, into the weights that feed it.</p>")


def _output_gate() -> str:
    """Why an output unit's δ has no g′ factor."""
    return ("<p><i>No g′ factor here</i>, on the slides or in the algorithm: the cost's "
            "gradient at the output is ∂cost/∂a = (a − y) / (a(1 − a)), and the local gradient "
            "g′(z) = a(1 − a) cancels its denominator, so δ = ∂cost/∂z = a − y.</p>")


def input_html(layer_size: int, unit: int, x: float, example: int, origin: str = "",
               name: str | None = None, raw: float | None = None) -> str:
    """x is the input the network sees (scaled); raw the value in the file, if known."""
    what = f"an input: {escape(name)}" if name else "an input"
    value = (f"{sym('x', None, unit + 1)} = {n(raw)} in the file → scaled "
             f"{sym('a', 1, unit + 1)} = <b>{n(x)}</b>" if raw is not None and raw != x
             else f"{sym('a', 1, unit + 1)} = {sym('x', None, unit + 1)} = {n(x)}")
    return (f"<p><b>Unit {unit + 1} of layer 1</b> ({what}), example t = {example + 1}{origin}</p>"
            f"<p>{value}</p>"
            "<p>Inputs have no δ: backpropagation stops at layer 2. "
            "Select an edge leaving this unit to see its gradient.</p>")


def gradient_html(e: GradientEntry, numerical: float | None = None, source_name: str | None = None,
                  target_name: str | None = None) -> str:
    l, i, j = e.l, e.i, e.j
    a_j = "1 (the bias unit)" if j == 0 else sym('a', l, j)
    terms = " + ".join(f"{n(d)}·{n(a)}" for d, a, _ in e.first_terms)
    more = " + …" if e.m > len(e.first_terms) else ""
    reg = (f" + ({n(e.lam)}/{e.m}) · {n(e.theta)}" if j else "  (bias column: no λ term)")
    source = (f"the bias unit {sym('a', l, 0)} = +1 of layer {l}" if j == 0
              else f"unit {j} of layer {l}{_named(source_name)}")
    text = (f"<p><b>Edge {sym('Θ', l, f'{i},{j}')}</b>: from {source} to unit {i} of "
            f"layer {l + 1}{_named(target_name)}</p>"
            f"<p>{sym('Θ', l, f'{i}{j}')} = {n(e.theta)}</p>"
            f"<p style='font-size:larger'>{sym('D', l, 'ij')} = (1/m) Σ<sub>t</sub> "
            f"{sym('δ', l + 1, 'i')} {sym('a', l, 'j')}" + (f" + (λ/m) {sym('Θ', l, 'ij')}" if j else "")
            + f"</p><p>with {sym('a', l, 'j')} = {a_j}, m = {e.m}, λ = {n(e.lam)}:</p>"
            f"<p>{sym('Δ', l, f'{i}{j}')} = Σ<sub>t</sub> {sym('δ', l + 1, i)} {sym('a', l, j)} = "
            f"{terms}{more} = {n(e.Delta)}</p>"
            f"<p style='font-size:larger'>{sym('D', l, f'{i}{j}')} = {n(e.Delta)}/{e.m}{reg} = "
            f"<b>{n(e.D)}</b></p>")
    if numerical is not None:
        diff = abs(numerical - e.D) / max(abs(numerical) + abs(e.D), 1e-300)
        text += (f"<p>Numerical estimate (J(Θ + ε) − J(Θ − ε)) / 2ε with ε = 10<sup>−4</sup>: "
                 f"<b>{n(numerical)}</b> (relative difference {fmt(diff)})</p>")
    return text
