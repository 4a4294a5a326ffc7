"""``scratch.grading.deep``: week 4's calls. The course's own functions pass every case; a
learner's mistakes are named at their layer and quantity (the backward step's 1/m, the wrong
derivative in one hidden layer, the update's sign); the reading of a return value refuses what
the course does not return (a cache in another order, caches one short, a cost that is not a
number, initial weights all zero)."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import deep

WEEK = "4"


@pytest.mark.parametrize(
    "name",
    [
        "initialize_parameters_deep",
        "linear_forward",
        "L_model_forward",
        "compute_cost",
        "linear_backward",
        "L_model_backward",
        "update_parameters",
    ],
)
def test_the_courses_own_passes(name):
    assert verdict(WEEK, name, getattr(deep, name)).status == "ok"


def test_a_backward_step_without_the_1_over_m_is_named_at_its_layer():
    def linear_backward(dZ, cache):
        A_prev, W, _ = cache
        return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)

    found = verdict(WEEK, "linear_backward", linear_backward)
    assert (found.failure.layer, found.failure.key) == (3, "dW3")
    assert found.failure.cause.startswith("off by a factor m = 4: the 1/m is missing")


def test_one_hidden_layers_wrong_derivative_is_named_as_one_branch_of_the_loop():
    def L_model_backward(AL, Y, caches):
        """Layer 1's step through sigmoid', the others right."""
        grads = deep.L_model_backward(AL, Y, caches)
        if len(caches) > 2:
            (A_prev, _, _), Z = caches[0]
            s = 1 / (1 + np.exp(-Z))
            dZ1 = grads["dA1"] * s * (1 - s)
            grads["dW1"] = dZ1 @ A_prev.T / AL.shape[1]
        return grads

    found = verdict(WEEK, "L_model_backward", L_model_backward)
    assert found.failure.key == "dW1"
    assert found.failure.cause.startswith(
        "layer 1's derivative is sigmoid' (one branch of the loop)"
    )


def test_an_update_with_the_wrong_sign_is_named():
    def update_parameters(parameters, grads, learning_rate):
        return {k: v + learning_rate * grads[f"d{k}"] for k, v in parameters.items()}

    found = verdict(WEEK, "update_parameters", update_parameters)
    assert found.failure.cause.startswith("the update's sign")


@pytest.mark.parametrize(
    ("name", "learner", "message"),
    [
        (
            "linear_forward",
            lambda A, W, b: (W @ A + b, (W, A, b)),
            "cache is (W, A, b); the course's is (A, W, b)",
        ),
        (
            "L_model_forward",
            lambda X, p: (deep.L_model_forward(X, p)[0], deep.L_model_forward(X, p)[1][:-1]),
            "caches holds 2; the network has L = 3 layers",
        ),
        ("compute_cost", lambda AL, Y: None, "compute_cost returns None; the course's returns a"),
        (
            "initialize_parameters_deep",
            lambda dims: {
                key: np.zeros_like(value)
                for key, value in deep.initialize_parameters_deep(dims).items()
            },
            "W1 is all zeros",
        ),
    ],
)
def test_what_the_course_does_not_return_is_refused(name, learner, message):
    found = verdict(WEEK, name, learner)
    assert found.status == "wrong" and found.failure.message.startswith(message), found.failure
