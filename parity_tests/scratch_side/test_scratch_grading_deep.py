"""``scratch.grading.deep``: nn-check's calls for week 4 pass the course's own functions, judge
each backward function on the truth's own inputs, and name a learner's mistake by its values."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict
from learner_in_process import judge

from scratch.course import deep
from scratch.course import deep as course
from scratch.course.catalogue import WEEKS
from torch_impl import course as autograd

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("name", WEEKS["4"].checked)
def test_the_courses_own_function_passes_every_case(name):
    verdict = judge("4", name, getattr(course, name), autograd)
    assert verdict.status == "ok", verdict.failure


@pytest.mark.parametrize(
    ("db", "cause"),
    [
        (lambda dZ, m: np.sum(dZ) / m, "db summed over every entry"),
        (lambda dZ, m: np.sum(dZ, axis=0, keepdims=True) / m, "db summed over axis 0"),
        (lambda dZ, m: np.sum(dZ, axis=1) / m, "keepdims missing: (n,) for (n, 1)"),
        (lambda dZ, m: np.sum(dZ, axis=1, keepdims=True), "off by a factor m = 4: the 1/m"),
    ],
)
def test_a_linear_backward_with_a_wrong_db_is_wrong_at_the_output_layers_db_with_its_cause(
    db, cause
):
    def linear_backward(dZ, cache):
        dA_prev, dW, _ = course.linear_backward(dZ, cache)
        return dA_prev, dW, db(dZ, dZ.shape[1])

    verdict = judge("4", "linear_backward", linear_backward, autograd)
    failure = verdict.failure
    assert (verdict.status, failure.case, failure.key) == ("wrong", "course", "db3")
    assert failure.cause.startswith(cause), failure.cause


def test_a_cache_in_another_order_is_named():
    def linear_forward(A, W, b):
        return W @ A + b, (W, A, b)

    verdict = judge("4", "linear_forward", linear_forward, autograd)
    assert verdict.failure.kind == "layout"
    assert verdict.failure.cause.startswith("a cache in another order")


def test_weights_all_zero_are_named_as_the_symmetry_never_broken():
    def initialize_parameters_deep(layer_dims):
        return {
            key: np.zeros((layer_dims[l], layer_dims[l - 1] if key[0] == "W" else 1))
            for l in range(1, len(layer_dims))
            for key in (f"W{l}", f"b{l}")
        }

    verdict = judge("4", "initialize_parameters_deep", initialize_parameters_deep, autograd)
    assert verdict.failure.message == "W1 is all zeros"
    assert "the symmetry is not broken" in verdict.failure.cause


def test_the_saturated_cases_cost_is_a_note_not_a_mistake():
    verdict = judge("4", "compute_cost", lambda AL, Y: course.compute_cost(AL, Y), autograd)
    assert verdict.status == "ok"

    def naive(AL, Y):  # the course's own formula: log(1 - AL) is -inf where AL rounds to 1
        return np.squeeze(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))

    verdict = judge("4", "compute_cost", naive, autograd)
    assert verdict.status == "ok"
    [note] = verdict.notes
    assert note.startswith("case 'saturated' ([4, 5, 1], m = 8), not counted: AL rounds to 1")
    assert "NumPy warned: divide by zero encountered in log" in note


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
