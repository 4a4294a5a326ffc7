"""``torch_impl.course``: what the course's functions must return, by autograd and
``torch.optim`` alone (nn-check's truth), in float64 and the course's layout: each quantity is
the course's formula, which the torch side never writes."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch.course import deep
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


def test_the_sigmoid_is_the_courses_one_over_one_plus_exp_minus_z():
    z = np.array([-3.0, 0.0, 2.0])
    np.testing.assert_allclose(course.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_array_equal(course.sigmoid(np.array([0.0])), [0.5])


def test_the_output_layers_dA_is_the_courses_minus_y_over_a_plus_one_minus_y_over_one_minus_a(rng):
    AL = rng.uniform(0.05, 0.95, (1, 7))
    Y = (rng.random((1, 7)) < 0.5).astype(float)
    np.testing.assert_allclose(course.output_dA(AL, Y), -(Y / AL - (1 - Y) / (1 - AL)), rtol=1e-14)


def test_one_step_of_gradient_descent_is_w_minus_the_rate_times_dw(step):
    params, grads, _, _ = step
    new = course.gradient_descent(params, grads, 0.1)
    for key, W in params.items():
        np.testing.assert_allclose(new[key], W - 0.1 * grads[f"d{key}"], rtol=1e-15)


def test_torchs_momentum_seeded_with_v_is_the_courses_step(step):
    params, grads, v, _ = step
    new, v_new = course.momentum(params, grads, v, 0.9, 0.01)
    for key, W in params.items():
        expected_v = 0.9 * v[f"d{key}"] + 0.1 * grads[f"d{key}"]
        np.testing.assert_allclose(v_new[f"d{key}"], expected_v, rtol=1e-14)
        np.testing.assert_allclose(new[key], W - 0.01 * expected_v, rtol=1e-14)


def test_torchs_adam_seeded_at_step_t_minus_1_is_the_courses_step_t(step):
    params, grads, v, s = step
    t, rate, b1, b2, eps = 2, 0.01, 0.9, 0.999, 1e-8
    new, v_new, s_new = course.adam(params, grads, v, s, t, rate, b1, b2, eps)
    for key, W in params.items():
        g = grads[f"d{key}"]
        m1 = b1 * v[f"d{key}"] + (1 - b1) * g
        m2 = b2 * s[f"d{key}"] + (1 - b2) * g**2
        step_ = rate * (m1 / (1 - b1**t)) / (np.sqrt(m2 / (1 - b2**t)) + eps)
        np.testing.assert_allclose(v_new[f"d{key}"], m1, rtol=1e-14)
        np.testing.assert_allclose(s_new[f"d{key}"], m2, rtol=1e-14)
        np.testing.assert_allclose(new[key], W - step_, rtol=1e-13)


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


@pytest.mark.parametrize(
    ("learning_rate0", "epoch_num", "decay_rate", "time_interval"),
    [(0.5, 2, 1.0, 1), (0.3, 1500, 0.25, 1000), (0.5, 100, 0.3, 100), (0.1, 0, 2.0, 10)],
)
def test_the_decayed_rate_is_torchs_scheduler_after_epoch_num_epochs_the_courses_formula(
    learning_rate0, epoch_num, decay_rate, time_interval
):
    """nn-check's truth for ``update_lr`` and ``schedule_lr_decay``: the rate torch's own
    scheduler (``torch_impl.optimizers.build_scheduler``, stepped once an epoch) holds after
    ``epoch_num`` epochs, which is the course's ``learning_rate0 / (1 + decay_rate
    floor(epoch_num / time_interval))``."""
    rate = course.decayed_rate(learning_rate0, epoch_num, decay_rate, time_interval)
    expected = learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))
    assert rate == pytest.approx(expected, rel=1e-15)
