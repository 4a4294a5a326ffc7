"""``scratch.grading.planar``: week 3's calls. The course's own functions pass; a learner's
mistakes are named (sigmoid's derivative in the tanh layer, the examples counted as a layer's
size, a prediction of 1 at exactly 0.5); a cache without the course's keys is refused."""

from __future__ import annotations

import pytest
from inprocess_learner import verdict

from scratch.course import planar

WEEK = "3"


@pytest.mark.parametrize(
    "name", ["layer_sizes", "forward_propagation", "backward_propagation", "predict"]
)
def test_the_courses_own_passes(name):
    assert verdict(WEEK, name, getattr(planar, name)).status == "ok"


def test_sigmoids_derivative_in_the_tanh_layer_is_named():
    def backward_propagation(parameters, cache, X, Y):
        m = X.shape[1]
        dZ2 = cache["A2"] - Y
        dA1 = parameters["W2"].T @ dZ2
        dZ1 = dA1 * cache["A1"] * (1 - cache["A1"])
        return {
            "dW1": dZ1 @ X.T / m,
            "db1": dZ1.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ cache["A1"].T / m,
            "db2": dZ2.sum(axis=1, keepdims=True) / m,
        }

    found = verdict(WEEK, "backward_propagation", backward_propagation)
    assert found.failure.key == "dW1" and "sigmoid' where tanh' belongs" in found.failure.cause


def test_the_examples_taken_for_a_layers_size_are_named():
    found = verdict(WEEK, "layer_sizes", lambda X, Y: (X.shape[1], 4, Y.shape[0]))
    assert found.failure.cause.startswith("3 is the number of examples m, X.shape[1]")


def test_a_prediction_of_1_at_exactly_one_half_is_named():
    found = verdict(
        WEEK,
        "predict",
        lambda parameters, X: (planar.forward_propagation(X, parameters)[0] >= 0.5) * 1.0,
    )
    assert found.failure.case == "zero input" and "only where A > 0.5" in found.failure.cause


def test_a_cache_without_the_courses_keys_is_refused():
    found = verdict(
        WEEK,
        "forward_propagation",
        lambda X, parameters: (planar.forward_propagation(X, parameters)[0], {"Z1": 0}),
    )
    assert found.failure.message == "cache has no 'A1' (it holds Z1)"
