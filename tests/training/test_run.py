"""TrainingRun on its own, stepped in the test's thread."""
import dataclasses

import numpy as np
import pytest

from bp_desktop.core import Network
from bp_desktop.training import Diverged, StopCriteria, TrainingRun

from .helpers import make_run, xor_like


def network_at(snapshot, run):
    return Network(run.network.layer_sizes, thetas=snapshot.thetas,
                   hidden_activation=run.network.hidden_activation)


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_reported_costs_equal_network_cost_at_the_snapshot_weights(kind):
    run = make_run((2, 4, 3, 1), validation=True, optimizer=kind, alpha=0.5, lam=0.7, batch_size=16)
    for _ in range(6):
        s = run.step()
        net = network_at(s, run)
        assert s.cost == pytest.approx(net.cost(run.X, run.Y, 0.7), rel=1e-12)
        assert s.data_cost == pytest.approx(net.cost(run.X, run.Y, 0.0), rel=1e-12)
        assert s.validation_cost == pytest.approx(net.cost(run.X_val, run.Y_val, 0.0), rel=1e-12)
        assert s.validation_accuracy == np.mean(net.predict(run.X_val) == run.Y_val[:, 0])
        assert s.train_accuracy == np.mean(net.predict(run.X) == run.Y[:, 0])


def test_snapshot_internals_belong_to_its_thetas():
    run = make_run((4, 5, 3), lam=0.3)
    run.step()
    s = run.step()
    expected = network_at(s, run).backprop(run.X, run.Y, 0.3)
    assert s.iteration == 2 and s.m == len(run.X) and s.lam == 0.3
    for l in range(1, 3):
        np.testing.assert_array_equal(s.a_columns[l], expected.a_columns[l])
        np.testing.assert_array_equal(s.z_columns[l], expected.z_columns[l])
        np.testing.assert_array_equal(s.delta_columns[l], expected.delta_columns[l])
        np.testing.assert_array_equal(s.deltas[l], expected.deltas[l])
        np.testing.assert_array_equal(s.activations[l], expected.activations[l])
    for D, expected_D in zip(s.gradients, expected.gradients):
        np.testing.assert_array_equal(D, expected_D)
    assert s.z_columns[0] is None and s.delta_columns[0] is None
    assert s.gradient_norm == pytest.approx(np.linalg.norm(expected.gradient_vector))
    assert s.layer_sizes == (4, 5, 3)


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_snapshots_own_their_arrays_and_share_only_the_inputs(kind):
    run = make_run((2, 5, 1), optimizer=kind, alpha=2.0, batch_size=8)
    first = run.step()
    frozen = {name: [None if a is None else a.copy() for a in getattr(first, name)]
              for name in ("thetas", "a_columns", "z_columns", "delta_columns", "gradients")}
    for _ in range(5):
        run.step()
    for name, copies in frozen.items():
        for array, copy in zip(getattr(first, name), copies):
            if copy is not None:
                np.testing.assert_array_equal(array, copy)
    assert np.shares_memory(first.a_columns[0], run.X)  # the inputs are not copied
    assert not np.shares_memory(first.thetas[0], run.network.params)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.cost = 0.0


def test_weights_move_by_alpha_times_the_gradient_and_a_new_alpha_applies_next_iteration():
    run = make_run((2, 3, 1), alpha=1.0)
    s1 = run.step()
    run.set_hyperparameters(alpha=0.25)
    assert run.hyper.alpha == 0.25
    s2 = run.step()
    s3 = run.step()
    for t1, D1, t2 in zip(s1.thetas, s1.gradients, s2.thetas):
        np.testing.assert_allclose(t2, t1 - 1.0 * D1, rtol=0, atol=1e-15)
    for t2, D2, t3 in zip(s2.thetas, s2.gradients, s3.thetas):
        np.testing.assert_allclose(t3, t2 - 0.25 * D2, rtol=0, atol=1e-15)


def test_lambda_change_applies_next_iteration_and_momentum_keeps_its_velocity():
    run = make_run((2, 3, 1), optimizer="momentum", alpha=0.5, momentum=0.9)
    run.step()
    velocity = run.optimizer_state()["velocity"].copy()
    run.set_hyperparameters(lam=2.0, momentum=0.5)
    s = run.step()
    assert s.lam == 2.0
    assert s.cost == pytest.approx(network_at(s, run).cost(run.X, run.Y, 2.0))
    gradient = np.concatenate([D.ravel(order="F") for D in s.gradients])
    np.testing.assert_allclose(run.optimizer_state()["velocity"], 0.5 * velocity - 0.5 * gradient)


def test_changing_the_optimiser_kind_rebuilds_it_without_touching_the_weights():
    run = make_run((2, 3, 1), optimizer="momentum")
    run.step()
    params = run.network.params.copy()
    run.set_hyperparameters(optimizer="cg")
    s = run.step()
    np.testing.assert_array_equal(np.concatenate([t.ravel(order="F") for t in s.thetas]), params)
    assert run.iteration == 2 and run.hyper.optimizer == "cg"


@pytest.mark.parametrize("changes, message", [
    ({"alpha": 0}, "α"), ({"alpha": float("nan")}, "α"), ({"lam": -1}, "λ"),
    ({"momentum": 1.0}, "momentum"), ({"batch_size": 0}, "batch size"),
    ({"optimizer": "adam"}, "optimiser"), ({"beta": 1}, "unknown"),
])
def test_bad_hyperparameters_are_refused_with_a_clear_message(changes, message):
    run = make_run()
    with pytest.raises(ValueError, match=message):
        run.set_hyperparameters(**changes)
    assert run.hyper.alpha == 1.0  # nothing half-applied


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_reset_reproduces_the_cost_sequence_bit_for_bit(kind):
    run = make_run((2, 4, 1), optimizer=kind, alpha=0.7, batch_size=8)
    first = [run.step().cost for _ in range(15)]
    run.set_hyperparameters(alpha=0.7)  # pending changes do not spoil the repeat
    run.reset()
    assert run.iteration == 0 and len(run.history) == 0 and run.stop_reason is None
    second = [run.step().cost for _ in range(15)]
    assert first == second


def test_reset_with_a_new_seed_draws_new_weights_and_later_resets_return_to_them():
    run = make_run((2, 4, 1))
    original = run.network.params.copy()
    run.step()
    run.reset(new_seed=99)
    assert not np.array_equal(run.network.params, original)
    np.testing.assert_array_equal(run.network.params, Network((2, 4, 1), seed=99).params)
    costs = [run.step().cost for _ in range(3)]
    run.reset()
    assert [run.step().cost for _ in range(3)] == costs


def test_reset_restores_given_initial_weights_of_a_network_built_without_a_seed():
    X, Y = xor_like()
    thetas = [np.full((3, 3), 0.1), np.full((1, 4), -0.2)]
    run = TrainingRun(Network((2, 3, 1), thetas=thetas), X, Y)
    run.step()
    run.reset()
    np.testing.assert_array_equal(run.network.thetas[0], thetas[0])


def test_divergence_with_a_huge_alpha_goes_back_to_the_last_finite_weights():
    # α = 1e6 and λ = 1: the weights explode until λ/(2m)ΣΘ² overflows and J becomes inf
    run = make_run((2, 8, 8, 1), alpha=1e6, lam=1.0)
    snapshots = []
    with pytest.raises(Diverged) as caught:
        for _ in range(1000):
            snapshots.append(run.step())
    k = len(snapshots) + 1  # its pass, at Θ after k − 1 iterations, was not finite
    assert str(caught.value) == (f"diverged at iteration {k}: the cost became inf; back to Θ after "
                                 f"{k - 2} iterations, the last whose J and gradient were finite")
    assert caught.value.snapshot is None
    last = snapshots[-1]  # iteration k − 1's pass, at Θ after k − 2 iterations: finite
    np.testing.assert_array_equal(run.network.thetas[0], last.thetas[0])
    assert run.iteration == k - 2 == last.theta_iteration  # the counter goes back with Θ
    np.testing.assert_array_equal(run.history.series("iteration"), np.arange(1, k - 1))
    assert np.isfinite(run.network.params).all()
    assert run.network.cost(run.X, run.Y, 1.0) == last.cost
    run.set_hyperparameters(alpha=1e-3, lam=0.0)
    assert run.step().iteration == k - 1  # training goes on from the restored weights
    np.testing.assert_array_equal(run.history.series("iteration"), np.arange(1, k))


def test_divergence_in_the_update_undoes_the_iteration():
    X, Y = xor_like()
    run = TrainingRun(Network((2, 1), seed=0), X * 1e150, Y)  # D ~ 1e150, α D overflows
    run.set_hyperparameters(alpha=1e300)
    before = run.network.params.copy()
    with pytest.raises(Diverged) as caught:
        run.step()
    assert str(caught.value) == ("diverged at iteration 1: the update made weights inf; "
                                 "back to Θ after 0 iterations")
    # its own pass was finite: shown, but not kept in the history (it will run again)
    assert caught.value.snapshot.iteration == 1 and len(caught.value.rows) == 1
    np.testing.assert_array_equal(run.network.params, before)
    assert run.iteration == 0 and len(run.history) == 0


def test_history_rows_hold_the_snapshot_statistics():
    run = make_run((4, 5, 3), validation=True, lam=0.1)
    run.selected_example = 7
    snaps = [run.step() for _ in range(4)]
    h = run.history
    np.testing.assert_array_equal(h.series("iteration"), [1, 2, 3, 4])
    np.testing.assert_array_equal(h.series("cost"), [s.cost for s in snaps])
    np.testing.assert_array_equal(h.series("validation_cost"), [s.validation_cost for s in snaps])
    np.testing.assert_array_equal(h.series("gradient_norm"), [s.gradient_norm for s in snaps])
    for layer in (1, 2):
        for unit in range(run.network.layer_sizes[layer]):
            np.testing.assert_allclose(h.unit_series(layer, unit, "mean_a"),
                                       [s.a_columns[layer][unit].mean() for s in snaps], rtol=1e-12)
            np.testing.assert_allclose(h.unit_series(layer, unit, "mean_abs_delta"),
                                       [np.abs(s.delta_columns[layer][unit]).mean() for s in snaps],
                                       rtol=1e-12)
            np.testing.assert_array_equal(h.unit_series(layer, unit, "selected_a"),
                                          [s.activations[layer][7, unit] for s in snaps])
            np.testing.assert_array_equal(h.unit_series(layer, unit, "selected_delta"),
                                          [s.deltas[layer][7, unit] for s in snaps])


def test_without_validation_data_the_validation_series_is_nan():
    run = make_run()
    s = run.step()
    assert s.validation_cost is None and s.validation_accuracy is None
    assert np.isnan(run.history.series("validation_cost")).all()


def test_bad_data_is_refused_with_shapes_named():
    X, Y = xor_like()
    with pytest.raises(ValueError, match=r"training targets must have shape \(60, 1\)"):
        TrainingRun(Network((2, 3, 1), seed=0), X, Y[:-1])
    with pytest.raises(ValueError, match="both X_val and Y_val"):
        TrainingRun(Network((2, 3, 1), seed=0), X, Y, X_val=X)
    with pytest.raises(ValueError, match=r"validation inputs must have shape \(m, 2\)"):
        TrainingRun(Network((2, 3, 1), seed=0), X, Y, X_val=X[:, :1], Y_val=Y)
    with pytest.raises(ValueError, match="selected example"):
        TrainingRun(Network((2, 3, 1), seed=0), X, Y, selected_example=60)


def feed(run, snapshot, **fields):
    return run.check_stop_criteria(dataclasses.replace(snapshot, **fields))


def test_stop_criteria_target_cost_and_max_iterations():
    run = make_run(stop=StopCriteria(max_iterations=3))
    reasons = []
    for _ in range(3):
        reasons.append(run.check_stop_criteria(run.step()))
    assert reasons == [None, None, "reached the maximum of 3 iterations"]
    assert run.limit_reached() == "reached the maximum of 3 iterations" == run.stop_reason
    run.set_stop_criteria(max_iterations=0, target_cost=10.0)
    assert run.limit_reached() is None
    assert run.check_stop_criteria(run.step()).startswith("reached the target cost: J = ")


def test_plateau_needs_a_full_window_of_small_relative_improvement():
    run = make_run(stop=StopCriteria(plateau_tolerance=0.01, plateau_window=3))
    s = run.step()
    costs = [10.0, 9.0, 8.0, 7.99, 7.98, 7.97]
    reasons = [feed(run, s, cost=c) for c in costs]
    assert reasons[:5] == [None] * 5
    assert reasons[5].startswith("the cost plateaued")


def test_early_stopping_counts_consecutive_rises_of_the_validation_cost():
    run = make_run(validation=True, stop=StopCriteria(early_stopping_patience=2))
    s = run.step()
    values = [5.0, 4.0, 4.5, 4.2, 4.3, 4.4]
    reasons = [feed(run, s, validation_cost=v) for v in values]
    assert reasons[:5] == [None] * 5
    assert reasons[5].startswith("early stopping: the validation cost rose 2 iterations in a row")


def test_conjugate_gradient_convergence_is_a_stop_reason():
    # a problem CG solves exactly: two separable points
    run = TrainingRun(Network((1, 1), seed=0), np.array([[-1.0], [1.0]]), np.array([[0.0], [1.0]]),
                      hyper=None)
    run.set_hyperparameters(optimizer="cg", lam=1.0)
    reasons = [run.check_stop_criteria(run.step()) for _ in range(200)]
    found = [r for r in reasons if r]
    assert found and found[0].startswith("conjugate gradient converged")


def test_preview_shows_the_current_weights_without_training():
    run = make_run((2, 4, 1), validation=True, lam=0.2)
    before = run.network.params.copy()
    preview = run.preview()
    assert preview.iteration == 0 and len(run.history) == 0
    np.testing.assert_array_equal(run.network.params, before)
    first = run.step()
    assert first.cost == preview.cost and first.validation_cost == preview.validation_cost
    np.testing.assert_array_equal(first.delta_columns[1], preview.delta_columns[1])
    assert run.preview().iteration == 1


def test_whole_settings_objects_can_be_applied_at_once():
    from bp_desktop.training import Hyperparameters
    run = make_run()
    run.set_hyperparameters(Hyperparameters(optimizer="momentum", alpha=0.3), lam=0.5)
    assert run.hyper == Hyperparameters(optimizer="momentum", alpha=0.3, lam=0.5)
    run.set_stop_criteria(StopCriteria(max_iterations=2, target_cost=0.1))
    assert run.stop_criteria == StopCriteria(max_iterations=2, target_cost=0.1)
    with pytest.raises(ValueError, match="max_iterations"):
        run.set_stop_criteria(StopCriteria(max_iterations=-1))
