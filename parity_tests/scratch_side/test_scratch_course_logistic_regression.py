"""``scratch.course.logistic_regression``: week 2's functions in the assignment's signatures and
layouts (``w`` (n_x, 1), ``b`` a number) give the notebook's own expected outputs."""

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

# the notebook's test values
W, B = np.array([[1.0], [2.0]]), 2.0
X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
Y = np.array([[1, 0, 1]])


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


def test_optimize_gives_the_notebooks_expected_parameters_after_100_steps():
    params, grads, costs = optimize(W, B, X, Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.19033591], [0.12259159]], rtol=1e-7)
    assert params["b"] == pytest.approx(1.92535983008, rel=1e-10)
    np.testing.assert_allclose(grads["dw"], [[0.67752042], [1.41625495]], rtol=1e-7)
    assert grads["db"] == pytest.approx(0.219194504541, rel=1e-10)
    assert len(costs) == 1  # one cost every 100 steps, the first before any update
    assert float(costs[0]) == pytest.approx(5.801545319394553, rel=1e-12)


def test_predict_gives_the_notebooks_expected_labels():
    w = np.array([[0.1124579], [0.23106775]])
    X_ = np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    np.testing.assert_array_equal(predict(w, -0.3, X_), [[1.0, 1.0, 0.0]])
