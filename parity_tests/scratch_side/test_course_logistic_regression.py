"""``scratch.course.logistic_regression``: the project's own week-2 functions in the
assignment's signatures (``w`` (n_x, 1), ``b`` a number) equal the truth, the notebook's own
numbers among them."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import logistic_regression as course
from scratch.grading import cases
from scratch.parity import assert_parity, compare
from torch_impl import course as truth

WEEK2 = [case for case in cases.week2(truth) if not case.saturated]


@pytest.mark.parametrize("case", WEEK2, ids=lambda case: case.name)
def test_propagate_equals_autograd_in_the_assignments_layout(case):
    o = case.oracle()
    w, b = case.params["W1"].T, float(case.params["b1"][0, 0])
    grads, cost = course.propagate(w, b, case.X, case.Y)
    assert grads["dw"].shape == w.shape and isinstance(grads["db"], float)
    assert_parity(compare("dW1", grads["dw"].T, o["dW1"]))
    assert_parity(compare("db1", np.array([[grads["db"]]]), o["db1"]))
    assert_parity(compare("cost", cost, o["cost"]))


def test_the_notebooks_own_test_values():
    """``propagate`` of the notebook's ``w = [[1], [2]]``, ``b = 2`` prints dw = [[0.99845601],
    [2.39507239]], db = 0.00145557813678 and cost = 5.801545319394553."""
    course_case = WEEK2[0]
    w, b = course_case.params["W1"].T, 2.0
    grads, cost = course.propagate(w, b, course_case.X, course_case.Y)
    np.testing.assert_allclose(grads["dw"], [[0.99845601], [2.39507239]], rtol=0, atol=5e-9)
    assert cost == pytest.approx(5.801545319394553, rel=1e-12)


def test_optimize_runs_the_truths_gradient_descent():
    case = WEEK2[0]
    w, b = case.params["W1"].T, 2.0
    params, _, costs = course.optimize(w, b, case.X, case.Y, 101, 0.009)
    final, _, every = truth.descent_run(case.X, case.Y, case.params, case.spec, 101, 0.009)
    assert_parity(compare("W1", params["w"].T, final["W1"]))
    assert_parity(compare("cost", np.array(costs), every[[0, 100]], kind="curve"))


def test_sigmoid_and_predict():
    np.testing.assert_allclose(course.sigmoid(np.array([0.0, 2.0])), [0.5, 0.88079708], atol=5e-9)
    case = WEEK2[0]
    predictions = course.predict(case.params["W1"].T, 2.0, case.X)
    np.testing.assert_array_equal(predictions, case.oracle()["A1"] > 0.5)
