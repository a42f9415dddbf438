"""The Algorithm view: the keys walk the slide, the numbers on screen are the core's, the copied
Markdown / LaTeX hold them, the canvas lights the layers computed, and File ▸ Save worked
example writes a Markdown file."""
from __future__ import annotations

import re

import numpy as np
import pytest
from markdown_it import MarkdownIt
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from bp_desktop.app import parse_args

from bp_desktop.data import load_builtin
from bp_desktop.training.workspace import DataPreparation, NetworkSpec
from bp_desktop.ui.algorithm_view import AlgorithmView, outline
from bp_desktop.ui.launch import build_window
from bp_desktop.workbench import InlineEngine, Workbench
from bp_desktop.workbench.algorithm import Step, parse_step, step_count
from bp_desktop.workbench.mathtext import num, to_latex, to_markdown

from .windows import action, open_window


@pytest.fixture
def model() -> Workbench:
    bench = Workbench(InlineEngine)
    bench.use_dataset(load_builtin("blobs", m=6, classes=3), DataPreparation(validation=0.0),
                      NetworkSpec(hidden=(3,)))
    bench.set_hyperparameters(lam=0.5)
    return bench


@pytest.fixture
def view(qtbot, model) -> AlgorithmView:
    widget = AlgorithmView(model=model)
    qtbot.addWidget(widget)
    widget.resize(1200, 750)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.setFocus()
    return widget


def screen_numbers(view) -> set[str]:
    """The numbers in the explanation on screen, as num() writes them (real minus signs back
    to ASCII)."""
    text = view.explanation.toPlainText().replace("−", "-")
    return set(re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text))


def markdown_tables(text: str) -> int:
    parser = MarkdownIt("commonmark").enable("table")
    return sum(token.type == "table_open" for token in parser.parse(text))


def assert_balanced_latex(text: str) -> None:
    depth = 0
    for k, char in enumerate(text):
        if char == "{" and text[k - 1] != "\\":
            depth += 1
        elif char == "}" and text[k - 1] != "\\":
            depth -= 1
            assert depth >= 0, text[max(0, k - 60):k + 1]
    assert depth == 0
    assert len(re.findall(r"(?<!\\)\$", text)) % 2 == 0
    assert re.findall(r"\\begin\{(\w+)\}", text) == re.findall(r"\\end\{(\w+)\}", text)


def test_the_keys_walk_a_whole_loop_and_every_number_shown_is_the_cores(qtbot, view, model):
    walk, snap = view.walk, model.snapshot
    m, L = walk.m, walk.L
    seen = []
    while walk.step.phase != "D":
        step = walk.step
        seen.append(step.phase)
        numbers = screen_numbers(view)
        t = step.example
        if step.phase == "forward":
            layer = step.layer - 1
            assert {num(v) for v in snap.z_columns[layer][:, t]} <= numbers
            assert {num(v) for v in snap.a_columns[layer][:, t]} <= numbers
        elif step.phase in ("output_delta", "hidden_delta"):
            assert {num(v) for v in snap.delta_columns[step.layer - 1][:, t]} <= numbers
        elif step.phase == "accumulate":
            np.testing.assert_allclose(view.heatmaps._panels[0][0].matrix,
                                       (walk.prefix.after(step.t) if step.t < m else snap.Deltas)[0], rtol=1e-12)
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert len(seen) == step_count(m, L) - 2
    assert seen.count("accumulate") == m
    # after the loop: D from the view is backprop's
    D_panel = [row[2].matrix for row in view.heatmaps._panels]
    for shown, D in zip(D_panel, snap.gradients):
        np.testing.assert_array_equal(shown, D)
    assert "▶" in view.slide.toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert walk.step.phase == "accumulate" and walk.step.t == m
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert walk.position == 0
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert walk.step.phase == "input" and walk.step.t == 2 and model.example == 1
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert walk.step.phase == "accumulate" and walk.step.t == 1
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert walk.step.phase == "D"


def test_the_slider_jumps_to_example_t_with_delta_summed_over_1_to_t(view, model):
    view.slider.setValue(4)
    assert view.walk.step.phase == "accumulate" and view.walk.step.t == 4
    assert view.position_label.text().startswith("t = 4 of 6")
    np.testing.assert_allclose(view.heatmaps._panels[1][0].matrix, view.walk.prefix.after(4)[1], rtol=1e-12)


def test_copied_markdown_and_latex_hold_the_numbers_on_screen(qtbot, view):
    view.walk.go(3)  # forward propagation of example 1, layer 2
    numbers = screen_numbers(view)
    view.copy_buttons.actions_by_format["Markdown"].trigger()
    markdown = QGuiApplication.clipboard().text()
    assert markdown == to_markdown(view.explanation_blocks())
    assert numbers and all(number in markdown for number in numbers)
    assert markdown_tables(markdown) == 1 and "$z^{(" in markdown
    view.copy_buttons.actions_by_format["LaTeX"].trigger()
    latex = QGuiApplication.clipboard().text()
    assert all(number in latex for number in numbers)
    assert_balanced_latex(latex)


def test_every_step_renders_as_markdown_that_parses_and_latex_that_balances(view):
    for position in range(view.walk.count):
        view.walk.go(position)
        blocks = view.explanation_blocks()
        parsed = MarkdownIt("commonmark").enable("table").parse(to_markdown(blocks))
        assert parsed and parsed[0].type in ("heading_open", "paragraph_open")
        assert_balanced_latex(to_latex(blocks))


def test_hovering_a_cell_of_the_outer_product_names_a_j_delta_i_and_their_product(qtbot, view, model):
    view.walk.jump_to_example(2)
    plot = view.heatmaps._cells[0][1].plot  # δ^(2) (a^(1))ᵀ of example 2
    centre = plot.vb.mapViewToScene(QPointF(1, 2))  # j = 1, i = 2
    qtbot.mouseMove(view.heatmaps.viewport(), view.heatmaps.mapFromScene(centre))
    qtbot.waitUntil(lambda: "δ" in view.hover_label.text())
    snap = model.snapshot
    a, delta = snap.a_columns[0][0, 1], snap.delta_columns[1][1, 1]
    text = view.hover_label.text().replace("−", "-")
    for value in (a, delta, a * delta):
        assert num(value) in text
    assert "δ" in text


def test_the_changed_cells_are_outlined_and_a_zero_input_leaves_its_column_alone():
    mask = np.array([[True, False, True], [True, False, True]])
    x, y = outline(mask)
    segments = {tuple(np.round(s, 2)) for s in np.column_stack([x[::2], y[::2], x[1::2], y[1::2]])}
    # the left cell column's box: x from −0.5 to 0.5, y from 0.5 to 2.5
    assert (-0.5, 0.5, -0.5, 1.5) in segments and (0.5, 0.5, 0.5, 1.5) in segments
    assert (-0.5, 0.5, 0.5, 0.5) in segments and (-0.5, 2.5, 0.5, 2.5) in segments
    assert len(segments) == 12  # two 1 × 2 boxes, no edge through the middle column


# --- in the window -----------------------------------------------------------------------------------------
def test_the_window_opens_the_view_and_the_canvas_lights_the_layers_computed(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "iris")
    assert not window.docks["algorithm"].isVisible()
    action(window, "actionAlgorithmView").trigger()
    view = window.algorithm_view
    qtbot.waitUntil(view.isVisible)
    view.walk.go(3)  # forward propagation, layer 2: layers 1 and 2 lit, layer 3 grey
    canvas = window.canvas
    qtbot.waitUntil(lambda: window.model.algorithm_step is not None)
    assert (canvas._unit_level[-1] == -1).all() and (canvas._unit_level[1] >= 0).all()
    view.walk.go(6)  # δ^(3): only the output layer lit, with δ
    assert (canvas._unit_level[0] == -1).all() and (canvas._unit_level[-1] >= 0).all()
    window.docks["algorithm"].close()
    qtbot.waitUntil(lambda: window.model.algorithm_step is None)
    assert (canvas._unit_level[0] >= 0).all()  # the display mode's colours again


def test_the_inspector_copies_its_explanation(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "iris")
    window.model.select_unit(1, 2)
    action(window, "inspectorCopyMarkdown").trigger()
    markdown = QGuiApplication.clipboard().text()
    snap = window.model.snapshot
    assert num(snap.delta_columns[1][2, 0]) in markdown
    assert markdown_tables(markdown) == 1
    window.model.select_edge(0, 1, 0)
    action(window, "inspectorCopyLatex").trigger()
    latex = QGuiApplication.clipboard().text()
    assert num(snap.gradients[0][1, 0]) in latex and "bias column" in latex
    assert_balanced_latex(latex)


def test_save_worked_example_writes_one_iteration_as_markdown(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "iris")
    window.model.set_example(4)
    path = tmp_path / "worked.md"
    path.write_text("old")
    assert window.commands.save_worked_example_to(str(path))
    text = path.read_text(encoding="utf-8")
    snap = window.model.run.preview()
    assert text.startswith("# Backpropagation worked for example t = 5")
    for heading in ("Forward propagation: layer 2", "Output error", "Accumulate", "After the loop: D",
                    "The update"):
        assert heading in text
    assert num(snap.delta_columns[-1][0, 4]) in text and num(snap.gradients[0][0, 1]) in text
    assert markdown_tables(text) >= 4
    assert not list(tmp_path.glob(".worked.md.tmp-*"))


def test_save_worked_example_into_a_missing_folder_says_so_and_writes_nothing(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, "iris")
    errors = []
    window.error = lambda title, text: errors.append(text)
    assert not window.commands.save_worked_example_to(str(tmp_path / "missing" / "worked.md"))
    assert errors and "missing" in errors[0]


def test_the_command_line_opens_the_view_at_a_line(qtbot, tmp_path, capsys):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = build_window(QApplication.instance(),
                          parse_args(["--dataset", "iris", "--hidden", "5", "--algorithm", "hidden_delta:7:2"]),
                          settings)
    qtbot.addWidget(window)
    assert window.docks["algorithm"].isVisibleTo(window)
    assert window.algorithm_view.walk.step == Step("hidden_delta", 7, 2, 3)
    window.shutdown()
    assert build_window(QApplication.instance(),
                        parse_args(["--dataset", "iris", "--algorithm", "forward:1:9"]), settings) is None
    assert "forward has layers 2..3" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [("sideways", "unknown line"), ("accumulate:0", "1..6"),
                                           ("forward:x", "whole numbers")])
def test_a_line_that_does_not_fit_is_explained(text, message):
    with pytest.raises(ValueError, match=message):
        parse_step(text, 6, 3)
