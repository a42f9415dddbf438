"""The Algorithm view's update line shows the Θ the next Step produces, with either engine and
every optimiser (the process engine's mirror has the worker's optimiser state only on request)."""
import numpy as np
import pytest

from bp_desktop.workbench.algorithm import Step

from .windows import action, open_window, step


@pytest.mark.parametrize("engine", ["process", "thread"])
@pytest.mark.parametrize("optimizer", ["momentum", "cg", "sgd"])
def test_the_update_shown_is_the_next_steps(qtbot, tmp_path, monkeypatch, engine, optimizer):
    monkeypatch.setenv("BP_DESKTOP_ENGINE", engine)
    window = open_window(qtbot, tmp_path, "xor", m=120, noise=0.1, seed=0)
    window.model.set_hyperparameters(optimizer=optimizer)
    step(qtbot, window, 4)
    action(window, "actionAlgorithmView").trigger()
    walk = window.algorithm_view.walk
    walk.go_to(Step("update", L=walk.L))
    shown = walk.update().after
    step(qtbot, window, 1)
    for predicted, now in zip(shown, window.model.run.network.thetas):
        np.testing.assert_allclose(predicted, now, rtol=0, atol=1e-12)
    window.shutdown()
