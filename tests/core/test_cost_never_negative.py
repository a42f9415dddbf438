"""J is a sum of non-negative terms, so the app never prints J = −6e-15 (issue 16)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_desktop.core import Network, make_optimizer, one_hot
from bp_desktop.core.activations import logistic_loss
from bp_desktop.core.network import cross_entropy
from bp_desktop.training import Hyperparameters, TrainingRun


def two_clouds(m=40, seed=0):
    """Two well separated clouds: CG drives every output unit into saturation."""
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(-3, 0.5, (m // 2, 2)), rng.normal(3, 0.5, (m // 2, 2))]
    return X, np.repeat([0, 1], m // 2)


@pytest.mark.parametrize("seed", [0, 3, 4])
@pytest.mark.parametrize("outputs", [1, 2])
def test_cost_is_not_negative_after_cg_converges_on_separable_data(seed, outputs):
    # with the old form, Σ softplus(z) − Σ y z, these runs ended at J = −5.7e-15 … −2.3e-14
    X, y = two_clouds(seed=seed)
    Y = one_hot(y, 2) if outputs == 2 else y[:, None].astype(float)
    net = Network([2, 3, outputs], seed=seed)
    cg = make_optimizer("cg")
    for _ in range(500):
        report = cg.step(net, X, Y, 0.0)
        assert report.cost_before >= 0.0
        if report.converged:
            break
    assert report.converged and net.cost(X, Y, 0.0) < 1e-12
    assert net.cost(X, Y, 0.0) >= 0.0 and net.backprop(X, Y, 0.0).data_cost >= 0.0


def test_validation_cost_is_not_negative_either():
    X, y = two_clouds(seed=0)
    Y = one_hot(y, 2)
    run = TrainingRun(Network([2, 3, 2], seed=0), X, Y, X_val=X[::2], Y_val=Y[::2],
                      hyper=Hyperparameters(optimizer="cg", lam=0.0))
    for _ in range(60):
        snapshot = run.step()
        assert snapshot.validation_cost >= 0.0 and snapshot.data_cost >= 0.0


def test_saturated_correct_outputs_cost_zero_not_minus_round_off():
    z = np.array([[40.0, -37.3, 36.9, -45.1, 38.2, 41.7]])  # 1 unit × 6 examples, all right
    Y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [1.0]])
    assert 0.0 <= cross_entropy(z, Y) < 1e-15


def test_saturated_wrong_outputs_cost_large_and_finite():
    z = np.array([[-800.0, 750.0]])
    Y = np.array([[1.0], [0.0]])
    assert cross_entropy(z, Y) == pytest.approx((800.0 + 750.0) / 2, rel=1e-15)


finite_z = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                      elements=st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(finite_z, st.data())
def test_every_cost_term_and_their_mean_are_non_negative(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    with np.errstate(all="raise"):
        terms = logistic_loss(z, y)
    assert np.all(terms >= 0.0) and np.all(np.isfinite(terms))
    assert cross_entropy(z, y.T, scratch=np.empty_like(z)) >= 0.0


@settings(max_examples=100, deadline=None)
@given(finite_z, st.data())
def test_soft_labels_between_0_and_1_also_give_non_negative_terms(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.floats(0.0, 1.0)))
    assert np.all(logistic_loss(z, y) >= 0.0)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                  elements=st.floats(-15, 15, allow_nan=False)), st.data())
def test_terms_equal_the_courses_formula_where_log_h_is_accurate(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    h = 1.0 / (1.0 + np.exp(-z))
    course = -y * np.log(h) - (1 - y) * np.log1p(-h)  # the course's nnCostFunction, per term
    np.testing.assert_allclose(logistic_loss(z, y), course, rtol=1e-9, atol=1e-12)


def test_out_buffer_is_written_and_returned():
    z = np.array([[-2.0, 0.0, 3.0]])
    y = np.array([[1.0, 0.0, 1.0]])
    out = np.full_like(z, np.nan)
    assert logistic_loss(z, y, out=out) is out
    np.testing.assert_allclose(out[0], [np.log1p(np.exp(2.0)), np.log(2.0), np.log1p(np.exp(-3.0))],
                               rtol=1e-15)
