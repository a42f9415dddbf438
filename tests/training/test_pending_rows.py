"""The loop's fast path: advance() keeps IterationRecords and hands history rows over in
batches; nothing a reader can see may differ from step_with_rows()."""
import dataclasses
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.core import Network
from bp_desktop.training import Diverged, IterationRecord, Mailbox, TrainingRun
from bp_desktop.training.rows import ROW_BATCH

from .helpers import make_run, running_loop, xor_like


def assert_snapshots_equal(a, b):
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, tuple):
            assert len(x) == len(y)
            for u, v in zip(x, y):
                assert (u is None and v is None) or np.array_equal(u, v), field.name
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=field.name)
        else:
            assert x == y or (x != x and y != y), field.name


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 2 * ROW_BATCH + 5), selected=st.integers(0, 59))
def test_advance_gives_the_same_rows_and_snapshots_as_step_with_rows(n, selected):
    eager, lazy = make_run(validation=True, alpha=0.5), make_run(validation=True, alpha=0.5)
    eager.selected_example = lazy.selected_example = selected
    for _ in range(n):
        snapshot, _ = eager.step_with_rows()
        record = lazy.advance()
    assert isinstance(record, IterationRecord) and record.iteration == n
    assert_snapshots_equal(record.snapshot(), snapshot)
    assert len(lazy.history) == n  # a read hands the pending rows over first
    np.testing.assert_array_equal(lazy.history.as_chunk().rows, eager.history.as_chunk().rows)


def test_every_history_read_sees_the_pending_rows():
    run = make_run()
    run.advance()
    run.advance()
    np.testing.assert_array_equal(run.history.series("iteration"), [1, 2])
    run.advance()
    assert run.history.unit_series(1, 0, "mean_a").shape == (3,)
    run.advance()
    assert run.history.unit_stats(1, 0)["iteration"].tolist() == [1, 2, 3, 4]


def test_a_drained_chunk_holds_the_drained_snapshots_row_and_every_row_before_it():
    run, mailbox = make_run(), Mailbox()
    run.deliver_rows_to(mailbox)
    for _ in range(5):
        mailbox.put(run.advance(), None)
    snapshot, chunk = mailbox.drain()
    assert snapshot.iteration == 5
    np.testing.assert_array_equal(chunk.iteration, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(chunk.rows, run.history.as_chunk().rows)
    assert mailbox.drain() == (None, None)


def test_reset_forgets_pending_rows():
    run = make_run()
    run.advance()
    run.reset()
    assert len(run.history) == 0
    run.advance()
    np.testing.assert_array_equal(run.history.series("iteration"), [1])


def test_a_divergence_in_the_update_keeps_its_record_but_not_its_row():
    X, Y = xor_like()
    run = TrainingRun(Network((2, 1), seed=0), X * 1e150, Y)  # D ~ 1e150, α D overflows
    run.set_hyperparameters(alpha=1e300)
    with np.errstate(all="ignore"), pytest.raises(Diverged) as caught:
        run.advance()
    record = caught.value.record
    assert str(caught.value) == ("diverged at iteration 1: the update made weights inf; "
                                 "back to Θ after 0 iterations")
    assert record.iteration == 1 and caught.value.snapshot is None
    assert len(run.history) == 0 and run.iteration == 0  # undone: iteration 1 runs again
    np.testing.assert_array_equal(run.network.thetas[0], record.snapshot().thetas[0])


def test_the_loop_delivers_every_row_once_while_a_reader_flushes_from_another_thread():
    run = make_run()
    reads, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            reads.append(len(run.history))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        with running_loop(run) as loop:
            loop.step(3 * ROW_BATCH + 7)
            _, chunk = loop.mailbox.drain()
    finally:
        stop.set()
        thread.join()
    expected = np.arange(1, 3 * ROW_BATCH + 8)
    np.testing.assert_array_equal(chunk.iteration, expected)
    np.testing.assert_array_equal(run.history.series("iteration"), expected)
    assert reads == sorted(reads)  # rows arrive in order, none twice
