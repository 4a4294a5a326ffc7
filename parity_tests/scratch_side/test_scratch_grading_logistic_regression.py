"""``scratch.grading.logistic_regression``: nn-check's calls for week 2 pass the course's own
functions, and name a learner's mistake by its values."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict
from learner_in_process import judge

from scratch.course import logistic_regression as course
from torch_impl import course as autograd

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("name", ["sigmoid", "initialize_with_zeros", "propagate", "predict"])
def test_the_courses_own_function_passes_every_case(name):
    verdict = judge("2", name, getattr(course, name), autograd)
    assert verdict.status == "ok", verdict.failure


def test_a_propagate_without_the_1_over_m_is_wrong_at_dw_with_that_cause():
    def propagate(w, b, X, Y):
        grads, cost = course.propagate(w, b, X, Y)
        return {"dw": grads["dw"] * X.shape[1], "db": grads["db"]}, cost

    verdict = judge("2", "propagate", propagate, autograd)
    failure = verdict.failure
    assert (verdict.status, failure.case, failure.quantity) == ("wrong", "course", "grads['dw']")
    assert failure.cause.startswith("off by a factor m = 3: the 1/m is missing")


def test_a_sigmoid_of_minus_z_is_named():
    verdict = judge("2", "sigmoid", lambda z: 1 / (1 + np.exp(np.asarray(z, float))), autograd)
    assert verdict.status == "wrong"
    assert verdict.failure.cause.startswith("sigmoid(-z)")


def test_predicting_1_at_exactly_one_half_is_named():
    def predict(w, b, X):
        A = course.sigmoid(w.T @ X + b)
        return (A >= 0.5).astype(float)

    verdict = judge("2", "predict", predict, autograd)
    assert (verdict.status, verdict.failure.case) == ("wrong", "zero input")
    assert verdict.failure.cause.startswith("A = 0.5 predicted as 1")


WEEK = "2"


@pytest.mark.parametrize("name", ["sigmoid", "initialize_with_zeros", "propagate", "predict"])
def test_the_courses_own_passes(name):
    assert verdict(WEEK, name, getattr(course, name)).status == "ok"


def test_a_gradient_without_its_1_over_m_is_named():
    def propagate(w, b, X, Y):
        grads, cost = course.propagate(w, b, X, Y)
        return {"dw": grads["dw"] * X.shape[1], "db": grads["db"]}, cost

    found = verdict(WEEK, "propagate", propagate)
    assert found.failure.quantity == "grads['dw']" and "the 1/m is missing" in found.failure.cause


def test_sigmoids_sign_is_named():
    found = verdict(WEEK, "sigmoid", lambda z: 1 / (1 + np.exp(np.asarray(z, dtype=float))))
    assert "1 / (1 + exp(z))" in found.failure.cause


def test_a_w_that_is_not_a_column_is_refused():
    found = verdict(WEEK, "initialize_with_zeros", lambda dim: (np.zeros(dim), 0.0))
    assert found.failure.cause.startswith("(n,) for (n, 1)")
