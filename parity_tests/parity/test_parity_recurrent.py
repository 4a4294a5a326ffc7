"""Recurrent parity at the layer level: every time step's states, gates, outputs and cost, and
every gradient through time, scratch's course functions against torch's own ``nn.RNN`` /
``nn.LSTM``, ``nn.Linear``, ``nn.CrossEntropyLoss`` and autograd, judged by the referee and the
tolerance table, in both dtypes; in float64 both sides' gradients also against centred
differences; and one step of the language model against ``torch.optim.SGD`` after
``clip_grad_value_``."""

from __future__ import annotations

import numpy as np
import pytest
from recurrent_cases import (
    CELLS,
    language_model_case,
    make_case,
    torch_gates,
    torch_language_model_step,
)

import scratch.recurrent
from scratch.course import language_model as lm
from scratch.course.recurrent import lstm_forward, rnn_forward
from scratch.gradcheck import centred_differences
from scratch.parity import assert_parity, compare, compare_all
from scratch.recurrent import GATE_NAMES, sequence_cost
from scratch.tolerances import centred_difference_tolerance
from torch_impl.transfer import (
    export_recurrent_grads,
    export_recurrent_params,
    state_to_course,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest
DTYPES = ["float64", "float32"]
FORWARD_KEYS = ("a", "c", *GATE_NAMES, "y_pred", "cost")


def split(quantities: dict, forward: bool) -> dict:
    return {key: value for key, value in quantities.items() if (key in FORWARD_KEYS) == forward}


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_steps_states_outputs_and_cost_match_torch(cell, dtype):
    ours, theirs = make_case(cell, dtype).internals()
    result = compare_all(split(ours, True), split(theirs, True))
    assert_parity(result)
    lstm = {"c", *GATE_NAMES} if cell == "lstm" else set()
    assert {r.quantity for r in result.results} == lstm | {"a", "y_pred", "cost"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_steps_lstm_gates_match_those_of_torchs_stacked_weights(dtype):
    case = make_case("lstm", dtype)
    ours = scratch.recurrent.sequence_internals(case.x, case.a0, case.Y, case.parameters, "lstm")
    assert_parity(compare_all({name: ours[name] for name in GATE_NAMES}, torch_gates(case)))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_gradient_through_time_matches_autograd(cell, dtype):
    ours, theirs = make_case(cell, dtype).internals()
    result = compare_all(split(ours, False), split(theirs, False))
    assert_parity(result)
    weights = {f"d{key}" for key in make_case(cell).parameters}
    assert {r.quantity for r in result.results} == weights | {"dy", "da", "dx", "da0"}


def centred(case) -> tuple[dict[str, np.ndarray], float]:
    """Centred differences of J in every weight, every input entry and the initial state."""
    forward = rnn_forward if case.cell == "rnn" else lstm_forward
    arrays = {f"d{key}": value.copy() for key, value in case.parameters.items()}
    arrays |= {"dx": case.x.copy(), "da0": case.a0.copy()}
    weights = {key[1:]: arrays[key] for key in arrays if key not in ("dx", "da0")}

    def cost() -> float:
        return sequence_cost(forward(arrays["dx"], arrays["da0"], weights)[1], case.Y)

    return centred_differences(cost, arrays), cost()


@pytest.mark.parametrize("cell", CELLS)
def test_every_gradient_through_time_matches_centred_differences_on_both_sides(cell):
    case = make_case(cell, m=2, T_x=4)
    numeric, J = centred(case)
    ours, theirs = case.internals()
    for name, side in (("scratch", ours), ("torch", theirs)):
        analytic = {key: side[key] for key in numeric}
        result = compare_all(analytic, numeric, tol=centred_difference_tolerance(J))
        assert_parity(result)
        assert len(result.results) == len(numeric), name


def test_one_language_model_step_matches_torch_sgd_after_clip_grad_value():
    """``optimize`` (forward, backward through time, ``clip(gradients, 5)``, the update) and
    torch's ``RecurrentNet`` on the one-hot name, ``sequence_cost`` (m = 1: the loss summed over
    time), ``backward``, ``clip_grad_value_(5)`` and ``SGD(lr=0.01).step()``: the same loss, the
    same clipped gradients, the same weights after the step and the same last state."""
    X, Y, a_prev, parameters = language_model_case()
    start = lm.as_step_by_step({key: value.copy() for key, value in parameters.items()})
    loss, gradients, a_last = lm.optimize(X, Y, a_prev, parameters, learning_rate=0.01)

    net, J, a = torch_language_model_step(X, Y, a_prev, start)

    assert (np.abs(gradients["dWaa"]) == 5).any() and (np.abs(gradients["dWaa"]) < 5).any()
    assert_parity(compare("cost", loss, J.detach().numpy()))
    assert_parity(compare("a", a_last, state_to_course(a[-1:])))
    ours = lm.as_step_by_step({key[1:]: value for key, value in gradients.items()})
    assert_parity(
        compare_all({f"d{key}": value for key, value in ours.items()}, export_recurrent_grads(net))
    )
    assert_parity(compare_all(lm.as_step_by_step(parameters), export_recurrent_params(net)))
