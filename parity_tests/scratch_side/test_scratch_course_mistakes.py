"""``scratch.course.mistakes``: each known learner mistake as the values it gives, the course's
computation with one thing changed: a layer's backward step, another activation's derivative
(from Z and from A) or ReLU's at its kink, db summed over another axis or squeezed, a cost
term left out, a hidden layer's activation swapped, and backprop with any derivative."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch.course import convolution, mistakes
from scratch.course.mistakes import (
    KINK,
    backprop,
    bias_sums,
    costs,
    derivatives,
    forward_swaps,
    layer_backward,
)
from scratch.network import LinearCache


def test_a_layers_backward_step_is_scratchs_linear_backward(rng):
    dZ, A_prev, W = (
        rng.standard_normal((3, 5)),
        rng.standard_normal((4, 5)),
        rng.standard_normal((3, 4)),
    )
    out = layer_backward(dZ, A_prev, W, 2)
    dA, dW, db = scratch.linear_backward(dZ, LinearCache(A_prev, W, np.zeros((3, 1))))
    assert list(out) == ["dW2", "db2", "dA1"]
    np.testing.assert_array_equal(out["dW2"], dW)
    np.testing.assert_array_equal(out["db2"], db)
    np.testing.assert_array_equal(out["dA1"], dA)


def test_the_kink_mistake_differs_from_relus_derivative_only_where_z_is_exactly_0(rng):
    Z = rng.standard_normal((3, 6))
    Z[1, 2] = Z[0, 4] = 0.0
    dA = rng.standard_normal(Z.shape)
    [kink] = [dZ for cause, dZ in derivatives(dA, Z, np.maximum(Z, 0), "relu", 1) if cause == KINK]
    right = dA * (Z > 0)
    assert sorted(zip(*np.nonzero(kink != right), strict=True)) == [(0, 4), (1, 2)]


def test_another_activations_derivative_is_modelled_from_z_and_from_a(rng):
    """``sigmoid_backward`` reads Z: ``dA s(Z) (1 - s(Z))``; written from the layer's own A, as
    for a sigmoid layer: ``dA A (1 - A)``."""
    Z = rng.standard_normal((2, 4))
    dA = rng.standard_normal(Z.shape)
    models = derivatives(dA, Z, np.tanh(Z), "tanh", 3)
    s = 1 / (1 + np.exp(-Z))
    sigmoid_from_z = dA * s * (1 - s)
    sigmoid_from_a = dA * np.tanh(Z) * (1 - np.tanh(Z))  # A (1 - A) on tanh's A
    named = [dZ for cause, dZ in models if "sigmoid' where tanh' belongs" in cause]
    assert len(named) == 2
    np.testing.assert_allclose(named[0], sigmoid_from_z, rtol=1e-14)
    np.testing.assert_allclose(named[1], sigmoid_from_a, rtol=1e-14)


def test_db_summed_over_every_entry_or_over_the_units_is_modelled_with_and_without_keepdims(rng):
    dZ = rng.standard_normal((3, 4))
    models = bias_sums(dZ, 1)
    values = [value["db1"] for cause, value in models if "squeezed" not in cause]
    assert [v.shape for v in values] == [(), (1, 1), (4,), (1, 4)]
    np.testing.assert_allclose(values[0], dZ.sum() / 4)
    np.testing.assert_allclose(values[2], dZ.sum(axis=0) / 4)
    [squeezed] = [value["db1"] for cause, value in models if "squeezed" in cause]
    assert squeezed.shape == (3,), "np.squeeze drops the column the course keeps"
    np.testing.assert_allclose(squeezed, dZ.sum(axis=1) / 4)


def test_at_one_unit_a_squeeze_and_a_sum_over_every_entry_are_named_together(rng):
    [(cause, values), *_] = bias_sums(rng.standard_normal((1, 4)), 3)
    assert cause.startswith("db summed over every entry or squeezed") and values["db3"].shape == ()


def test_the_cost_without_its_second_term_is_the_first_mistake_modelled(rng):
    AL = rng.uniform(0.1, 0.9, (1, 5))
    Y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0]])
    cause, value = costs(AL, Y)[0]
    assert cause == "only the Y log(AL) term: (1 - Y) log(1 - AL) is missing"
    np.testing.assert_allclose(value["cost"], -np.sum(Y * np.log(AL)) / 5, rtol=1e-15)


def test_a_forward_pass_with_the_hidden_layers_activation_swapped(rng):
    X = rng.standard_normal((3, 4))
    params = {"W1": rng.standard_normal((2, 3)), "b1": rng.standard_normal((2, 1))}
    params |= {"W2": rng.standard_normal((1, 2)), "b2": rng.standard_normal((1, 1))}
    models = dict(forward_swaps(X, params, ["relu", "sigmoid"]))
    tanh_hidden = models["the hidden layers apply tanh where the course's apply relu"]
    np.testing.assert_allclose(
        tanh_hidden["A1"], np.tanh(params["W1"] @ X + params["b1"]), rtol=1e-14
    )


def test_backprop_with_the_right_derivative_is_the_course_backward_pass(rng):
    spec = scratch.build_spec([3, 4, 1], "tanh", dtype="float64")
    params = scratch.initialize_parameters(spec)
    X = rng.standard_normal((3, 6))
    Y = (rng.random((1, 6)) < 0.5).astype(float)
    exact = scratch.layer_internals(X, Y, params, spec)
    caches = [(X, params["W1"], exact["Z1"]), (exact["A1"], params["W2"], exact["Z2"])]
    modelled = backprop(caches, exact["dZ2"], ["tanh"])
    for key in ("dW2", "db2", "dA1", "dW1", "db1", "dA0"):
        np.testing.assert_allclose(modelled[key], exact[key], rtol=1e-12, atol=1e-17)


def test_backprop_with_a_hidden_derivative_replaced_is_the_chain_rule_with_it(rng):
    X, W1, W2 = (
        rng.standard_normal((2, 3)),
        rng.standard_normal((4, 2)),
        rng.standard_normal((1, 4)),
    )
    Z1 = W1 @ X
    dZ2 = rng.standard_normal((1, 3))
    out = backprop([(X, W1, Z1), (np.maximum(Z1, 0), W2, W2 @ np.maximum(Z1, 0))], dZ2, ["tanh"])
    dZ1 = (W2.T @ dZ2) * (1 - np.tanh(Z1) ** 2)
    np.testing.assert_allclose(out["dW1"], dZ1 @ X.T / 3)


def test_a_planted_mistake_is_the_courses_function_with_that_line_changed(rng):
    A_prev, W, b = (rng.standard_normal(s) for s in ((2, 5, 5, 2), (3, 3, 2, 2), (1, 1, 1, 2)))
    hparameters = {"stride": 2, "pad": 1}
    Z, _ = convolution.conv_forward(A_prev, W, b, hparameters)
    forgot = mistakes.planted(convolution.conv_single_step, ("Z = Z + b.item()", "Z = Z"))
    np.testing.assert_allclose(
        forgot(A_prev[0, :3, :3], W[..., 0], b[..., 0]),
        convolution.conv_single_step(A_prev[0, :3, :3], W[..., 0], b[..., 0]) - b[0, 0, 0, 0],
    )
    stride = (
        ("vert_start = h * stride", "vert_start = h"),
        ("horiz_start = w * stride", "horiz_start = w"),
    )
    every = convolution.conv_forward(A_prev, W, b, {"stride": 1, "pad": 1})[0]
    np.testing.assert_array_equal(
        mistakes.planted(convolution.conv_forward, *stride)(A_prev, W, b, hparameters)[0],
        every[:, : Z.shape[1], : Z.shape[2]],
    )
    assert convolution.conv_forward(A_prev, W, b, hparameters)[0].shape == Z.shape  # untouched


def test_a_line_that_is_not_there_once_is_refused():
    with pytest.raises(ValueError, match="conv_forward has no single line 'vert_end = h'"):
        mistakes.planted(convolution.conv_forward, ("vert_end = h", "vert_end = 0"))
    with pytest.raises(ValueError, match=r"has no single line 'dZ\[i, h, w, c\]'"):  # three
        mistakes.planted(convolution.conv_backward, ("dZ[i, h, w, c]", "dZ[i, 0, 0, c]"))


def test_a_model_that_cannot_run_in_a_case_is_no_model_of_it():
    def shapes_apart():
        return {"dW1": np.ones((2, 3)) @ np.ones((2, 3))}

    models = mistakes.runnable(("runs", lambda: {"dW1": np.ones(2)}), ("cannot", shapes_apart))
    assert [cause for cause, _ in models] == ["runs"]
