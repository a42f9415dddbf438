"""The backprop loop walked line by line (workbench/algorithm.py), without Qt: its positions,
Δ after t examples against the lecture's per-example loop, D, the update, and how the walk
follows the workbench."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.core import Network, one_hot
from bp_desktop.data import load_builtin
from bp_desktop.training import Hyperparameters, TrainingRun
from bp_desktop.training.workspace import DataPreparation, NetworkSpec
from bp_desktop.workbench import InlineEngine, Workbench
from bp_desktop.workbench.algorithm import (AlgorithmWalk, DeltaPrefix, Step, optimiser_update,
                                            position_of, step_at, step_count, steps_per_example)
from tests.core.reference import backprop_loop


def small_problem(m=23, sizes=(3, 4, 3, 2), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, sizes[0]))
    X[rng.random(X.shape) < 0.2] = 0.0  # zero inputs leave their Δ column unchanged
    Y = one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    return Network(list(sizes), seed=seed), X, Y


def walk_at(network, X, Y, lam=0.0, hyper=None):
    run = TrainingRun(network, X, Y, hyper=hyper or Hyperparameters(lam=lam))
    walk = AlgorithmWalk()
    walk.set_snapshot(run.preview())
    return walk, run


def reference_partial_sums(thetas, X, Y):
    """Δ after each t by the lecture's loop (tests/core/reference.py), t = 0..m."""
    sums = [[np.zeros_like(theta) for theta in thetas]]
    for t in range(len(X)):
        _, _, Deltas, _ = backprop_loop(thetas, X[t:t + 1], Y[t:t + 1])
        sums.append([S + D for S, D in zip(sums[-1], Deltas)])
    return sums


@given(m=st.integers(1, 30), L=st.integers(2, 6))
def test_positions_and_steps_are_one_to_one(m, L):
    seen = set()
    for position in range(step_count(m, L)):
        step = step_at(position, m, L)
        assert position_of(step, m) == position
        seen.add((step.phase, step.t, step.layer))
    assert len(seen) == step_count(m, L)


def test_one_example_takes_the_slides_lines_in_order():
    phases = [(s.phase, s.layer) for s in (step_at(p, 5, 4) for p in range(2, 2 + steps_per_example(4)))]
    assert phases == [("input", 1), ("forward", 2), ("forward", 3), ("forward", 4), ("output_delta", 4),
                      ("hidden_delta", 3), ("hidden_delta", 2), ("accumulate", None)]
    assert step_at(0, 5, 4).phase == "data" and step_at(1, 5, 4).phase == "zero"
    assert [step_at(p, 5, 4).phase for p in (step_count(5, 4) - 2, step_count(5, 4) - 1)] == ["D", "update"]


def test_the_canvas_lights_the_layers_computed_so_far():
    assert Step("forward", 1, 3, 4).lighting == ("a", "a", "a", None)
    assert Step("hidden_delta", 1, 3, 4).lighting == (None, None, "δ", "δ")
    assert Step("accumulate", 1, None, 4).lighting is None


def test_Delta_after_t_examples_is_the_reference_loops_partial_sum():
    network, X, Y = small_problem()
    walk, _ = walk_at(network, X, Y)
    expected = reference_partial_sums(network.thetas, X, Y)
    for t in range(len(X) + 1):
        for got, want in zip(walk.Deltas_after(t), expected[t]):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(order=st.lists(st.integers(0, 23), min_size=1, max_size=12), chunk=st.integers(1, 9))
def test_Delta_after_t_is_right_in_any_order_of_jumps(order, chunk):
    network, X, Y = small_problem()
    snap = TrainingRun(network, X, Y).preview()
    prefix = DeltaPrefix(snap.a_columns, snap.delta_columns, chunk=chunk)
    expected = reference_partial_sums(network.thetas, X, Y)
    for t in order:
        for got, want in zip(prefix.after(t), expected[t]):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_stepping_example_by_example_costs_one_outer_product_each():
    """No stored sums are built while the walk goes on one example at a time."""
    network, X, Y = small_problem(m=300)
    walk, _ = walk_at(network, X, Y)
    walk.next_example()  # t = 1
    for _ in range(len(X) - 1):
        walk.next_example()
        walk.Deltas_now()
        for panel in walk.panels()[0]:
            assert panel.matrix.shape == network.thetas[0].shape
    assert walk.step.t == len(X)
    assert len(walk.prefix._checkpoints) == 1  # only the zeros: never a sum over many examples


def test_D_from_the_view_is_backprops_gradient_and_the_bias_column_has_no_lambda_part():
    network, X, Y = small_problem()
    walk, _ = walk_at(network, X, Y, lam=0.7)
    result = network.backprop(X, Y, 0.7)
    walk.end_of_loop()
    for (data, reg), D, theta in zip(walk.D_parts(), result.gradients, network.thetas):
        np.testing.assert_allclose(data + reg, D, rtol=1e-12, atol=1e-15)
        assert np.all(reg[:, 0] == 0)
        np.testing.assert_allclose(reg[:, 1:], 0.7 / len(X) * theta[:, 1:], rtol=1e-15)
    titles = [[p.kind for p in row] for row in walk.panels()]
    assert titles == [["data", "reg", "D"]] * 3
    assert all(row[1].exempt for row in walk.panels())
    # the loop's own sum ends where backprop's Δ is
    for got, want in zip(walk.prefix.after(len(X)), result.Deltas):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_the_numbers_of_each_step_are_the_cores():
    network, X, Y = small_problem(m=5)
    walk, _ = walk_at(network, X, Y)
    result = network.backprop(X, Y)
    _, deltas, _, _ = backprop_loop(network.thetas, X, Y)
    walk.jump_to_example(3)
    walk.go_to(Step("hidden_delta", 3, 2, 4))
    t = 2
    np.testing.assert_allclose(walk.weighted_sums(2) * walk.g_prime(2), result.delta_columns[1][:, t],
                               rtol=1e-12)
    np.testing.assert_allclose(result.delta_columns[1][:, t], deltas[t][1], rtol=1e-12)
    walk.jump_to_example(3)
    cell = walk.cell(2, 1, 2)
    assert cell["a"] == result.a_columns[1][1, t] and cell["delta"] == result.delta_columns[2][1, t]
    assert cell["Delta"] == pytest.approx(cell["Delta_before"] + cell["a"] * cell["delta"], rel=1e-12)
    outer = walk.panels()[1][1]
    assert outer.kind == "outer" and outer.matrix[1, 2] == cell["product"]


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_theta_after_the_update_is_what_the_run_does(kind):
    network, X, Y = small_problem(m=40)
    hyper = Hyperparameters(optimizer=kind, alpha=0.5, lam=0.3, momentum=0.8, batch_size=7, seed=3)
    run = TrainingRun(network, X, Y, hyper=hyper)
    for _ in range(3):  # momentum's velocity, CG's direction and SGD's generator have moved on
        run.step()
    update = optimiser_update(run.preview(), run.hyper, run.optimizer_state())
    run.step()
    for got, want in zip(update.after, run.network.thetas):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_without_the_runs_state_only_gradient_descent_is_known():
    network, X, Y = small_problem()
    snap = TrainingRun(network, X, Y).preview()
    assert optimiser_update(snap, Hyperparameters(optimizer="gd"), None).after is not None
    update = optimiser_update(snap, Hyperparameters(optimizer="momentum"), None)
    assert update.after is None and "pause" in update.unknown


# --- following the workbench ----------------------------------------------------------------------------
@pytest.fixture
def bench() -> Workbench:
    model = Workbench(InlineEngine)
    model.use_dataset(load_builtin("iris"), DataPreparation(), NetworkSpec(hidden=(5,)))
    return model


def test_the_walk_keeps_its_place_at_a_new_snapshot_and_starts_again_for_a_new_network(bench):
    walk = AlgorithmWalk(bench)
    walk.jump_to_example(7)
    walk.previous_line()
    before = walk.step
    bench.step(2)
    assert walk.step == before and walk.snapshot is bench.snapshot
    assert walk.Deltas_now()[0].shape == (5, 5)
    bench.rebuild(DataPreparation(), NetworkSpec(hidden=(4, 3)))
    assert walk.position == 0 and walk.L == 4


def test_an_active_walk_shows_its_example_everywhere_and_lights_the_canvas(bench):
    walk = AlgorithmWalk(bench)
    seen = []
    bench.events.algorithm.connect(seen.append)
    walk.set_active(True)
    walk.go_to(Step("forward", 4, 2, 3))
    assert bench.example == 3 and bench.algorithm_step == Step("forward", 4, 2, 3)
    bench.set_example(9)  # chosen elsewhere: the walk follows, on the same line
    assert walk.step == Step("forward", 10, 2, 3)
    walk.set_active(False)
    assert bench.algorithm_step is None and seen[-1] is None


def test_keys_move_by_line_and_by_example(bench):
    walk = AlgorithmWalk(bench)
    per = steps_per_example(3)
    walk.next_example()
    assert walk.step == Step("input", 1, 1, 3)
    walk.next_line()
    walk.next_example()
    assert walk.step == Step("forward", 2, 2, 3)
    walk.previous_example()
    walk.previous_example()
    assert walk.step.phase == "zero"
    walk.jump_to_example(50)
    assert walk.step == Step("accumulate", 50, None, 3) and walk.position == 1 + 50 * per
    walk.end_of_loop()
    assert walk.step.phase == "D"
    walk.next_line()
    walk.next_line()  # the last line stays the last
    assert walk.step.phase == "update"
    walk.previous_example()
    assert walk.step == Step("accumulate", walk.m, None, 3)
    walk.home()
    assert walk.position == 0
    walk.previous_line()
    assert walk.position == 0
