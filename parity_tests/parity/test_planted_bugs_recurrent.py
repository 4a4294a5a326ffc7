"""Planted bugs a learner makes in the recurrent networks, each caught against torch's
``nn.RNN`` / ``nn.LSTM`` and autograd: the comparison the suite runs fails, its message names
the first quantity where the sides part, and the quantities upstream of the bug still agree.

Each test swaps a wrong piece into ``scratch.course.recurrent`` with ``monkeypatch`` (the
sequence functions call the cell functions through the module, so the planted cell is used),
or runs a learner's own ``optimize``; the wrong piece is written as the true function applied
to changed arguments, so each bug is exactly the mistake named and nothing more.
"""

from __future__ import annotations

import numpy as np
import pytest
from recurrent_cases import (
    first_step_apart,
    language_model_case,
    make_case,
    torch_language_model_step,
)

import scratch.course.recurrent as course
from scratch.course import language_model as lm
from scratch.parity import Comparisons, compare_all
from torch_impl.transfer import export_recurrent_params

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest
FORWARD = {"ft", "it", "cct", "c", "ot", "a", "y_pred", "cost"}
OUTPUT_LAYER = {"da", "dWya", "dWy", "dby"}  # the output layer's, before the recurrence


def parting(cell: str) -> tuple[Comparisons, dict, dict]:
    ours, theirs = make_case(cell).internals(gates=True)
    return compare_all(ours, theirs), ours, theirs


def failing(result: Comparisons) -> set[str]:
    return {comparison.quantity for comparison in result.failures}


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_clean_cases_agree(cell):
    """The baseline: without a planted bug, every quantity of the cases below agrees."""
    assert parting(cell)[0].ok


def test_swapped_forget_and_update_gates_are_reported_at_ft_from_the_first_step(monkeypatch):
    """The learner computes the forget gate with ``Wi, bi`` and the update gate with ``Wf, bf``."""
    true = course.lstm_cell_forward

    def swapped(xt, a_prev, c_prev, parameters):
        p = dict(parameters)
        p["Wf"], p["bf"], p["Wi"], p["bi"] = p["Wi"], p["bi"], p["Wf"], p["bf"]
        return true(xt, a_prev, c_prev, p)

    monkeypatch.setattr(course, "lstm_cell_forward", swapped)
    result, ours, theirs = parting("lstm")
    first = result.first_failure
    assert (first.quantity, first.layer, first.problem) == ("ft", None, "values")
    assert "the two sides part at ft, float64 forward differs" in result.message()
    assert {"ft", "it", "c", "a", "y_pred", "cost", "dWf", "dWi"} <= failing(result)
    assert first_step_apart("ft", ours["ft"], theirs["ft"]) == 0


def test_tanh_derivative_of_a_next_instead_of_c_next_is_reported_at_dWf(monkeypatch):
    """The learner writes ``1 - a_next**2`` where ``1 - tanh(c_next)**2`` belongs (the derivative
    of ``a_next = ot * tanh(c_next)`` in c_next): the cell state's gradient ``dc`` takes
    ``da_next * ot * (1 - a_next^2)``. Planted as the true function given the ``dc_next`` that
    makes its ``dc`` exactly that (``dot`` does not read ``dc_next``)."""
    true = course.lstm_cell_backward

    def wrong_derivative(da_next, dc_next, cache):
        a_next, c_next, ot = cache[0], cache[1], cache[7]
        shift = da_next * ot * (np.tanh(c_next) ** 2 - a_next**2)
        return true(da_next, dc_next + shift, cache)

    monkeypatch.setattr(course, "lstm_cell_backward", wrong_derivative)
    result, _, _ = parting("lstm")
    assert result.first_failure.quantity == "dWf"
    assert "the two sides part at dWf, float64 gradient differs" in result.message()
    assert not failing(result) & (FORWARD | OUTPUT_LAYER)
    assert {"dWf", "dWi", "dWc", "dWo", "dx", "da0"} <= failing(result)


def test_da_next_not_accumulated_over_time_is_reported_at_dWax(monkeypatch):
    """The learner's ``rnn_backward`` hands each step only its own ``da[:, :, t]``, never the
    ``da_prev`` of the step after it. Planted as a cell whose ``da_prev`` reaches no one."""
    true = course.rnn_cell_backward

    def not_accumulated(da_next, cache):
        return true(da_next, cache) | {"da_prev": np.zeros_like(da_next)}

    monkeypatch.setattr(course, "rnn_cell_backward", not_accumulated)
    result, ours, theirs = parting("rnn")
    assert result.first_failure.quantity == "dWax"
    assert "the two sides part at dWax, float64 gradient differs" in result.message()
    assert failing(result) == {"dWax", "dWaa", "dba", "dx", "da0"}
    T_x = ours["dx"].shape[2]  # the last step has no step after it: its dx is right
    last = first_step_apart("dx", ours["dx"][..., T_x - 1 :], theirs["dx"][..., T_x - 1 :])
    assert last is None and first_step_apart("dx", ours["dx"], theirs["dx"]) == 0


def test_the_cell_states_gradient_dropped_is_reported_at_dWf(monkeypatch):
    """The learner's ``lstm_backward`` passes ``dc_next = 0`` to every step: the gradient that
    reaches c<t> from the steps after it is lost."""
    true = course.lstm_cell_backward

    def dropped(da_next, dc_next, cache):
        return true(da_next, dc_next, cache) | {"dc_prev": np.zeros_like(dc_next)}

    monkeypatch.setattr(course, "lstm_cell_backward", dropped)
    result, _, _ = parting("lstm")
    assert result.first_failure.quantity == "dWf"
    assert "the two sides part at dWf, float64 gradient differs" in result.message()
    assert not failing(result) & (FORWARD | OUTPUT_LAYER)


def optimize_clipping_after_the_update(X, Y, a_prev, parameters, learning_rate=0.01):
    """A learner's ``optimize`` that updates with the raw gradients, then clips them."""
    loss, cache = lm.rnn_forward(X, Y, a_prev, parameters, vocab_size=parameters["Wax"].shape[1])
    gradients, a = lm.rnn_backward(X, Y, parameters, cache)
    lm.update_parameters(parameters, gradients, learning_rate)
    gradients = lm.clip(gradients, 5)
    return loss, gradients, a[len(X) - 1]


def test_clipping_after_the_update_is_reported_at_the_weights_whose_gradient_passed_the_bound():
    X, Y, a_prev, parameters = language_model_case()
    start = lm.as_step_by_step({key: value.copy() for key, value in parameters.items()})
    net, _, _ = torch_language_model_step(X, Y, a_prev, start)
    _, gradients, _ = optimize_clipping_after_the_update(X, Y, a_prev, parameters)
    result = compare_all(lm.as_step_by_step(parameters), export_recurrent_params(net))
    assert result.first_failure.quantity == "Wax"
    assert "the two sides part at Wax, float64 trained differs" in result.message()
    by_parameter = lm.as_step_by_step({key[1:]: value for key, value in gradients.items()})
    clipped = {key for key, value in by_parameter.items() if np.abs(value).max() == 5}
    assert failing(result) == clipped == {"Wax", "Waa", "ba"}
