"""``scratch.grading.planar``: nn-check's calls for week 3's own functions pass the course's
functions, refuse a cache that is not the course's, and name a learner's mistake by its
values."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import planar
from scratch.grading.planar import CHECKS

pytestmark = pytest.mark.usefixtures("one_torch_thread")

WEEK = "3"


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(planar, name))
    assert found.status == "ok", found.failure


def test_layer_sizes_that_give_m_for_n_x_says_it_is_the_number_of_examples():
    found = verdict(WEEK, "layer_sizes", lambda X, Y: (X.shape[1], 4, Y.shape[0]))
    assert found.status == "wrong"
    assert found.failure.cause == "3 is the number of examples m, X.shape[1]"


def test_a_forward_pass_with_relu_hidden_units_is_named():
    def forward_propagation(X, parameters):
        Z1 = parameters["W1"] @ X + parameters["b1"]
        A1 = np.maximum(Z1, 0)
        Z2 = parameters["W2"] @ A1 + parameters["b2"]
        A2 = 1 / (1 + np.exp(-Z2))
        return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

    found = verdict(WEEK, "forward_propagation", forward_propagation)
    assert found.failure.key == "A1"
    assert found.failure.cause == "the hidden layers apply relu where the course's apply tanh"


def test_a_cache_without_the_courses_keys_is_refused():
    found = verdict(
        WEEK,
        "forward_propagation",
        lambda X, parameters: (planar.forward_propagation(X, parameters)[0], {"Z1": 0}),
    )
    assert found.failure.message == "cache has no 'A1' (it holds Z1)"


def test_a_backward_pass_with_sigmoids_derivative_for_tanhs_is_named():
    def backward_propagation(parameters, cache, X, Y):
        m, A1, A2 = X.shape[1], cache["A1"], cache["A2"]
        dZ2 = A2 - Y
        dZ1 = parameters["W2"].T @ dZ2 * A1 * (1 - A1)  # sigmoid's A (1 - A)
        return {
            "dW1": dZ1 @ X.T / m,
            "db1": dZ1.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m,
            "db2": dZ2.sum(axis=1, keepdims=True) / m,
        }

    found = verdict(WEEK, "backward_propagation", backward_propagation)
    assert (found.status, found.failure.key) == ("wrong", "dW1")
    assert found.failure.cause.startswith(
        "the derivative of another activation: sigmoid' where tanh' belongs"
    )


def test_a_prediction_of_1_at_exactly_one_half_is_named():
    found = verdict(
        WEEK,
        "predict",
        lambda parameters, X: (planar.forward_propagation(X, parameters)[0] >= 0.5) * 1.0,
    )
    assert found.failure.case == "zero input" and "only where A > 0.5" in found.failure.cause
