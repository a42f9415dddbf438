"""CG against the course's fmincg as GNU Octave runs it (issue 16).

data/fmincg_trajectories.json holds, for three problems, J at every cost evaluation of the
course's fmincg.m in Octave, its fX and its i; data/record_fmincg.py recorded them (see
there how). The app's optimiser must evaluate the same points in the same order, to 1e-12.
"""
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from bp_desktop.core import Network, make_optimizer
from bp_desktop.training import Hyperparameters, StopCriteria, TrainingRun

RECORDED = json.loads((Path(__file__).parent / "data" / "fmincg_trajectories.json")
                      .read_text(encoding="utf-8"))
PROBLEMS = {problem["name"]: problem for problem in RECORDED["problems"]}
WELL_CONDITIONED = [name for name, p in PROBLEMS.items() if p["lambda_in_gradient"]]
FAILING = next(name for name, p in PROBLEMS.items() if not p["lambda_in_gradient"])
TOLERANCE = 1e-12


class RecordedNetwork(Network):
    """A Network that remembers J and ∇J of every evaluation. With lambda_in_gradient
    False it is the recording's buggy cost: λ counts in J but not in the gradient."""

    def __init__(self, problem):
        super().__init__(problem["sizes"])
        self.params[...] = problem["p0"]
        self.lambda_in_gradient = problem["lambda_in_gradient"]
        self.costs, self.gradients = [], []

    def backprop(self, X, Y, lam=0.0):
        result = super().backprop(X, Y, lam)
        if not self.lambda_in_gradient:
            bare = super().backprop(X, Y, 0.0)
            result = dataclasses.replace(result, gradients=bare.gradients,
                                         gradient_vector=bare.gradient_vector)
        self.costs.append(result.cost)
        self.gradients.append(result.gradient_vector.copy())
        return result


def data(problem):
    return np.array(problem["X"]), np.array(problem["Y"])


def run_cg(problem):
    """Step CG as fmincg runs: until two failed line searches in a row, or MaxIter of them."""
    network, (X, Y) = RecordedNetwork(problem), data(problem)
    cg = make_optimizer("cg")
    reports = []
    while len(reports) < problem["max_iter"]:
        reports.append(cg.step(network, X, Y, problem["lam"]))
        if reports[-1].converged:
            break
    return network, reports


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_cg_evaluates_the_same_costs_as_octaves_fmincg(name):
    problem = PROBLEMS[name]
    network, reports = run_cg(problem)
    assert len(reports) == problem["line_searches"]  # fmincg's i: line searches, failed ones too
    np.testing.assert_allclose(network.costs, problem["evaluations"], rtol=0, atol=TOLERANCE)
    accepted = [r.cost_after for r in reports if r.cost_after < r.cost_before]
    np.testing.assert_allclose(accepted, problem["fX"], rtol=0, atol=TOLERANCE)


def test_there_are_two_well_conditioned_problems_of_many_line_searches():
    assert len(WELL_CONDITIONED) >= 2
    assert all(PROBLEMS[name]["line_searches"] >= 30 for name in WELL_CONDITIONED)


def test_the_failing_problem_fails_early_recovers_and_stops_after_two_failures():
    problem = PROBLEMS[FAILING]
    network, reports = run_cg(problem)
    failed = [r.cost_after == r.cost_before for r in reports]
    assert failed[:3] == [False, True, False]      # the 2nd line search fails, the 3rd succeeds
    assert failed[-2:] == [True, True] and reports[-1].converged
    assert not any(r.converged for r in reports[:-1])


def test_after_a_failed_line_search_the_direction_is_the_last_tried_points_steepest_descent():
    """fmincg restores X, f1 and df1, then swaps df1 and df2: the new direction is −∇J of
    the last point the failed search tried, not of the restored Θ (the quirk, kept)."""
    problem = PROBLEMS[FAILING]
    network, (X, Y) = RecordedNetwork(problem), data(problem)
    cg = make_optimizer("cg")
    cg.step(network, X, Y, problem["lam"])
    theta = network.params.copy()
    report = cg.step(network, X, Y, problem["lam"])
    assert report.cost_after == report.cost_before           # failed ...
    np.testing.assert_array_equal(network.params, theta)     # ... and Θ restored
    last_tried, restored = network.gradients[-1], report.result.gradient_vector
    np.testing.assert_array_equal(cg.state()["s"], -last_tried)
    np.testing.assert_array_equal(cg.state()["df1"], last_tried)
    assert not np.allclose(cg.state()["s"], -restored)


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_a_training_run_of_maxiter_iterations_is_fmincg_with_maxiter(name):
    """ex4.m's optimset('MaxIter', 50) is the app's 50 iterations: one per line search."""
    problem = PROBLEMS[name]
    X, Y = data(problem)
    run = TrainingRun(RecordedNetwork(problem), X, Y,
                      hyper=Hyperparameters(optimizer="cg", lam=problem["lam"]),
                      stop=StopCriteria(max_iterations=problem["max_iter"]))
    reason = None
    while reason is None:
        reason = run.check_stop_criteria(run.step())
    assert run.iteration == problem["line_searches"]
    if problem["line_searches"] < problem["max_iter"]:
        assert reason.startswith("conjugate gradient converged")
    else:
        assert reason.startswith("reached the maximum")
    assert run.network.cost(X, Y, problem["lam"]) == pytest.approx(problem["fX"][-1], abs=TOLERANCE)


def test_state_saved_right_after_a_failed_line_search_continues_exactly():
    problem = PROBLEMS[FAILING]
    network, (X, Y) = RecordedNetwork(problem), data(problem)
    cg = make_optimizer("cg")
    for _ in range(2):  # the second line search fails
        cg.step(network, X, Y, problem["lam"])
    twin, twin_cg = RecordedNetwork(problem), make_optimizer("cg")
    twin.params[...] = network.params
    twin_cg.load_state(cg.state())
    ours = [cg.step(network, X, Y, problem["lam"]).cost_after for _ in range(3)]
    theirs = [twin_cg.step(twin, X, Y, problem["lam"]).cost_after for _ in range(3)]
    assert ours == theirs


def test_a_state_without_df1_from_an_older_session_still_loads():
    problem = PROBLEMS[WELL_CONDITIONED[0]]
    network, (X, Y) = RecordedNetwork(problem), data(problem)
    cg = make_optimizer("cg")
    cg.step(network, X, Y, problem["lam"])
    old = {key: value for key, value in cg.state().items() if key != "df1"}
    twin, twin_cg = RecordedNetwork(problem), make_optimizer("cg")
    twin.params[...] = network.params
    twin_cg.load_state(old)
    # after a success df1 is the gradient at Θ, which is what the older state implied
    assert twin_cg.step(twin, X, Y, problem["lam"]).cost_after == \
        cg.step(network, X, Y, problem["lam"]).cost_after
