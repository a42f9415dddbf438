"""run_training on a plain thread: the whole loop, without Qt and without sleeping."""
import threading

import numpy as np
import pytest

from bp_desktop.training import (INTERRUPTED, STOPPED_BY_USER, Mailbox, RunControl, StopCriteria,
                                 run_training)

from .helpers import drain_all, make_run, running_loop


def test_step_n_runs_exactly_n_iterations_and_delivers_the_last_one():
    run = make_run((2, 4, 1))
    with running_loop(run) as loop:
        loop.step(3)
        assert run.iteration == 3
        snapshots, chunks = drain_all(loop)
        assert [s.iteration for s in snapshots] == [3]
        assert np.concatenate([c.iteration for c in chunks]).tolist() == [1, 2, 3]
        loop.step(1)
        assert run.iteration == 4 and loop.mailbox.drain().iteration == 4
    assert loop.result == STOPPED_BY_USER


def test_pause_and_resume_lose_no_iteration():
    run = make_run((2, 4, 1))
    paused_at = threading.Event()

    def pause_at_40(loop):
        if loop.run.iteration == 40:
            loop.control.pause()
            paused_at.set()

    with running_loop(run, pause_at_40) as loop:
        loop.control.resume()
        assert paused_at.wait(timeout=10)
        assert loop.control.wait_until_idle(timeout=10)
        assert run.iteration == 40
        run.set_stop_criteria(max_iterations=55)
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=10)
        assert run.iteration == 55
        _, chunks = drain_all(loop)
        np.testing.assert_array_equal(np.concatenate([c.iteration for c in chunks]), np.arange(1, 56))
        assert loop.mailbox.take_events() == [("stopped", "reached the maximum of 55 iterations")]


def test_stop_ends_a_running_loop():
    run = make_run((2, 4, 1))
    started = threading.Event()
    with running_loop(run, lambda loop: started.set()) as loop:
        loop.control.resume()
        assert started.wait(timeout=10)
    assert not loop.thread.is_alive() and loop.result == STOPPED_BY_USER


def test_should_abort_ends_the_loop_after_the_current_iteration():
    run = make_run()
    control, mailbox = RunControl(), Mailbox()
    control.resume()
    reason = run_training(run, control, mailbox, should_abort=lambda: run.iteration >= 5)
    assert reason == INTERRUPTED and run.iteration == 5
    assert control.wait_until_idle(timeout=0)


def test_a_run_at_its_limit_does_not_step_again():
    run = make_run(stop=StopCriteria(max_iterations=4))
    with running_loop(run) as loop:
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=10)
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=10)
        assert run.iteration == 4
        assert [kind for kind, _ in loop.mailbox.take_events()] == ["stopped", "stopped"]


def test_reset_to_the_same_seed_reproduces_the_loop_costs_bit_for_bit():
    run = make_run((2, 5, 1), optimizer="sgd", alpha=0.5, batch_size=7, stop=StopCriteria(max_iterations=30))
    sequences = []
    for _ in range(2):
        with running_loop(run) as loop:
            loop.control.resume()
            assert loop.control.wait_until_idle(timeout=10)
        sequences.append(run.history.series("cost"))
        run.reset()  # only while no loop runs
    assert len(sequences[0]) == 30
    assert sequences[0].tobytes() == sequences[1].tobytes()


def test_hyperparameters_changed_while_running_apply_at_an_iteration_boundary():
    run = make_run((2, 4, 1), alpha=1.0)
    changed_after, theta_11 = [], []

    def change_at_10(loop):
        if loop.run.iteration == 10:
            loop.run.set_hyperparameters(alpha=0.125)
            changed_after.append(loop.run.iteration)
        if loop.run.iteration == 11:
            theta_11.append(loop.run.network.copy())
        if loop.run.iteration == 12:
            loop.control.pause()

    with running_loop(run, change_at_10) as loop:
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=10)
    assert changed_after == [10] and run.hyper.alpha == 0.125
    # iteration 12's update used the new α: Θ_12 = Θ_11 − 0.125 D(Θ_11)
    D = theta_11[0].backprop(run.X, run.Y).gradients
    for theta, D_l, now in zip(theta_11[0].thetas, D, run.network.thetas):
        np.testing.assert_allclose(now, theta - 0.125 * D_l, rtol=0, atol=1e-15)
    rest = loop.mailbox.drain()  # parked: the pass at Θ_12
    assert rest.preview and rest.iteration == 12


def test_divergence_pauses_reports_and_restores_weights():
    run = make_run((2, 8, 8, 1), alpha=1e6, lam=1.0)
    with running_loop(run) as loop:
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=30)
        events = loop.mailbox.take_events()
        assert len(events) == 1 and events[0][0] == "failed"
        assert events[0][1].startswith("diverged at iteration ")
        assert "the cost became inf; back to Θ after" in events[0][1]
        assert run.stop_reason == events[0][1]
        snapshots, _ = drain_all(loop)
        # back to the Θ the last shown snapshot was computed at, counter included
        np.testing.assert_array_equal(run.network.thetas[1], snapshots[-1].thetas[1])
        assert run.iteration == snapshots[-1].theta_iteration
        assert run.history.series("iteration")[-1] == run.iteration
        assert np.isfinite(run.network.params).all()
        run.set_hyperparameters(alpha=0.1, lam=0.0)
        loop.step(2)  # the loop survived and trains on
        # parked again: the pass at the current Θ, after the two new iterations
        rest = loop.mailbox.drain()
        assert rest.preview and rest.iteration == run.iteration == snapshots[-1].iteration + 2


def test_an_exception_in_an_iteration_is_reported_and_the_loop_survives():
    run = make_run()
    real_step, calls = run.advance, []

    def failing_once():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return real_step()

    run.advance = failing_once  # the loop's way to run an iteration
    with running_loop(run) as loop:
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=10)
        assert loop.mailbox.take_events() == [("failed", "RuntimeError: boom")]
        assert run.iteration == 1
        loop.step(1)
        assert run.iteration == 2


def test_early_stopping_and_target_cost_pause_the_loop_with_their_reason():
    run = make_run((2, 6, 1), alpha=2.0, stop=StopCriteria(target_cost=0.6))
    with running_loop(run) as loop:
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=30)
        (kind, reason), = loop.mailbox.take_events()
    assert kind == "stopped" and reason.startswith("reached the target cost")
    # J at the run's Θ reached the target; the last pass recorded (at the Θ before) had not
    assert run.network.cost(run.X, run.Y, 0.0) <= 0.6 < run.history.series("cost")[-1]


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_every_optimiser_runs_in_the_loop(kind):
    run = make_run((4, 5, 3), validation=True, optimizer=kind, alpha=0.5)
    with running_loop(run) as loop:
        loop.step(5)
    assert run.iteration == 5 and len(run.history) == 5
