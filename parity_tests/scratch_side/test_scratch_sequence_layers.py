"""``scratch.sequence_layers``: a recurrent network's layers as steps of a network. The recurrent
layer is the course's cell over time less its output layer, from zero states, and its backward
the course's ``rnn_backward`` / ``lstm_backward``; the output layer is the dense softmax at every
step, one product over the m T_x columns; each layer keeps the quantities the referee compares."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import Layer, Lstm, NetworkSpec, Rnn
from scratch.activations import ACTIVATION_TABLE
from scratch.course.recurrent import lstm_backward, lstm_forward, rnn_backward, rnn_forward
from scratch.layer_kinds import recurrent_shapes
from scratch.sequence_layers import (
    cell_forward,
    output_layer_backward,
    output_layer_forward,
    output_quantities,
    recurrent_layer_backward,
    recurrent_layer_forward,
    recurrent_quantities,
)

N_X, N_A, N_Y, M, T_X = 4, 5, 3, 6, 7
COURSE = {"rnn": (rnn_forward, rnn_backward), "lstm": (lstm_forward, lstm_backward)}
SOFTMAX = ACTIVATION_TABLE["softmax"]


def case(cell: str, seed: int = 0):
    """A spec of ``cell``, its parameters (N(0, 0.5^2)) and a sequence batch x (n_x, m, T_x)."""
    kind = Rnn(N_A) if cell == "rnn" else Lstm(N_A)
    spec = NetworkSpec(input_size=N_X, layers=(kind, Layer(N_Y, "softmax")), loss="cross_entropy")
    rng = np.random.default_rng(seed)
    shapes = recurrent_shapes(cell, N_X, N_A, N_Y)
    parameters = {key: 0.5 * rng.standard_normal(shape) for key, (shape, _) in shapes.items()}
    return spec, parameters, rng.standard_normal((N_X, M, T_X))


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_cell_over_time_is_the_courses_forward_less_its_output_layer(cell):
    _, parameters, x = case(cell)
    a0 = np.random.default_rng(1).standard_normal((N_A, M))
    a, c, (steps, x_cached) = cell_forward(x, a0, parameters, cell)
    course = COURSE[cell][0](x, a0, parameters)
    np.testing.assert_array_equal(a, course[0])
    if cell == "lstm":
        np.testing.assert_array_equal(c, course[2])
    else:
        assert c is None
    assert len(steps) == T_X and x_cached is x


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_recurrent_layer_starts_every_sequence_from_zero_states(cell):
    spec, parameters, x = case(cell)
    a, cache = recurrent_layer_forward(x, parameters, 1, spec, None)
    zeros, _, _ = cell_forward(x, np.zeros((N_A, M)), parameters, cell)
    np.testing.assert_array_equal(a, zeros)
    # the same sequence alone, or after another batch, gives the same states
    alone, _ = recurrent_layer_forward(x[:, :1], parameters, 1, spec, None)
    np.testing.assert_allclose(alone, a[:, :1], rtol=1e-14, atol=1e-15)
    assert cache.a is a


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_backpropagation_through_time_is_the_courses_backward_and_dx_is_optional(cell):
    spec, parameters, x = case(cell)
    _, cache = recurrent_layer_forward(x, parameters, 1, spec, None)
    da = np.random.default_rng(2).standard_normal((N_A, M, T_X))
    grads = {"da": da}
    recurrent_layer_backward(grads, cache, None, 1, spec)
    expected = COURSE[cell][1](da, cache.caches)
    assert set(expected) <= set(grads)
    for key, value in expected.items():
        np.testing.assert_array_equal(grads[key], value)
    without = {"da": da}
    recurrent_layer_backward(without, cache, None, 1, spec, input_grad=False)
    assert "dx" not in without and "da0" in without


def test_the_quantities_kept_are_the_states_and_an_lstms_cell_state_and_gates():
    spec, parameters, x = case("rnn")
    assert set(
        recurrent_quantities(1, recurrent_layer_forward(x, parameters, 1, spec, None)[1])
    ) == {"a"}
    spec, parameters, x = case("lstm")
    _, cache = recurrent_layer_forward(x, parameters, 1, spec, None)
    kept = recurrent_quantities(1, cache)
    assert set(kept) == {"a", "c", "ft", "it", "cct", "ot"}
    assert all(value.shape == (N_A, M, T_X) for value in kept.values())


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_output_layer_is_the_dense_softmax_at_every_step(cell):
    spec, parameters, x = case(cell)
    a, _ = recurrent_layer_forward(x, parameters, 1, spec, None)
    y_pred, cache = output_layer_forward(a, parameters, 2, spec, SOFTMAX)
    W_y = parameters["Wya" if cell == "rnn" else "Wy"]
    for t in range(T_X):
        z = W_y @ a[:, :, t] + parameters["by"]
        expected = np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)
        np.testing.assert_allclose(y_pred[:, :, t], expected, rtol=1e-13, atol=1e-16)
    assert output_quantities(2, cache)["y_pred"] is y_pred


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_output_layers_gradients_sum_over_time_under_the_courses_names(cell):
    spec, parameters, x = case(cell)
    a, _ = recurrent_layer_forward(x, parameters, 1, spec, None)
    _, cache = output_layer_forward(a, parameters, 2, spec, SOFTMAX)
    dy = np.random.default_rng(3).standard_normal((N_Y, M, T_X))
    grads = {"dy": dy}
    output_layer_backward(grads, cache, SOFTMAX, 2, spec)
    name = "dWya" if cell == "rnn" else "dWy"
    assert set(grads) == {"dy", name, "dby", "da"}
    W_y = parameters[name[1:]]
    np.testing.assert_allclose(
        grads[name], sum(dy[:, :, t] @ a[:, :, t].T for t in range(T_X)), rtol=1e-13
    )
    np.testing.assert_allclose(grads["dby"], dy.sum(axis=(1, 2))[:, None], rtol=1e-13)
    np.testing.assert_allclose(
        grads["da"], np.einsum("ya,ymt->amt", W_y, dy), rtol=1e-13, atol=1e-15
    )
