"""RunControl and Mailbox with plain threads: no Qt, no sleeping."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.training import Mailbox, RunControl

from .helpers import make_run


def counting_loop(control, counter):
    while control.acquire_iteration():
        counter.append(1)
    control.loop_finished()


def test_step_grants_exactly_n_iterations_then_parks():
    control, counter = RunControl(), []
    thread = threading.Thread(target=counting_loop, args=(control, counter))
    thread.start()
    assert control.wait_until_idle(timeout=5)  # parked before any command
    control.step(3)
    assert control.wait_until_idle(timeout=5)
    assert len(counter) == 3 and control.pending_steps == 0
    control.step(2)
    control.step(2)  # budgets add up
    assert control.wait_until_idle(timeout=5)
    assert len(counter) == 7
    control.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_stop_wakes_a_parked_loop_and_idle_waits_see_the_end():
    control = RunControl()
    thread = threading.Thread(target=counting_loop, args=(control, []))
    thread.start()
    assert control.wait_until_idle(timeout=5)
    control.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and control.is_stopped
    assert control.wait_until_idle(timeout=0)
    assert not control.acquire_iteration()


def test_pause_cancels_pending_steps_and_resume_runs_until_paused():
    control = RunControl()
    counter = []

    def loop():
        while control.acquire_iteration():
            counter.append(1)
            if len(counter) == 50:
                control.pause()  # from inside, so the test needs no timing
        control.loop_finished()

    thread = threading.Thread(target=loop)
    thread.start()
    control.resume()
    assert control.wait_until_idle(timeout=5)
    assert len(counter) == 50 and not control.is_running
    control.step(5)
    control.pause()
    assert control.wait_until_idle(timeout=5)
    assert len(counter) <= 55 and control.pending_steps == 0
    control.stop()
    thread.join(timeout=5)


def test_wait_until_idle_times_out_when_no_loop_parks():
    control = RunControl()
    control.resume()
    assert not control.wait_until_idle(timeout=0.01)


def test_pacing_leaves_pause_and_stop_instant():
    control = RunControl()
    control.set_max_rate(0.001)  # one iteration per 1000 s
    counter = []
    thread = threading.Thread(target=counting_loop, args=(control, counter))
    thread.start()
    control.resume()
    control.step(1)  # the first iteration after parking is not delayed
    assert control.wait_until_idle(timeout=5) and len(counter) == 1
    control.resume()  # the next one would wait ~1000 s ...
    control.pause()   # ... but pause parks it at once
    assert control.wait_until_idle(timeout=5)
    control.resume()
    control.stop()    # and stop ends the loop at once
    thread.join(timeout=5)
    assert not thread.is_alive() and len(counter) <= 2


def test_lifting_the_rate_limit_wakes_a_pacing_loop():
    control = RunControl()
    control.set_max_rate(0.001)
    counter = []

    def loop():
        while control.acquire_iteration():
            counter.append(1)
            if len(counter) == 1:
                control.set_max_rate(0)  # unblocks the pacing wait
            if len(counter) == 20:
                control.pause()
        control.loop_finished()

    thread = threading.Thread(target=loop)
    thread.start()
    control.resume()
    assert control.wait_until_idle(timeout=5) and len(counter) == 20
    control.stop()
    thread.join(timeout=5)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_step_needs_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="whole number"):
        RunControl().step(bad)


@pytest.mark.parametrize("bad", [-1, float("inf"), float("nan")])
def test_max_rate_must_be_finite_and_not_negative(bad):
    with pytest.raises(ValueError, match="maximum rate"):
        RunControl().set_max_rate(bad)


def test_a_stopped_control_can_be_rearmed_for_a_new_loop():
    control = RunControl()
    control.stop()
    control.rearm()
    control.step(1)
    assert control.acquire_iteration()


def test_mailbox_keeps_the_newest_snapshot_and_carries_no_rows():
    run = make_run()
    s1, _ = run.step_with_rows()
    s2, _ = run.step_with_rows()
    mailbox = Mailbox()
    mailbox.put(s1)
    mailbox.put(s2)
    assert mailbox.drain() is s2
    assert mailbox.drain() is None
    np.testing.assert_array_equal(run.history.series("iteration"), [1, 2])  # the rows' one store


def test_mailbox_shows_each_step_even_when_several_arrive_within_one_frame():
    run = make_run()
    mailbox = Mailbox()
    for _ in range(3):
        mailbox.put(run.step(), stepped=True)
    mailbox.put(run.step())  # newer than the steps: shown after them
    shown = [mailbox.drain().iteration for _ in range(4)]
    assert shown == [1, 2, 3, 4]
    assert not mailbox.has_snapshot()


def test_a_step_supersedes_an_older_running_snapshot():
    run = make_run()
    mailbox = Mailbox()
    mailbox.put(run.step())
    mailbox.put(run.step(), stepped=True)
    assert mailbox.drain().iteration == 2
    assert mailbox.drain() is None


def test_events_are_queued_in_order_and_clear_forgets_everything():
    mailbox = Mailbox()
    mailbox.post("stopped", "a")
    mailbox.post("failed", "b")
    assert mailbox.take_events() == [("stopped", "a"), ("failed", "b")]
    assert mailbox.take_events() == []
    run = make_run()
    mailbox.put(run.step())
    mailbox.post("stopped", "c")
    mailbox.clear()
    assert mailbox.drain() is None and mailbox.take_events() == []


def test_raising_the_rate_shortens_a_pacing_wait_already_under_way():
    control = RunControl()
    control.set_max_rate(0.001)  # the second iteration would start in 1000 s
    counter = []

    def loop():
        while control.acquire_iteration():
            counter.append(1)
            if len(counter) == 1:
                control.set_max_rate(1e6)  # ... now in a microsecond
            if len(counter) == 3:
                control.pause()
        control.loop_finished()

    thread = threading.Thread(target=loop)
    thread.start()
    control.resume()
    assert control.wait_until_idle(timeout=5) and len(counter) == 3
    control.stop()
    thread.join(timeout=5)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=1, max_size=8))
def test_any_sequence_of_steps_runs_exactly_their_sum(steps):
    control, counter = RunControl(), []
    thread = threading.Thread(target=counting_loop, args=(control, counter))
    thread.start()
    try:
        for n in steps:
            control.step(n)
        assert control.wait_until_idle(timeout=5)
        assert len(counter) == sum(steps)
    finally:
        control.stop()
        thread.join(timeout=5)
