"""The scratch network: the course's shapes and keys, vectorised over examples, and the cost
(the mean loss plus L2), also as ``cost_of`` of a forward pass."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import OUTPUT_UNITS, generic_params, labels_for

from scratch import (
    L_model_backward,
    L_model_forward,
    build_spec,
    compute_cost,
    cost_of,
    initialize_parameters,
    layer_internals,
)


def test_forward_and_backward_have_course_shapes_and_keys(rng):
    spec = build_spec([5, 4, 3, 2], "relu", loss="cross_entropy")
    m = 11
    X, Y = rng.standard_normal((5, m)), rng.integers(0, 2, (1, m))
    params = initialize_parameters(spec)
    AL, caches = L_model_forward(X, params, spec)
    assert AL.shape == (2, m) and len(caches) == 3
    for l, ((A_prev, W, b), (Z, A)) in enumerate(caches, start=1):
        assert W is params[f"W{l}"] and b is params[f"b{l}"]
        assert A_prev.shape == (spec.sizes[l - 1], m) and Z.shape == A.shape == (spec.sizes[l], m)
    grads = L_model_backward(AL, Y, caches, spec)
    expected = {f"{p}{l}" for l in (1, 2, 3) for p in ("dW", "db", "dZ")} | {"dA0", "dA1", "dA2"}
    assert set(grads) == expected
    for key, value in grads.items():
        shape = params[key[1:]].shape if key[1] in "Wb" else (spec.sizes[int(key[2:])], m)
        assert value.shape == shape, key
    assert set(layer_internals(X, Y, params, spec)) == expected | {
        "cost",
        "Z1",
        "Z2",
        "Z3",
        "A1",
        "A2",
        "A3",
    }


def test_single_example_matches_its_column_in_a_batch(rng):
    """Vectorised over examples: column i of a batch equals the network run on example i alone."""
    spec = build_spec([3, 6, 1], "tanh")
    params = generic_params(spec, rng)
    X = rng.standard_normal((3, 9))
    AL, _ = L_model_forward(X, params, spec)
    for i in range(9):
        alone, _ = L_model_forward(X[:, i : i + 1], params, spec)
        np.testing.assert_allclose(alone, AL[:, i : i + 1], rtol=1e-14)


def test_cost_is_the_mean_loss_plus_l2(rng):
    spec = build_spec([2, 1], loss="binary_cross_entropy", l2=0.3)
    params = generic_params(spec, rng)
    X, Y = rng.standard_normal((2, 5)), rng.integers(0, 2, (1, 5))
    AL, caches = L_model_forward(X, params, spec)
    naive = (
        -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) + 0.3 / 10 * (params["W1"] ** 2).sum()
    )
    assert compute_cost(caches[-1].activation_cache.Z, Y, spec, params) == pytest.approx(
        naive, rel=1e-13
    )


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "cross_entropy", "mse"])
def test_cost_of_is_the_cost_of_the_forward_pass(loss, rng):
    """``cost_of(X, Y, parameters, spec)`` is ``compute_cost`` of the forward pass's ``ZL``,
    with the L2 term; and it is the cost ``layer_internals`` reports."""
    spec = build_spec([3, 5, OUTPUT_UNITS[loss]], "tanh", loss=loss, l2=0.4)
    params = generic_params(spec, rng)
    X = rng.standard_normal((3, 9))
    Y = labels_for(spec, rng, 9)
    _, caches = L_model_forward(X, params, spec)
    expected = compute_cost(caches[-1].activation_cache.Z, Y, spec, params)
    assert cost_of(X, Y, params, spec) == expected
    assert cost_of(X, Y, params, spec) == layer_internals(X, Y, params, spec)["cost"]
    assert cost_of(X, Y, params, spec.replace(l2=0.0)) < expected  # the L2 term is in it
