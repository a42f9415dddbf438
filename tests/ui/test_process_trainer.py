"""What only the worker-process engine has: a mirror of the run, a process that can die or be
killed, snapshots computed in the GUI. (test_trainer.py runs the common behaviour on both
engines.) Waits on signals, conditions and the pipe, never on time."""
import os
import signal
import types

import numpy as np
import pytest

from bp_desktop.core import Network
from bp_desktop.training import StopCriteria, TrainingRun
from bp_desktop.ui import process_trainer
from bp_desktop.ui.process_trainer import SNAPSHOT_SHARE, ProcessTrainer
from tests.training.helpers import make_run

from .test_trainer import engines_made


@pytest.fixture
def make_trainer(qtbot):
    yield from engines_made(ProcessTrainer)


def slow_run() -> TrainingRun:
    """One iteration takes a large fraction of a second here (hundreds of ms of BLAS)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 500))
    return TrainingRun(Network((500, 2000, 1), seed=0), X, (rng.random((3000, 1)) > 0.5).astype(float))


def test_closing_during_a_long_iteration_terminates_the_worker_and_keeps_the_last_weights(qtbot, make_trainer):
    trainer = make_trainer(slow_run())
    with qtbot.waitSignal(trainer.history_appended, timeout=60000):
        trainer.step(1000)  # reports after iteration 1, then works on iteration 2
    qtbot.waitUntil(lambda: trainer.run.iteration >= 1, timeout=60000)
    reported = trainer.run.network.params.copy()
    process = trainer._client.process
    assert trainer.shutdown(timeout_ms=50)  # far shorter than an iteration
    assert process.exitcode == -signal.SIGTERM  # terminated, not waited for
    assert not trainer.worker_alive() and trainer.state == "stopped"
    np.testing.assert_array_equal(trainer.run.network.params, reported)  # nothing lost
    assert len(trainer.run.history) == trainer.run.iteration


def test_a_worker_that_dies_is_reported_and_training_goes_on_from_the_last_report(qtbot, make_trainer):
    trainer = make_trainer()
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000, check_params_cb=lambda s: s.iteration == 5):
        trainer.step(5)
    weights = trainer.run.network.params.copy()
    with qtbot.waitSignal(trainer.failed, timeout=10000) as blocker:
        os.kill(trainer._client.process.pid, signal.SIGKILL)
    assert "ended unexpectedly" in blocker.args[0] and "after 5 iterations" in blocker.args[0]
    assert not trainer.worker_alive() and trainer.run.iteration == 5
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000, check_params_cb=lambda s: s.iteration == 8):
        trainer.step(3)  # a new worker takes over the mirror's run
    assert trainer.worker_alive() and trainer.run.history.series("iteration").tolist() == list(range(1, 9))
    here = make_run((2, 5, 1))
    for _ in range(5):
        here.step()
    np.testing.assert_array_equal(weights, here.network.params)


def test_snapshots_are_the_pass_at_the_current_weights_and_training_at_rest_shows_the_final_one(
        qtbot, make_trainer):
    trainer = make_trainer()
    snapshots = []
    trainer.snapshot_ready.connect(snapshots.append)
    trainer.start()
    qtbot.waitUntil(lambda: len(snapshots) >= 2, timeout=10000)
    assert all(s.preview and s.theta_iteration == s.iteration for s in snapshots)
    trainer.pause()
    assert trainer.wait_until_idle(5000)
    qtbot.waitUntil(lambda: snapshots[-1].iteration == trainer.run.iteration, timeout=5000)
    assert snapshots[-1].cost == trainer.run.preview().cost


def test_pause_and_wait_brings_the_optimiser_state_for_a_session(qtbot, make_trainer):
    trainer = make_trainer(make_run((2, 5, 1), optimizer="momentum", alpha=0.5))
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000, check_params_cb=lambda s: s.iteration == 40):
        trainer.step(40)
    trainer.set_hyperparameters(momentum=0.5)  # pending: applied now, as the next iteration would
    assert trainer.pause_and_wait()
    here = make_run((2, 5, 1), optimizer="momentum", alpha=0.5)
    for _ in range(40):
        here.step()
    here.set_hyperparameters(momentum=0.5)
    here.apply_pending()
    np.testing.assert_array_equal(trainer.run.optimizer_state()["velocity"], here.optimizer_state()["velocity"])
    assert trainer.run.hyper.momentum == 0.5


def test_setting_the_runs_selected_example_directly_reaches_the_worker(qtbot, make_trainer):
    trainer = make_trainer()
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000):
        trainer.step()
    at_theta_1 = trainer.run.preview()
    trainer.run.selected_example = 9  # as the window and the model do
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000):
        trainer.step()
    qtbot.waitUntil(lambda: len(trainer.run.history) == 2, timeout=5000)
    assert trainer.run.history.unit_series(1, 0, "selected_a")[-1] == at_theta_1.activations[1][9, 0]


def test_expensive_snapshots_come_less_often(qtbot, make_trainer, monkeypatch):
    clock = iter(np.arange(0.0, 1e6, 0.1))  # every snapshot "takes" 0.1 s of the GUI thread
    monkeypatch.setattr(process_trainer, "time", types.SimpleNamespace(
        perf_counter=lambda: next(clock), monotonic=process_trainer.time.monotonic))
    trainer = make_trainer(make_run(stop=StopCriteria(max_iterations=10**6)))
    snapshots = []
    trainer.snapshot_ready.connect(snapshots.append)
    trainer.start()
    qtbot.waitUntil(lambda: len(snapshots) >= 2, timeout=10000)
    assert trainer._previews.interval == pytest.approx(0.1 / SNAPSHOT_SHARE)
    trainer.pause()


def test_reset_and_set_run_drop_reports_about_the_old_run(qtbot, make_trainer):
    trainer = make_trainer(make_run(stop=StopCriteria(max_iterations=10**6)))
    trainer.start()
    qtbot.waitUntil(lambda: trainer.run.iteration > 0, timeout=10000)
    trainer.reset()
    assert trainer.run.iteration == 0 and len(trainer.run.history) == 0
    assert trainer.wait_until_idle(5000)  # the worker's reports of the old run arrive meanwhile
    assert trainer.run.iteration == 0 and len(trainer.run.history) == 0
    old = trainer.run
    trainer.start()
    qtbot.waitUntil(lambda: old.iteration > 0, timeout=10000)
    new = make_run((4, 6, 3))
    assert trainer.set_run(new) is True
    assert trainer.wait_until_idle(5000)
    frozen = old.iteration
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000) as blocker:
        trainer.step(2)
    assert blocker.args[0].layer_sizes == (4, 6, 3) and new.iteration == 2 and old.iteration == frozen


def test_a_worker_that_never_reports_is_reported_not_shown_as_running(qtbot, make_trainer, monkeypatch):
    """A worker that does not start (a user's script without a main guard, re-imported by
    'spawn', opens its own window instead) must not leave the window 'running' for ever."""
    monkeypatch.setattr(process_trainer, "START_TIMEOUT_MS", 1)  # far sooner than any spawn
    trainer = make_trainer()
    with qtbot.waitSignal(trainer.failed, timeout=10000) as blocker:
        trainer.start()
    assert "did not start" in blocker.args[0] and "__main__" in blocker.args[0]
    assert not trainer.is_running() and not trainer.worker_alive()
    monkeypatch.setattr(process_trainer, "START_TIMEOUT_MS", 30_000)
    with qtbot.waitSignal(trainer.snapshot_ready, timeout=10000, check_params_cb=lambda s: s.iteration == 2):
        trainer.step(2)  # Train or Step tries again with a new worker
