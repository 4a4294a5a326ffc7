"""``scratch.grading.optimization``: nn-check's calls for the optimizers start mid-run (``v`` and
``s`` not zero, Adam at t = 2), so a missing ``(1 - beta)`` or bias correction shows; the
learning-rate decay's calls show a missing floor; ``random_mini_batches`` is judged in the
course's order and as a partition of the examples. The course's own functions pass, and a
mistake is named by its values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import optimization as course
from scratch.course.catalogue import WEEKS

pytestmark = pytest.mark.usefixtures("one_torch_thread")

WEEK = "optimizers"


def adam_without_the_bias_correction(
    parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon
):
    new, v, s, v_hat, s_hat = course.update_parameters_with_adam(
        parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon
    )
    for key in parameters:
        step = v[f"d{key}"] / (np.sqrt(s[f"d{key}"]) + epsilon)
        new[key] = parameters[key] - learning_rate * step
    return new, v, s, v_hat, s_hat


def adam_without_the_power_t(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    """The corrections of step 1 at every step: (1 - beta ** 1)."""
    return course.update_parameters_with_adam(
        parameters, grads, v, s, 1, learning_rate, beta1, beta2, epsilon
    )


def batches(shuffle=True, y_own=False, seed_offset=0, floor=math.floor, last=True):
    """``random_mini_batches`` as the notebook writes it, with one thing changed."""

    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        np.random.seed(seed + seed_offset)
        m = X.shape[1]
        order = list(np.random.permutation(m)) if shuffle else list(range(m))
        y_order = list(np.random.permutation(m)) if y_own else order
        X, Y = X[:, order], Y[:, y_order]
        full = floor(m / mini_batch_size)
        out = [
            (
                X[:, k * mini_batch_size : (k + 1) * mini_batch_size],
                Y[:, k * mini_batch_size : (k + 1) * mini_batch_size],
            )
            for k in range(full)
        ]
        if last and m % mini_batch_size:
            out.append((X[:, full * mini_batch_size :], Y[:, full * mini_batch_size :]))
        return out

    return random_mini_batches


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(course, name))
    assert found.status == "ok", found.failure


def test_momentum_without_one_minus_beta_is_named():
    def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
        parameters, v = dict(parameters), dict(v)
        for key in parameters:
            v[f"d{key}"] = beta * v[f"d{key}"] + grads[f"d{key}"]
            parameters[key] = parameters[key] - learning_rate * v[f"d{key}"]
        return parameters, v

    found = verdict(WEEK, "update_parameters_with_momentum", update_parameters_with_momentum)
    assert found.failure.key == "v_dW1"
    assert found.failure.cause == "the (1 - beta) is missing: v = beta v + (1 - beta) dW"


@pytest.mark.parametrize(
    ("learner", "key", "cause"),
    [
        (adam_without_the_bias_correction, "W1", "no bias correction in the update"),
        (adam_without_the_power_t, "v_dW1", "the bias correction without the power t"),
    ],
)
def test_adams_bias_correction_missing_or_without_the_power_t_is_named_where_it_first_shows(
    learner, key, cause
):
    found = verdict(WEEK, "update_parameters_with_adam", learner)
    assert found.failure.key == key, found.failure
    assert found.failure.cause.startswith(cause), found.failure


def test_adams_older_three_value_form_is_read_too():
    def three(*args):
        return course.update_parameters_with_adam(*args)[:3]

    found = verdict(WEEK, "update_parameters_with_adam", three)
    assert found.status == "ok", found.failure


def test_a_schedule_without_its_floor_is_named():
    found = verdict(
        WEEK,
        "schedule_lr_decay",
        lambda rate, epoch, decay, interval=1000: rate / (1 + decay * epoch / interval),
    )
    assert found.failure.cause.startswith("the floor is missing")


@pytest.mark.parametrize(
    ("learner", "cause"),
    [
        (batches(shuffle=False), "not shuffled"),
        (batches(y_own=True), "Y shuffled by a permutation of its own"),
        (batches(seed_offset=1), "not the course's order: np.random.seed(seed)"),
        (batches(last=False), "the last, short mini-batch is missing"),
        (batches(floor=math.ceil), "an empty mini-batch at the end: the loop over the full"),
    ],
)
def test_each_mini_batch_mistake_is_named(learner, cause):
    found = verdict(WEEK, "random_mini_batches", learner)
    assert found.status == "wrong" and found.failure.case == "course", found.failure
    assert cause in found.failure.cause, found.failure


def test_mini_batches_that_repeat_an_example_are_not_a_partition():
    def repeats(X, Y, mini_batch_size=64, seed=0):
        out = course.random_mini_batches(X, Y, mini_batch_size, seed)
        first_X = out[0][0]
        out[-1] = (np.concatenate([first_X[:, :1], out[-1][0][:, 1:]], axis=1), out[-1][1])
        return out

    found = verdict(WEEK, "random_mini_batches", repeats)
    assert found.failure.message.startswith("the mini-batches are not a partition of the examples")
