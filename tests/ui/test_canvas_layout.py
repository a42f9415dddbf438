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
