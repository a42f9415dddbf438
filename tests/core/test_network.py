import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.core import (Network, debug_initialize_weights, gradient_check, numerical_gradients,
                             one_hot, reshape_params, sigmoid, sigmoid_gradient, unroll)

from .reference import backprop_loop


def check_nn_gradients_setup(lam=0.0):
    """The course's checkNNGradients: 3-5-3, m = 5, debugInitializeWeights."""
    input_layer_size, hidden_layer_size, num_labels, m = 3, 5, 3, 5
    theta1 = debug_initialize_weights(hidden_layer_size, input_layer_size)
    theta2 = debug_initialize_weights(num_labels, hidden_layer_size)
    X = debug_initialize_weights(m, input_layer_size - 1)
    y = (1 + np.mod(np.arange(1, m + 1), num_labels)) - 1  # the course's labels, 0-based
    net = Network([input_layer_size, hidden_layer_size, num_labels], thetas=[theta1, theta2])
    return net, X, one_hot(y, num_labels)


@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_check_nn_gradients_relative_difference_below_1e9(lam):
    net, X, Y = check_nn_gradients_setup()
    assert gradient_check(net, X, Y, lam) < 1e-9


def test_sigmoid_gradient_known_values():
    assert sigmoid_gradient(0.0) == 0.25
    # ex4.m: sigmoidGradient([-1 -0.5 0 0.5 1])
    np.testing.assert_allclose(sigmoid_gradient(np.array([-1, -0.5, 0, 0.5, 1.0])),
                               [0.196612, 0.235004, 0.25, 0.235004, 0.196612], atol=1e-6)


def test_sigmoid_saturates_without_warnings():
    with np.errstate(all="raise"):
        assert sigmoid(np.array([-1000.0]))[0] == 0.0
        assert sigmoid(np.array([1000.0]))[0] == 1.0


def test_debug_initialize_weights_is_column_major_sine():
    W = debug_initialize_weights(2, 2)  # 2 × 3
    np.testing.assert_array_equal(W, np.sin(np.array([[1, 3, 5], [2, 4, 6]])) / 10)


def test_theta_shapes_and_bias_column():
    net = Network([400, 25, 10], seed=0)
    assert [t.shape for t in net.thetas] == [(25, 401), (10, 26)]
    assert all(t.dtype == np.float64 for t in net.thetas)


def test_random_init_range_and_reproducible():
    a, b = Network([4, 6, 2], seed=7), Network([4, 6, 2], seed=7)
    eps = np.sqrt(6) / np.sqrt(4 + 6)
    assert np.abs(a.thetas[0]).max() <= eps
    assert np.array_equal(a.params, b.params)
    assert not np.array_equal(a.params, Network([4, 6, 2], seed=8).params)
    c = Network([4, 6, 2], seed=7, epsilon_init=0.01)
    assert np.abs(c.params).max() <= 0.01


def test_unseeded_network_records_a_seed_that_reproduces_it():
    a = Network([3, 4, 2])
    assert np.array_equal(Network([3, 4, 2], seed=a.seed).params, a.params)


def test_params_is_the_course_unrolled_vector():
    net = Network([3, 5, 3], seed=1)
    np.testing.assert_array_equal(net.params, unroll(net.thetas))
    np.testing.assert_array_equal(
        net.params, np.concatenate([net.thetas[0].ravel(order="F"), net.thetas[1].ravel(order="F")]))


@pytest.mark.parametrize("bad, message", [
    ([np.zeros((5, 3)), np.zeros((3, 6))], r"Θ\^\(1\) must have shape \(5, 4\)"),
    ([np.zeros((5, 4)), np.full((3, 6), np.nan)], r"Θ\^\(2\) holds non-finite"),
    ([np.zeros((5, 4))], r"need 2 Θ matrices; got 1"),
])
def test_bad_thetas_are_refused_with_the_layer_and_shape(bad, message):
    net = Network([3, 5, 3], seed=1)
    before = net.params.copy()
    with pytest.raises(ValueError, match=message):
        net.thetas = bad
    np.testing.assert_array_equal(net.params, before)


@pytest.mark.parametrize("sizes", [[3], [3, 0, 2], [3, -1], [2.5, 3]])
def test_bad_layer_sizes(sizes):
    with pytest.raises(ValueError):
        Network(sizes)


def test_wrong_data_shapes_name_the_shapes():
    net = Network([3, 5, 3], seed=1)
    with pytest.raises(ValueError, match=r"X must have shape \(m, 3\).*\(4, 2\)"):
        net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 3\).*\(4, 2\)"):
        net.backprop(np.zeros((4, 3)), np.zeros((4, 2)))


def test_forward_layout():
    net = Network([3, 5, 2], seed=1)
    X = np.arange(12.0).reshape(4, 3)
    fp = net.forward(X)
    assert [a.shape for a in fp.activations] == [(4, 3), (4, 5), (4, 2)]
    assert fp.z[0] is None and fp.z[1].shape == (4, 5)
    np.testing.assert_array_equal(fp.activations[0], X)
    z2 = np.c_[np.ones(4), X] @ net.thetas[0].T
    np.testing.assert_allclose(fp.z[1], z2, rtol=1e-13)


def test_saturated_outputs_give_large_finite_cost():
    net = Network([1, 1], thetas=[np.array([[0.0, 1000.0]])])
    X, Y = np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])  # confidently wrong both times
    with np.errstate(all="raise"):
        J = net.cost(X, Y)
        result = net.backprop(X, Y)
    assert np.isfinite(J) and J == pytest.approx(1000.0)
    assert np.all(np.isfinite(result.gradient_vector))


def test_predict_argmax_and_single_output_threshold():
    net = Network([2, 3], thetas=[np.array([[0, 1, 0], [0, 0, 1], [0.1, 0, 0]], dtype=float)])
    np.testing.assert_array_equal(net.predict(np.array([[5, 0], [0, 5], [-5, -5]])), [0, 1, 2])
    single = Network([1, 1], thetas=[np.array([[0.0, 1.0]])])
    np.testing.assert_array_equal(single.predict(np.array([[-1.0], [0.0], [2.0]])), [0, 1, 1])


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="0..2"):
        one_hot([3], 3)


def test_bias_column_is_not_regularised():
    net, X, Y = check_nn_gradients_setup()
    g0, g3 = net.backprop(X, Y, 0.0).gradients, net.backprop(X, Y, 3.0).gradients
    for l, theta in enumerate(net.thetas):
        np.testing.assert_array_equal(g0[l][:, 0], g3[l][:, 0])
        np.testing.assert_allclose(g3[l][:, 1:] - g0[l][:, 1:], 3.0 / 5 * theta[:, 1:], atol=1e-15)


def test_backprop_reports_data_cost_and_regularisation_separately():
    net, X, Y = check_nn_gradients_setup()
    r = net.backprop(X, Y, 3.0)
    assert r.data_cost == pytest.approx(net.cost(X, Y, 0.0), rel=1e-15)
    assert r.cost == pytest.approx(net.cost(X, Y, 3.0), rel=1e-15)
    expected_reg = 3.0 / 10 * sum(np.sum(t[:, 1:] ** 2) for t in net.thetas)
    assert r.regularisation == pytest.approx(expected_reg, rel=1e-12)


# --- property tests ---------------------------------------------------------------------

@st.composite
def problems(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu"]))
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**16))
    lam = draw(st.sampled_from([0.0, 0.5, 3.0]))
    rng = np.random.default_rng(seed)
    net = Network(sizes, hidden_activation=activation, seed=seed, epsilon_init=1.0)
    X = rng.normal(size=(m, sizes[0]))
    Y = (rng.random((m, sizes[-1])) < 0.5).astype(float)
    return net, X, Y, lam


@settings(max_examples=60, deadline=None)
@given(problems())
def test_backprop_matches_numerical_gradients(problem):
    net, X, Y, lam = problem
    analytic = net.backprop(X, Y, lam).gradients
    numeric = numerical_gradients(net, X, Y, lam, eps=1e-5)
    if net.hidden_activation == "relu":  # a kink within ε of some z would make the estimate wrong
        fp = net.forward(X)
        if any(np.min(np.abs(z)) < 1e-4 for z in fp.z[1:-1]):
            return
    for a, n in zip(analytic, numeric):
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-7)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_vectorised_backprop_matches_the_lectures_loop(problem):
    net, X, Y, lam = problem
    result = net.backprop(X, Y, lam)
    J, deltas, _, D = backprop_loop(net.thetas, X, Y, lam, net.hidden_activation)
    if np.isfinite(J):  # the loop's log(h) can hit log(0); the core never does
        assert result.cost == pytest.approx(J, rel=1e-10, abs=1e-12)
    assert result.deltas[0] is None
    for l in range(1, net.L):
        assert result.deltas[l].shape == (len(X), net.layer_sizes[l])
        np.testing.assert_allclose(result.deltas[l], np.array([d[l] for d in deltas]),
                                   rtol=1e-10, atol=1e-14)
    for a, b in zip(result.gradients, D):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_Deltas_are_the_lectures_sums_and_D_is_derived_from_them(problem):
    net, X, Y, lam = problem
    m = len(X)
    result = net.backprop(X, Y, lam)
    _, _, Deltas, _ = backprop_loop(net.thetas, X, Y, lam, net.hidden_activation)
    assert len(result.Deltas) == len(net.thetas)
    for l, (theta, Delta) in enumerate(zip(net.thetas, Deltas)):
        assert result.Deltas[l].shape == theta.shape
        # Δ^(l) = Σ_t δ^(l+1) [1; a^(l)]ᵀ, summed example by example in the loop
        np.testing.assert_allclose(result.Deltas[l], Delta, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(result.Deltas[l][:, 0], result.deltas[l + 1].sum(axis=0),
                                   rtol=1e-12, atol=1e-12)
        # D^(l) = Δ^(l)/m + (λ/m) Θ^(l), no λ term in the bias column
        regularisation = lam / m * theta
        regularisation[:, 0] = 0.0
        np.testing.assert_allclose(result.gradients[l], result.Deltas[l] / m + regularisation,
                                   rtol=1e-13, atol=1e-15)


def test_Deltas_belong_to_their_result():
    net, X, Y = check_nn_gradients_setup()
    first = net.backprop(X, Y, 1.0)
    kept = [Delta.copy() for Delta in first.Deltas]
    net.params += 0.1
    net.backprop(X, Y, 1.0)
    for Delta, before in zip(first.Deltas, kept):
        np.testing.assert_array_equal(Delta, before)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=2, max_size=5), st.integers(0, 1000))
def test_unroll_reshape_round_trip(sizes, seed):
    thetas = Network(sizes, seed=seed).thetas
    back = reshape_params(unroll(thetas), sizes)
    for a, b in zip(thetas, back):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="need"):
        reshape_params(np.zeros(1 + unroll(thetas).size), sizes)
