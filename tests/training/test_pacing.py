"""RunControl's pacing with an injected clock: no sleeping, no timing."""
import threading

import pytest

from bp_desktop.training import RunControl


class Clock:
    """A clock that moves only when the test moves it."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_second_paced_iteration_after_train_waits_one_interval():
    """Item 19: at 5 it/s the first two iterations after Train ran back to back."""
    clock = Clock()
    control = RunControl(clock=clock)
    control.set_max_rate(5)  # as the window does when it installs a run, before any iteration
    control.resume()
    assert control.acquire_iteration()  # the first starts at once ...
    assert control.next_due == pytest.approx(1000.2)  # ... the second one interval later
    clock.now = 1000.2
    assert control.acquire_iteration()  # due now: no wait
    assert control.next_due == pytest.approx(1000.4)


def test_a_stale_time_from_an_earlier_loop_does_not_let_two_iterations_run_at_once():
    clock = Clock()
    control = RunControl(clock=clock)
    control.set_max_rate(5)
    control.resume()
    assert control.acquire_iteration()
    control.stop()  # the loop ends; later a new one starts on the same control
    control.rearm()
    clock.now = 5000.0
    control.set_max_rate(5)
    control.resume()
    assert control.acquire_iteration()
    assert control.next_due == pytest.approx(5000.2)


def test_the_first_iteration_after_a_pause_starts_the_clock_again():
    clock = Clock()
    control = RunControl(clock=clock)
    control.set_max_rate(5)
    dues = []

    def loop():  # runs one iteration per resume: pauses itself after each
        while control.acquire_iteration():
            dues.append(control.next_due)
            control.pause()
        control.loop_finished()

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        for start in (1000.0, 1060.0, 1060.1):
            assert control.wait_until_idle(timeout=5)
            clock.now = start
            control.resume()
            assert control.wait_until_idle(timeout=5)
            assert dues[-1] == pytest.approx(start + 0.2)
    finally:
        control.stop()
        thread.join(timeout=5)


def test_a_new_rate_while_training_counts_from_the_last_iteration():
    clock = Clock()
    control = RunControl(clock=clock)
    control.resume()
    assert control.acquire_iteration() and control.next_due is None  # not paced: at once
    clock.now = 1000.05
    control.set_max_rate(10)
    assert control.next_due == pytest.approx(1000.1)
    control.set_max_rate(0)
    assert control.next_due is None
