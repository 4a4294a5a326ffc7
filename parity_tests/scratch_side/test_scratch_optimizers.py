"""``scratch.optimizers``: the course's gradient descent, momentum, RMSprop, Adam and learning-rate
decay, each against its formula written out, and their state checked where it enters."""

from __future__ import annotations

import re
import tracemalloc

import numpy as np
import pytest
from parity_cases import generic_params

import scratch
from scratch import build_spec, update_parameters


def test_update_parameters_is_one_gradient_step_and_mutates_nothing(rng):
    spec = build_spec([2, 3, 1], "tanh")
    params = generic_params(spec, rng)
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    new = update_parameters(params, grads, 0.1)
    into = update_parameters(
        params, grads, 0.1, out={k: np.empty_like(v) for k, v in params.items()}
    )
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        np.testing.assert_array_equal(new[key], before[key] - 0.1 * grads[f"d{key}"])
        np.testing.assert_array_equal(into[key], new[key])


@pytest.fixture
def problem(rng):
    params = generic_params(build_spec([3, 4, 2], "tanh", loss="mse"), rng)
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    return params, grads


def test_momentum_is_the_courses_exponentially_weighted_average(problem):
    params, grads = problem
    v = {k: np.full_like(g, 0.5) for k, g in grads.items()}
    new, v_new = scratch.update_parameters_with_momentum(params, grads, v, 0.9, 0.1)
    for key, W in params.items():
        expected_v = 0.9 * 0.5 + 0.1 * grads[f"d{key}"]
        np.testing.assert_allclose(v_new[f"d{key}"], expected_v, rtol=1e-15)
        np.testing.assert_allclose(new[key], W - 0.1 * expected_v, rtol=1e-15)
        assert (v[f"d{key}"] == 0.5).all()  # the inputs are not modified


def test_rmsprop_divides_by_the_root_of_the_average_square_plus_epsilon(problem):
    params, grads = problem
    s = {k: np.full_like(g, 0.2) for k, g in grads.items()}
    new, s_new = scratch.update_parameters_with_rmsprop(params, grads, s, 0.99, 0.01, 1e-3)
    for key, W in params.items():
        g = grads[f"d{key}"]
        expected_s = 0.99 * 0.2 + 0.01 * g**2
        np.testing.assert_allclose(s_new[f"d{key}"], expected_s, rtol=1e-15)
        np.testing.assert_allclose(new[key], W - 0.01 * g / (np.sqrt(expected_s) + 1e-3))


def test_adam_corrects_both_moments_for_their_bias_at_step_t(problem):
    params, grads = problem
    v, s = scratch.initialize_adam(params)
    new = params
    for t in (1, 2, 3):
        new, v, s, v_hat, s_hat = scratch.update_parameters_with_adam(new, grads, v, s, t, 0.01)
    for key in params:  # the same gradient three times: the corrected moments are g and g^2
        g = grads[f"d{key}"]
        np.testing.assert_allclose(v_hat[f"d{key}"], g, rtol=1e-13)
        np.testing.assert_allclose(s_hat[f"d{key}"], g**2, rtol=1e-13)
        np.testing.assert_allclose(v[f"d{key}"], (1 - 0.9**3) * g, rtol=1e-13)


def test_the_courses_learning_rate_decay():
    assert scratch.update_lr(0.5, 2, 1.0) == 0.5 / 3
    assert scratch.schedule_lr_decay(0.5, 999, 1.0, 1000) == 0.5
    assert scratch.schedule_lr_decay(0.5, 2500, 1.0, 1000) == 0.5 / 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p, g, v, s: scratch.update_parameters_with_adam(p, g, v, s, 0), "t must be"),
        (lambda p, g, v, s: scratch.update_parameters_with_adam(p, g, v, s, 1.5), "t must be"),
        (
            lambda p, g, v, s: scratch.update_parameters_with_momentum(
                p, g, {"dW1": v["dW1"]}, 0.9, 0.1
            ),
            "v must hold dW1, db1, dW2, db2",
        ),
        (
            lambda p, g, v, s: scratch.update_parameters_with_rmsprop(
                p, g, {**s, "dW1": s["dW1"].T}, 0.9, 0.1
            ),
            "s['dW1'] has shape (3, 4)",
        ),
        (lambda p, g, v, s: scratch.Optimizer("adagrad", p), "optimizer 'adagrad' is unknown"),
        (
            lambda p, g, v, s: scratch.Optimizer.from_state(
                "momentum", p, scratch.Optimizer("adam", p).state()
            ),
            "trained with another optimizer",
        ),
    ],
)
def test_bad_state_and_steps_are_named(problem, call, message):
    params, grads = problem
    v, s = scratch.initialize_adam(params)
    with pytest.raises(ValueError, match=re.escape(message)):
        call(params, grads, v, s)


@pytest.mark.parametrize("name", scratch.OPTIMIZERS)
def test_the_training_loops_step_writes_in_place_and_allocates_nothing_large(rng, name):
    params = {"W1": rng.standard_normal((500, 500)), "b1": rng.standard_normal((500, 1))}
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    spare = {k: np.empty_like(v) for k, v in params.items()}
    optimizer = scratch.Optimizer(name, params)
    optimizer.step(params, grads, 0.01, out=spare)  # the first step may allocate nothing either
    tracemalloc.start()
    for _ in range(3):
        out = optimizer.step(params, grads, 0.01, out=spare)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert all(out[k] is spare[k] for k in params)
    assert peak < 100_000, f"{name}: a step allocated {peak} bytes (a parameter is 2 MB)"


def test_gamma_and_beta_are_learned_and_the_running_statistics_pass_through(rng):
    spec = build_spec([3, 4, 1], "relu").with_hidden_layers(batch_norm=True)
    params = generic_params(spec, rng)
    grads = {f"d{k}": rng.standard_normal(shape) for k, shape in spec.param_shapes().items()}
    new = update_parameters(params, grads, 0.1)
    assert list(new) == list(params)
    np.testing.assert_array_equal(new["gamma1"], params["gamma1"] - 0.1 * grads["dgamma1"])
    for key in ("running_mean1", "running_var1"):
        assert np.array_equal(new[key], params[key]) and new[key] is not params[key]
    adam = scratch.Optimizer("adam", params)
    stepped = adam.step(params, grads, 0.1)
    assert np.array_equal(stepped["running_var1"], params["running_var1"])
    assert sorted(adam.state()) == sorted(
        [f"{part}_d{key}" for part in "vs" for key in spec.param_shapes()] + ["t"]
    )


def _adam_state(params, grads):
    adam = scratch.Optimizer("adam", params)
    adam.step(params, grads, 0.01)
    return adam.state()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s["v_dW1"].fill(np.inf),
            "the optimizer state's v_dW1[0, 0] is inf: its entries",
        ),
        (
            lambda s: s["s_dW2"].fill(np.nan),
            "the optimizer state's s_dW2[0, 0] is nan: its entries",
        ),
        (lambda s: s["s_db1"].fill(-1e-12), "s_db1[0, 0] is -1e-12: a second moment is a mean of"),
        (
            lambda s: s.update(t=np.array(-3)),
            "t (the steps taken) must be a whole number >= 0, got -3",
        ),
        (lambda s: s.update(t=np.array(2.0)), "must be a whole number >= 0, got 2.0"),
        (lambda s: s.update(t=np.array([1, 2])), "got an array of shape (2,)"),
        (lambda s: s.pop("t"), "holds s, v, which is not the state of 'adam' (s, t, v)"),
        (lambda s: s.pop("s_db2"), "the optimizer state lacks s_db2; its s holds one entry per"),
        (lambda s: s.update(v_dW9=s["v_dW1"]), "the optimizer state holds v_dW9; its v holds"),
        (lambda s: s.update(v_dW1=s["v_dW1"].T), "v_dW1 has shape (3, 4); its parameter W1 is"),
        (lambda s: s.update(v_dW1=s["v_dW1"].astype(str)), "v_dW1 is <U32, not numbers"),
    ],
    ids=[
        "inf v",
        "NaN s",
        "negative s",
        "negative t",
        "float t",
        "t not a number",
        "no t",
        "an s missing",
        "a v too many",
        "v shaped unlike its parameter",
        "text",
    ],
)
def test_a_resumed_state_is_checked_entry_by_entry_where_it_enters(problem, change, message):
    params, grads = problem
    state = _adam_state(params, grads)
    change(state)
    for check in (scratch.optimizers.check_state, scratch.Optimizer.from_state):
        with pytest.raises(ValueError) as caught:
            check("adam", params, state)
        assert message in str(caught.value) and "\n" not in str(caught.value), str(caught.value)


def test_a_state_that_is_a_state_resumes_exactly(problem):
    params, grads = problem
    state = _adam_state(params, grads)
    resumed = scratch.Optimizer.from_state("adam", params, state)
    assert resumed.t == 1 and all(np.array_equal(resumed.state()[k], v) for k, v in state.items())
