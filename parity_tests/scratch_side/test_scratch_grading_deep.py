"""``scratch.grading.deep``: nn-check's calls for week 4 pass the course's own functions, judge
each backward function on the truth's own inputs, refuse what the course does not return in its
words, and name a learner's mistake by its values, at its layer."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import deep
from scratch.course.catalogue import WEEKS

pytestmark = pytest.mark.usefixtures("one_torch_thread")

WEEK = "4"


def _zeros(layer_dims):
    return {
        key: np.zeros_like(value)
        for key, value in deep.initialize_parameters_deep(layer_dims).items()
    }


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(deep, name))
    assert found.status == "ok", found.failure


@pytest.mark.parametrize(
    ("name", "learner", "message", "cause"),
    [
        ("initialize_parameters_deep", _zeros, "W1 is all zeros", "the symmetry is not broken"),
        (
            "linear_forward",
            lambda A, W, b: (W @ A + b, (W, A, b)),
            "cache is (W, A, b); the course's is (A, W, b)",
            "a cache in another order",
        ),
        (
            "L_model_forward",
            lambda X, p: (deep.L_model_forward(X, p)[0], deep.L_model_forward(X, p)[1][:-1]),
            "caches holds 2; the network has L = 3 layers",
            "",
        ),
        (
            "compute_cost",
            lambda AL, Y: None,
            "compute_cost returns None; the course's returns a",
            "",
        ),
    ],
)
def test_what_the_course_does_not_return_is_refused_in_its_words(name, learner, message, cause):
    found = verdict(WEEK, name, learner)
    failure = found.failure
    assert (found.status, failure.kind) == ("wrong", "layout"), failure
    assert failure.message.startswith(message), failure
    assert cause in (failure.cause or ""), failure


def test_the_saturated_cases_cost_by_the_courses_own_formula_is_a_note_not_a_mistake():
    def compute_cost(AL, Y):  # the course's own formula: log(1 - AL) is -inf where AL rounds to 1
        return np.squeeze(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))

    found = verdict(WEEK, "compute_cost", compute_cost)
    assert found.status == "ok", found.failure
    [note] = found.notes
    assert note.startswith("case 'saturated' ([4, 5, 1], m = 8), not counted: AL rounds to 1")
    assert "NumPy warned: divide by zero encountered in log" in note


@pytest.mark.parametrize(
    ("db", "key", "cause"),
    [
        (lambda dZ, m: np.sum(dZ) / m, "db3", "db summed over every entry"),
        (lambda dZ, m: np.sum(dZ, axis=0, keepdims=True) / m, "db3", "db summed over axis 0"),
        (lambda dZ, m: np.sum(dZ, axis=1) / m, "db3", "keepdims missing: (n,) for (n, 1)"),
        (lambda dZ, m: np.sum(dZ, axis=1, keepdims=True), "db3", "off by a factor m = 4: the 1/m"),
        (None, "dW3", "off by a factor m = 4: the 1/m is missing"),
    ],
)
def test_a_wrong_linear_backward_is_named_at_the_output_layers_quantity_with_its_cause(
    db, key, cause
):
    """``None``: the 1/m missing from dW and db alike, found at dW, the first computed."""

    def linear_backward(dZ, cache):
        dA_prev, dW, right = deep.linear_backward(dZ, cache)
        m = dZ.shape[1]
        return (dA_prev, dW * m, right * m) if db is None else (dA_prev, dW, db(dZ, m))

    failure = verdict(WEEK, "linear_backward", linear_backward).failure
    assert (failure.status, failure.case, failure.layer, failure.key) == ("wrong", "course", 3, key)
    assert failure.cause.startswith(cause), failure.cause


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
