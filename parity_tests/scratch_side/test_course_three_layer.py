"""``scratch.course.three_layer``: the second course's three-layer network and its flat cache,
forward and backward, equal autograd's (``torch_impl.course``) with L2 and with dropout."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch.course import three_layer
from scratch.course.regularization import course_masks
from scratch.parity import assert_parity, compare_all
from torch_impl import course as truth

SIZES = [3, 4, 3, 1]


def network(seed: int = 0, m: int = 6) -> tuple[np.ndarray, np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((3, m)), (rng.random((1, m)) < 0.5).astype(float)
    params = {}
    for l in (1, 2, 3):
        params[f"W{l}"] = rng.standard_normal((SIZES[l], SIZES[l - 1]))
        params[f"b{l}"] = rng.standard_normal((SIZES[l], 1))
    return X, Y, params


def agreed(o: dict, keys) -> dict:
    """Autograd's of these keys, judged by the referee's table."""
    return {key: o[key] for key in keys}


def spec(l2: float = 0.0, keep_prob: float = 1.0) -> scratch.NetworkSpec:
    layers = [scratch.Layer(n, "relu", keep_prob=keep_prob) for n in SIZES[1:-1]]
    layers.append(scratch.Layer(1, "sigmoid"))
    return scratch.NetworkSpec(3, tuple(layers), l2=l2, dtype="float64")


def test_the_flat_cache_holds_each_layers_Z_A_W_b_in_the_courses_order():
    X, Y, params = network()
    A3, cache = three_layer.forward(X, params)
    o = truth.internals(X, Y, params, spec())
    names = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
    assert len(cache) == 12
    held = dict(zip(names, cache, strict=True))
    assert all(held[key] is params[key] for key in params)
    computed = {key: value for key, value in held.items() if key[0] in "ZA"}
    assert_parity(compare_all(computed, agreed(o, computed)))
    assert A3 is cache[9]


@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_backward_equals_autograd_with_and_without_l2(lambd):
    X, Y, params = network(1)
    _, cache = three_layer.forward(X, params)
    grads = three_layer.backward(X, Y, cache, lambd=lambd)
    o = truth.internals(X, Y, params, spec(l2=lambd))
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
    assert_parity(compare_all(grads, agreed(o, grads)))


def test_with_dropout_the_cache_keeps_the_masks_and_dA_is_the_activations_own():
    """The course's ``dA[l]`` of a layer that drops is the gradient of ``relu(Z[l])``, the mask
    applied: autograd's gradient at the activation's output, not at the layer's."""
    X, Y, params = network(2)
    keep_prob = 0.7
    masks = course_masks(params, X.shape[1], keep_prob)
    A3, cache = three_layer.forward(X, params, masks, keep_prob)
    assert len(cache) == 14 and cache[1] is masks["D1"] and cache[6] is masks["D2"]
    o = truth.dropout_internals(X, Y, params, spec(keep_prob=keep_prob), masks)
    assert_parity(compare_all({"A1": cache[2], "A3": A3}, agreed(o, ("A1", "A3"))))  # masked
    grads = three_layer.backward(X, Y, cache, keep_prob=keep_prob)
    assert_parity(compare_all(grads, agreed(o, grads)))
    after_the_mask = truth.internals(X, Y, params, spec(keep_prob=keep_prob))["dA1"]
    assert not np.allclose(grads["dA1"], after_the_mask)


def test_a_cache_of_another_length_is_one_line():
    X, _, params = network()
    _, cache = three_layer.forward(X, params)
    with pytest.raises(ValueError, match="the cache holds 11 entries; the course's holds 12"):
        three_layer.layers(X, cache[:11])
