"""The canvas geometry is pure numpy: tested without Qt."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.ui.canvas.layout import (buckets, compute_layout, nearest_segment, nice_scale,
                                         strongest_edges)


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
