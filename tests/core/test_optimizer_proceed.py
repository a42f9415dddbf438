"""Optimizer.step(proceed=...): a stop criterion can decline the update after seeing Θ_t's pass."""
import numpy as np
import pytest

from bp_desktop.core import Network, make_optimizer

from .test_optimizers import separable_problem


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_a_declined_step_leaves_theta_and_the_state_as_they_were(kind):
    X, Y = separable_problem()
    declined, free = Network([2, 3, 2], seed=0), Network([2, 3, 2], seed=0)
    opt_declined, opt_free = (make_optimizer(kind, alpha=0.5, batch_size=10) for _ in range(2))
    for _ in range(3):
        opt_declined.step(declined, X, Y, 0.1)
        opt_free.step(free, X, Y, 0.1)
    theta = declined.params.copy()
    seen = []
    report = opt_declined.step(declined, X, Y, 0.1, proceed=lambda r: seen.append(r.cost) or False)
    assert not report.updated and report.cost_after is None
    assert seen == [report.cost_before] == [declined.cost(X, Y, 0.1)]
    np.testing.assert_array_equal(declined.params, theta)
    for _ in range(3):  # and the rest of the run is the one without the declined step
        assert opt_declined.step(declined, X, Y, 0.1, proceed=lambda r: True).updated
        opt_free.step(free, X, Y, 0.1)
    np.testing.assert_array_equal(declined.params, free.params)
