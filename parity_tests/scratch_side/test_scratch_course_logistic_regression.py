"""``scratch.course.logistic_regression``: week 2's functions in the assignment's signatures and
layouts (``w`` (n_x, 1), ``b`` a number) give the notebook's own expected outputs, and equal
autograd's gradients and the truth's gradient descent on the cases nn-check runs them on."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course.logistic_regression import (
    initialize_with_zeros,
    optimize,
    predict,
    propagate,
    sigmoid,
)
from scratch.grading import cases
from scratch.parity import assert_parity, compare
from torch_impl import course as truth

# the notebook's test values
W, B = np.array([[1.0], [2.0]]), 2.0
X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
Y = np.array([[1, 0, 1]])
# the cases nn-check runs week 2 on, but the saturated one
WEEK2 = [case for case in cases.week2(truth) if not case.saturated]


def test_sigmoid_gives_the_notebooks_expected_output():
    np.testing.assert_allclose(sigmoid(np.array([0, 2])), [0.5, 0.88079708], rtol=1e-8)


def test_initialize_with_zeros_gives_a_column_and_a_number():
    w, b = initialize_with_zeros(3)
    assert w.shape == (3, 1) and not w.any()
    assert b == 0.0 and isinstance(b, float)


def test_propagate_gives_the_notebooks_expected_gradients_and_cost():
    grads, cost = propagate(W, B, X, Y)
    assert grads["dw"].shape == (2, 1)
    np.testing.assert_allclose(grads["dw"], [[0.99845601], [2.39507239]], rtol=1e-8)
    assert grads["db"] == pytest.approx(0.00145557813678, rel=1e-10)
    assert float(cost) == pytest.approx(5.801545319394553, rel=1e-12)


@pytest.mark.parametrize("case", WEEK2, ids=lambda case: case.name)
def test_propagate_equals_autograd_in_the_assignments_layout(case):
    o = case.oracle()
    w, b = case.params["W1"].T, float(case.params["b1"][0, 0])
    grads, cost = propagate(w, b, case.X, case.Y)
    assert grads["dw"].shape == w.shape and isinstance(grads["db"], float)
    assert_parity(compare("dW1", grads["dw"].T, o["dW1"]))
    assert_parity(compare("db1", np.array([[grads["db"]]]), o["db1"]))
    assert_parity(compare("cost", cost, o["cost"]))


def test_optimize_gives_the_notebooks_expected_parameters_after_100_steps():
    params, grads, costs = optimize(W, B, X, Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.19033591], [0.12259159]], rtol=1e-7)
    assert params["b"] == pytest.approx(1.92535983008, rel=1e-10)
    np.testing.assert_allclose(grads["dw"], [[0.67752042], [1.41625495]], rtol=1e-7)
    assert grads["db"] == pytest.approx(0.219194504541, rel=1e-10)
    assert len(costs) == 1  # one cost every 100 steps, the first before any update
    assert float(costs[0]) == pytest.approx(5.801545319394553, rel=1e-12)


def test_optimize_runs_the_truths_gradient_descent():
    case = WEEK2[0]
    w, b = case.params["W1"].T, 2.0
    params, _, costs = optimize(w, b, case.X, case.Y, 101, 0.009)
    final, _, every = truth.descent_run(case.X, case.Y, case.params, case.spec, 101, 0.009)
    assert_parity(compare("W1", params["w"].T, final["W1"]))
    assert_parity(compare("b1", np.array([[params["b"]]]), final["b1"]))
    assert_parity(compare("cost", np.array(costs), every[[0, 100]], kind="curve"))


def test_predict_gives_the_notebooks_expected_labels():
    w = np.array([[0.1124579], [0.23106775]])
    X_ = np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    np.testing.assert_array_equal(predict(w, -0.3, X_), [[1.0, 1.0, 0.0]])
