import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_desktop.core.activations import (ACTIVATIONS, DERIVATIVES, derivative_formula,
                                         gradient_from_activation, sigmoid, sigmoid_unguarded)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(sorted(ACTIVATIONS)),
       st.lists(st.floats(-6, 6).filter(lambda z: abs(z) > 1e-3), min_size=1, max_size=8))
def test_each_derivative_is_the_slope_of_its_activation(name, zs):
    g, g_prime = ACTIVATIONS[name], DERIVATIVES[name]
    z, h = np.array(zs), 1e-6
    numeric = (g(z + h) - g(z - h)) / (2 * h)
    np.testing.assert_allclose(g_prime(z, g(z)), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_writes_into_out_and_is_dispatched_by_name(name):
    z = np.linspace(-3, 3, 7)
    a, out = ACTIVATIONS[name](z), np.empty(7)
    assert DERIVATIVES[name](z, a, out) is out
    np.testing.assert_array_equal(gradient_from_activation(name, z, a), out)
    assert derivative_formula(name)


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="unknown activation 'softsign'"):
        gradient_from_activation("softsign", np.zeros(1), np.zeros(1))


def test_unguarded_sigmoid_equals_sigmoid():
    z = np.linspace(-40, 40, 81)
    np.testing.assert_array_equal(sigmoid_unguarded(z, np.empty_like(z)), sigmoid(z))
