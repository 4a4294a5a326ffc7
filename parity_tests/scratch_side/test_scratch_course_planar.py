"""``scratch.course.planar``: week 3's functions in the assignment's signatures and layouts, a
tanh hidden layer and a sigmoid output, the cache a dict of ``Z1, A1, Z2, A2``; its
initialiser, cost and update are week 4's."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch.course import deep, planar
from scratch.grading import cases
from scratch.parity import assert_parity, compare_all
from torch_impl import course as truth


def _network(rng, m: int = 5):
    params = {
        "W1": rng.standard_normal((4, 2)),
        "b1": rng.standard_normal((4, 1)),
        "W2": rng.standard_normal((1, 4)),
        "b2": rng.standard_normal((1, 1)),
    }
    X = rng.standard_normal((2, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return params, X, Y


def test_layer_sizes_gives_the_notebooks_expected_sizes():
    np.random.seed(1)
    X, Y = np.random.randn(5, 3), np.random.randn(2, 3)
    assert planar.layer_sizes(X, Y) == (5, 4, 2)


def test_the_forward_pass_is_tanh_then_sigmoid_and_caches_z1_a1_z2_a2(rng):
    params, X, _ = _network(rng)
    A2, cache = planar.forward_propagation(X, params)
    assert list(cache) == ["Z1", "A1", "Z2", "A2"]
    Z1 = params["W1"] @ X + params["b1"]
    Z2 = params["W2"] @ np.tanh(Z1) + params["b2"]
    np.testing.assert_allclose(cache["Z1"], Z1, rtol=1e-14)
    np.testing.assert_allclose(cache["A1"], np.tanh(Z1), rtol=1e-14)
    np.testing.assert_allclose(A2, 1 / (1 + np.exp(-Z2)), rtol=1e-14)
    assert cache["A2"] is A2


def test_backward_propagation_returns_the_four_course_gradients_of_the_tanh_network(rng):
    params, X, Y = _network(rng)
    _, cache = planar.forward_propagation(X, params)
    grads = planar.backward_propagation(params, cache, X, Y)
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    spec = scratch.build_spec([2, 4, 1], "tanh", dtype="float64")
    exact = scratch.layer_internals(X, Y, params, spec)
    for key, value in grads.items():
        np.testing.assert_allclose(value, exact[key], rtol=1e-13, atol=1e-16)


def test_predict_is_1_only_where_a2_is_above_one_half(rng):
    params, X, _ = _network(rng, m=40)
    A2, _ = planar.forward_propagation(X, params)
    np.testing.assert_array_equal(planar.predict(params, X), A2 > 0.5)
    zeros = {key: np.zeros_like(value) for key, value in params.items()}
    assert not planar.predict(zeros, X).any()  # A2 exactly 0.5: the course predicts 0


def test_the_initialiser_cost_and_update_are_week_4s():
    for name in ("initialize_parameters", "compute_cost", "update_parameters"):
        assert getattr(planar, name) is getattr(deep, name)


WEEK3 = [case for case in cases.week3(truth) if not case.saturated]


@pytest.mark.parametrize("case", WEEK3, ids=lambda case: case.name)
def test_the_forward_and_backward_pass_equal_autograds(case):
    o = case.oracle()
    A2, cache = planar.forward_propagation(case.X, case.params)
    assert list(cache) == ["Z1", "A1", "Z2", "A2"] and A2 is cache["A2"]
    assert_parity(compare_all(cache, {key: o[key] for key in cache}))
    grads = planar.backward_propagation(case.params, cache, case.X, case.Y)
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


def test_the_layer_sizes_and_the_predictions_are_the_courses():
    assert planar.layer_sizes(np.ones((5, 3)), np.ones((2, 3))) == (5, 4, 2)
    case = WEEK3[0]
    predictions = planar.predict(case.params, case.X)
    np.testing.assert_array_equal(predictions, case.oracle()["A2"] > 0.5)
