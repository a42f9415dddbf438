"""A target-cost stop leaves the run at the iteration it names (issue 11, item 20)."""
import re

import numpy as np
import pytest

from bp_desktop.training import StopCriteria

from .helpers import make_run, running_loop

OPTIMIZERS = ["gd", "momentum", "sgd", "cg"]


def target_between_two_iterations(kind: str) -> tuple[int, float]:
    """n ≥ 4 and a target J first reached at Θ_n (after n iterations), not before."""
    run = make_run((2, 5, 1), optimizer=kind, alpha=0.5)
    costs = [run.network.cost(run.X, run.Y, 0.0)]
    while True:
        run.step()
        costs.append(run.network.cost(run.X, run.Y, 0.0))
        n = len(costs) - 1
        if n >= 4 and costs[n] < min(costs[:n]):
            return n, (min(costs[:n]) + costs[n]) / 2


def named_iterations(reason: str) -> int:
    return int(re.search(r"after (\d+) iterations", reason).group(1))


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_the_loop_stops_with_theta_at_the_iteration_it_names(kind):
    n, target = target_between_two_iterations(kind)
    run = make_run((2, 5, 1), optimizer=kind, alpha=0.5, stop=StopCriteria(target_cost=target))
    with running_loop(run) as loop:
        loop.control.resume()
        assert loop.control.wait_until_idle(timeout=30)
        (kind_of_event, reason), = loop.mailbox.take_events()
        shown = loop.mailbox.drain()
    assert kind_of_event == "stopped" and reason.startswith("reached the target cost")
    assert named_iterations(reason) == run.iteration == n == len(run.history)
    j = run.network.cost(run.X, run.Y, 0.0)
    assert j <= target and f"J = {j:.6g}" in reason
    assert shown.preview and shown.theta_iteration == n and shown.cost == pytest.approx(j, rel=1e-12)
    for shown_theta, theta in zip(shown.thetas, run.network.thetas, strict=True):
        np.testing.assert_array_equal(shown_theta, theta)


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_a_target_stop_does_not_change_the_rest_of_the_run(kind):
    """The update is declined, not undone: after lifting the target, the run goes on
    exactly as one that never had a target (velocity, shuffling, search direction kept)."""
    n, target = target_between_two_iterations(kind)
    stopped = make_run((2, 5, 1), optimizer=kind, alpha=0.5, stop=StopCriteria(target_cost=target))
    free = make_run((2, 5, 1), optimizer=kind, alpha=0.5)
    while stopped.check_stop_criteria(stopped.step()) is None:
        pass
    assert stopped.iteration == n
    stopped.set_stop_criteria(target_cost=None)
    for _ in range(10):
        stopped.step()
    for _ in range(n + 10):
        free.step()
    np.testing.assert_array_equal(stopped.network.params, free.network.params)
    np.testing.assert_array_equal(stopped.history.series("cost"), free.history.series("cost"))
