"""The canvas geometry is pure numpy: tested without Qt."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.ui.canvas.layout import (arrows_into, buckets, compute_layout, nearest_segment,
                                         nice_scale, spread_apart, strongest_edges,
                                         strongest_terms)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=2, max_size=5))
def test_every_unit_has_a_distinct_position_inside_the_scene(sizes):
    layout = compute_layout(sizes)
    for l, (s, geometry) in enumerate(zip(sizes, layout.layers)):
        assert geometry.centres.shape == (s, 2)
        assert (geometry.bias is None) == (l == len(sizes) - 1)
        assert len(np.unique(np.round(geometry.centres, 6), axis=0)) == s
        assert np.all(geometry.centres >= 0) and np.all(geometry.centres[:, 0] <= layout.width)
        assert np.all(geometry.centres[:, 1] <= layout.height)


def test_image_input_is_a_grid_of_the_image_shape():
    layout = compute_layout([64, 10, 10], image_shape=(8, 8))
    grid = layout.layers[0]
    assert grid.compact
    xs, ys = np.unique(np.round(grid.centres[:, 0], 6)), np.unique(np.round(grid.centres[:, 1], 6))
    assert len(xs) == 8 and len(ys) == 8
    # pixel 1 is right of pixel 0, pixel 8 below it (row-major, like the image)
    assert grid.centres[1, 0] > grid.centres[0, 0] and grid.centres[8, 1] > grid.centres[0, 1]


def test_unit_at_finds_units_and_bias():
    layout = compute_layout([2, 3, 1])
    g = layout.layers[1]
    assert layout.unit_at(tuple(g.centres[2])) == (1, 2)
    assert layout.unit_at(tuple(g.bias)) == (1, -1)
    assert layout.unit_at((1.0, 1.0)) is None


def test_strongest_edges_keeps_the_largest_per_unit():
    theta = np.array([[0.1, -3.0, 0.2, 2.0], [5.0, 0.0, -0.1, 0.3]])
    rows, cols = strongest_edges(theta, 2)
    chosen = {(int(r), int(c)) for r, c in zip(rows, cols)}
    assert chosen == {(0, 1), (0, 3), (1, 0), (1, 3)}
    rows, cols = strongest_edges(theta, None)
    assert len(rows) == theta.size


def test_buckets_sign_and_magnitude():
    b = buckets(np.array([-10.0, -0.01, 0.0, 0.49, 0.99, 5.0]), scale=1.0, levels=8)
    assert list(b) == [7, 0, 8, 8 + 3, 8 + 7, 15]
    assert buckets(np.array([-1.0]), 1.0)[0] == 7  # strongest negative


def test_nearest_segment():
    segments = np.array([[[0, 0], [10, 0]], [[0, 5], [10, 5]]], dtype=float)
    assert nearest_segment((5, 1), segments, 2.0) == 0
    assert nearest_segment((5, 4.5), segments, 2.0) == 1
    assert nearest_segment((5, 2.5), segments, 1.0) == -1


@pytest.mark.parametrize("value, expected", [(0.3, 0.5), (1.0, 1.0), (1.2, 2.0), (7, 10), (0, 1.0)])
def test_nice_scale(value, expected):
    assert nice_scale(value) == expected


def test_column_major_image_input_fills_the_grid_column_by_column():
    """The course's 20×20 digits come from MATLAB's reshape: pixel k at row k mod 20, column k div 20."""
    layout = compute_layout([400, 25, 10], image_shape=(20, 20), image_order="F")
    centres = layout.layers[0].centres
    assert centres[1, 0] == centres[0, 0] and centres[1, 1] > centres[0, 1]    # 1 below 0
    assert centres[20, 1] == centres[0, 1] and centres[20, 0] > centres[0, 0]  # 20 right of 0
    row_major = compute_layout([400, 25, 10], image_shape=(20, 20)).layers[0].centres
    k = np.arange(400)
    np.testing.assert_array_equal(centres[k], row_major[(k % 20) * 20 + k // 20])
    # only the image is column-major: a wide hidden layer is still a row-major grid
    wide = compute_layout([400, 64, 10], image_shape=(20, 20), image_order="F").layers[1].centres
    assert wide[1, 1] == wide[0, 1] and wide[1, 0] > wide[0, 0]


def test_image_order_is_checked():
    with pytest.raises(ValueError, match="image_order"):
        compute_layout([4, 2], image_shape=(2, 2), image_order="R")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=3, max_size=5), st.data())
def test_arrows_run_from_the_next_layers_units_back_into_the_selected_one(sizes, data):
    layout = compute_layout(sizes)
    layer = data.draw(st.integers(1, len(sizes) - 2))
    unit = data.draw(st.integers(0, sizes[layer] - 1))
    sources = np.arange(sizes[layer + 1])
    arrows = arrows_into(layout, layer, unit, sources)
    target, radius = layout.layers[layer].centres[unit], layout.layers[layer].radius
    source_centres, source_radius = layout.layers[layer + 1].centres, layout.layers[layer + 1].radius
    n = len(sources)
    assert arrows.shafts.shape == (n, 2, 2) and arrows.heads.shape == (n, 3, 2)
    assert arrows.labels.shape == (n, 2)
    # each shaft starts on its source unit's rim and each tip stops just outside the target's
    np.testing.assert_allclose(np.linalg.norm(arrows.shafts[:, 0] - source_centres, axis=1), source_radius)
    np.testing.assert_allclose(np.linalg.norm(arrows.heads[:, 0] - target, axis=1), radius + 4.0)
    # pointing at the target: the tip is nearer to it than the shaft's start and the head's base
    to_target = lambda points: np.linalg.norm(points - target, axis=-1)  # noqa: E731
    assert np.all(to_target(arrows.heads[:, 0]) < to_target(arrows.shafts[:, 1]))
    assert np.all(to_target(arrows.shafts[:, 1]) < to_target(arrows.shafts[:, 0]))
    # labels on the way, nearer the source than the target
    assert np.all(to_target(arrows.labels) > to_target(arrows.heads[:, 0]))
    assert np.all(np.linalg.norm(arrows.labels - source_centres, axis=1) < to_target(arrows.labels))


def test_arrows_only_from_the_chosen_sources():
    layout = compute_layout([2, 3, 4, 1])
    arrows = arrows_into(layout, 1, 2, np.array([3, 0]))
    centres = layout.layers[2].centres
    r = layout.layers[2].radius
    for row, k in enumerate([3, 0]):
        assert np.linalg.norm(arrows.shafts[row, 0] - centres[k]) == pytest.approx(r)


def test_strongest_terms_keeps_the_largest_magnitudes_in_index_order():
    values = np.array([0.1, -3.0, 0.2, 2.0, -0.05])
    assert list(strongest_terms(values, 2)) == [1, 3]
    assert list(strongest_terms(values, 3)) == [1, 2, 3]
    assert list(strongest_terms(values, None)) == [0, 1, 2, 3, 4]
    assert list(strongest_terms(values, 10)) == [0, 1, 2, 3, 4]
    assert list(strongest_terms(np.zeros(0), 3)) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-500, 500), max_size=12), st.floats(1.0, 30.0))
def test_spread_apart_keeps_order_and_mean_and_makes_room(values, gap):
    values = np.array(values)
    spread = spread_apart(values, gap)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(spread[order]) >= gap - 1e-9)
    if values.size:
        assert np.mean(spread) == pytest.approx(np.mean(values), abs=1e-6)


def test_spread_apart_leaves_labels_that_have_room_where_they_are():
    values = np.array([30.0, 0.0, 60.0])
    np.testing.assert_array_equal(spread_apart(values, 20.0), values)
