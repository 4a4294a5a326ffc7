"""``scratch.initializers``: each scheme's scale, seeded and free of global random state, and
why zeros are no way to start a network with hidden units."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import build_spec, initialize_parameters, load_dataset, train


def test_zero_initialisation_never_breaks_symmetry():
    X, Y = load_dataset("planar")
    # Two classes of 200 with zero weights give dW = db = 0 exactly: take 300 examples, so the
    # output bias moves first and the rest follows.
    X, Y = X[:, :300], Y[:, :300]
    spec = build_spec([2, 4, 1], "sigmoid", init="zeros")
    params = train(spec, X, Y, learning_rate=1.2, num_iterations=500).params
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    assert np.abs(W1).max() > 0 and np.abs(W2).max() > 0  # the weights did move ...
    np.testing.assert_array_equal(W1, np.broadcast_to(W1[0], W1.shape))  # ... all units alike
    np.testing.assert_array_equal(b1, np.broadcast_to(b1[0], b1.shape))
    np.testing.assert_array_equal(W2, np.broadcast_to(W2[0, 0], W2.shape))
    random = train(spec.replace(init="small_random"), X, Y, learning_rate=1.2, num_iterations=500)
    assert len(np.unique(random.params["W1"][:, 0])) == 4


@pytest.mark.parametrize("init", ["small_random", "xavier", "he"])
def test_initialisation_scale_and_seed(init):
    spec = build_spec([400, 300, 1], "relu", init=init, seed=7)
    W1 = initialize_parameters(spec)["W1"]
    expected = {"small_random": 0.01, "xavier": np.sqrt(2 / 700), "he": np.sqrt(2 / 400)}[init]
    assert W1.std() == pytest.approx(expected, rel=0.02)
    assert not initialize_parameters(spec)["b1"].any()
    np.testing.assert_array_equal(initialize_parameters(spec)["W1"], W1)
    assert not np.array_equal(initialize_parameters(spec.replace(seed=8))["W1"], W1)


def test_initialisation_touches_no_global_random_state():
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    initialize_parameters(build_spec([3, 4, 1], "tanh"))
    assert np.random.random() == expected
