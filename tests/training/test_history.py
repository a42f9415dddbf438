"""History: every row kept until the budget is full, then progressive decimation."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.training import SERIES, UNIT_STATS, History, HistoryChunk, RowLayout
from bp_desktop.training.history import HistoryCursor, RowBuffer


def rows_for(layout, iterations):
    rows = np.zeros((len(iterations), layout.ncols))
    rows[:, 0] = iterations
    rows[:, 1] = 1.0 / np.asarray(iterations)  # a "cost" that identifies its iteration
    return rows


def test_layout_places_every_unit_statistic_once():
    layout = RowLayout((3, 4, 2))
    columns = [layout.series_column(name) for name in SERIES]
    columns += [layout.unit_column(layer, unit, stat)
                for stat in UNIT_STATS for layer in (1, 2) for unit in range(layout.layer_sizes[layer])]
    assert sorted(columns) == list(range(layout.ncols)) == list(range(7 + 4 * 6))
    with pytest.raises(IndexError, match="input layer has no statistics"):
        layout.stat_columns(0, "mean_a")
    with pytest.raises(IndexError, match="units 0..3"):
        layout.unit_column(1, 4, "mean_a")
    with pytest.raises(KeyError, match="unknown unit statistic"):
        layout.stat_columns(1, "median")


def test_every_row_is_kept_while_the_budget_allows():
    history = History((2, 3, 1))
    history.append(rows_for(history.layout, np.arange(1, 5001)))
    np.testing.assert_array_equal(history.series("iteration"), np.arange(1, 5001))
    assert history.series("iteration").dtype == np.int64 and history.decimations == 0


def test_a_million_iterations_stay_within_the_bound_and_keep_recent_ones_at_full_resolution():
    budget = 2**20
    history = History((2, 8, 8, 1), max_bytes=budget)
    row = np.zeros(history.layout.ncols)
    biggest = 0
    for k in range(1, 1_000_001):  # one row per call, as the training loop appends
        row[0] = k
        history.append(row)
        if k % 50_000 == 0:
            biggest = max(biggest, history.nbytes)
    assert biggest <= budget and history.max_bytes <= budget
    assert history.decimations > 10
    iterations = history.series("iteration")
    assert len(iterations) <= history.capacity
    assert iterations[0] == 1 and iterations[-1] == 1_000_000
    assert np.all(np.diff(iterations) > 0)
    recent = iterations[-history.capacity // 4:]
    np.testing.assert_array_equal(np.diff(recent), 1)  # the newest quarter is never thinned
    gaps = np.diff(iterations)
    assert np.all(np.diff(gaps) <= 0)  # older rows are at least as coarse as newer ones
    archive = gaps[:len(gaps) // 3]
    assert np.all(archive == archive[0])  # and evenly spaced: the curve keeps its shape
    assert archive[0] <= 4 * 1_000_000 / history.capacity


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=40), st.integers(64, 300))
def test_decimation_invariants_for_any_append_pattern(sizes, capacity):
    buffer = RowBuffer(ncols=2, max_bytes=capacity * 2 * 8)
    total = 0
    for size in sizes:
        rows = np.zeros((size, 2))
        rows[:, 0] = np.arange(total + 1, total + size + 1)
        buffer.append(rows)
        total += size
    kept = buffer.rows[:, 0]
    assert len(kept) <= buffer.capacity
    assert kept[0] == 1 and kept[-1] == total
    assert np.all(np.diff(kept) > 0)
    assert np.all(np.diff(np.diff(kept)) <= 0)
    if total <= buffer.capacity:
        assert len(kept) == total


def test_chunks_and_history_read_the_same_columns():
    layout = RowLayout((2, 3, 1))
    rows = np.arange(3 * layout.ncols, dtype=float).reshape(3, layout.ncols)
    chunk = HistoryChunk(layout, rows)
    history = History((2, 3, 1))
    history.append(rows)
    np.testing.assert_array_equal(chunk.cost, history.series("cost"))
    np.testing.assert_array_equal(chunk.unit_series(2, 0, "selected_delta"),
                                  history.unit_series(2, 0, "selected_delta"))
    np.testing.assert_array_equal(chunk.layer_stats(1, "mean_a"), history.layer_stats(1, "mean_a"))
    np.testing.assert_array_equal(history.as_chunk().rows, rows)
    assert len(chunk) == 3
    history.clear()
    assert len(history) == 0


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="columns"):
        History((2, 3, 1)).append(np.zeros(5))


def test_unit_stats_reads_one_unit_consistently():
    history = History((2, 3, 1))
    rows = np.arange(4 * history.layout.ncols, dtype=float).reshape(4, -1)
    rows[:, 0] = [1, 2, 3, 4]
    history.append(rows)
    stats = history.unit_stats(1, 2)
    assert set(stats) == {"iteration", *UNIT_STATS}
    np.testing.assert_array_equal(stats["iteration"], [1, 2, 3, 4])
    for stat in UNIT_STATS:
        np.testing.assert_array_equal(stats[stat], history.unit_series(1, 2, stat))


def test_drop_after_forgets_the_newest_rows_even_after_decimation():
    buffer = RowBuffer(ncols=2, max_bytes=64 * 2 * 8)  # 64 rows: decimates a 1000-row run
    for start in range(1, 1001, 10):
        rows = np.arange(start, start + 10, dtype=float)
        buffer.append(np.column_stack([rows, -rows]))
    assert buffer.decimations > 0
    buffer.drop_after(990)
    kept = buffer.rows[:, 0]
    assert kept[-1] == 990 and np.all(kept <= 990) and np.all(np.diff(kept) > 0)
    buffer.drop_after(0)
    assert buffer.n == 0


def _rows(layout, iterations):
    rows = np.zeros((len(iterations), layout.ncols))
    rows[:, 0] = iterations
    return rows


def test_a_cursor_reads_each_row_once_and_again_after_a_rewind():
    history = History([2, 3, 1])
    cursor = HistoryCursor(history)
    chunk, restarted = cursor.read()
    assert restarted and len(chunk) == 0
    history.append(_rows(history.layout, [1, 2, 3]))
    chunk, restarted = cursor.read()
    assert not restarted and list(chunk.series("iteration")) == [1, 2, 3]
    history.append(_rows(history.layout, [4]))
    chunk, restarted = cursor.read()
    assert not restarted and list(chunk.series("iteration")) == [4]
    assert len(cursor.read()[0]) == 0
    history.drop_after(2)  # a divergence went back
    chunk, restarted = cursor.read()
    assert restarted and list(chunk.series("iteration")) == [1, 2]
    history.clear()
    chunk, restarted = cursor.read()
    assert restarted and len(chunk) == 0


def test_a_cursor_restarts_when_the_history_thins_its_older_rows():
    history = History([2, 3, 1], max_bytes=64 * 8 * History([2, 3, 1]).layout.ncols)
    cursor = HistoryCursor(history)
    history.append(_rows(history.layout, range(1, 60)))
    assert list(cursor.read()[0].series("iteration")) == list(range(1, 60))
    history.append(_rows(history.layout, range(60, 200)))  # past the capacity: thinned
    chunk, restarted = cursor.read()
    assert restarted and history.decimations > 0
    assert list(chunk.series("iteration")) == list(history.series("iteration"))
