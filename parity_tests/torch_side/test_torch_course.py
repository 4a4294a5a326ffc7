"""``torch_impl.course``, nn-check's truth: torch's own computation of what the course's
functions must return, by autograd, ``torch.nn.init``, ``torch.optim`` and its schedulers, in
float64 and the course's layout. Each mapping of the course's convention to torch's is the one that
agrees with the course's formula (written out in scratch), and the naive one does not:
momentum's dampening, Adam's step count, kaiming_normal_'s fan-in and gain (not nn.Linear's own
initialisation), the gradient at a dropout layer's activation (not at its output), a
DataLoader in the order the course's seed draws (not torch.randperm's)."""

from __future__ import annotations

import copy
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

import scratch
from scratch.course import (
    convolution,
    deep,
    initialization,
    language_model,
    optimization,
    recurrent,
    regularization,
)
from scratch.parity import assert_parity, compare, compare_all
from scratch.recurrent import sample_uniforms
from torch_impl import course

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def step(rng):
    params = {
        "W1": rng.standard_normal((3, 2)),
        "b1": rng.standard_normal((3, 1)),
        "W2": rng.standard_normal((1, 3)),
        "b2": rng.standard_normal((1, 1)),
    }
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    v = {k: rng.normal(0, 0.1, g.shape) for k, g in grads.items()}
    s = {k: g**2 + rng.random(g.shape) * 0.01 for k, g in grads.items()}
    return params, grads, v, s


def test_warming_up_makes_the_optimizers_machinery_ready():
    """In a process of its own: in this one, any optimizer made before has done it already."""
    code = (
        "import sys\n"
        "from torch_impl import course\n"
        "course.warm_up()\n"
        "assert 'torch._dynamo' not in sys.modules, 'a pass alone imports it'\n"
        "course.warm_up_optimizers()\n"
        "assert 'torch._dynamo' in sys.modules, 'the optimizer did not import it'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_networks_internals_are_the_course_functions_own_quantities(rng):
    spec = deep.spec_for([4, 3, 1])
    params = deep.initialize_parameters_deep([4, 3, 1])
    X = rng.standard_normal((4, 5))
    Y = (rng.random((1, 5)) < 0.5).astype(float)
    truth = course.internals(X, Y, params, spec)
    AL, caches = deep.L_model_forward(X, params)
    np.testing.assert_allclose(truth["A2"], AL, rtol=1e-14)
    np.testing.assert_allclose(truth["cost"], deep.compute_cost(AL, Y), rtol=1e-13)
    grads = deep.L_model_backward(AL, Y, caches)
    for key in ("dW2", "db2", "dA1", "dW1", "db1"):
        np.testing.assert_allclose(truth[key], grads[key], rtol=1e-12, atol=1e-15)


def test_the_sigmoid_is_the_courses_one_over_one_plus_exp_minus_z():
    z = np.array([-3.0, 0.0, 2.0])
    np.testing.assert_allclose(course.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_array_equal(course.sigmoid(np.array([0.0])), [0.5])


def test_the_output_layers_dA_is_the_courses_formula():
    AL, Y = np.array([[0.8, 0.3, 0.6]]), np.array([[1.0, 0.0, 1.0]])
    assert_parity(compare("dA1", course.output_dA(AL, Y), -(Y / AL - (1 - Y) / (1 - AL))))


def test_sgd_and_momentum_are_the_courses_steps_with_dampening_beta(step):
    params, grads, v, _ = step
    assert_parity(
        compare_all(
            course.gradient_descent(params, grads, 0.1),
            scratch.update_parameters(params, grads, 0.1),
            kind="trained",
        )
    )
    new, v_new = course.momentum(params, grads, v, 0.9, 0.1)
    ours, v_ours = scratch.update_parameters_with_momentum(params, grads, v, 0.9, 0.1)
    assert_parity(compare_all(new, ours, kind="trained"))
    assert_parity(compare_all(v_new, v_ours, kind="optimizer state"))
    W = torch.tensor(params["W1"], requires_grad=True)
    W.grad = torch.tensor(grads["dW1"])
    naive = torch.optim.SGD([W], lr=0.1, momentum=0.9)  # no dampening: v = beta v + dW
    naive.state[W]["momentum_buffer"] = torch.tensor(v["dW1"])
    naive.step()
    assert not np.allclose(W.detach().numpy(), ours["W1"])


def test_adam_is_the_courses_step_t_with_torchs_step_count_at_t_minus_1(step):
    params, grads, v, s = step
    new, v_new, s_new = course.adam(params, grads, v, s, 2, 0.01, 0.9, 0.999, 1e-8)
    ours, v_ours, s_ours, *_ = scratch.update_parameters_with_adam(
        params, grads, v, s, 2, 0.01, 0.9, 0.999, 1e-8
    )
    assert_parity(compare_all(new, ours, kind="trained (adaptive step)"))
    assert_parity(compare_all(v_new, v_ours, kind="optimizer state"))
    assert_parity(compare_all(s_new, s_ours, kind="optimizer state"))
    off_by_one, *_ = course.adam(params, grads, v, s, 3, 0.01, 0.9, 0.999, 1e-8)
    assert not np.allclose(off_by_one["W1"], ours["W1"])


def test_a_run_gives_every_steps_cost_and_the_last_steps_gradients_before_its_update(planar):
    spec, X, Y, params = planar
    final, last, costs = course.descent_run(X, Y, params, spec, 5, 1.2)
    run = scratch.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=5)
    np.testing.assert_allclose(costs, run.costs, rtol=1e-13)
    four = scratch.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=4)
    before = scratch.layer_internals(X, Y, four.params, spec)
    for key in ("dW1", "db1", "dW2", "db2"):
        np.testing.assert_allclose(last[key], before[key], rtol=1e-11, atol=1e-14)
    for key in params:
        np.testing.assert_allclose(final[key], run.params[key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("learning_rate0", "epoch_num", "decay_rate", "time_interval"),
    [
        (0.5, 2, 1.0, 1),
        (0.5, 10, 0.3, 1),
        (0.3, 1500, 0.25, 1000),
        (0.5, 100, 0.3, 100),
        (0.1, 0, 2.0, 10),
    ],
)
def test_the_decayed_rate_is_lambdalrs_of_the_courses_schedule(
    learning_rate0, epoch_num, decay_rate, time_interval
):
    """nn-check's truth for ``update_lr`` and ``schedule_lr_decay``: the rate torch's own
    scheduler (``torch_impl.optimizers.build_scheduler``, stepped once an epoch) holds after
    ``epoch_num`` epochs, which is the course's ``learning_rate0 / (1 + decay_rate
    floor(epoch_num / time_interval))``."""
    rate = course.decayed_rate(learning_rate0, epoch_num, decay_rate, time_interval)
    expected = learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))
    assert rate == pytest.approx(expected, rel=1e-15)


def test_hes_scale_is_kaiming_normals_and_not_nn_linears_own():
    """``kaiming_normal_`` with its defaults (fan-in, ReLU's gain sqrt(2)) draws with standard
    deviation sqrt(2 / n[l-1]), the scale ``initial_weights`` gives the course's draws;
    ``nn.Linear``'s own initialisation, uniform with a = sqrt(5), has sqrt(1 / (3 n[l-1]))."""
    n_prev, n = 400, 300
    weights = course.initial_weights([n_prev, n], "he", {"W1": np.ones((n, n_prev))})
    scale = float(weights["W1"][0, 0])
    assert scale == pytest.approx(math.sqrt(2 / n_prev), rel=1e-15)
    generator = torch.Generator().manual_seed(0)
    drawn = torch.nn.init.kaiming_normal_(
        torch.empty(n, n_prev, dtype=torch.float64), generator=generator
    )
    assert float(drawn.std()) == pytest.approx(scale, rel=0.01)  # 120,000 draws: 0.2% spread
    with torch.random.fork_rng():
        torch.manual_seed(0)
        linear = torch.nn.Linear(n_prev, n).weight.detach()
    assert float(linear.std()) == pytest.approx(math.sqrt(1 / (3 * n_prev)), rel=0.01)
    assert float(linear.std()) != pytest.approx(scale, rel=0.1)


def test_the_zeros_and_random_schemes_and_their_biases():
    dims = (3, 2, 1)
    draws = initialization.course_draws(dims)
    zeros = course.initial_weights(dims, "zeros", draws)
    assert not any(value.any() for value in zeros.values())
    random = course.initial_weights(dims, "random", draws)
    np.testing.assert_array_equal(random["W1"], draws["W1"] * 10)
    assert random["b1"].shape == (2, 1) and not random["b1"].any()


def test_a_dropout_layers_dA_is_at_its_activation_not_at_its_output(rng):
    sizes = [3, 4, 2, 1]
    X, Y = rng.standard_normal((3, 5)), np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
    params = {}
    for l in (1, 2, 3):
        params[f"W{l}"] = rng.standard_normal((sizes[l], sizes[l - 1]))
        params[f"b{l}"] = rng.standard_normal((sizes[l], 1))
    layers = [scratch.Layer(n, "relu", keep_prob=0.8) for n in sizes[1:-1]]
    spec = scratch.NetworkSpec(3, (*layers, scratch.Layer(1, "sigmoid")), dtype="float64")
    masks = regularization.course_masks(params, 5, 0.8)
    ours = course.dropout_internals(X, Y, params, spec, masks)
    float_masks = {key: value * 1.0 for key, value in masks.items()}
    at_output = scratch.layer_internals(X, Y, params, spec, masks=float_masks)
    for l in (1, 2):
        through = at_output[f"dA{l}"] * masks[f"D{l}"] / 0.8
        assert_parity(compare(f"dA{l}", ours[f"dA{l}"], through))
        assert not np.allclose(ours[f"dA{l}"], at_output[f"dA{l}"])


def test_rolled_is_row_by_row_and_unrolled_its_inverse():
    arrays = [np.arange(6.0).reshape(2, 3), np.array([[7.0], [8.0]])]
    theta = course.rolled(arrays)
    np.testing.assert_array_equal(theta.ravel(), [0, 1, 2, 3, 4, 5, 7, 8])
    assert theta.shape == (8, 1)
    for back, array in zip(course.unrolled(theta, [(2, 3), (2, 1)]), arrays, strict=True):
        np.testing.assert_array_equal(back, array)


def test_J_and_the_gradient_difference():
    assert course.linear_function(3, 4) == (12.0, 3.0)
    case_params = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
    X, Y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[1.0, 0.0]])
    spec = scratch.build_spec([2, 1], dtype="float64")
    exact = course.internals(X, Y, case_params, spec)
    grads = {"dW1": exact["dW1"], "db1": exact["db1"]}
    assert course.gradient_difference(grads, X, Y, case_params, spec) == 0.0
    doubled = {key: 2 * value for key, value in grads.items()}
    assert course.gradient_difference(doubled, X, Y, case_params, spec) == pytest.approx(1 / 3)


def test_the_mini_batches_are_the_dataloaders_in_the_courses_order_not_randperms(rng):
    X, Y = rng.standard_normal((2, 10)), (rng.random((1, 10)) < 0.5) * 1.0
    order = optimization.course_order(10, 0)
    batches = course.mini_batches(X, Y, order, 4)
    assert [batch.shape[1] for batch, _ in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b for b, _ in batches], axis=1), X[:, order])
    randperm = torch.randperm(10, generator=torch.Generator().manual_seed(0)).numpy()
    assert not np.array_equal(randperm, order)


def test_the_convolution_is_nn_conv2ds_through_the_transposes_and_a_reshape_parts(rng):
    A_prev, W, b = (rng.standard_normal(s) for s in ((2, 5, 7, 3), (3, 3, 3, 4), (1, 1, 1, 4)))
    hparameters = {"stride": 2, "pad": 1}
    Z, cache = convolution.conv_forward(A_prev, W, b, hparameters)
    dZ = rng.standard_normal(Z.shape)
    o = course.convolution(A_prev, W, b, hparameters, dZ)
    dA_prev, dW, db = convolution.conv_backward(dZ, cache)
    assert_parity(
        compare_all(
            {"Z1": o["Z"], "dA0": o["dA_prev"], "dW1": o["dW"], "db1": o["db"]},
            {"Z1": Z, "dA0": dA_prev, "dW1": dW, "db1": db},
        )
    )
    filters = torch.from_numpy(W.reshape(4, 3, 3, 3))  # a reshape, not the transpose (3, 2, 0, 1)
    x = torch.from_numpy(A_prev.transpose(0, 3, 1, 2).copy())
    naive = torch.nn.functional.conv2d(x, filters, torch.from_numpy(b.ravel()), 2, 1)
    assert not np.allclose(naive.numpy().transpose(0, 2, 3, 1), Z)


def test_zero_pad_is_zeropad2d(rng):
    X = rng.standard_normal((2, 3, 4, 2))
    np.testing.assert_array_equal(course.padded(X, 2), convolution.zero_pad(X, 2))


@pytest.mark.parametrize("mode", ["max", "average"])
def test_the_pools_are_torchs_where_no_window_ties(rng, mode):
    A_prev = rng.standard_normal((2, 6, 4, 3))
    hparameters = {"f": 2, "stride": 2}
    A, cache = convolution.pool_forward(A_prev, hparameters, mode)
    dA = rng.standard_normal(A.shape)
    o = course.pooling(A_prev, hparameters, mode, dA)
    ours = convolution.pool_backward(dA, cache, mode)
    assert_parity(compare_all({"A1": o["A"], "dA0": o["dA_prev"]}, {"A1": A, "dA0": ours}))


def test_at_a_tie_torchs_max_pool_passes_the_gradient_to_one_entry_and_the_courses_mask_to_each():
    A_prev = np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 2, 2, 1)
    cache = (A_prev, {"f": 2, "stride": 2})
    dA = np.ones((1, 1, 1, 1))
    torchs = course.pooling(A_prev, cache[1], "max", dA)["dA_prev"]
    assert torchs.sum() == 1.0
    assert convolution.pool_backward(dA, cache, "max").sum() == 2.0


def test_a_windows_gradients_are_the_courses_mask_and_spread_value():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -2.0]])
    np.testing.assert_array_equal(
        course.window_gradient(x, "max"), convolution.create_mask_from_window(x)
    )
    np.testing.assert_allclose(
        course.window_gradient(np.zeros((2, 3)), "average", 3.0),
        convolution.distribute_value(3.0, (2, 3)),
        rtol=1e-15,
    )
    tied = np.array([[2.0, 2.0], [0.0, 1.0]])  # torch.amax splits a tie: 1/2 each
    np.testing.assert_array_equal(course.window_gradient(tied, "max"), [[0.5, 0.5], [0.0, 0.0]])


def recurrent_parameters(rng, cell, n_x=3, n_a=4, n_y=2):
    shapes = recurrent.PARAMETERS[cell]
    sizes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "Wy": (n_y, n_a)}
    sizes |= {"ba": (n_a, 1), "by": (n_y, 1)}
    sizes |= {f"W{g}": (n_a, n_a + n_x) for g in recurrent.GATES}
    sizes |= {f"b{g}": (n_a, 1) for g in recurrent.GATES}
    return {key: rng.standard_normal(sizes[key]) for key in shapes}


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_recurrent_pass_is_the_course_functions_forward_and_through_time(rng, cell):
    parameters = recurrent_parameters(rng, cell)
    x, a0 = rng.standard_normal((3, 5, 6)), rng.standard_normal((4, 5))
    forward = recurrent.rnn_forward if cell == "rnn" else recurrent.lstm_forward
    a, y, *c, caches = forward(x, a0, parameters)
    da = rng.standard_normal(a.shape)
    backward = recurrent.rnn_backward if cell == "rnn" else recurrent.lstm_backward
    grads = backward(da, caches)
    o = course.recurrent_pass(x, a0, parameters, cell, da=da)
    ours = {"a": a, "y_pred": y, **({"c": c[0]} if c else {}), **grads}
    assert_parity(compare_all({key: o[key] for key in ours}, ours))


def test_the_lstm_cells_backward_takes_c_prev_and_dc_next(rng):
    parameters = recurrent_parameters(rng, "lstm")
    xt, a_prev, c_prev = (rng.standard_normal(s) for s in ((3, 5), (4, 5), (4, 5)))
    da_next, dc_next = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    _, c_next, _, cache = recurrent.lstm_cell_forward(xt, a_prev, c_prev, parameters)
    grads = recurrent.lstm_cell_backward(da_next, dc_next, cache)
    o = course.recurrent_pass(
        xt[:, :, None], a_prev, parameters, "lstm", c0=c_prev, da=da_next[:, :, None], dc=dc_next
    )
    ours = {"c": c_next, "dx": grads["dxt"], "da0": grads["da_prev"], "dc0": grads["dc_prev"]}
    theirs = {"c": o["c"][:, :, 0], "dx": o["dx"][:, :, 0], "da0": o["da0"], "dc0": o["dc0"]}
    assert_parity(compare_all(theirs, ours))
    assert_parity(
        compare_all(
            {k: o[k] for k in grads if k[:2] in ("dW", "db")},
            {k: grads[k] for k in grads if k[:2] in ("dW", "db")},
        )
    )


def test_the_lstm_gates_give_nn_lstms_own_states_and_the_courses_stacking_order_parts(rng):
    """``c<t> = ft c<t-1> + it cct``, ``a<t> = ot tanh(c<t>)`` from the gates read off
    nn.LSTM's weights hold against nn.LSTM's own states; its rows stacked in the course's
    order f, i, c, o (where torch's is i, f, g, o) part at the first step."""
    parameters = recurrent_parameters(rng, "lstm")
    x, a0 = rng.standard_normal((3, 2, 4)), rng.standard_normal((4, 2))
    o = course.recurrent_pass(x, a0, parameters, "lstm")
    c_prev = np.zeros_like(a0)
    for t in range(4):
        c = o["ft"][:, :, t] * c_prev + o["it"][:, :, t] * o["cct"][:, :, t]
        np.testing.assert_allclose(c, o["c"][:, :, t], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(
            o["ot"][:, :, t] * np.tanh(c), o["a"][:, :, t], rtol=1e-12, atol=1e-15
        )
        c_prev = c
    lstm = torch.nn.LSTM(3, 4, dtype=torch.float64)
    stacked = np.concatenate([parameters[f"W{g}"] for g in recurrent.GATES])  # f, i, c, o
    biases = np.concatenate([parameters[f"b{g}"] for g in recurrent.GATES])[:, 0]
    with torch.no_grad():
        lstm.weight_hh_l0.copy_(torch.from_numpy(stacked[:, :4]))
        lstm.weight_ih_l0.copy_(torch.from_numpy(stacked[:, 4:]))
        lstm.bias_ih_l0.copy_(torch.from_numpy(biases))
        lstm.bias_hh_l0.zero_()
        h0 = torch.from_numpy(a0.T[None].copy())
        a, _ = lstm(torch.from_numpy(x.transpose(2, 1, 0).copy()), (h0, torch.zeros_like(h0)))
    assert not np.allclose(a.numpy()[0].T, o["a"][:, :, 0])


def test_clipped_is_clip_grad_value_entry_by_entry_and_not_clip_grad_norm(rng):
    gradients = {"dWax": rng.standard_normal((4, 3)) * 10, "db": rng.standard_normal((4, 1))}
    clipped = course.clipped(gradients, 5.0)
    for key, gradient in gradients.items():
        np.testing.assert_array_equal(clipped[key], np.clip(gradient, -5.0, 5.0))
    tensors = [torch.zeros(g.shape, dtype=torch.float64) for g in gradients.values()]
    for tensor, gradient in zip(tensors, gradients.values(), strict=True):
        tensor.grad = torch.from_numpy(gradient.copy())
    torch.nn.utils.clip_grad_norm_(tensors, 5.0)
    assert not np.allclose(tensors[0].grad.numpy(), clipped["dWax"])


def test_sampled_is_the_courses_sample_from_the_same_uniforms(rng):
    parameters = {
        "Wax": rng.standard_normal((6, 27)),
        "Waa": rng.standard_normal((6, 6)) * 0.5,
        "Wya": rng.standard_normal((27, 6)),
        "b": rng.standard_normal((6, 1)),
        "by": rng.standard_normal((27, 1)),
    }
    char_to_ix = {c: i for i, c in enumerate("\nabcdefghijklmnopqrstuvwxyz")}
    for seed in (0, 3, 11):
        ours = language_model.sample(parameters, char_to_ix, seed)
        theirs = course.sampled(
            language_model.as_step_by_step(parameters), 0, sample_uniforms(seed)
        )
        assert theirs == ours


def test_a_language_model_step_is_the_courses_optimize_its_clip_before_sgds_step(rng):
    parameters = {
        "Wax": rng.standard_normal((8, 27)) * 3,
        "Waa": rng.standard_normal((8, 8)) * 3,
        "Wya": rng.standard_normal((27, 8)) * 3,
        "b": rng.standard_normal((8, 1)),
        "by": rng.standard_normal((27, 1)),
    }
    X, Y = [None, 4, 9, 14, 15], [4, 9, 14, 15, 0]
    a_prev = rng.standard_normal((8, 1))
    x = np.zeros((27, 1, 5))
    for t, index in enumerate(X[1:], 1):
        x[index, 0, t] = 1.0
    o = course.language_model_step(
        x, np.array(Y)[None, None], a_prev, language_model.as_step_by_step(parameters), 0.01, 5
    )
    before = copy.deepcopy(parameters)
    loss, gradients, a_last = language_model.optimize(X, Y, a_prev, parameters, 0.01)
    assert max(np.abs(g).max() for g in gradients.values()) == 5.0  # the clip is at work
    ours = {
        "cost": loss,
        "a": a_last,
        **{("dba" if k == "db" else k): g for k, g in gradients.items()},
    }
    ours |= language_model.as_step_by_step(parameters)
    assert_parity(compare_all({key: o[key] for key in ours}, ours))
    raw_step = (
        before["Wax"]
        - 0.01
        * language_model.rnn_backward(
            X, Y, before, language_model.rnn_forward(X, Y, a_prev, before)[1]
        )[0]["dWax"]
    )
    assert not np.allclose(raw_step, o["Wax"])  # the update with the gradients before the clip
