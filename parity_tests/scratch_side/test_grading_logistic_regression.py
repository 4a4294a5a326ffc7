"""``scratch.grading.logistic_regression``: week 2's calls. The course's own functions pass; a
learner's mistakes are named (the gradient without 1/m, sigmoid's sign); a ``b`` that is not a
number and a ``w`` that is not a column are refused."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import logistic_regression as course

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
