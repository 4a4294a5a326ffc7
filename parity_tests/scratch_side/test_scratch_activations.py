"""Every activation's derivative against centred differences (float64), and the kink and
saturation cases on purpose: PyTorch's conventions, finite, warning-free.

Warnings are errors in this suite (pyproject's ``filterwarnings``), so an overflow in
``exp`` fails the test that provokes it.
"""

from __future__ import annotations

import numpy as np
import pytest

from scratch import ACTIVATION_TABLE, Layer, get_activation

H = 1e-6  # centred-difference step: error O(H^2) ~ 1e-12, round-off O(eps/H) ~ 1e-10
ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def away_from_kinks(rng, shape):
    """Z drawn from N(0, 2^2), pushed at least 1e-3 away from 0 (the ReLU kink)."""
    Z = rng.standard_normal(shape) * 2
    return np.where(np.abs(Z) < 1e-3, 0.5, Z)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_derivative_matches_centred_difference(name, rng):
    g = ACTIVATION_TABLE[name]
    Z = away_from_kinks(rng, (5, 40))
    numeric = (g.forward(Z + H) - g.forward(Z - H)) / (2 * H)
    np.testing.assert_allclose(g.derivative(Z), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_activation_backward_is_the_chain_rule(name, rng):
    """``backward(dA, Z, A)`` equals the gradient of ``sum(dA * g(Z))`` by centred differences
    (for softmax this is the full Jacobian-vector product, column by column)."""
    g = ACTIVATION_TABLE[name]
    Z = away_from_kinks(rng, (4, 6))
    dA = rng.standard_normal(Z.shape)
    numeric = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = H
        numeric[index] = ((dA * g.forward(Z + step)).sum() - (dA * g.forward(Z - step)).sum()) / (
            2 * H
        )
    np.testing.assert_allclose(g.backward(dA, Z, g.forward(Z)), numeric, rtol=1e-6, atol=1e-9)


def test_kinks_follow_pytorch_conventions():
    Z = np.array([[-1.0, 0.0, 1.0]])
    dA = np.ones_like(Z)
    relu = ACTIVATION_TABLE["relu"]
    leaky = get_activation(Layer(3, "leaky_relu", negative_slope=0.2))
    np.testing.assert_array_equal(relu.derivative(Z), [[0, 0, 1]])
    np.testing.assert_array_equal(relu.backward(dA, Z, relu.forward(Z)), [[0, 0, 1]])
    np.testing.assert_array_equal(leaky.derivative(Z), [[0.2, 0.2, 1]])
    np.testing.assert_array_equal(leaky.backward(dA, Z, leaky.forward(Z)), [[0.2, 0.2, 1]])
    np.testing.assert_array_equal(leaky.forward(Z), [[-0.2, 0, 1]])
    assert ACTIVATION_TABLE["leaky_relu"].derivative(np.zeros((1, 1)))[0, 0] == 0.01


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_saturation_is_finite_and_warning_free(name):
    Z = np.array([[-1e3, -30.0, -1.0, 0.0, 1.0, 30.0, 1e3]])
    Z = np.vstack([Z, -Z])  # two rows, so softmax has two classes per column
    g = ACTIVATION_TABLE[name]
    A = g.forward(Z)
    dZ = g.backward(np.ones_like(Z), Z, A)
    assert np.isfinite(A).all() and np.isfinite(dZ).all()
    if g.derivative is not None:
        assert np.isfinite(g.derivative(Z)).all()


def test_sigmoid_and_softmax_values_at_extremes():
    sigmoid, softmax = ACTIVATION_TABLE["sigmoid"].forward, ACTIVATION_TABLE["softmax"].forward
    np.testing.assert_array_equal(sigmoid(np.array([[-1e3, 0.0, 1e3]])), [[0.0, 0.5, 1.0]])
    # Relative accuracy in the tail: sigmoid(-30) = e^-30 / (1 + e^-30).
    assert sigmoid(np.array([[-30.0]]))[0, 0] == pytest.approx(
        np.exp(-30) / (1 + np.exp(-30)), rel=1e-15
    )
    np.testing.assert_array_equal(softmax(np.array([[1e3], [-1e3]])), [[1.0], [0.0]])
    np.testing.assert_allclose(softmax(np.array([[1e3], [1e3]])), [[0.5], [0.5]])
