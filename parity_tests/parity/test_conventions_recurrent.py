"""Where torch's recurrent conventions differ from the course's: each mapping as derived in
``torch_impl.transfer``, tested, and beside it the naive mapping, shown to part from the course
where it first should (the time step, or the entry).

- the LSTM's gates: torch stacks them input, forget, cell, output (i, f, g, o); the course
  names them f, i, c, o;
- the biases: torch adds two, ``bias_ih + bias_hh``; the course has one;
- the layouts: the course's x (n_x, m, T_x) is torch's (T_x, m, n_x) (or batch first);
- the initial states: h0 = a0 and c0 = 0;
- the output layer: applied to every step's a, outside ``nn.RNN``;
- the cost: summed over time, averaged over examples;
- clipping: by value, entry by entry, where most torch code clips by norm;
- sampling: the same uniforms, inverted the same way, on both sides.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from recurrent_cases import CELLS, first_step_apart, make_case

from scratch.course import language_model as lm
from scratch.course.recurrent import lstm_forward, rnn_forward
from scratch.parity import assert_parity, compare, compare_all
from scratch.recurrent import sample_indices, sample_uniforms, sequence_internals
from torch_impl.recurrent import RecurrentNet, sequence_cost
from torch_impl.recurrent import sample_indices as torch_sample_indices
from torch_impl.transfer import (
    export_recurrent_grads,
    export_recurrent_params,
    initial_state_to_torch,
    labels_to_torch,
    recurrent_params_to_torch,
    sequences_to_course,
    sequences_to_torch,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


def course_states(case) -> np.ndarray:
    """The course's hidden states ``a`` (n_a, m, T_x)."""
    forward = rnn_forward if case.cell == "rnn" else lstm_forward
    return forward(case.x, case.a0, case.parameters)[0]


def torch_states(net: RecurrentNet, x: torch.Tensor, hx=None, *, batch_first=False) -> np.ndarray:
    """``net``'s hidden states in the course's layout (n_a, m, T_x)."""
    with torch.no_grad():
        _, a = net.run(x, hx)
    return sequences_to_course(a, batch_first=batch_first)


def load_state(net: RecurrentNet, **arrays: np.ndarray) -> RecurrentNet:
    """Overwrite ``net.recurrent``'s named parameters (``weight_ih_l0=...``) with ``arrays``."""
    with torch.no_grad():
        for name, value in arrays.items():
            getattr(net.recurrent, name).copy_(torch.from_numpy(value))
    return net


# --- The LSTM's gate order ------------------------------------------------------------------


def test_lstm_gates_stack_in_torchs_order_input_forget_cell_output():
    case = make_case("lstm")
    p, n_a = case.parameters, case.a0.shape[0]
    state = recurrent_params_to_torch(p, "lstm")
    W_ih, W_hh = state["recurrent.weight_ih_l0"], state["recurrent.weight_hh_l0"]
    for block, gate in enumerate("ifco"):  # torch's i, f, g, o
        rows = slice(block * n_a, (block + 1) * n_a)
        assert np.array_equal(W_hh[rows], p[f"W{gate}"][:, :n_a]), f"a_prev's columns of W{gate}"
        assert np.array_equal(W_ih[rows], p[f"W{gate}"][:, n_a:]), f"x_t's columns of W{gate}"
        assert np.array_equal(state["recurrent.bias_ih_l0"][rows], p[f"b{gate}"][:, 0])
    assert_parity(compare("a", course_states(case), torch_states(*_net_and_inputs(case))))


def _net_and_inputs(case) -> tuple[RecurrentNet, torch.Tensor, object]:
    net = RecurrentNet(case.parameters, case.cell)
    return net, sequences_to_torch(case.x), initial_state_to_torch(case.a0, case.cell)


def test_stacking_the_gates_in_the_courses_order_f_i_c_o_parts_at_the_first_step():
    case = make_case("lstm")
    p, n_a = case.parameters, case.a0.shape[0]
    course_order = np.concatenate([p[f"W{gate}"] for gate in "fico"])
    net, x, hx = _net_and_inputs(case)
    naive = load_state(
        net,
        weight_hh_l0=course_order[:, :n_a].copy(),
        weight_ih_l0=course_order[:, n_a:].copy(),
        bias_ih_l0=np.concatenate([p[f"b{gate}"] for gate in "fico"])[:, 0],
    )
    assert first_step_apart("a", course_states(case), torch_states(naive, x, hx)) == 0


# --- One bias against two -------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_the_courses_bias_is_bias_ih_with_bias_hh_zero_and_each_gets_the_whole_db(cell):
    case = make_case(cell)
    net, x, hx = _net_and_inputs(case)
    bias_ih, bias_hh = net.recurrent.bias_ih_l0, net.recurrent.bias_hh_l0
    gates = ["a"] if cell == "rnn" else list("ifco")  # torch's order
    b = np.concatenate([case.parameters[f"b{gate}"] for gate in gates])
    assert np.array_equal(bias_ih.detach().numpy(), b[:, 0]) and not bias_hh.any()
    bias_hh.requires_grad_(True)
    logits, _ = net.run(x, hx)
    sequence_cost(logits, labels_to_torch(case.Y)).backward()
    ours = sequence_internals(case.x, case.a0, case.Y, case.parameters, cell)
    keys = ["dba"] if cell == "rnn" else [f"db{g}" for g in "fico"]
    from_ih = export_recurrent_grads(net)
    with torch.no_grad():
        bias_ih.grad.copy_(bias_hh.grad)  # the course's db read off bias_hh instead
    from_hh = export_recurrent_grads(net)
    for theirs in (from_ih, from_hh):  # equal by the referee, not bit for bit (other sums)
        assert_parity(compare_all({k: ours[k] for k in keys}, {k: theirs[k] for k in keys}))


@pytest.mark.parametrize("cell", CELLS)
def test_setting_both_biases_to_b_parts_at_the_first_step(cell):
    case = make_case(cell)
    net, x, hx = _net_and_inputs(case)
    naive = load_state(net, bias_hh_l0=net.recurrent.bias_ih_l0.detach().numpy().copy())
    assert first_step_apart("a", course_states(case), torch_states(naive, x, hx)) == 0


@pytest.mark.parametrize("trainable", [False, True], ids=["bias_hh-frozen", "bias_hh-trained"])
def test_gradient_descent_on_both_biases_moves_their_sum_twice_as_far(trainable):
    """One SGD step: the course's ``ba - lr dba`` is torch's ``bias_ih + bias_hh`` only when
    ``bias_hh`` stays put (``RecurrentNet`` freezes it); trained, each bias takes the whole
    step, and their sum moves by ``2 lr dba``."""
    case = make_case("rnn")
    net, x, hx = _net_and_inputs(case)
    net.recurrent.bias_hh_l0.requires_grad_(trainable)
    logits, _ = net.run(x, hx)
    sequence_cost(logits, labels_to_torch(case.Y)).backward()
    torch.optim.SGD(net.parameters(), lr=0.1).step()
    grads = sequence_internals(case.x, case.a0, case.Y, case.parameters, "rnn")
    course_step = case.parameters["ba"] - 0.1 * grads["dba"]
    result = compare("ba", course_step, export_recurrent_params(net)["ba"])
    assert result.ok != trainable, result.message()


# --- Layouts and initial states -------------------------------------------------------------


def test_sequences_map_by_a_transpose_and_a_reshape_parts_at_the_first_step():
    case = make_case("rnn")
    net, x, hx = _net_and_inputs(case)
    assert_parity(compare("a", course_states(case), torch_states(net, x, hx)))
    reshaped = torch.from_numpy(case.x.reshape(x.shape).copy())
    assert first_step_apart("a", course_states(case), torch_states(net, reshaped, hx)) == 0


def test_batch_first_sequences_need_a_batch_first_layer():
    case = make_case("lstm")
    ours = course_states(case)
    batch_first = RecurrentNet(case.parameters, "lstm", batch_first=True)
    x = sequences_to_torch(case.x, batch_first=True)
    hx = initial_state_to_torch(case.a0, "lstm")  # states stay (1, m, n_a) either way
    assert_parity(compare("a", ours, torch_states(batch_first, x, hx, batch_first=True)))
    sequence_first = RecurrentNet(case.parameters, "lstm")
    with pytest.raises(RuntimeError, match="Expected hidden"):  # (m, T_x) read as (T_x, m)
        torch_states(sequence_first, x, hx)


@pytest.mark.parametrize("cell", CELLS)
def test_initial_states_are_h0_a0_and_c0_zero_and_torchs_default_parts_at_the_first_step(cell):
    case = make_case(cell)
    net, x, hx = _net_and_inputs(case)
    h0 = hx if cell == "rnn" else hx[0]
    assert np.array_equal(h0[0].numpy(), case.a0.T)
    if cell == "lstm":
        assert not hx[1].any(), "c0 must be 0, as lstm_forward starts"
    assert_parity(compare("a", course_states(case), torch_states(net, x, hx)))
    assert first_step_apart("a", course_states(case), torch_states(net, x, None)) == 0


def test_starting_the_cell_state_at_a0_parts_at_the_first_step():
    case = make_case("lstm")
    net, x, (h0, _) = _net_and_inputs(case)
    assert first_step_apart("a", course_states(case), torch_states(net, x, (h0, h0.clone()))) == 0


# --- The output layer and the cost ----------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_the_output_layer_applies_to_every_steps_a_and_the_last_state_alone_fits_the_last_step(
    cell,
):
    """``nn.RNN`` returns every step's a and its last state ``h_n``; the course predicts at
    every step. Predictions from ``h_n`` alone (a many-to-one reading) agree at the last step
    only."""
    case = make_case(cell)
    net, x, hx = _net_and_inputs(case)
    ours = sequence_internals(case.x, case.a0, case.Y, case.parameters, cell)["y_pred"]
    with torch.no_grad():
        logits, _ = net.run(x, hx)
        _, last = net.recurrent(x, hx)
        h_n = last if cell == "rnn" else last[0]
        from_last = net.output(h_n).softmax(-1).expand_as(logits)
    assert_parity(compare("y_pred", ours, sequences_to_course(logits.softmax(-1))))
    naive = sequences_to_course(from_last)
    T_x = ours.shape[2]
    assert first_step_apart("y_pred", ours, naive) == 0
    assert first_step_apart("y_pred", ours[..., T_x - 1 :], naive[..., T_x - 1 :]) is None


def test_the_cost_sums_over_time_and_cross_entropys_default_mean_divides_by_the_steps_too():
    case = make_case("rnn")
    ours = sequence_internals(case.x, case.a0, case.Y, case.parameters, "rnn")["cost"]
    net, x, hx = _net_and_inputs(case)
    with torch.no_grad():
        logits, _ = net.run(x, hx)
    targets = labels_to_torch(case.Y)
    assert_parity(compare("cost", ours, sequence_cost(logits, targets).numpy()))
    mean = torch.nn.CrossEntropyLoss()(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    assert not compare("cost", ours, mean.numpy()).ok
    T_x = case.x.shape[2]
    assert_parity(compare("cost", ours, (T_x * mean).numpy()))


# --- Clipping -------------------------------------------------------------------------------


def one_large_entry() -> dict[str, np.ndarray]:
    """Gradients whose entries are all inside [-5, 5] but one, dWaa[1, 2] = 7."""
    rng = np.random.default_rng(0)
    shapes = {"dWax": (4, 3), "dWaa": (4, 4), "dWya": (3, 4), "db": (4, 1), "dby": (3, 1)}
    gradients = {key: rng.uniform(-1, 1, shape) for key, shape in shapes.items()}
    gradients["dWaa"][1, 2] = 7.0
    return gradients


def with_gradients(gradients: dict[str, np.ndarray]) -> list[torch.Tensor]:
    """A tensor for each gradient, holding it as its ``.grad``, for torch's clipping."""
    tensors = []
    for value in gradients.values():
        tensors.append(torch.zeros(value.shape, dtype=torch.float64, requires_grad=True))
        tensors[-1].grad = torch.from_numpy(value.copy())
    return tensors


def test_clip_is_torchs_clip_grad_value_entry_by_entry():
    gradients = one_large_entry()
    ours = lm.clip(gradients, 5)
    tensors = with_gradients(gradients)
    torch.nn.utils.clip_grad_value_(tensors, 5)
    for key, tensor in zip(gradients, tensors, strict=True):
        assert np.array_equal(ours[key], tensor.grad.numpy()), key
    assert ours["dWaa"][1, 2] == 5 and np.array_equal(ours["dWax"], gradients["dWax"])


def test_clipping_by_norm_parts_from_clip_where_one_entry_exceeds_the_bound():
    """``clip_grad_norm_(max_norm=5)`` rescales every entry when the norm passes 5; clipping by
    value moves only the entry past the bound, so they part at every other entry."""
    gradients = one_large_entry()
    ours = lm.clip(gradients, 5)
    tensors = with_gradients(gradients)
    torch.nn.utils.clip_grad_norm_(tensors, max_norm=5)
    by_norm = {key: tensor.grad.numpy() for key, tensor in zip(gradients, tensors, strict=True)}
    result = compare("dWax", ours["dWax"], by_norm["dWax"])
    assert not result.ok and result.problem == "values"
    assert by_norm["dWaa"][1, 2] < 5 and ours["dWaa"][1, 2] == 5


# --- Sampling -------------------------------------------------------------------------------


def sampling_parameters(seed: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_a, vocab = 12, 27
    shapes = {"Wax": (n_a, vocab), "Waa": (n_a, n_a), "Wya": (vocab, n_a), "b": (n_a, 1)}
    parameters = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    return parameters | {"by": rng.standard_normal((vocab, 1))}


def test_sample_draws_what_the_notebooks_seeded_choice_draws():
    """The notebook's loop, with a generator of its own where the notebook seeds the global one:
    step t draws ``choice(range(27), p=y)`` from a generator seeded ``seed + 2t``."""
    parameters = sampling_parameters()
    char_to_ix = {ch: i for i, ch in enumerate(["\n", *"abcdefghijklmnopqrstuvwxyz"])}
    for seed in range(5):
        x, a, indices, t = np.zeros((27, 1)), np.zeros((12, 1)), [], 0
        while not indices or (indices[-1] != 0 and t < 50):
            a = np.tanh(parameters["Wax"] @ x + parameters["Waa"] @ a + parameters["b"])
            z = parameters["Wya"] @ a + parameters["by"]
            y = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            indices.append(np.random.RandomState(seed + 2 * t).choice(range(27), p=y.ravel()))
            x = np.zeros((27, 1))
            x[indices[-1]] = 1
            t += 1
        if t == 50:
            indices.append(0)
        assert lm.sample(parameters, char_to_ix, seed) == indices, seed


def test_torch_samples_the_same_characters_from_the_same_uniforms():
    parameters = lm.as_step_by_step(sampling_parameters())
    net = RecurrentNet(parameters, "rnn")
    for seed in range(20):
        uniforms = sample_uniforms(seed)
        ours = sample_indices(parameters, 0, uniforms)
        assert torch_sample_indices(net, 0, uniforms) == ours, seed


def test_torchs_own_multinomial_draws_other_characters():
    """Sampling with torch's generator instead of the scratch side's uniforms: the same model,
    the same seed, other names."""
    parameters = lm.as_step_by_step(sampling_parameters())
    net = RecurrentNet(parameters, "rnn")
    generator = torch.Generator().manual_seed(0)
    x, h = torch.zeros(1, 1, 27, dtype=torch.float64), torch.zeros(1, 1, 12, dtype=torch.float64)
    drawn = [-1]
    with torch.no_grad():
        while drawn[-1] != 0 and len(drawn) <= 50:
            a, h = net.recurrent(x, h)
            p = net.output(a[0, 0]).softmax(-1)
            drawn.append(int(torch.multinomial(p, 1, generator=generator)))
            x = torch.zeros_like(x)
            x[0, 0, drawn[-1]] = 1
    assert drawn[1:] != sample_indices(parameters, 0, sample_uniforms(0))
