"""``scratch.course.regularization``: the L2 cost and backward pass and dropout's forward and
backward, in the notebook's signatures, equal autograd's (``torch_impl.course``) on the networks
nn-check runs them on; the masks are the notebook's own draws, without touching NumPy's global
state."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import regularization, three_layer
from scratch.grading import cases
from scratch.grading.regularization import dropped, regularized
from scratch.parity import assert_parity, compare, compare_all
from torch_impl import course as truth

CASES = cases.three_layers(truth)


def test_the_masks_are_the_notebooks_seed_1_draws_and_leave_numpys_state_alone():
    params = CASES[0].params  # W1 (2, 3), W2 (3, 2): the notebook's test sizes
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


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_l2_cost_and_its_gradients_equal_autograds(case):
    case = regularized(case)
    o, lambd = case.oracle(), case.spec.l2
    A3, cache = three_layer.forward(case.X, case.params)
    cost = regularization.compute_cost_with_regularization(A3, case.Y, case.params, lambd)
    assert_parity(compare("cost", cost, o["cost"]))
    grads = regularization.backward_propagation_with_regularization(case.X, case.Y, cache, lambd)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_dropouts_forward_and_backward_equal_autograds_through_the_same_masks(case):
    keep_prob = 0.8
    case, masks, o = dropped(case, keep_prob)
    A3, cache = regularization.forward_propagation_with_dropout(case.X, case.params, keep_prob)
    forward = {"Z1": cache[0], "A1": cache[2], "Z2": cache[5], "A2": cache[7], "A3": A3}
    assert_parity(compare_all(forward, {key: o[key] for key in forward}))
    np.testing.assert_array_equal(cache[1], masks["D1"])
    grads = regularization.backward_propagation_with_dropout(case.X, case.Y, cache, keep_prob)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))
