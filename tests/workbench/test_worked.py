"""Worked arithmetic as documents (workbench/mathtext.py, worked.py): the LaTeX subset typeset
for the screen, Markdown that parses, LaTeX that balances, for every line of the loop."""
from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from bp_desktop.data import load_builtin
from bp_desktop.training.workspace import DataPreparation, NetworkSpec
from bp_desktop.workbench import InlineEngine, Workbench
from bp_desktop.workbench.mathtext import (Math, Para, Table, latex_to_html, num, text_to_html, to_latex,
                                           to_markdown, to_plain)
from bp_desktop.workbench.worked import worked_example


def test_the_lectures_symbols_are_typeset():
    assert latex_to_html(r"\delta^{(3)}_{2}") == "δ<sup>(3)</sup><sub>2</sub>"
    assert latex_to_html(r"\frac{1}{m} \Delta") == "1/<i>m</i> Δ"
    assert latex_to_html(r"\frac{\lambda}{m + 1}") == "λ/(<i>m</i> + 1)"
    assert latex_to_html(r"a - y") == "<i>a</i> − <i>y</i>"
    assert latex_to_html(r"\text{for all } l") == "for all  <i>l</i>"
    assert text_to_html("x < y and $z_{i}$") == "x &lt; y and <i>z</i><sub><i>i</i></sub>"


def test_numbers_are_written_as_latex():
    assert num(-0.5) == "-0.5" and num(-0.0) == "0"
    assert num(1.234567e-5) == r"1.23457 \times 10^{-5}"
    assert latex_to_html(num(1.234567e-5)) == "1.23457 × 10<sup>−5</sup>"


def test_text_specials_are_escaped_outside_the_math_only():
    blocks = [Para("50% of a_b & c | d: $a_{j} \\cdot b$"), Table(("k", "$x$"), (("1", "$-1$"),)),
              Math(r"\sum_k x_k")]
    latex = to_latex(blocks)
    assert r"50\% of a\_b \& c $|$ d: $a_{j} \cdot b$" in latex
    assert "\\begin{tabular}{rr}" in latex and r"\[ \sum_k x_k \]" in latex
    markdown = to_markdown(blocks)
    assert r"a\_b & c \| d: $a_{j} \cdot b$" in markdown
    assert "| 1 | $-1$ |" in markdown
    assert to_plain(blocks).startswith("50% of a_b & c | d: ")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "sgd", "cg"])
def test_a_worked_iteration_renders_for_every_activation_and_optimiser(activation, optimizer):
    model = Workbench(InlineEngine)
    model.use_dataset(load_builtin("iris"), DataPreparation(), NetworkSpec(hidden=(4, 3), activation=activation))
    model.set_hyperparameters(optimizer=optimizer, lam=0.5)
    model.step(2)
    blocks = worked_example(model)
    markdown = to_markdown(blocks)
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert sum(t.type == "table_open" for t in tokens) >= 6
    assert markdown.count("\n### ") == 12  # data, Δ = 0, input, 3 forward, δ(L), 2 hidden δ, Δ, D, update
    latex = to_latex(blocks)
    assert latex.count("{") - latex.count(r"\{") == latex.count("}") - latex.count(r"\}")
    assert len(re.findall(r"(?<!\\)\$", latex)) % 2 == 0
    snap = model.run.preview()
    assert num(snap.gradients[0][0, 1]) in markdown
