"""The cost plot, the decision-boundary view and the weight images, built offscreen
and checked through what they show: curve data, legend entries, image arrays."""
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from bp_desktop.core import Network, sigmoid
from bp_desktop.ui.cost_plot import CostAxis, CostPlot, GrowingSeries
from bp_desktop.ui.decimation import PeakPyramid
from bp_desktop.ui.decision_view import DecisionBoundaryView
from bp_desktop.ui.palette import (CLASS_COLORS, CLASS_COLORS_LIGHT, DIVERGING_LUT, class_rgb,
                                   diverging_bucket_colors, diverging_color, diverging_index,
                                   two_class_lut)
from bp_desktop.ui.weight_images import GAP, WeightImagesView, tile_grid


# --- palette -------------------------------------------------------------------------------
def test_diverging_lut_runs_from_orange_through_white_to_purple():
    assert DIVERGING_LUT.shape == (256, 3) and DIVERGING_LUT.dtype == np.uint8
    negative, zero, positive = (diverging_color(v, 2.0) for v in (-2.0, 0.0, 2.0))
    assert negative.red() > negative.blue()          # orange
    assert positive.blue() > positive.red()          # purple
    assert min(zero.red(), zero.green(), zero.blue()) > 230  # near white
    assert diverging_color(-50.0, 2.0) == negative   # clipped to the scale's end
    assert diverging_color(50.0, 2.0) == positive


@settings(deadline=None)
@given(st.floats(1e-6, 1e6), st.floats(-1.0, 1.0).filter(lambda u: abs(u) > 1e-3))
def test_diverging_index_keeps_the_sign_of_the_value(scale, fraction):
    index = int(diverging_index(fraction * scale, scale))
    assert (index >= 128) == (fraction > 0)


def test_bucket_colours_run_symmetrically_from_orange_to_purple():
    colors = diverging_bucket_colors(16)
    assert len(colors) == 16
    assert colors[0] == diverging_color(-15 / 16, 1.0) and colors[-1] == diverging_color(15 / 16, 1.0)
    assert colors[0].red() > colors[0].blue() and colors[-1].blue() > colors[-1].red()
    with pytest.raises(ValueError, match="at least one bucket"):
        diverging_bucket_colors(0)


def test_diverging_color_rejects_a_non_positive_scale():
    with pytest.raises(ValueError, match="scale must be positive"):
        diverging_color(1.0, 0.0)


def test_class_colours_are_distinct_and_their_tints_lighter():
    assert len(set(CLASS_COLORS)) == len(CLASS_COLORS) == len(CLASS_COLORS_LIGHT) == 10
    for k in range(10):
        assert class_rgb(k, light=True).sum() > class_rgb(k).sum()


def test_two_class_lut_is_white_in_the_middle():
    lut = two_class_lut()
    assert lut.shape == (256, 3)
    assert np.all(lut[127:129] > 250)
    assert np.array_equal(lut[0], class_rgb(0, light=True).round().astype(np.uint8))


# --- cost plot -----------------------------------------------------------------------------
def _series(start, count, validation=True):
    it = np.arange(start, start + count, dtype=float)
    cost = 1.0 / (1.0 + 0.01 * it)
    data_cost = cost - 0.05
    nan = np.full(count, np.nan)
    return dict(iterations=it, cost=cost, data_cost=data_cost,
                validation_cost=cost + 0.1 if validation else nan,
                train_accuracy=np.linspace(0.5, 0.9, count),
                validation_accuracy=np.linspace(0.4, 0.8, count) if validation else nan)


@pytest.fixture
def cost_plot(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(640, 420)
    return plot


def test_cost_plot_appends_batches_into_its_curves(cost_plot):
    first, second = _series(1, 700), _series(701, 900)
    cost_plot.append(**first)
    cost_plot.append(**second)
    assert cost_plot.point_count() == 1600
    x, y = cost_plot.train_curve.getOriginalDataset()
    assert np.array_equal(x, np.arange(1, 1601))
    assert np.array_equal(y, np.concatenate([first["cost"], second["cost"]]))
    _, reg = cost_plot.regularisation_curve.getOriginalDataset()
    assert np.allclose(reg, 0.05)  # cost − data_cost
    _, validation = cost_plot.validation_curve.getOriginalDataset()
    assert np.array_equal(validation, np.concatenate([first["validation_cost"],
                                                      second["validation_cost"]]))
    _, accuracy = cost_plot.train_accuracy_curve.getOriginalDataset()
    assert accuracy[0] == pytest.approx(50.0) and accuracy[-1] == pytest.approx(90.0)


def test_cost_plot_has_the_stable_object_names(cost_plot):
    assert cost_plot.objectName() == "costPlot"
    assert cost_plot.findChild(type(cost_plot.log_y_box), "costLogY") is cost_plot.log_y_box
    assert cost_plot.findChild(type(cost_plot.readout), "costReadout") is cost_plot.readout


def test_axis_labels_use_the_course_notation(cost_plot):
    cost_plot.append(**_series(1, 10))  # small J must not become "J(Θ) (x0.001)"
    cost_plot.grab()
    shown = re.sub("<[^>]+>", "", cost_plot.cost_axes.getAxis("left").labelString())
    assert shown.strip() == "J(Θ)"
    assert cost_plot.accuracy_axes.getAxis("bottom").labelText == "iteration"
    assert cost_plot.accuracy_axes.getAxis("left").labelText == "accuracy (%)"


def test_validation_curves_hide_while_there_is_no_validation_set(cost_plot):
    cost_plot.append(**_series(1, 50, validation=False))
    assert not cost_plot.validation_curve.isVisible()
    assert not cost_plot.validation_accuracy_curve.isVisible()
    assert cost_plot.legend_names() == ["J train (with λ term)", "λ/(2m) ΣΘ²", "train"]

    cost_plot.append(**_series(51, 50, validation=True))
    assert cost_plot.validation_curve.isVisible()
    assert cost_plot.legend_names() == ["J train (with λ term)", "J validation (no λ term)",
                                        "λ/(2m) ΣΘ²", "train", "validation"]

    cost_plot.clear()
    assert cost_plot.point_count() == 0
    assert not cost_plot.validation_curve.isVisible()
    assert cost_plot.legend_names() == ["J train", "train"]  # a new run shows what it has
    x, _ = cost_plot.train_curve.getOriginalDataset()
    assert x is None or len(x) == 0


def test_the_lambda_term_shows_only_once_it_is_not_zero(cost_plot):
    unregularised = _series(1, 20)
    unregularised["data_cost"] = unregularised["cost"]  # λ = 0
    cost_plot.append(**unregularised)
    assert not cost_plot.regularisation_curve.isVisible()
    assert cost_plot.legend_names() == ["J train", "J validation", "train", "validation"]
    cost_plot.append(**_series(21, 20))  # λ raised during the run
    assert cost_plot.regularisation_curve.isVisible()
    # J train now includes λ/(2m) ΣΘ², J validation (J_cv, as in the course) does not: said
    assert cost_plot.legend_names()[:3] == ["J train (with λ term)", "J validation (no λ term)",
                                            "λ/(2m) ΣΘ²"]


def test_log_axis_labels_only_1_2_5_per_decade():
    axis = CostAxis("left")
    axis.setLogMode(False, True)
    values = np.log10([0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.2, 0.4, 0.5])
    labelled = [bool(t) for t in axis.tickStrings(values, 1.0, 1.0)]
    assert labelled == [True, True, False, True, False, True, True, False, True]


def test_log_checkbox_flips_the_cost_axis_log_mode(cost_plot, qtbot):
    cost_plot.append(**_series(1, 100))
    cost_plot.show()
    qtbot.waitExposed(cost_plot)
    assert cost_plot.cost_axes.vb.state["logMode"] == [False, False]
    qtbot.mouseClick(cost_plot.log_y_box, Qt.MouseButton.LeftButton,
                     pos=QPoint(4, cost_plot.log_y_box.height() // 2))
    assert cost_plot.log_y_box.isChecked()
    assert cost_plot.cost_axes.vb.state["logMode"] == [False, True]
    assert cost_plot.accuracy_axes.vb.state["logMode"] == [False, False]
    cost_plot.set_log_y(False)
    assert not cost_plot.log_y_box.isChecked()
    assert cost_plot.cost_axes.vb.state["logMode"] == [False, False]


def test_hover_shows_the_nearest_iteration_and_its_cost(cost_plot, qtbot):
    data = _series(1, 200, validation=False)
    cost_plot.append(**data)
    cost_plot.show()
    qtbot.waitExposed(cost_plot)
    cost_plot.cost_axes.vb.setRange(xRange=(1, 200), yRange=(0, 1.2), padding=0)
    scene_pos = cost_plot.cost_axes.vb.mapViewToScene(QPointF(123.2, 0.5))
    widget_pos = cost_plot.graphics.mapFromScene(scene_pos)
    qtbot.mouseMove(cost_plot.graphics.viewport(), widget_pos)
    qtbot.waitUntil(lambda: cost_plot.readout.text().startswith("iteration"))
    assert cost_plot.readout.text().startswith(f"iteration 123   J = {data['cost'][122]:.4f}")
    assert "validation" not in cost_plot.readout.text()
    assert all(line.isVisible() and line.value() == 123 for line in cost_plot.hover_lines)


def test_readout_names_the_validation_cost_when_there_is_one(cost_plot):
    data = _series(10, 5)
    cost_plot.append(**data)
    assert cost_plot.readout_at(11.4) == (f"iteration 11   J = {data['cost'][1]:.4g}   "
                                          f"J validation = {data['validation_cost'][1]:.4g}   "
                                          f"accuracy = {100 * data['train_accuracy'][1]:.1f} %")
    assert cost_plot.readout_at(-100).startswith("iteration 10 ")
    assert cost_plot.readout_at(1e9).startswith("iteration 14 ")


def test_readout_reads_the_current_dots_and_huge_costs_briefly(cost_plot):
    cost_plot.append(**_series(1, 5))
    cost_plot.show_current(6, 5.26542e299, None, 0.5, None)
    assert cost_plot.readout_at(5.9) == "iteration 6   J = 5.265e+299   accuracy = 50.0 %"
    assert cost_plot.readout_at(5.1).startswith("iteration 5 ")
    cost_plot.hide_current()
    assert cost_plot.readout_at(5.9).startswith("iteration 5 ")


def test_mismatched_arrays_are_refused_and_nothing_is_stored(cost_plot):
    cost_plot.append(**_series(1, 10))
    bad = _series(11, 10)
    bad["validation_cost"] = bad["validation_cost"][:9]
    with pytest.raises(ValueError, match="equal length"):
        cost_plot.append(**bad)
    assert cost_plot.point_count() == 10


def test_iterations_must_keep_increasing_until_clear(cost_plot):
    cost_plot.append(**_series(1, 10))
    with pytest.raises(ValueError, match="increasing iteration numbers; call clear"):
        cost_plot.append(**_series(1, 10))  # a new run without clear()
    assert cost_plot.point_count() == 10
    cost_plot.clear()
    cost_plot.append(**_series(1, 10))
    assert cost_plot.point_count() == 10


def test_non_finite_costs_turn_the_finite_check_back_on(cost_plot):
    cost_plot.append(**_series(1, 10))
    assert cost_plot.train_curve.opts["skipFiniteCheck"]
    diverged = _series(11, 10)
    diverged["cost"][3] = np.inf
    cost_plot.append(**diverged)
    assert not cost_plot.train_curve.opts["skipFiniteCheck"]



def test_all_nan_validation_keeps_the_finite_check(cost_plot):
    cost_plot.append(**_series(1, 10, validation=False))
    assert cost_plot.train_curve.opts["skipFiniteCheck"]
    assert not cost_plot.validation_curve.opts["skipFiniteCheck"]


def test_curves_downsample_by_peak_and_clip_to_view(cost_plot):
    for curve in (cost_plot.train_curve, cost_plot.validation_curve,
                  cost_plot.regularisation_curve, cost_plot.train_accuracy_curve):
        assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak"
        assert curve.opts["clipToView"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 3000), min_size=1, max_size=12))
def test_growing_series_holds_exactly_what_was_appended(chunk_sizes):
    series = GrowingSeries(("a", "b"), capacity=4)
    expected = np.arange(sum(chunk_sizes), dtype=float)
    start = 0
    for size in chunk_sizes:
        chunk = expected[start:start + size]
        series.append(a=chunk, b=-chunk)
        start += size
    assert len(series) == len(expected)
    assert np.array_equal(series.column("a"), expected)
    assert np.array_equal(series.column("b"), -expected)


def test_cost_plot_renders(cost_plot):
    cost_plot.append(**_series(1, 500))
    image = cost_plot.grab().toImage()
    assert image.width() == 640 and image.height() == 420
    colors = {image.pixelColor(x, y).name() for x in range(640) for y in range(420)}
    assert QColor("#0072B2").name() in colors  # the J train curve is drawn


# --- decision boundary -------------------------------------------------------------------
@pytest.fixture
def decision_view(qtbot):
    view = DecisionBoundaryView()
    qtbot.addWidget(view)
    view.resize(420, 400)
    return view


X_DEMO = np.array([[-1.0, -2.0], [3.0, 0.0], [1.0, 2.0], [0.0, 1.0]])
Y_DEMO = np.array([0, 1, 1, 0])


def test_set_data_builds_a_grid_that_covers_the_data_with_a_margin(decision_view):
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    grid = decision_view.grid
    rows, columns = decision_view._shape
    assert grid.shape == (rows * columns, 2) and min(rows, columns) == 100
    # the data and a 10 % margin at least (the view may show more on one axis)
    assert np.all(grid.min(axis=0) <= [-1.4 + 1e-9, -2.4 + 1e-9])
    assert np.all(grid.max(axis=0) >= [3.4 - 1e-9, 2.4 - 1e-9])
    assert decision_view.objectName() == "decisionView"


def test_a_wide_view_shows_more_plane_with_the_boundary_drawn_all_over(qtbot, decision_view):
    """Equal units on x₁ and x₂ leave room at the sides of a wide dock: the boundary must
    fill it (no blank margins), in square cells, and follow a resize."""
    decision_view.resize(900, 220)
    decision_view.show()
    qtbot.waitExposed(decision_view)
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    decision_view.update_network(Network([2, 3, 1], seed=0))
    (x_low, x_high), (y_low, y_high) = decision_view.axes.vb.viewRange()
    assert x_high - x_low > 2 * (3.4 + 1.4)  # wider than the data: the plane around it shows
    rect = decision_view.image_item.mapRectToView(decision_view.image_item.boundingRect())
    assert rect.left() <= x_low and rect.right() >= x_high
    assert rect.top() <= y_low and rect.bottom() >= y_high
    rows, columns = decision_view._shape
    cell_w, cell_h = (x_high - x_low) / (columns - 1), (y_high - y_low) / (rows - 1)
    assert cell_w == pytest.approx(cell_h, rel=0.05)
    assert decision_view._output.shape == (rows * columns, 1)


def test_auto_range_fits_the_data_and_stays_put(qtbot, decision_view):
    """The image reaches beyond the view; fitting it too zoomed out without end."""
    decision_view.resize(600, 300)
    decision_view.show()
    qtbot.waitExposed(decision_view)
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    decision_view.update_network(Network([2, 3, 1], seed=0))
    decision_view.axes.autoBtnClicked()
    for _ in range(20):  # let any range-change cascade run (it went on event after event)
        QApplication.processEvents()
    (x_low, x_high), (y_low, y_high) = decision_view.axes.vb.viewRange()
    assert -10 < x_low < -1 and 3.4 < x_high < 10 and -4 < y_low <= -2.0 and 2.0 <= y_high < 4


def test_the_readout_follows_a_new_network_without_a_mouse_move(decision_view):
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    decision_view.update_network(Network([2, 1], thetas=[np.array([[0.0, 5.0, 0.0]])]))
    decision_view._hovered = (1.0, 0.0)  # as the last mouse move left it
    decision_view.update_network(Network([2, 1], thetas=[np.array([[0.0, -5.0, 0.0]])]))
    assert decision_view.readout.text() == decision_view.readout_at(1.0, 0.0)
    assert "h_Θ(x) = 0.00" in decision_view.readout.text()  # g(−5 · 1) ≈ 0.007


def test_scatter_shows_each_class_in_its_colour_with_a_legend(decision_view):
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    [no, yes] = decision_view._scatters
    assert np.array_equal(np.column_stack(no.getData()), X_DEMO[Y_DEMO == 0])
    assert np.array_equal(np.column_stack(yes.getData()), X_DEMO[Y_DEMO == 1])
    assert no.opts["brush"].color() == QColor(CLASS_COLORS[0])
    assert [label.text for _, label in decision_view.legend.items] == ["no", "yes"]


def test_one_output_image_is_the_networks_probability_on_the_grid(decision_view):
    theta = np.array([[0.5, 2.0, -1.0]])  # h = g(0.5 + 2 x₁ − x₂)
    network = Network([2, 1], thetas=[theta])
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    decision_view.update_network(network)
    image = decision_view.image_item.image
    rows, columns = decision_view._shape
    assert image.shape == (rows, columns) and image.dtype == np.float32
    assert np.allclose(image.ravel(), network.forward(decision_view.grid).output[:, 0], atol=1e-7)
    # Pixel (i, j) sits at (x_j, y_i) in the plot, with the same probability there.
    i, j = 17, 80
    x1, x2 = decision_view.grid[i * columns + j]
    centre = decision_view.image_item.mapToParent(QPointF(j + 0.5, i + 0.5))
    assert centre.x() == pytest.approx(x1) and centre.y() == pytest.approx(x2)
    assert image[i, j] == pytest.approx(sigmoid(0.5 + 2 * x1 - x2), abs=1e-6)
    assert decision_view.image_item.getLevels() == pytest.approx((0.0, 1.0))


def test_several_outputs_colour_each_pixel_by_its_argmax_class(decision_view):
    # Three output units that each prefer one region: x₁ < −0.5, x₁ > 0.5, and x₂ > 1.
    thetas = [np.array([[-3.0, -8.0, 0.0], [-3.0, 8.0, 0.0], [-8.0, 0.0, 8.0]])]
    network = Network([2, 3], thetas=thetas)
    decision_view.set_data(X_DEMO, np.array([0, 1, 2, 0]), ["a", "b", "c"])
    decision_view.update_network(network)
    image = decision_view.image_item.image
    h = network.forward(decision_view.grid).output
    assert image.shape == (*decision_view._shape, 3)
    winner, strength = h.argmax(axis=1), h.max(axis=1)
    expected = 255.0 + strength[:, None] * (np.array([class_rgb(k, light=True) for k in range(3)])[winner]
                                            - 255.0)
    assert np.allclose(image.reshape(-1, 3), expected, atol=1e-3)
    corner = np.argmin(decision_view.grid[:, 0])  # far left: class "a" wins with h ≈ 1
    assert winner[corner] == 0 and np.allclose(image.reshape(-1, 3)[corner],
                                               class_rgb(0, light=True), atol=1.0)


def test_bad_data_is_refused_and_the_previous_data_kept(decision_view):
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    grid = decision_view.grid
    with pytest.raises(ValueError, match=r"X must be a matrix"):
        decision_view.set_data(np.zeros(4), Y_DEMO, ["no", "yes"])
    with pytest.raises(ValueError, match="class indices"):
        decision_view.set_data(X_DEMO, np.array([0, 1, 2, 0]), ["no", "yes"])
    assert decision_view.grid is grid


def test_clear_empties_the_view_and_updates_wait_for_data(decision_view):
    network = Network([2, 3, 1], seed=1)
    decision_view.update_network(network)  # nothing to draw on yet
    assert decision_view.image_item.image is None
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    decision_view.update_network(network)
    decision_view.clear()
    assert decision_view.grid is None and decision_view.image_item.image is None
    assert decision_view.legend.items == []


def test_a_single_point_still_gets_a_plane(decision_view):
    decision_view.set_data(np.array([[2.0, 2.0]]), np.array([0]), ["only"])
    assert np.all(np.isfinite(decision_view.grid))
    extent = np.ptp(decision_view.grid, axis=0)  # ±0.5 around it, and the 10 % margin
    assert min(extent) == pytest.approx(1.2) and max(extent) >= 1.2


# --- weight images -------------------------------------------------------------------------
@pytest.fixture
def weight_view(qtbot):
    view = WeightImagesView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    return view


def _theta1(units, pixels, seed=0):
    return np.random.default_rng(seed).normal(size=(units, pixels + 1))


def test_tile_of_each_unit_is_its_reshaped_weights_over_its_max(weight_view):
    theta1 = _theta1(5, 6)
    weight_view.set_image_shape((2, 3))
    weight_view.update_thetas(theta1)
    w0 = theta1[0, 1:]
    assert np.allclose(weight_view.tiles[0], w0.reshape(2, 3) / np.abs(w0).max())
    assert weight_view.objectName() == "weightImages"


def test_mosaic_tiles_units_row_by_row_with_one_pixel_gaps(weight_view):
    theta1 = _theta1(5, 6)
    weight_view.set_image_shape((2, 3))
    weight_view.update_thetas(theta1)
    mosaic = weight_view.image_item.image
    assert tile_grid(5) == (2, 3)
    assert mosaic.shape == (GAP + 2 * (2 + GAP), GAP + 3 * (3 + GAP))
    # unit 4 is in tile row 1, tile column 1
    top, left = GAP + 1 * (2 + GAP), GAP + 1 * (3 + GAP)
    assert np.allclose(mosaic[top:top + 2, left:left + 3], weight_view.tiles[4])
    assert np.isnan(mosaic[0]).all() and np.isnan(mosaic[:, 0]).all()
    assert np.isnan(mosaic[top:top + 2, -4:-1]).all()  # the sixth slot is empty
    assert weight_view.image_item.getLevels() == pytest.approx((-1.0, 1.0))


def test_column_major_order_reads_the_course_images(weight_view):
    theta1 = _theta1(3, 6)
    weight_view.set_image_shape((2, 3), order="F")
    weight_view.update_thetas(theta1)
    w2 = theta1[2, 1:]
    assert np.allclose(weight_view.tiles[2], w2.reshape(2, 3, order="F") / np.abs(w2).max())


def test_global_scale_divides_every_tile_by_the_layer_max(weight_view, qtbot):
    theta1 = _theta1(4, 9)
    weight_view.update_thetas(theta1)  # 9 inputs: a 3×3 image is inferred
    assert weight_view.tiles.shape == (4, 3, 3)
    weight_view.show()
    qtbot.waitExposed(weight_view)
    box = weight_view.global_scale_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(4, box.height() // 2))
    assert weight_view.global_scale
    biggest = np.abs(theta1[:, 1:]).max()
    assert np.allclose(weight_view.tiles, theta1[:, 1:].reshape(4, 3, 3) / biggest)
    assert "one scale for all" in weight_view.caption.text()


def test_bias_weights_are_not_drawn(weight_view):
    theta1 = _theta1(2, 4)
    theta1[:, 0] = 1e6  # a huge bias must not flatten the picture
    weight_view.update_thetas(theta1)
    assert np.abs(weight_view.tiles).max() == pytest.approx(1.0)


def test_shape_mismatches_are_explained(weight_view):
    weight_view.set_image_shape((2, 2))
    with pytest.raises(ValueError, match="6 inputs but the image shape 2×2 has 4 pixels"):
        weight_view.update_thetas(_theta1(3, 6))
    weight_view.image_shape = None
    with pytest.raises(ValueError, match="do not make a square image"):
        weight_view.update_thetas(_theta1(3, 6))
    with pytest.raises(ValueError, match="order must be"):
        weight_view.set_image_shape((2, 3), order="K")


def test_changing_the_shape_redraws_the_last_weights(weight_view):
    weight_view.update_thetas(_theta1(2, 4))
    weight_view.set_image_shape((1, 4))
    assert weight_view.tiles.shape == (2, 1, 4)
    weight_view.set_image_shape((3, 3))  # a new dataset: the old weights no longer fit
    assert weight_view.tiles is None and weight_view.image_item.image is None
    weight_view.update_thetas(_theta1(2, 9))
    weight_view.clear()
    assert weight_view.tiles is None and weight_view.image_item.image is None


# The fixture's view is reused across examples on purpose: update_thetas replaces all it shows.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.just(17)),
              elements=st.floats(-1e3, 1e3)))
def test_every_drawn_tile_fills_the_range_unless_its_weights_are_zero(weight_view, theta1):
    weight_view.set_image_shape((4, 4))
    weight_view.update_thetas(theta1)
    peaks = np.abs(weight_view.tiles).reshape(len(theta1), -1).max(axis=1)
    nonzero = np.abs(theta1[:, 1:]).max(axis=1) > 0
    assert np.allclose(peaks[nonzero], 1.0) and np.all(peaks[~nonzero] == 0)
    mosaic = weight_view.image_item.image
    assert np.count_nonzero(~np.isnan(mosaic)) == theta1.shape[0] * 16
    rows, cols = tile_grid(len(theta1))
    assert rows * cols >= len(theta1) and rows == math.floor(math.sqrt(len(theta1)))


# --- peak decimation -------------------------------------------------------------------------
def _bin_extremes(raw, size):
    """Reference: min and max of every bin of `size` raw points, by plain slicing."""
    chunks = [raw[:, i:i + size] for i in range(0, raw.shape[1], size)]
    return (np.array([np.fmin.reduce(c, axis=1) for c in chunks]).T,
            np.array([np.fmax.reduce(c, axis=1) for c in chunks]).T)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=8), st.data())
def test_pyramid_bins_hold_the_extremes_of_their_points(chunk_sizes, data):
    total = sum(chunk_sizes)
    raw = data.draw(arrays(np.float64, (2, total),
                           elements=st.floats(-1e6, 1e6) | st.just(np.nan)))
    pyramid = PeakPyramid(2, base_level=2)
    done = 0
    for size in chunk_sizes:  # grown in chunks, as the trainer delivers them
        done += size
        pyramid.update(raw[:, :done])
    assert pyramid.level_count() >= 1
    assert pyramid.level(pyramid.level_count() - 1)[0].shape[1] == 1  # the top is one bin
    for level in range(pyramid.level_count()):
        expected_min, expected_max = _bin_extremes(raw, 4 << level)
        mins, maxs = pyramid.level(level)
        assert np.array_equal(mins, expected_min, equal_nan=True)
        assert np.array_equal(maxs, expected_max, equal_nan=True)


@given(st.integers(1, 100_000), st.integers(0, 100_000), st.integers(1, 2000))
@settings(max_examples=60, deadline=None)
def test_pyramid_answers_with_about_max_bins_covering_the_range(n, start, max_bins):
    pyramid = PeakPyramid(1)
    pyramid.update(np.arange(n, dtype=float)[None, :])
    start = min(start, n - 1)
    binned = pyramid.bins(start, n, max_bins)
    if binned is None:
        assert n - start <= max_bins * 16
        return
    size, mins, maxs = binned
    assert mins.shape[1] <= max_bins + 1
    assert mins[0, 0] <= start and maxs[0, -1] == n - 1  # the whole range is covered


def test_long_runs_reach_the_curves_as_peaks_per_bin(cost_plot):
    rng = np.random.default_rng(3)
    n = 300_000
    cost = rng.random(n)
    cost[123_457] = 7.0  # one spike must stay visible
    it = np.arange(1, n + 1, dtype=float)
    nan = np.full(n, np.nan)
    cost_plot.append(it, cost, cost, nan, np.full(n, 0.5), nan)
    x, y = cost_plot.train_curve.getOriginalDataset()
    assert len(x) < 5000  # about two values per pixel column, not 300,000
    assert y.max() == 7.0 and y.min() == cost.min()
    assert x[0] == 1 and x[-1] == n and y[-1] == cost[-1]


def test_zooming_in_feeds_the_raw_points_in_view(cost_plot, qtbot):
    n = 300_000
    data = _series(1, n)
    cost_plot.append(**data)
    cost_plot.cost_axes.vb.setXRange(1000, 2000, padding=0)
    x, y = cost_plot.train_curve.getOriginalDataset()
    assert x[0] <= 1000 and x[-1] >= 2000 and len(x) < 1100
    assert np.array_equal(y, data["cost"][x.astype(int) - 1])  # raw values, not bins
    cost_plot.cost_axes.vb.enableAutoRange(x=True)
    cost_plot.append(**_series(n + 1, 10))  # following the run again: the whole range
    x, _ = cost_plot.train_curve.getOriginalDataset()
    assert x[0] == 1 and x[-1] == n + 10


def test_a_wider_plot_gets_more_bins(cost_plot, qtbot):
    n = 300_000
    cost_plot.append(**_series(1, n))
    cost_plot.show()
    qtbot.waitExposed(cost_plot)
    narrow = len(cost_plot.train_curve.getOriginalDataset()[0])
    cost_plot.resize(1900, 420)
    qtbot.waitUntil(lambda: len(cost_plot.train_curve.getOriginalDataset()[0]) > narrow)


def test_hovering_a_tile_names_its_unit_and_scale(weight_view, qtbot):
    theta1 = _theta1(5, 6)
    weight_view.set_image_shape((2, 3))
    weight_view.update_thetas(theta1)
    weight_view.show()
    qtbot.waitExposed(weight_view)
    # unit 4: tile row 1, tile column 1; its centre in image coordinates
    centre = QPointF(GAP + 1 * (3 + GAP) + 1.5, GAP + 1 * (2 + GAP) + 1.0)
    assert weight_view.unit_at(centre.x(), centre.y()) == 4
    assert weight_view.unit_at(0.5, 0.5) is None  # the border gap
    assert weight_view.unit_at(GAP + 2 * (3 + GAP) + 1, GAP + 1 * (2 + GAP) + 1) is None  # empty slot
    widget_pos = weight_view.graphics.mapFromScene(weight_view.view.mapViewToScene(centre))
    with qtbot.waitSignal(weight_view.unit_hovered) as hovered:
        qtbot.mouseMove(weight_view.graphics.viewport(), widget_pos)
    assert hovered.args == [4]
    scale = np.abs(theta1[4, 1:]).max()
    assert weight_view.readout.text() == (f"hidden unit a₅⁽²⁾, row 5 of Θ⁽¹⁾: "
                                          f"full colour at |Θ| = {scale:.3g}")


def test_hover_reads_the_output_at_the_nearest_grid_point(decision_view, qtbot):
    network = Network([2, 1], thetas=[np.array([[0.5, 2.0, -1.0]])])
    decision_view.set_data(X_DEMO, Y_DEMO, ["no", "yes"])
    decision_view.update_network(network)
    decision_view.show()
    qtbot.waitExposed(decision_view)
    i, j = 40, 70
    x1, x2 = decision_view.grid[i * 100 + j]
    h = sigmoid(0.5 + 2 * x1 - x2)
    expected = f"x = ({x1:.2f}, {x2:.2f})   h_Θ(x) = {h:.3f}, the estimated probability of yes"
    assert decision_view.readout_at(x1 + 0.001, x2 - 0.001) == expected
    widget_pos = decision_view.graphics.mapFromScene(
        decision_view.axes.vb.mapViewToScene(QPointF(x1, x2)))
    qtbot.mouseMove(decision_view.graphics.viewport(), widget_pos)
    qtbot.waitUntil(lambda: decision_view.readout.text().startswith("x = "))
    assert decision_view.readout.text() == expected


def test_hover_names_the_winning_class_for_several_outputs(decision_view):
    thetas = [np.array([[-3.0, -8.0, 0.0], [-3.0, 8.0, 0.0], [-8.0, 0.0, 8.0]])]
    network = Network([2, 3], thetas=thetas)
    decision_view.set_data(X_DEMO, np.array([0, 1, 2, 0]), ["a", "b", "c"])
    decision_view.update_network(network)
    assert "is largest for a: " in decision_view.readout_at(-1.4, -2.4)
    assert "is largest for b: " in decision_view.readout_at(3.4, -2.4)


def test_clicking_a_tile_reports_its_unit_and_highlight_frames_it(weight_view, qtbot):
    theta1 = _theta1(5, 6)
    weight_view.set_image_shape((2, 3))
    weight_view.update_thetas(theta1)
    weight_view.show()
    qtbot.waitExposed(weight_view)
    top, left = weight_view.tile_origin(3)  # tile row 1, column 0
    assert (top, left) == (GAP + 2 + GAP, GAP)
    centre = QPointF(left + 1.5, top + 1.0)
    widget_pos = weight_view.graphics.mapFromScene(weight_view.view.mapViewToScene(centre))
    with qtbot.waitSignal(weight_view.unit_clicked) as clicked:
        qtbot.mouseClick(weight_view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=widget_pos)
    assert clicked.args == [3]

    weight_view.highlight_unit(3)
    assert weight_view.highlight.isVisible()
    frame = weight_view.highlight.rect()
    assert (frame.left(), frame.top(), frame.width(), frame.height()) == (left - 0.5, top - 0.5, 4, 3)
    weight_view.update_thetas(_theta1(5, 6, seed=1))  # new weights keep the selection
    assert weight_view.highlight.isVisible()
    weight_view.highlight_unit(99)  # not in this layer
    assert not weight_view.highlight.isVisible()
    weight_view.highlight_unit(2)
    weight_view.clear()
    assert not weight_view.highlight.isVisible()


def test_memory_stays_bounded_by_thinning_the_older_points(qtbot):
    plot = CostPlot(max_points=1000)
    qtbot.addWidget(plot)
    rng = np.random.default_rng(5)
    for start in range(1, 20_001, 500):
        data = _series(start, 500)
        data["cost"] = rng.random(500)
        plot.append(**data)
    assert plot.point_count() <= 1000
    x, y = plot.train_curve.getOriginalDataset()
    held = plot._series.column("iteration")
    assert held[0] == 1 and held[-1] == 20_000 and np.all(np.diff(held) > 0)
    assert np.array_equal(held[-500:], np.arange(19_501, 20_001))  # the newest stay whole
    assert x[0] == 1 and x[-1] == 20_000
    held_cost = plot._series.column("cost")
    assert y.min() == held_cost.min() and y.max() == held_cost.max()
    assert plot.readout_at(20_000).startswith("iteration 20000 ")
    with pytest.raises(ValueError, match="max_points"):
        CostPlot(max_points=3)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 300), st.integers(0, 300))
def test_thinning_keeps_the_first_and_newest_rows_in_order(length, target):
    series = GrowingSeries(("iteration",), capacity=4)
    series.append(iteration=np.arange(1, length + 1, dtype=float))
    series.thin_to(target)
    held = series.column("iteration")
    assert len(held) <= length and len(held) <= max(target, 2)
    if length:
        assert held[0] == 1 and held[-1] == length and np.all(np.diff(held) > 0)
        newest = min(length, max(target, 2)) // 2  # at least the newest half of what remains
        assert np.array_equal(held[len(held) - newest:], np.arange(length - newest + 1, length + 1))


def test_the_iteration_axis_marks_whole_numbers_only(cost_plot):
    axis = cost_plot.cost_axes.getAxis("bottom")
    ticks = [v for _spacing, values in axis.tickValues(-0.5, 0.5, 600) for v in values]
    assert ticks == [0.0]  # a single point at iteration 0: no −0.4 … 0.4
    ticks = [v for _spacing, values in axis.tickValues(0, 1000, 600) for v in values]
    assert 0 in ticks and 1000 in ticks and all(v == int(v) for v in ticks)


@pytest.mark.parametrize("size", [(900, 300), (300, 700)])
def test_decision_view_keeps_equal_units_on_both_axes(qtbot, decision_view, size):
    """A circle of data stays a circle however the dock is shaped, and all of it is shown."""
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    circle = np.column_stack([np.cos(angles), np.sin(angles)])
    decision_view.resize(*size)
    decision_view.show()
    qtbot.waitExposed(decision_view)
    decision_view.set_data(circle, (angles > np.pi).astype(int), ["a", "b"])
    pixel_width, pixel_height = decision_view.axes.vb.viewPixelSize()
    assert pixel_width == pytest.approx(pixel_height, rel=0.02)
    (x_low, x_high), (y_low, y_high) = decision_view.axes.vb.viewRange()
    assert x_low <= -1 and x_high >= 1 and y_low <= -1 and y_high >= 1
