"""The core computes into preallocated buffers (see network._pass_arrays); these tests pin
down what that must never change: results own their numbers, and the `out=` forms agree
with the allocating ones."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bp_desktop.core import Network, one_hot
from bp_desktop.core.activations import ACTIVATIONS, gradient_from_activation, softplus

finite_z = arrays(np.float64, st.integers(1, 30),
                  elements=st.floats(-800, 800, allow_nan=False, allow_infinity=False))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_a_later_pass_does_not_change_an_earlier_result(activation):
    net = Network([4, 6, 5, 3], hidden_activation=activation, seed=3)
    rng = np.random.default_rng(0)
    X1, X2 = rng.normal(size=(7, 4)), rng.normal(size=(7, 4))
    Y = one_hot(rng.integers(0, 3, size=7), 3)
    first = net.backprop(X1, Y, 1.0)
    kept = [a.copy() for a in first.activations] + [d.copy() for d in first.deltas[1:]]
    kept_grad = first.gradient_vector.copy()
    net.backprop(X2, Y, 1.0)
    net.forward(X2)
    net.cost(X2, Y, 1.0)
    now = [a for a in first.activations] + [d for d in first.deltas[1:]]
    for before, after in zip(kept, now):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(kept_grad, first.gradient_vector)


def test_forward_and_backprop_agree_on_activations_and_z():
    net = Network([3, 5, 2], seed=2)
    X = np.random.default_rng(1).normal(size=(6, 3))
    fp, bp = net.forward(X), net.backprop(X, one_hot([0, 1, 0, 1, 1, 0], 2))
    for a, b in zip(fp.activations, bp.activations):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(fp.z[1:], bp.z[1:]):
        np.testing.assert_array_equal(a, b)



def test_stacked_holds_every_layer_unit_after_unit():
    """stacked[0] / [1] / [2] are a, z, δ of layers 2..L, one row per unit, layer after layer:
    the order of a history row, which the training loop's statistics rely on."""
    net = Network([3, 4, 2, 2], seed=5)
    X = np.random.default_rng(2).normal(size=(6, 3))
    result = net.backprop(X, one_hot([0, 1, 1, 0, 1, 0], 2))
    assert result.stacked.shape == (3, 4 + 2 + 2, 6)
    for kind, columns in enumerate((result.a_columns, result.z_columns, result.delta_columns)):
        np.testing.assert_array_equal(result.stacked[kind], np.vstack(columns[1:]))
        assert all(np.shares_memory(layer, result.stacked) for layer in columns[1:])
    forward = net.forward(X)
    assert forward.stacked.shape == (2, 8, 6)
    np.testing.assert_array_equal(forward.stacked[0], result.stacked[0])

@settings(max_examples=50, deadline=None)
@given(finite_z, st.sampled_from(sorted(ACTIVATIONS)))
def test_gradient_from_activation_into_out_equals_the_allocating_form(z, activation):
    a = ACTIVATIONS[activation](z, out=np.empty_like(z))
    out = np.full_like(z, np.nan)
    written = gradient_from_activation(activation, z, a, out=out)
    assert written is out
    np.testing.assert_array_equal(out, gradient_from_activation(activation, z, a))
    assert gradient_from_activation(activation, z, a).dtype == np.float64


@settings(max_examples=50, deadline=None)
@given(finite_z)
def test_softplus_into_out_is_finite_and_equals_log1p_exp(z):
    out = np.full_like(z, np.nan)
    with np.errstate(all="raise"):
        written = softplus(z, out=out)
    assert written is out and np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, softplus(z))
    moderate = np.abs(z) < 30
    np.testing.assert_allclose(out[moderate], np.log1p(np.exp(z[moderate])), rtol=1e-14, atol=1e-300)
