"""``scratch.course.mistakes``: each model of a learner's mistake gives the values of the
mistake it names, computed here the way a learner's code would compute it."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.activations import ACTIVATION_TABLE
from scratch.course import mistakes


@pytest.fixture
def layer(rng):
    dZ = rng.standard_normal((3, 5))
    A_prev, W = rng.standard_normal((4, 5)), rng.standard_normal((3, 4))
    return dZ, A_prev, W


def models(pairs: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for cause, values in pairs:
        out.setdefault(cause.split(":")[0], []).append(values)
    return out


def test_the_bias_mistakes_are_the_sums_they_name(layer):
    dZ = layer[0]
    found = models(mistakes.bias_sums(dZ, 2))
    [squeezed] = found["db squeezed"]
    np.testing.assert_array_equal(
        squeezed["db2"], np.squeeze(np.sum(dZ, axis=1, keepdims=True) / 5)
    )
    assert [v["db2"].shape for v in found["db summed over every entry"]] == [(), (1, 1)]
    np.testing.assert_allclose(
        found["db summed over axis 0 (the units); the course sums each unit's row"][0]["db2"],
        dZ.sum(axis=0) / 5,
    )


def test_at_one_unit_a_squeeze_and_a_sum_over_every_entry_are_named_together(rng):
    [(cause, values), *_] = mistakes.bias_sums(rng.standard_normal((1, 4)), 3)
    assert cause.startswith("db summed over every entry or squeezed") and values["db3"].shape == ()


def test_another_activations_derivative_is_that_derivative_from_Z_and_from_A(rng):
    """``sigmoid_backward`` reads Z: ``dA s(Z) (1 - s(Z))``; written from the layer's own A, as
    for a sigmoid layer: ``dA A (1 - A)``."""
    dA, Z = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    A = np.maximum(Z, 0)
    found = models(mistakes.derivatives(dA, Z, A, "relu", 2))
    s = ACTIVATION_TABLE["sigmoid"].forward(Z)
    from_Z, from_A = found["the derivative of another activation"][:2]
    np.testing.assert_allclose(from_Z, dA * s * (1 - s))
    np.testing.assert_allclose(from_A, dA * A * (1 - A))
    [kink] = found[mistakes.KINK.split(":")[0]]
    np.testing.assert_array_equal(kink, dA * (Z >= 0))


def test_a_cost_without_its_second_term_is_that_sum():
    AL, Y = np.array([[0.8, 0.3, 0.6]]), np.array([[1.0, 0.0, 1.0]])
    found = dict(mistakes.costs(AL, Y))
    only = found["only the Y log(AL) term: (1 - Y) log(1 - AL) is missing"]["cost"]
    assert only == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 3)


def test_a_hidden_layer_with_the_wrong_activation_is_that_forward_pass(rng):
    X = rng.standard_normal((2, 3))
    params = {
        "W1": rng.standard_normal((4, 2)),
        "b1": np.zeros((4, 1)),
        "W2": rng.standard_normal((1, 4)),
        "b2": np.zeros((1, 1)),
    }
    found = dict(mistakes.forward_swaps(X, params, ("relu", "sigmoid")))
    hidden = found["the hidden layers apply tanh where the course's apply relu"]
    np.testing.assert_allclose(hidden["A1"], np.tanh(params["W1"] @ X))


def test_backprop_with_a_hidden_derivative_replaced_is_the_chain_rule_with_it(rng):
    X, W1, W2 = (
        rng.standard_normal((2, 3)),
        rng.standard_normal((4, 2)),
        rng.standard_normal((1, 4)),
    )
    Z1 = W1 @ X
    dZ2 = rng.standard_normal((1, 3))
    out = mistakes.backprop(
        [(X, W1, Z1), (np.maximum(Z1, 0), W2, W2 @ np.maximum(Z1, 0))], dZ2, ["tanh"]
    )
    dZ1 = (W2.T @ dZ2) * (1 - np.tanh(Z1) ** 2)
    np.testing.assert_allclose(out["dW1"], dZ1 @ X.T / 3)
