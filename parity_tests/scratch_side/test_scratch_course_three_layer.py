"""``scratch.course.three_layer``: the second course's three-layer network and its flat cache,
forward and backward, equal autograd's (``torch_impl.course``) with L2 and with dropout, on the
networks nn-check runs the regularization assignment on."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import three_layer
from scratch.grading import cases
from scratch.grading.regularization import dropped, regularized
from scratch.parity import assert_parity, compare_all
from torch_impl import course as truth

CASES = cases.three_layers(truth)
NAMES = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")


def autograds(o: dict, keys) -> dict:
    return {key: o[key] for key in keys}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_flat_cache_holds_each_layers_Z_A_W_b_in_the_courses_order(case):
    A3, cache = three_layer.forward(case.X, case.params)
    held = dict(zip(NAMES, cache, strict=True))
    assert all(held[key] is case.params[key] for key in case.params) and A3 is cache[9]
    computed = {key: value for key, value in held.items() if key[0] in "ZA"}
    assert_parity(compare_all(computed, autograds(case.oracle(), computed)))


def test_a_cache_of_another_length_is_one_line():
    case = CASES[0]
    _, cache = three_layer.forward(case.X, case.params)
    with pytest.raises(ValueError, match="the cache holds 11 entries; the course's holds 12"):
        three_layer.layers(case.X, cache[:11])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_backward_equals_autograd_with_l2(case):
    case = regularized(case)
    _, cache = three_layer.forward(case.X, case.params)
    grads = three_layer.backward(case.X, case.Y, cache, lambd=case.spec.l2)
    assert list(grads) == [
        "dZ3",
        "dW3",
        "db3",
        "dA2",
        "dZ2",
        "dW2",
        "db2",
        "dA1",
        "dZ1",
        "dW1",
        "db1",
    ]
    assert_parity(compare_all(grads, autograds(case.oracle(), grads)))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_with_dropout_the_cache_keeps_the_masks_and_dA_is_the_activations_own(case):
    """The course's ``dA[l]`` of a layer that drops is the gradient of ``relu(Z[l])``, the mask
    applied: autograd's gradient at the activation's output, not at the layer's."""
    case, masks, o = dropped(case, 0.7)
    A3, cache = three_layer.forward(case.X, case.params, masks, 0.7)
    assert len(cache) == 14 and cache[1] is masks["D1"] and cache[6] is masks["D2"]
    assert_parity(compare_all({"A1": cache[2], "A3": A3}, autograds(o, ("A1", "A3"))))
    grads = three_layer.backward(case.X, case.Y, cache, keep_prob=0.7)
    assert_parity(compare_all(grads, autograds(o, grads)))
    at_the_output = case.oracle()["dA1"]
    assert not np.allclose(grads["dA1"], at_the_output)
