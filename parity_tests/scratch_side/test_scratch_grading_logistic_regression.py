"""``scratch.grading.logistic_regression``: nn-check's calls for week 2 pass the course's own
functions, and name a learner's mistake by its values."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import logistic_regression as course
from scratch.course.catalogue import WEEKS

pytestmark = pytest.mark.usefixtures("one_torch_thread")

WEEK = "2"


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(course, name))
    assert found.status == "ok", found.failure


def test_a_sigmoid_of_minus_z_is_named():
    found = verdict(WEEK, "sigmoid", lambda z: 1 / (1 + np.exp(np.asarray(z, dtype=float))))
    assert found.status == "wrong"
    assert (
        found.failure.cause
        == "sigmoid(-z): 1 / (1 + exp(z)) where the course has 1 / (1 + exp(-z))"
    )


def test_a_w_that_is_not_a_column_is_refused():
    found = verdict(WEEK, "initialize_with_zeros", lambda dim: (np.zeros(dim), 0.0))
    assert found.failure.message == "w has shape (2,); the course's is (2, 1)"
    assert found.failure.cause.startswith("(n,) for (n, 1)")


def test_a_propagate_without_the_1_over_m_is_wrong_at_dw_with_that_cause():
    def propagate(w, b, X, Y):
        grads, cost = course.propagate(w, b, X, Y)
        return {"dw": grads["dw"] * X.shape[1], "db": grads["db"]}, cost

    found = verdict(WEEK, "propagate", propagate)
    failure = found.failure
    assert (found.status, failure.case, failure.quantity) == ("wrong", "course", "grads['dw']")
    assert failure.cause.startswith("off by a factor m = 3: the 1/m is missing")


def test_predicting_1_at_exactly_one_half_is_named():
    def predict(w, b, X):
        A = course.sigmoid(w.T @ X + b)
        return (A >= 0.5).astype(float)

    found = verdict(WEEK, "predict", predict)
    assert (found.status, found.failure.case) == ("wrong", "zero input")
    assert found.failure.cause.startswith("A = 0.5 predicted as 1")
