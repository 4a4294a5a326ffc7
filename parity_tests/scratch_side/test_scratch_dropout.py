"""``scratch.dropout``: masks drawn once from the seed, the step and the layer (so a resumed run
redraws them), keeping about ``keep_prob`` of the units; inverted dropout's forward and backward
in the course's form; nothing dropped at inference; a training pass without its masks refused."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch import dropout_backward, dropout_forward, dropout_mask, dropout_masks

SPEC = scratch.build_spec([3, 6, 5, 1], "relu").with_hidden_layers(keep_prob=[0.5, 0.8])


def test_a_mask_depends_on_the_seed_the_step_and_the_layer_only():
    again = dropout_masks(SPEC, 10, step=7)
    assert list(again) == ["D1", "D2"]
    assert all(np.array_equal(again[k], v) for k, v in dropout_masks(SPEC, 10, step=7).items())
    for other in (dropout_masks(SPEC, 10, 8), dropout_masks(SPEC.replace(seed=1), 10, 7)):
        assert not np.array_equal(again["D1"], other["D1"])
    assert not np.array_equal(dropout_mask(0, 7, 1, (5, 10), 0.5, "float64"), again["D2"][:5])


def test_a_mask_is_the_same_in_either_dtype_and_drawn_into_what_it_is_given():
    as64 = dropout_masks(SPEC, 10, 3)
    as32 = dropout_masks(SPEC.replace(dtype="float32"), 10, 3)
    assert as32["D1"].dtype == np.float32 and np.array_equal(as32["D1"], as64["D1"])
    given = {key: np.empty_like(value) for key, value in as32.items()}
    drawn = dropout_masks(SPEC.replace(dtype="float32"), 10, 3, out=given)
    assert drawn["D2"] is given["D2"] and np.array_equal(drawn["D2"], as64["D2"])


@pytest.mark.parametrize("keep_prob", [0.5, 0.8, 0.95])
def test_the_keep_rate_lies_within_a_binomial_bound_of_keep_prob(keep_prob):
    D = dropout_mask(3, 0, 1, (200, 500), keep_prob, "float64")
    n = D.size
    bound = 5 * np.sqrt(keep_prob * (1 - keep_prob) / n)  # five standard deviations
    assert set(np.unique(D)) == {0.0, 1.0}
    assert abs(D.mean() - keep_prob) < bound, f"kept {D.mean():.4f}, not {keep_prob} +- {bound}"


def test_forward_and_backward_are_the_courses_inverted_dropout(rng):
    A, dA = rng.standard_normal((4, 9)), rng.standard_normal((4, 9))
    D = dropout_mask(0, 0, 1, (4, 9), 0.6, "float64")
    assert np.array_equal(dropout_forward(A, D, 0.6), A * D / 0.6)
    assert np.array_equal(dropout_backward(dA, D, 0.6), dA * D / 0.6)


def test_the_mean_activation_is_kept_on_average(rng):
    A = np.abs(rng.standard_normal((50, 2000))) + 1
    D = dropout_mask(1, 0, 1, A.shape, 0.7, "float64")
    assert abs(dropout_forward(A, D, 0.7).mean() / A.mean() - 1) < 0.01


def test_nothing_is_dropped_at_inference(rng):
    X = rng.standard_normal((3, 8))
    params = scratch.initialize_parameters(SPEC.replace(init="he"))
    plain = SPEC.with_hidden_layers(keep_prob=1.0)
    AL, _ = scratch.L_model_forward(X, params, SPEC, training=False)
    assert np.array_equal(AL, scratch.L_model_forward(X, params, plain)[0])
    assert np.array_equal(scratch.predict(X, params, SPEC), scratch.predict(X, params, plain))


def test_training_without_its_masks_is_refused_naming_the_layer(rng):
    X, params = rng.standard_normal((3, 8)), scratch.initialize_parameters(SPEC)
    with pytest.raises(ValueError, match=r"layer 1: keep_prob 0.5 needs its dropout mask D1"):
        scratch.L_model_forward(X, params, SPEC)
    masks = dropout_masks(SPEC, 7, 0)
    with pytest.raises(ValueError, match=r"layer 1: the dropout mask D1 has shape \(6, 7\)"):
        scratch.L_model_forward(X, params, SPEC, masks=masks)


def test_the_loop_drops_by_the_masks_of_each_step(planar_data):
    """The cost ``train`` records at step t is the training-mode cost under
    ``dropout_masks(spec, m, t)`` of the parameters that step started from."""
    X, Y = planar_data
    spec = scratch.build_spec([2, 6, 1], "tanh", init="he").with_hidden_layers(keep_prob=0.6)
    first = scratch.train(spec, X, Y, learning_rate=0.5, num_iterations=3)
    before = scratch.train(spec, X, Y, learning_rate=0.5, num_iterations=2).params
    masks = dropout_masks(spec, 400, step=2)
    assert first.costs[2] == scratch.cost_of(X, Y, before, spec, training=True, masks=masks)
    step_0 = dropout_masks(spec, 400, step=0)
    assert first.costs[2] != scratch.cost_of(X, Y, before, spec, training=True, masks=step_0)
