"""``scratch.grading.regularization``: the course's own L2 and dropout functions pass; each
likely mistake (the L2 term's factor, a layer left out, the mask unscaled, inverted, drawn from
another seed or on the output, the backward pass without the mask or its scale) is named; a
cache that is not the course's is refused in its words."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import regularization, three_layer
from scratch.course.catalogue import WEEKS
from scratch.losses import l2_penalty

WEEK = "regularization"
NAMES = WEEKS[WEEK].checked


def cost_over_m(A3, Y, parameters, lambd):
    m = Y.shape[1]
    cross_entropy = regularization.compute_cost_with_regularization(A3, Y, parameters, 0.0)
    return cross_entropy + 2 * l2_penalty(parameters, lambd, m)


def backward_half(X, Y, cache, lambd):
    return three_layer.backward(X, Y, cache, lambd=lambd / 2)


def backward_no_l2_in_layer_1(X, Y, cache, lambd):
    grads = three_layer.backward(X, Y, cache, lambd=lambd)
    grads["dW1"] = three_layer.backward(X, Y, cache)["dW1"]
    return grads


def dropout_unscaled(X, parameters, keep_prob=0.5):
    masks = regularization.course_masks(parameters, X.shape[1], keep_prob)
    return three_layer.forward(X, parameters, masks, 1.0)


def dropout_inverted(X, parameters, keep_prob=0.5):
    masks = regularization.course_masks(parameters, X.shape[1], keep_prob)
    return three_layer.forward(X, parameters, {k: 1 - D for k, D in masks.items()}, keep_prob)


def dropout_other_seed(X, parameters, keep_prob=0.5):
    rng = np.random.RandomState(2)
    masks = {
        f"D{l}": (rng.rand(parameters[f"W{l}"].shape[0], X.shape[1]) < keep_prob) * 1
        for l in (1, 2)
    }
    return three_layer.forward(X, parameters, masks, keep_prob)


def backward_without_the_mask(X, Y, cache, keep_prob):
    ones = list(cache)
    ones[1], ones[6] = np.ones_like(cache[1]), np.ones_like(cache[6])  # D1, D2
    return three_layer.backward(X, Y, tuple(ones), keep_prob=keep_prob)


@pytest.mark.parametrize("name", NAMES)
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(regularization, name))
    assert found.status == "ok", found.failure


@pytest.mark.parametrize(
    ("name", "learner", "key", "cause"),
    [
        (NAMES[0], cost_over_m, "cost", "lambd / m where the course has lambd / (2 m)"),
        (NAMES[1], backward_half, "dW3", "the L2 term's factor is lambd / (2 m)"),
        (NAMES[1], backward_no_l2_in_layer_1, "dW1", "layer 1's L2 term is missing"),
        (NAMES[2], dropout_unscaled, "A1", "the kept units are not scaled up"),
        (NAMES[2], dropout_inverted, "D1", "the mask is inverted"),
        (NAMES[2], dropout_other_seed, "D1", "not the course's masks: np.random.seed(1)"),
        (NAMES[3], backward_without_the_mask, "dA2", "the mask is not applied to dA, only its"),
    ],
)
def test_each_likely_mistake_is_named(name, learner, key, cause):
    found = verdict(WEEK, name, learner)
    assert found.status == "wrong" and found.failure.key == key, found.failure
    assert cause in found.failure.cause, found.failure


def test_gradients_without_dZ_and_dA_are_judged_by_dW_and_db():
    def only_weights(X, Y, cache, lambd):
        grads = regularization.backward_propagation_with_regularization(X, Y, cache, lambd)
        return {key: value for key, value in grads.items() if key[:2] in ("dW", "db")}

    assert verdict(WEEK, NAMES[1], only_weights).status == "ok"


def test_a_cache_without_the_masks_is_refused_naming_them():
    found = verdict(
        WEEK, NAMES[2], lambda X, parameters, keep_prob=0.5: three_layer.forward(X, parameters)
    )
    assert found.failure.message.startswith("cache holds 12; the course's holds (Z1, D1, A1, W1")
    assert found.failure.cause.startswith("the masks are missing")
