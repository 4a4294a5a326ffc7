"""``torch_impl.recurrent`` and the recurrent block of ``torch_impl.transfer``: torch's own layers,
built without a torch random draw in the weights' dtype, and weights, sequences, states and labels
that cross the boundary bit for bit, both ways."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from recurrent_cases import CELLS, make_case
from torch import nn

from scratch.parity import assert_parity, compare
from torch_impl.recurrent import RecurrentNet, sequence_cost
from torch_impl.transfer import (
    export_recurrent_params,
    initial_state_to_torch,
    labels_to_torch,
    load_recurrent_params,
    recurrent_params_to_course,
    recurrent_params_to_torch,
    sequences_to_course,
    sequences_to_torch,
    state_to_course,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest
DTYPES = ["float64", "float32"]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_recurrent_net_is_torchs_own_layers_in_the_weights_dtype_drawing_nothing(cell, dtype):
    case = make_case(cell, dtype)
    state = torch.random.get_rng_state()
    net = RecurrentNet(case.parameters, cell)
    assert torch.equal(torch.random.get_rng_state(), state), "building the module drew numbers"
    assert type(net.recurrent) is {"rnn": nn.RNN, "lstm": nn.LSTM}[cell]
    assert type(net.output) is nn.Linear
    assert getattr(net.recurrent, "nonlinearity", "tanh") == "tanh"
    assert {p.dtype for p in net.parameters()} == {getattr(torch, dtype)}


@pytest.mark.parametrize("cell", CELLS)
def test_bias_hh_holds_negative_zero_and_is_frozen(cell):
    net = RecurrentNet(make_case(cell).parameters, cell)
    bias_hh = net.recurrent.bias_hh_l0
    assert not bias_hh.requires_grad
    assert torch.equal(bias_hh, torch.zeros_like(bias_hh)) and torch.signbit(bias_hh).all()


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_weights_round_trip_bit_exact_course_to_torch_to_course(cell, dtype):
    case = make_case(cell, dtype)
    negative_zero = {key: -np.zeros_like(value) for key, value in case.parameters.items()}
    for parameters in (case.parameters, case.parameters | {"by": negative_zero["by"]}):
        back = export_recurrent_params(RecurrentNet(parameters, cell))
        assert list(back) == list(parameters)
        for key, value in parameters.items():
            assert same_bits(back[key], value), f"{key} changed in the round trip"


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_weights_round_trip_bit_exact_torch_to_course_to_torch(cell, dtype):
    """A torch state whose ``bias_hh`` is zero (the image of the course's one bias) comes back
    bit for bit; any torch weights at all (random, not the course's) do the same."""
    rng = np.random.default_rng(3)
    template = recurrent_params_to_torch(make_case(cell, dtype).parameters, cell)
    state = {key: rng.standard_normal(value.shape).astype(dtype) for key, value in template.items()}
    state["recurrent.bias_hh_l0"] = template["recurrent.bias_hh_l0"]
    back = recurrent_params_to_torch(recurrent_params_to_course(state, cell), cell)
    assert list(back) == list(state)
    for key, value in state.items():
        assert same_bits(back[key], value), f"{key} changed in the round trip"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_sequences_states_and_labels_round_trip_bit_exact(dtype, batch_first):
    case = make_case("lstm", dtype)
    x = sequences_to_torch(case.x, batch_first=batch_first)
    n_x, m, T_x = case.x.shape
    assert x.shape == ((m, T_x, n_x) if batch_first else (T_x, m, n_x)) and x.is_contiguous()
    step_2_of_example_1 = x[1, 2] if batch_first else x[2, 1]
    assert torch.equal(step_2_of_example_1, torch.from_numpy(case.x[:, 1, 2]))
    assert same_bits(sequences_to_course(x, batch_first=batch_first), case.x)
    h0, c0 = initial_state_to_torch(case.a0, "lstm")
    assert h0.shape == (1, m, case.a0.shape[0]) and not c0.any()
    assert same_bits(state_to_course(h0), case.a0)
    targets = labels_to_torch(case.Y)
    assert targets.dtype == torch.int64 and targets.shape == (T_x, m)
    assert targets[4, 2] == case.Y[0, 2, 4]


@pytest.mark.parametrize("cell", CELLS)
def test_loading_weights_of_another_dtype_or_shape_is_refused_naming_the_key(cell):
    case = make_case(cell)
    net = RecurrentNet(case.parameters, cell)
    as32 = {key: value.astype(np.float32) for key, value in case.parameters.items()}
    first = next(iter(as32))
    with pytest.raises(TypeError, match=rf"parameters\['{first}'\] is float32 but the module"):
        load_recurrent_params(net, as32)
    W = "Wya" if cell == "rnn" else "Wy"
    with pytest.raises(ValueError, match=rf"parameters\['{W}'\] has shape \(4, 4\)"):
        RecurrentNet(case.parameters | {W: np.zeros((4, 4))}, cell)


def test_sequence_cost_is_the_cross_entropy_summed_over_time_averaged_over_examples():
    logits = torch.zeros(6, 3, 4, dtype=torch.float64)  # T_x = 6, m = 3, n_y = 4: p = 1/4
    targets = torch.zeros(6, 3, dtype=torch.int64)
    assert sequence_cost(logits, targets).item() == pytest.approx(6 * np.log(4), rel=1e-15)
    batch_first = sequence_cost(logits.transpose(0, 1), targets.T, batch_first=True)
    assert batch_first.item() == pytest.approx(6 * np.log(4), rel=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cell_states_step_by_step_end_in_the_lstms_own_last_cell_state(dtype):
    """nn.LSTM stepped one step at a time (``cell_states``) and over the whole sequence at once
    agree by the referee's forward row, not bit for bit: the whole sequence's input products
    are one matrix product over all steps, summed in another order."""
    case = make_case("lstm", dtype)
    net = RecurrentNet(case.parameters, "lstm")
    x, hx = sequences_to_torch(case.x), initial_state_to_torch(case.a0, "lstm")
    with torch.no_grad():
        _, (_, c_n) = net.recurrent(x, hx)
    assert_parity(compare("c", net.cell_states(x, hx)[-1].numpy(), c_n[0].numpy()))
