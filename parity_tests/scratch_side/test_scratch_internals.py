"""``scratch.internals``: every layer's quantities of one pass, and the backward formulas that
compute them, one row a quantity in the order ``L_model_backward`` computes them."""

from __future__ import annotations

import numpy as np
from parity_cases import generic_params

from scratch import Layer, NetworkSpec, backward_formulas, layer_internals

# tanh, relu, then the output: L = 3, with L2.
SPEC = NetworkSpec(3, (Layer(5, "tanh"), Layer(4, "relu"), Layer(1, "sigmoid")), l2=0.7)


def test_backward_formulas_are_one_row_per_gradient_in_the_order_of_layer_internals(rng):
    X, Y = rng.standard_normal((3, 6)), rng.integers(0, 2, (1, 6))
    internals = layer_internals(X, Y, generic_params(SPEC, rng), SPEC)
    rows = backward_formulas(SPEC)
    assert [row.split(" = ")[0] for row in rows] == [key for key in internals if key[0] == "d"]


def test_backward_formulas_are_the_courses():
    rows = backward_formulas(SPEC)
    assert rows[:4] == [
        "dZ3 = A3 - Y",
        "dW3 = dZ3 A2^T / m + (l2/m) W3",
        "db3 = sum(dZ3, axis=1) / m",
        "dA2 = W3^T dZ3",
    ]
    assert "dZ2 = dA2 * (Z2 > 0)" in rows
    assert "dZ1 = dA1 * (1 - A1^2)" in rows
    assert rows[-1] == "dA0 = W1^T dZ1"
    assert not any("l2" in row for row in backward_formulas(SPEC.replace(l2=0.0)))


NORM_DROPOUT = NetworkSpec(
    3,
    (
        Layer(5, "tanh", keep_prob=0.8, batch_norm=True),
        Layer(4, "relu", keep_prob=0.5),
        Layer(1, "sigmoid"),
    ),
)


def test_batch_norm_and_dropout_rows_follow_the_keys_of_layer_internals(rng):
    X, Y = rng.standard_normal((3, 6)), rng.integers(0, 2, (1, 6))
    internals = layer_internals(X, Y, generic_params(NORM_DROPOUT, rng), NORM_DROPOUT)
    rows = backward_formulas(NORM_DROPOUT)
    assert [row.split(" = ")[0] for row in rows] == [key for key in internals if key[0] == "d"]
    assert "db1" not in internals and {"dgamma1", "dbeta1", "D1", "D2"} <= internals.keys()


def test_batch_norm_and_dropout_rows_are_the_closed_forms():
    rows = backward_formulas(NORM_DROPOUT)
    assert "dZ2 = (dA2 * D2 / 0.5) * (Z2 > 0)" in rows
    assert rows[rows.index("dA1 = W2^T dZ2") + 1 :] == [
        "dZ_tilde1 = (dA1 * D1 / 0.8) * (1 - tanh(Z_tilde1)^2)",
        "dgamma1 = sum(dZ_tilde1 * Z_norm1, axis=1) / m",
        "dbeta1 = sum(dZ_tilde1, axis=1) / m",
        "dZ1 = gamma1 / sqrt(var1 + eps) * (dZ_tilde1 - dbeta1 - Z_norm1 dgamma1)",
        "dW1 = dZ1 A0^T / m",
        "dA0 = W1^T dZ1",
    ]


def test_inference_internals_are_the_forward_pass_by_the_running_statistics(rng):
    X, Y = rng.standard_normal((3, 6)), rng.integers(0, 2, (1, 6))
    params = generic_params(NORM_DROPOUT, rng)
    inference = layer_internals(X, Y, params, NORM_DROPOUT, training=False)
    assert list(inference) == ["cost", "Z1", "Z_norm1", "Z_tilde1", "A1", "Z2", "A2", "Z3", "A3"]
    norm = (inference["Z1"] - params["running_mean1"]) / np.sqrt(params["running_var1"] + 1e-5)
    np.testing.assert_allclose(inference["Z_norm1"], norm, rtol=1e-14)
