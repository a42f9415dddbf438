import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.core import (HiddenDelta, Network, OutputDelta, explain_delta, explain_gradient,
                             gradient_parts, one_hot)


def setup(activation="sigmoid", lam=0.7, seed=0):
    rng = np.random.default_rng(seed)
    net = Network([3, 4, 5, 2], hidden_activation=activation, seed=seed, epsilon_init=1.0)
    X = rng.normal(size=(6, 3))
    Y = one_hot(rng.integers(0, 2, 6), 2)
    return net, X, Y, net.backprop(X, Y, lam)


def test_output_delta_is_a_minus_y():
    net, X, Y, r = setup()
    e = explain_delta(net.thetas, r.a_columns, r.z_columns, r.delta_columns, Y, 3, 1, 4)
    assert isinstance(e, OutputDelta) and (e.l, e.j) == (4, 2)
    assert e.a - e.y == e.delta == r.deltas[3][4, 1]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["sigmoid", "tanh", "relu"]), st.integers(1, 2), st.integers(0, 3),
       st.integers(0, 5), st.integers(0, 100))
def test_hidden_delta_terms_reproduce_the_core(activation, layer, unit, example, seed):
    net, X, Y, r = setup(activation, seed=seed)
    unit = min(unit, net.layer_sizes[layer] - 1)
    e = explain_delta(net.thetas, r.a_columns, r.z_columns, r.delta_columns, Y, layer, unit,
                      example, activation)
    assert isinstance(e, HiddenDelta)
    assert e.delta == r.deltas[layer][example, unit]  # the shown result is the core's, exactly
    assert len(e.terms) == net.layer_sizes[layer + 1]
    assert [t.theta_kj for t in e.terms] == list(net.thetas[layer][:, unit + 1])
    assert sum(t.product for t in e.terms) == pytest.approx(e.weighted_sum, rel=1e-12, abs=1e-15)
    assert e.weighted_sum * e.g_prime == pytest.approx(e.delta, rel=1e-12, abs=1e-15)


def test_inputs_have_no_delta():
    net, X, Y, r = setup()
    with pytest.raises(ValueError, match="no δ"):
        explain_delta(net.thetas, r.a_columns, r.z_columns, r.delta_columns, Y, 0, 0, 0)


@pytest.mark.parametrize("j", [0, 2])
def test_gradient_entry_reproduces_D(j):
    lam = 0.7
    net, X, Y, r = setup(lam=lam)
    e = explain_gradient(net.thetas, r.a_columns, r.delta_columns, r.Deltas, r.gradients, lam,
                         1, 3, j)
    assert e.D == r.gradients[1][3, j]
    assert e.Delta == r.Deltas[1][3, j]  # the core's Δ, not one recovered from D
    assert e.Delta / e.m + e.regularisation == pytest.approx(e.D, rel=1e-12)
    assert (e.regularisation == 0.0) == (j == 0)
    # Δ_ij = Σ_t δ_i a_j, the products whose first terms are shown
    a_j = np.ones(len(X)) if j == 0 else r.activations[1][:, j - 1]
    assert e.Delta == pytest.approx(r.deltas[2][:, 3] @ a_j, rel=1e-12)
    assert [p for _, _, p in e.first_terms] == list(r.deltas[2][:5, 3] * a_j[:5])


def test_the_intuition_slides_weighted_sum_times_g_prime_is_the_cores_delta():
    """The lecture's network of the intuition slide (2-2-2-1): δ_2^(2) = Θ_12^(2) δ_1^(3) +
    Θ_22^(2) δ_2^(3) is the weighted sum before g′; times g′(z_2^(2)) it is backprop's δ."""
    rng = np.random.default_rng(5)
    net = Network([2, 2, 2, 1], seed=3, epsilon_init=2.0)
    X, Y = rng.normal(size=(4, 2)), rng.integers(0, 2, (4, 1)).astype(float)
    r = net.backprop(X, Y)
    theta2 = net.thetas[1]  # the lecture's Θ^(2): layer 2 -> layer 3
    for t in range(4):
        e = explain_delta(net.thetas, r.a_columns, r.z_columns, r.delta_columns, Y, 1, 1, t)
        slide = theta2[0, 2] * r.delta_columns[2][0, t] + theta2[1, 2] * r.delta_columns[2][1, t]
        assert [term.k for term in e.terms] == [1, 2]
        assert e.weighted_sum == pytest.approx(slide, rel=1e-12, abs=1e-15)
        a = r.a_columns[1][1, t]
        assert e.g_prime == pytest.approx(a * (1 - a), rel=1e-12)
        assert e.weighted_sum * e.g_prime == pytest.approx(r.delta_columns[1][1, t], rel=1e-12, abs=1e-15)
        assert e.delta == r.delta_columns[1][1, t]


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 10.0), st.integers(0, 50))
def test_gradient_parts_sum_to_D_and_the_bias_column_has_no_lambda_part(lam, seed):
    net, X, Y, r = setup(lam=lam, seed=seed)
    for l, theta in enumerate(net.thetas):
        data_part, lambda_part = gradient_parts(r.Deltas[l], theta, lam, len(X))
        np.testing.assert_allclose(data_part + lambda_part, r.gradients[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(lambda_part[:, 0], 0.0)
        np.testing.assert_allclose(data_part, r.Deltas[l] / len(X), rtol=1e-12)
        np.testing.assert_allclose(lambda_part[:, 1:], lam / len(X) * theta[:, 1:], rtol=1e-12)
        assert not np.shares_memory(lambda_part, theta)  # Θ itself is never written
