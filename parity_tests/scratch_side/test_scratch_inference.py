"""``scratch.inference``: predictions and accuracy of the network at inference, batch norm by the
running statistics and nothing dropped, whatever the batch (one example included)."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import generic_params

import scratch
from scratch import accuracy, build_spec, predict

SPEC = build_spec([3, 6, 4, 1], "relu").with_hidden_layers(keep_prob=0.5, batch_norm=True)


def test_each_example_is_predicted_alone_as_in_its_batch(rng):
    """At inference nothing depends on the other examples: no batch statistics, no masks."""
    params, X = generic_params(SPEC, rng), rng.standard_normal((3, 9))
    together = predict(X, params, SPEC)
    alone = np.hstack([predict(X[:, i : i + 1], params, SPEC) for i in range(9)])
    assert np.array_equal(together, alone)


def test_predictions_come_from_the_running_statistics(rng):
    params, X = generic_params(SPEC, rng), rng.standard_normal((3, 40))
    AL, _ = scratch.L_model_forward(X, params, SPEC, training=False)
    assert np.array_equal(predict(X, params, SPEC), (AL > 0.5).astype(np.int64))
    moved = params | {"running_mean1": params["running_mean1"] + 3.0}
    assert not np.array_equal(scratch.L_model_forward(X, moved, SPEC, training=False)[0], AL)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_labels_are_the_arg_max_or_the_regression_itself(rng, loss):
    spec = build_spec([3, 5, 3], "tanh", loss=loss).with_hidden_layers(batch_norm=True)
    params, X = generic_params(spec, rng), rng.standard_normal((3, 7))
    AL, _ = scratch.L_model_forward(X, params, spec, training=False)
    expected = AL.argmax(axis=0)[None] if loss == "cross_entropy" else AL
    assert np.array_equal(predict(X, params, spec), expected)
    if loss == "cross_entropy":
        assert accuracy(X, expected, params, spec) == 1.0
