"""``scratch.grading.optimization``: nn-check's calls for the optimizers start mid-run (``v`` and
``s`` not zero, Adam at t = 2), so a missing ``(1 - beta)`` or bias correction shows; the course's
own functions pass, and a mistake is named by its values."""

from __future__ import annotations

import numpy as np
import pytest
from learner_in_process import judge

from scratch.course import optimization as course
from scratch.course.catalogue import WEEKS
from torch_impl import course as autograd

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("name", WEEKS["optimizers"].checked)
def test_the_courses_own_function_passes_every_case(name):
    verdict = judge("optimizers", name, getattr(course, name), autograd)
    assert verdict.status == "ok", verdict.failure


def test_momentum_without_one_minus_beta_is_named():
    def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
        parameters, v = dict(parameters), dict(v)
        for key in parameters:
            v[f"d{key}"] = beta * v[f"d{key}"] + grads[f"d{key}"]
            parameters[key] = parameters[key] - learning_rate * v[f"d{key}"]
        return parameters, v

    verdict = judge(
        "optimizers", "update_parameters_with_momentum", update_parameters_with_momentum, autograd
    )
    assert verdict.failure.key == "v_dW1"
    assert verdict.failure.cause == "the (1 - beta) is missing: v = beta v + (1 - beta) dW"


def test_adam_without_its_bias_correction_is_named_at_the_first_weight():
    def update_parameters_with_adam(
        parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon
    ):
        new, v, s, v_hat, s_hat = course.update_parameters_with_adam(
            parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon
        )
        for key in parameters:
            step = v[f"d{key}"] / (np.sqrt(s[f"d{key}"]) + epsilon)
            new[key] = parameters[key] - learning_rate * step
        return new, v, s, v_hat, s_hat

    verdict = judge(
        "optimizers", "update_parameters_with_adam", update_parameters_with_adam, autograd
    )
    assert verdict.failure.key == "W1"
    assert verdict.failure.cause.startswith("no bias correction in the update")


def test_adams_older_three_value_form_is_read_too():
    def three(*args):
        return course.update_parameters_with_adam(*args)[:3]

    verdict = judge("optimizers", "update_parameters_with_adam", three, autograd)
    assert verdict.status == "ok", verdict.failure
