"""The selected unit as a gate (the computational graph of CS231n), in a corner of the canvas.

In Backward mode the canvas draws the arrows that carry δ back into the selected unit; this
note says what they add up to: the upstream gradient Σ_k Θ_kj δ_k, times the unit's local
gradient g′(z_j), is δ_j. The numbers are the core's (bp_desktop.core.explain); this module
only writes them down.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from bp_desktop.core.explain import HiddenDelta, OutputDelta

from .notation import fmt, layer_symbol, sub, sup


def gate_lines(e: HiddenDelta | OutputDelta, example: int, mean_shown: bool = False,
               arrows: int = 0) -> list[str]:
    """What the note says about δ of one unit for example t (0-based `example`). mean_shown:
    the units show mean |δ| (the numbers are example t's all the same); arrows: how many of
    the terms the canvas draws."""
    t = f"example t = {example + 1}" + (" (units: mean |δ|)" if mean_shown else "")
    l, j = e.l, e.j
    delta = f"δ{sub(j)}{sup(f'({l})')}"
    if isinstance(e, OutputDelta):
        return [f"δ of output unit {j} · {t}",
                f"{delta} = a − y = {fmt(e.a)} − {fmt(e.y)} = {fmt(e.delta)}",
                "no g′ factor: it cancels against the cost's gradient"]
    K = len(e.terms)
    drawn = f"all {K}" if arrows >= K else f"{arrows} strongest of {K}"
    return [f"δ into unit {j} of layer {l} · {t}",
            f"upstream  Σₖ Θₖ{sub(j)}{layer_symbol('', l)} δₖ{layer_symbol('', l + 1)} = "
            f"{fmt(e.weighted_sum)}",
            f"local  g′(z{sub(j)}{layer_symbol('', l)}) = {fmt(e.g_prime)}",
            f"{delta} = {fmt(e.weighted_sum)} × {fmt(e.g_prime)} = {fmt(e.delta)}",
            f"arrows: Θₖ{sub(j)} δₖ (purple +, orange −), {drawn}"]


class GateNote(QLabel):
    """A small box over the canvas's viewport; hidden when there is nothing to say."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("backwardGate")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("background: rgba(255, 255, 255, 230); color: #222222; "
                           "border: 1px solid #999999; padding: 4px; font-size: 8pt")
        self.hide()

    def say(self, lines: list[str] | None) -> None:
        if not lines:
            self.hide()
            return
        text = "\n".join(lines)
        if text != self.text():
            self.setText(text)
            self.adjustSize()
        self.show()
