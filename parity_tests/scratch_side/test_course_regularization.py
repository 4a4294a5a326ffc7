"""``scratch.course.regularization``: the L2 cost and backward pass and dropout's forward and
backward, in the notebook's signatures, equal autograd's (``torch_impl.course``); the masks are
the notebook's own draws, without touching NumPy's global state."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch.course import regularization, three_layer
from scratch.parity import assert_parity, compare, compare_all
from torch_impl import course as truth

SIZES = [3, 2, 3, 1]  # the notebook's tests'


def network(seed: int, m: int = 5):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((3, m)), (rng.random((1, m)) < 0.5).astype(float)
    params = {}
    for l in (1, 2, 3):
        params[f"W{l}"] = rng.standard_normal((SIZES[l], SIZES[l - 1]))
        params[f"b{l}"] = rng.standard_normal((SIZES[l], 1))
    return X, Y, params


def spec(l2: float = 0.0, keep_prob: float = 1.0) -> scratch.NetworkSpec:
    layers = [scratch.Layer(n, "relu", keep_prob=keep_prob) for n in SIZES[1:-1]]
    return scratch.NetworkSpec(3, (*layers, scratch.Layer(1, "sigmoid")), l2=l2, dtype="float64")


@pytest.mark.parametrize("seed", [0, 1])
def test_the_l2_cost_and_its_gradients_equal_autograds(seed):
    X, Y, params = network(seed)
    o = truth.internals(X, Y, params, spec(l2=0.7))
    A3, cache = three_layer.forward(X, params)
    cost = regularization.compute_cost_with_regularization(A3, Y, params, 0.7)
    assert_parity(compare("cost", cost, o["cost"]))
    grads = regularization.backward_propagation_with_regularization(X, Y, cache, 0.7)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


def test_the_masks_are_the_notebooks_seed_1_draws_and_leave_numpys_state_alone():
    *_, params = network(2)
    state = np.random.get_state()
    try:
        np.random.seed(1)
        D1 = (np.random.rand(2, 5) < 0.7).astype(int)
        D2 = (np.random.rand(3, 5) < 0.7).astype(int)
        np.random.seed(7)
        before = np.random.random()
        np.random.seed(7)
        masks = regularization.course_masks(params, 5, 0.7)
        assert np.random.random() == before
    finally:
        np.random.set_state(state)
    np.testing.assert_array_equal(masks["D1"], D1)
    np.testing.assert_array_equal(masks["D2"], D2)
    assert masks["D1"].dtype.kind == "i"  # the course's astype(int)


@pytest.mark.parametrize("seed", [0, 1])
def test_dropouts_forward_and_backward_equal_autograds_through_the_same_masks(seed):
    X, Y, params = network(seed)
    keep_prob = 0.8
    A3, cache = regularization.forward_propagation_with_dropout(X, params, keep_prob)
    masks = regularization.course_masks(params, X.shape[1], keep_prob)
    o = truth.dropout_internals(X, Y, params, spec(keep_prob=keep_prob), masks)
    forward = {"Z1": cache[0], "A1": cache[2], "Z2": cache[5], "A2": cache[7], "A3": A3}
    assert_parity(compare_all(forward, {key: o[key] for key in forward}))
    np.testing.assert_array_equal(cache[1], masks["D1"])
    grads = regularization.backward_propagation_with_dropout(X, Y, cache, keep_prob)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))
