"""``scratch.grading.deep``: nn-check's calls for week 4 pass the course's own functions, judge
each backward function on the truth's own inputs, and name a learner's mistake by its values."""

from __future__ import annotations

import numpy as np
import pytest
from learner_in_process import judge

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
