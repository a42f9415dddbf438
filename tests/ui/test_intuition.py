"""Issue 14's intuition and regularisation views, clicked through their real widgets: δ's
arrows on the canvas, the intuition slide and the gate in the inspector, the cost split into
its data and λ terms, and D split into its two parts."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from bp_desktop.core.explain import HiddenDelta, explain_delta, gradient_parts
from bp_desktop.data import load_builtin
from bp_desktop.training.workspace import DataPreparation, NetworkSpec
from bp_desktop.ui.canvas.layout import arrows_into, strongest_terms
from bp_desktop.ui.canvas.notation import fmt
from bp_desktop.ui.canvas.view import MAX_DELTA_ARROWS, NetworkCanvas
from bp_desktop.ui.cost_plot import CostPlot
from bp_desktop.ui.inspector import LayerInspector, MatrixHeatmaps
from bp_desktop.workbench import InlineEngine, Workbench


def workbench(lam: float = 0.0) -> Workbench:
    bench = Workbench(InlineEngine)
    bench.set_hyperparameters(lam=lam)
    return bench


def load(bench: Workbench, dataset: str = "iris", hidden=(5, 4), steps: int = 20) -> None:
    """Data and a network for the views already made, and a few iterations."""
    bench.use_dataset(load_builtin(dataset), DataPreparation(), NetworkSpec(hidden=tuple(hidden)))
    bench.step(steps)


def shown(qtbot, widget, width=900, height=600):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def explained(bench, layer, unit) -> HiddenDelta:
    s = bench.snapshot
    return explain_delta(s.thetas, s.a_columns, s.z_columns, s.delta_columns, s.Y, layer, unit,
                         max(bench.example, 0), s.hidden_activation)


def click_box(qtbot, box):
    """Click a check box on its indicator, where a user clicks (a stretched box's centre can lie
    past its text, where a click does nothing)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def click_unit(qtbot, canvas, layer, unit):
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position(layer, unit))


# --- δ's arrows on the canvas -----------------------------------------------------------------
def test_clicking_a_hidden_unit_in_backward_mode_draws_the_arrows_that_carry_delta_into_it(qtbot):
    bench = workbench()
    canvas = shown(qtbot, NetworkCanvas(model=bench))
    load(bench)
    bench.set_mode("backward")
    click_unit(qtbot, canvas, 2, 1)  # unit 2 of layer 3, as the README's picture
    assert bench.selection.indices == (2, 1)
    e = explained(bench, 2, 1)
    # one arrow per unit k of layer 4, each carrying the core's Θ_k2 δ_k
    assert canvas.delta_arrows == e.terms
    assert canvas.delta_arrow_labels() == [(fmt(t.product, 3) if t.product < 0 else f"+{fmt(t.product, 3)}")
                                           for t in e.terms]
    geometry = canvas.delta_arrow_geometry
    expected = arrows_into(canvas.layout, 2, 1, np.arange(len(e.terms)))
    np.testing.assert_array_equal(geometry.shafts, expected.shafts)
    # the heads are drawn where the geometry says, by the sign of their term
    heads = [item.path() for item in canvas._arrow_heads]
    for t, tip in zip(e.terms, geometry.heads[:, 0]):
        inside = heads[int(t.product >= 0)].boundingRect().adjusted(-1, -1, 1, 1)
        assert inside.contains(*tip)
    # the gate note: upstream gradient × local gradient = δ, the core's numbers
    note = canvas.gate.text()
    assert canvas.gate.isVisible()
    for value in (e.weighted_sum, e.g_prime, e.delta):
        assert fmt(value) in note
    assert "upstream" in note and "local" in note


def test_the_arrows_follow_mode_example_and_selection(qtbot):
    bench = workbench()
    canvas = shown(qtbot, NetworkCanvas(model=bench))
    load(bench)
    click_unit(qtbot, canvas, 1, 3)
    assert canvas.delta_arrows == () and not canvas.gate.isVisible()  # forward mode: a, not δ
    bench.set_mode("backward")
    assert canvas.delta_arrows == explained(bench, 1, 3).terms
    bench.set_example(7)
    assert canvas.delta_arrows == explained(bench, 1, 3).terms
    assert "example t = 8" in canvas.gate.text()
    bench.set_example(-1)  # mean |δ| on the units; the numbers stay an example's (t = 1)
    assert canvas.delta_arrows == explained(bench, 1, 3).terms
    assert "example t = 1 (units: mean |δ|)" in canvas.gate.text()
    click_unit(qtbot, canvas, 0, 1)  # an input has no δ
    assert canvas.delta_arrows == () and canvas.delta_arrow_labels() == []
    assert not canvas.gate.isVisible()
    click_unit(qtbot, canvas, 3, 0)  # an output: δ = a − y, no arrows, the note says why
    assert canvas.delta_arrows == ()
    assert "a − y" in canvas.gate.text() and canvas.gate.isVisible()
    bench.set_mode("gradient")
    assert not canvas.gate.isVisible()


def test_a_wide_next_layer_shows_only_the_strongest_arrows_and_says_so(qtbot):
    bench = workbench()
    canvas = shown(qtbot, NetworkCanvas(model=bench))
    load(bench, "digits", hidden=(25,), steps=5)
    bench.set_mode("backward")
    click_unit(qtbot, canvas, 1, 6)
    e = explained(bench, 1, 6)
    products = np.array([t.product for t in e.terms])
    assert len(e.terms) == 10 > MAX_DELTA_ARROWS
    assert canvas.delta_arrows == tuple(e.terms[i] for i in strongest_terms(products, MAX_DELTA_ARROWS))
    weakest_shown = min(abs(t.product) for t in canvas.delta_arrows)
    assert all(abs(t.product) <= weakest_shown for t in e.terms if t not in canvas.delta_arrows)
    assert len(canvas.delta_arrow_labels()) == MAX_DELTA_ARROWS
    assert f"{MAX_DELTA_ARROWS} strongest of 10" in canvas.gate.text()
    # the labels do not overlap
    boxes = sorted((box.sceneBoundingRect() for box, _ in canvas._arrow_labels if box.isVisible()),
                   key=lambda r: r.top())
    assert all(upper.bottom() <= lower.top() + 1e-6 for upper, lower in zip(boxes, boxes[1:]))


def test_hovering_an_arrow_names_its_factors(qtbot):
    bench = workbench()
    canvas = shown(qtbot, NetworkCanvas(model=bench))
    load(bench)
    bench.set_mode("backward")
    click_unit(qtbot, canvas, 2, 1)
    t = canvas.delta_arrows[0]
    start, end = canvas.delta_arrow_geometry.shafts[0]
    text = canvas._tooltip_at(QPointF(*((start + end) / 2)))
    assert f"{fmt(t.theta_kj)} × {fmt(t.delta_k)} = {fmt(t.product)}" in text


def test_arrows_are_restyled_not_rebuilt_each_frame(qtbot):
    """DESIGN.md: items made once; a frame only restyles them."""
    bench = workbench()
    canvas = shown(qtbot, NetworkCanvas(model=bench))
    load(bench)
    bench.set_mode("backward")
    click_unit(qtbot, canvas, 2, 1)
    items = len(canvas.scene().items())
    for _ in range(5):
        bench.step(1)
    assert len(canvas.scene().items()) == items
    assert canvas.delta_arrows == explained(bench, 2, 1).terms


# --- the intuition slide and the gate in the inspector ----------------------------------------
def test_the_inspector_shows_the_slides_weighted_sum_then_times_g_prime(qtbot):
    bench = workbench()
    inspector = shown(qtbot, LayerInspector(model=bench), 450, 800)
    canvas = shown(qtbot, NetworkCanvas(model=bench))
    load(bench)
    click_unit(qtbot, canvas, 2, 1)
    e = explained(bench, 2, 1)
    text = inspector.explanation_text()
    assert "intuition slide" in text and "upstream gradient" in text and "local gradient" in text
    assert f"Σk Θk2(3) δk(4) = {fmt(e.weighted_sum)}" in text
    assert f"{fmt(e.weighted_sum)} · {fmt(e.g_prime)} = {fmt(e.delta)}" in text
    assert f"is {fmt(e.g_prime)} × the slide's value" in text
    # the numbers are the core's: Σ_k Θ_kj δ_k, and × g′ backprop's δ
    s = bench.snapshot
    reference = sum(s.thetas[2][k, 2] * s.delta_columns[3][k, 0] for k in range(3))
    assert e.weighted_sum == pytest.approx(reference, rel=1e-12)
    assert e.weighted_sum * e.g_prime == pytest.approx(s.delta_columns[2][1, 0], rel=1e-12)


def test_an_output_unit_says_why_it_has_no_g_prime(qtbot):
    bench = workbench()
    inspector = shown(qtbot, LayerInspector(model=bench), 450, 800)
    load(bench)
    bench.select_unit(3, 0)
    assert "No g′ factor here" in inspector.explanation_text()


# --- J as its data term plus its λ term --------------------------------------------------------
def lambda_term(thetas, lam, m) -> float:
    """λ/(2m) Σ Θ² over the weights, bias columns excluded: the course's formula, by hand."""
    return lam / (2 * m) * sum(float(np.sum(theta[:, 1:] ** 2)) for theta in thetas)


def test_the_stacked_cost_curves_are_the_data_term_and_the_lambda_term_and_sum_to_J(qtbot):
    lam = 3.0
    bench = workbench(lam=lam)
    plot = shown(qtbot, CostPlot(model=bench), 720, 460)
    load(bench, steps=0)
    thetas_seen = []  # iteration i's pass runs at the Θ shown before it
    for _ in range(12):
        thetas_seen.append(bench.snapshot.thetas)
        bench.step(1)
    qtbot.waitUntil(lambda: plot.point_count() == 12)
    click_box(qtbot, plot.stacked_box)
    assert plot.stacked_box.isChecked() and plot.stacked_box.objectName() == "costStacked"
    x, data, band = plot.stacked_parts()
    _, J = plot.train_curve.getData()
    m = bench.snapshot.m
    expected_band = [lambda_term(thetas, lam, m) for thetas in thetas_seen]
    history = bench.history
    np.testing.assert_array_equal(x, np.arange(12))
    np.testing.assert_array_equal(data, history.series("data_cost"))
    np.testing.assert_allclose(band, expected_band, rtol=1e-9)
    np.testing.assert_allclose(data + band, J, rtol=1e-12)
    np.testing.assert_array_equal(J, history.series("cost"))
    assert min(band) > 0.01 * max(J)  # λ > 0: a band one can see


def test_the_stacked_toggle_swaps_the_lambda_curve_for_the_stacked_parts(qtbot):
    bench = workbench(lam=1.0)
    plot = shown(qtbot, CostPlot(model=bench), 720, 460)
    load(bench, steps=10)
    qtbot.waitUntil(lambda: plot.point_count() == 10)
    assert plot.regularisation_curve.isVisible() and not plot.data_curve.isVisible()
    assert not plot.lambda_band.isVisible()
    assert plot.lambda_band.path().isEmpty()  # hidden, the band costs no path per frame
    click_box(qtbot, plot.stacked_box)
    assert plot.data_curve.isVisible() and plot.lambda_band.isVisible()
    assert not plot.regularisation_curve.isVisible()
    assert plot.legend_names()[:4] == ["J train (with λ term)", "J validation (no λ term)",
                                       "data term", "+ λ/(2m) ΣΘ²"]
    assert not plot.lambda_band.path().isEmpty()
    assert " data + " in plot.readout_at(5)
    click_box(qtbot, plot.log_y_box)  # no 0 to fill down to
    assert plot.data_curve.opts["fillLevel"] is None
    click_box(qtbot, plot.log_y_box)
    assert plot.data_curve.opts["fillLevel"] == 0.0
    click_box(qtbot, plot.stacked_box)
    assert plot.regularisation_curve.isVisible() and not plot.data_curve.isVisible()
    assert "λ/(2m) ΣΘ²" in plot.legend_names() and "data term" not in plot.legend_names()


# --- D as its data part plus its λ part ---------------------------------------------------------
def test_splitting_D_shows_its_data_part_and_its_lambda_part_on_Ds_scale(qtbot):
    lam = 2.0
    bench = workbench(lam=lam)
    inspector = shown(qtbot, LayerInspector(model=bench), 450, 800)
    load(bench)
    bench.select_unit(2, 1)  # its fan-in: Θ^(2)
    bar = inspector.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert inspector.split_D.isVisible() and inspector.split_D.objectName() == "splitD"
    heatmaps, s = inspector.heatmaps, bench.snapshot
    assert heatmaps.shown_names() == MatrixHeatmaps.NAMES
    click_box(qtbot, inspector.split_D)
    assert inspector.split_D.isChecked()
    assert heatmaps.shown_names() == MatrixHeatmaps.PART_NAMES
    data_part, lambda_part = gradient_parts(s.Deltas[1], s.thetas[1], lam, s.m)
    scale = heatmaps.level("D", 2, s.gradients[1])
    shown_as = lambda part: np.clip(part, -scale, scale).astype(np.float32)  # noqa: E731
    np.testing.assert_array_equal(heatmaps.image("(1/m)Δ"), shown_as(data_part))
    np.testing.assert_array_equal(heatmaps.image("(λ/m)Θ"), shown_as(lambda_part))
    np.testing.assert_array_equal(heatmaps.image("D"), shown_as(s.gradients[1]))
    assert np.all(heatmaps.image("(λ/m)Θ")[:, 0] == 0)  # the bias column: no λ part
    assert np.any(heatmaps.image("(λ/m)Θ")[:, 1:] != 0)
    np.testing.assert_allclose(data_part + lambda_part, s.gradients[1], rtol=1e-12, atol=1e-15)
    bench.select_unit(1, 0)  # another layer: its Θ^(1), still split
    np.testing.assert_array_equal(heatmaps.image("(1/m)Δ"),
                                  np.clip(s.Deltas[0] / s.m, -heatmaps.level("D", 1, s.gradients[0]),
                                          heatmaps.level("D", 1, s.gradients[0])).astype(np.float32))
    click_box(qtbot, inspector.split_D)
    assert heatmaps.shown_names() == MatrixHeatmaps.NAMES
    np.testing.assert_array_equal(heatmaps.image("Δ"),
                                  np.clip(s.Deltas[0], -heatmaps.level("Δ", 1, s.Deltas[0]),
                                          heatmaps.level("Δ", 1, s.Deltas[0])).astype(np.float32))
