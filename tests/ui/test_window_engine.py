"""The window and the engine agree: what is shown and trained is one consistent state."""
import re
import threading

import numpy as np
import pytest

from bp_desktop.io import load_weights
from bp_desktop.ui import trainer
from bp_desktop.ui.process_trainer import ProcessTrainer

from .windows import open_window


@pytest.fixture
def window(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    yield w
    w.shutdown()


@pytest.fixture
def thread_window(qtbot, tmp_path, monkeypatch):
    """A window whose engine is the thread: hold_next_iteration holds its iterations, which
    run in this process (the worker process's run cannot be patched from here)."""
    monkeypatch.setenv("BP_DESKTOP_ENGINE", "thread")
    w = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    yield w
    w.shutdown()


@pytest.fixture
def hold_next_iteration():
    """hold(run) makes the run's next iteration wait for the event it returns (a long
    iteration); released at the end of the test at the latest."""
    releases = []

    def hold(run):
        started, release = threading.Event(), threading.Event()
        releases.append(release)
        real_advance = run.advance

        def long_iteration():
            started.set()
            release.wait(10)
            return real_advance()

        run.advance = long_iteration  # the loop's way to run an iteration
        return started, release

    yield hold
    for release in releases:
        release.set()


def test_a_new_dataset_during_a_long_iteration_replaces_neither_run_nor_data(
        qtbot, thread_window, hold_next_iteration, monkeypatch):
    """Item 5: the run stayed but the new data was installed; the next Train raised IndexError.
    (The thread engine cannot let go of a run in mid-iteration; the process engine can, below.)"""
    window = thread_window
    monkeypatch.setattr(trainer, "JOIN_TIMEOUT_MS", 50)  # shorter than the iteration
    run, workspace = window.model.engine.run, window.model.workspace
    started, release = hold_next_iteration(run)
    window.model.toggle_training()
    qtbot.waitUntil(started.is_set, timeout=5000)
    assert not window.commands.load_builtin("iris")
    assert window.model.engine.run is run and window.model.workspace is workspace
    assert "could not replace the run" in window.status_line.labels["reason"].text()
    release.set()
    qtbot.waitUntil(lambda: not window.model.engine.thread_alive(), timeout=5000)
    with qtbot.waitSignal(window.model.engine.snapshot_ready, timeout=5000):
        window.model.step(1)
    assert window.model.snapshot.layer_sizes == tuple(workspace.layer_sizes)
    window.ask = lambda question: True  # discard the trained network
    assert window.commands.load_builtin("iris")  # once the iteration is over, the switch works
    assert window.model.workspace.dataset.name != workspace.dataset.name


def test_a_new_dataset_while_training_replaces_run_and_data_at_once(qtbot, window):
    """The process engine never waits for the worker to let go of a run, however long its
    iteration: the worker takes the new run after it, and nothing of the old one reaches
    the window."""
    if not isinstance(window.controller, ProcessTrainer):
        pytest.skip("BP_DESKTOP_ENGINE chose the thread engine")
    window.toggle_training()
    qtbot.waitUntil(lambda: window.controller.run.iteration > 5, timeout=10000)
    old = window.controller.run
    window.ask = lambda question: True  # discard the trained network
    assert window.load_builtin("iris")
    assert window.controller.run is not old and window.workspace.dataset.name == "Iris"
    frozen = old.iteration
    with qtbot.waitSignal(window.controller.snapshot_ready, timeout=10000,
                          check_params_cb=lambda s: s.iteration == 1):
        window.step(1)
    assert window.snapshot.layer_sizes == tuple(window.workspace.layer_sizes)
    assert old.iteration == frozen and window.controller.run.iteration == 1


def test_a_new_lambda_at_rest_reaches_j_d_and_the_gradient_check(qtbot, window):
    """Item 13: after setting λ = 3 at rest, J, D and the check still said λ = 1."""
    window.controls.lam.setValue(1.0)
    with qtbot.waitSignal(window.model.engine.snapshot_ready, timeout=5000):
        window.model.step(1)
    qtbot.waitUntil(lambda: window.model.snapshot.preview and window.model.snapshot.iteration == 1, timeout=5000)
    window.controls.lam.setValue(3.0)
    shown, run = window.model.snapshot, window.model.engine.run
    assert shown.lam == 3.0 and shown.iteration == 1
    expected = run.network.backprop(run.X, run.Y, 3.0)  # at the current Θ
    assert shown.cost == pytest.approx(expected.cost, rel=1e-12)
    for d, expected_d in zip(shown.gradients, expected.gradients):
        np.testing.assert_allclose(d, expected_d, rtol=1e-12)
    assert window.status_line.labels["cost"].text().startswith(f"J = {expected.cost:.6g}")
    window.commands.gradient_check()
    assert "λ = 3" in window.info_dialog.text()


def test_a_target_cost_stop_shows_and_exports_the_iteration_it_names(qtbot, window, tmp_path):
    """Item 20: the reason said iteration n; status bar, run and export were at n + 1."""
    target = round(window.model.snapshot.cost - 0.002, 4)
    window.controls.target_cost.setValue(target)
    with qtbot.waitSignal(window.model.engine.stopped, timeout=20000) as blocker:
        window.model.toggle_training()
    n = int(re.search(r"after (\d+) iterations", blocker.args[0]).group(1))
    assert n > 0 and window.model.engine.run.iteration == n
    assert window.model.snapshot.preview and window.model.snapshot.cost <= target
    assert window.status_line.labels["iteration"].text() == f"iteration {n}"
    path = tmp_path / "weights.json"
    assert window.commands.save_weights_to(str(path))
    _, metadata = load_weights(path)
    assert metadata["iteration"] == n and metadata["final_cost"] <= target
