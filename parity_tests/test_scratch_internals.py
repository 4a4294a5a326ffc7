"""``scratch.internals``: every layer's quantities of one pass, and the backward formulas that
compute them, one row a quantity in the order ``L_model_backward`` computes them."""

from __future__ import annotations

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
