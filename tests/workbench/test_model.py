"""The application model without Qt: what the window used to decide, with plain tests."""
from __future__ import annotations

import numpy as np
import pytest

from bp_desktop.core import Network
from bp_desktop.data import load_builtin
from bp_desktop.io import load_weights, save_weights
from bp_desktop.workbench.sessions import load_session
from bp_desktop.training import StopCriteria
from bp_desktop.training.workspace import DataPreparation, NetworkSpec
from bp_desktop.workbench import InlineEngine, Selection, WeightsMismatch, Workbench


class Recorder:
    """Every event the model emits, by name, in order."""

    def __init__(self, model: Workbench):
        self.seen: list[tuple[str, tuple]] = []
        for name in ("installed", "snapshot", "rows", "history_rewritten", "example", "selection",
                     "mode", "state", "status", "rate", "failed"):
            getattr(model.events, name).connect(lambda *args, name=name: self.seen.append((name, args)))

    def names(self) -> list[str]:
        return [name for name, _ in self.seen]

    def last(self, name: str) -> tuple:
        return [args for seen, args in self.seen if seen == name][-1]


@pytest.fixture
def model() -> Workbench:
    bench = Workbench(InlineEngine)
    bench.use_dataset(load_builtin("iris"), DataPreparation(), NetworkSpec(hidden=(5,)))
    return bench


def test_installing_a_dataset_shows_the_pass_at_the_initial_weights():
    bench = Workbench(InlineEngine)
    events = Recorder(bench)
    bench.use_dataset(load_builtin("iris"), DataPreparation(validation=0.2), NetworkSpec(hidden=(5,)))
    assert events.names()[:3] == ["status", "installed", "history_rewritten"]
    snapshot, = events.last("snapshot")
    assert snapshot.preview and snapshot.iteration == 0
    assert bench.workspace.layer_sizes == [4, 5, 3]
    assert "m = 120 for training, 30 for validation" in bench.status
    assert bench.selection == Selection("unit", (1, 0))


def test_a_step_shows_the_pass_at_the_new_weights_and_hands_over_its_rows(model):
    events = Recorder(model)
    model.step(3)
    chunk, = events.last("rows")
    assert list(chunk.series("iteration")) == [1, 2, 3]
    assert model.snapshot.preview and model.snapshot.iteration == 3 == model.iteration
    net = Network(model.workspace.layer_sizes, thetas=model.snapshot.thetas)
    assert model.snapshot.cost == pytest.approx(net.cost(model.run.X, model.run.Y), rel=1e-12)


def test_a_new_lambda_at_rest_reaches_j_at_once(model):
    model.step(2)
    before = model.snapshot.cost
    model.set_hyperparameters(lam=3.0)
    assert model.snapshot.lam == 3.0 and model.snapshot.iteration == 2
    net = Network(model.workspace.layer_sizes, thetas=model.snapshot.thetas)
    assert model.snapshot.cost == pytest.approx(net.cost(model.run.X, model.run.Y, 3.0), rel=1e-12)
    assert model.snapshot.cost > before
    assert model.gradient_check()[2].endswith("λ = 3.")


def test_discarding_is_asked_about_only_when_there_is_training_to_lose(model):
    assert model.discard_question("Load a new dataset") is None
    model.step()
    assert "iteration 1" in model.discard_question("Load a new dataset")


def test_reset_goes_back_to_the_same_initial_weights_and_rewrites_the_history(model):
    first = model.snapshot.thetas[0].copy()
    model.step(4)
    events = Recorder(model)
    model.reset()
    assert "history_rewritten" in events.names()
    assert model.snapshot.iteration == 0 and len(model.history) == 0
    np.testing.assert_array_equal(model.snapshot.thetas[0], first)


def test_at_max_iterations_train_says_what_to_change(model):
    model.set_stop_criteria(StopCriteria(max_iterations=2))
    model.step(5)
    assert model.iteration == 2
    model.step()
    assert model.iteration == 2 and "raise Max iterations" in model.status


def test_the_moment_on_screen_announces_only_changes(model):
    events = Recorder(model)
    model.select_unit(1, 0)          # already selected
    model.set_mode("forward")        # already the mode
    model.set_example(0)             # already shown
    assert events.names() == []
    model.select_edge(0, 1, 2)
    model.set_mode("backward")
    model.set_example(-1)
    assert events.names() == ["selection", "mode", "example"]
    assert model.run.selected_example == 0  # the mean records example 1's a and δ
    with pytest.raises(ValueError, match="display mode"):
        model.set_mode("sideways")


def test_a_stop_criterion_is_reported_in_the_status_line(model):
    model.set_stop_criteria(StopCriteria(target_cost=10.0))
    model.step(5)
    assert model.status.startswith("stopped: reached the target cost")


def test_weights_that_do_not_fit_the_data_are_refused(model, tmp_path):
    path = tmp_path / "w.npz"
    save_weights(Network([3, 4, 3], seed=1), path)
    with pytest.raises(WeightsMismatch, match="3 inputs"):
        model.plan_weights_import(str(path))


def test_importing_another_architecture_asks_and_offers_the_files_scaling(model, tmp_path):
    path = tmp_path / "w.npz"
    save_weights(Network([4, 7, 3], seed=1), path)  # no metadata: trained on raw values
    plan = model.plan_weights_import(str(path))
    assert len(plan.confirmations) == 1 and "4-7-3" in plan.confirmations[0]
    assert plan.wanted_scaling == "none" and "raw" in plan.scaling_question
    model.import_weights(plan, use_file_scaling=True)
    assert model.workspace.layer_sizes == [4, 7, 3]
    assert model.workspace.preparation.scaling == "none"
    network, _ = load_weights(path)
    np.testing.assert_array_equal(model.run.network.params, network.params)


def test_replacing_trained_weights_of_the_same_shape_asks_first(model, tmp_path):
    path = tmp_path / "w.npz"
    model.export_weights(str(path))
    model.step()
    plan = model.plan_weights_import(str(path))
    assert plan.confirmations == [model.discard_question("Replace the weights")]
    assert plan.scaling_question is None  # the file records the scaling in use


def test_a_session_continues_exactly(model, tmp_path):
    model.set_hyperparameters(optimizer="momentum", alpha=0.5)
    model.step(5)
    path = tmp_path / "s.bpsession"
    model.save_session(str(path))
    model.step(3)
    expected = model.run.network.params.copy()

    other = Workbench(InlineEngine)
    other.open_session(load_session(path))
    assert other.iteration == 5 and other.hyper.optimizer == "momentum"
    other.step(3)
    np.testing.assert_array_equal(other.run.network.params, expected)
