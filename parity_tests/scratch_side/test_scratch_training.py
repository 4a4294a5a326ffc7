"""scratch.train: one cost per iteration before its update, reproducible to the bit, mini-batch
schedules that resume exactly, float32 end to end, caller's arrays never touched; and the
training behaviour the course teaches (the planar flower, logistic regression's optimum)."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import PLANAR

from scratch import (
    BatchSchedule,
    DivergenceError,
    accuracy,
    build_spec,
    initialize_parameters,
    layer_internals,
    load_dataset,
    train,
)


def test_costs_are_taken_before_each_update(planar_data):
    X, Y = planar_data
    params = initialize_parameters(PLANAR)
    result = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=3)
    assert result.costs[0] == layer_internals(X, Y, params, PLANAR)["cost"]
    after_two = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=2).params
    assert result.costs[2] == layer_internals(X, Y, after_two, PLANAR)["cost"]


def test_same_seed_and_spec_give_bit_identical_runs(planar_data):
    X, Y = planar_data
    first = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=200, batch_size=64)
    second = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=200, batch_size=64)
    np.testing.assert_array_equal(first.costs, second.costs)
    for key in first.params:
        np.testing.assert_array_equal(first.params[key], second.params[key])
    other = train(
        PLANAR.replace(seed=2), X, Y, learning_rate=1.2, num_iterations=200, batch_size=64
    )
    assert not np.array_equal(first.costs, other.costs)


def test_callers_params_are_copied_not_mutated(planar_data):
    X, Y = planar_data
    params = initialize_parameters(PLANAR)
    before = {k: v.copy() for k, v in params.items()}
    result = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=5)
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        assert not np.shares_memory(result.params[key], params[key])


@pytest.mark.parametrize("batch_size", [None, 64])
def test_resumed_run_equals_one_run(planar_data, batch_size):
    X, Y = planar_data
    whole = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=100, batch_size=batch_size)
    first = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=50, batch_size=batch_size)
    second = train(
        PLANAR,
        X,
        Y,
        params=first.params,
        learning_rate=1.2,
        num_iterations=50,
        batch_size=batch_size,
        start_iteration=50,
    )
    np.testing.assert_array_equal(np.concatenate([first.costs, second.costs]), whole.costs)
    for key in whole.params:
        np.testing.assert_array_equal(second.params[key], whole.params[key])


def test_mini_batch_cost_is_the_batch_cost(planar_data):
    X, Y = planar_data
    params = initialize_parameters(PLANAR)
    result = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=1, batch_size=32)
    index = next(BatchSchedule(400, 32, seed=PLANAR.seed).batches(0, 1))
    expected = layer_internals(X[:, index], Y[:, index], params, PLANAR)["cost"]
    assert result.costs[0] == pytest.approx(float(expected), rel=1e-15)


def test_callback_sees_every_iteration(planar_data):
    X, Y = planar_data
    seen = []
    result = train(
        PLANAR,
        X,
        Y,
        learning_rate=1.2,
        num_iterations=7,
        start_iteration=3,
        callback=lambda t, cost: seen.append((t, cost)),
    )
    assert [t for t, _ in seen] == list(range(3, 10))
    np.testing.assert_array_equal([c for _, c in seen], result.costs)


def test_float32_spec_computes_in_float32_end_to_end(planar_data):
    X, Y = planar_data
    spec32 = PLANAR.replace(dtype="float32")
    result = train(spec32, X, Y, learning_rate=1.2, num_iterations=300)
    assert all(v.dtype == np.float32 for v in result.params.values())
    internals = layer_internals(X, Y, result.params, spec32)
    assert all(v.dtype == np.float32 for v in internals.values())
    result64 = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=300)
    np.testing.assert_allclose(result.costs, result64.costs, rtol=1e-4)
    assert not np.array_equal(result.costs, result64.costs)  # really a different precision


def test_diverging_run_stops_with_the_last_finite_parameters():
    X, Y = load_dataset("housing")
    spec = build_spec([4, 8, 1], "relu", loss="mse", init="he")
    with pytest.raises(DivergenceError) as err:
        train(spec, X, Y, learning_rate=5.0, num_iterations=1000)
    failure = err.value
    assert f"iteration {failure.iteration}" in str(failure)
    assert len(failure.costs) == failure.iteration and np.isfinite(failure.costs).all()
    last = layer_internals(X, Y, failure.params, spec)["cost"]
    assert np.isfinite(last) and last == pytest.approx(failure.costs[-1], rel=1e-12)


def test_housing_regression_learns():
    X, Y = load_dataset("housing")
    spec = build_spec([4, 8, 1], "relu", loss="mse", init="he", seed=2)
    result = train(spec, X, Y, learning_rate=0.02, num_iterations=2000)
    assert result.costs[-1] < 0.05 * result.costs[0]


def test_planar_flower_reaches_88_percent():
    """The course's shallow net: [2, 4, 1], tanh/sigmoid, randn*0.01, lr 1.2, 10,000 steps."""
    X, Y = load_dataset("planar")
    spec = build_spec([2, 4, 1], "tanh", init="small_random", seed=1)
    result = train(spec, X, Y, learning_rate=1.2, num_iterations=10_000)
    assert accuracy(X, Y, result.params, spec) >= 0.88
    assert result.costs.shape == (10_000,) and result.costs[-1] < result.costs[0]


def newton_logistic_regression(X, Y, iterations=50):
    """The exact optimum of the (convex) logistic-regression cost, by Newton's method."""
    Xb = np.vstack([X, np.ones((1, X.shape[1]))])
    w = np.zeros(Xb.shape[0])
    y = Y.ravel()
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(w @ Xb)))
        gradient = Xb @ (p - y) / y.size
        hessian = (Xb * (p * (1 - p))) @ Xb.T / y.size
        w -= np.linalg.solve(hessian, gradient)
    return w


def test_logistic_regression_reaches_the_optimum():
    """No hidden layer: gradient descent lands on Newton's optimum of the convex cost, and
    separates a linearly separable set perfectly."""
    spec = build_spec([2, 1], init="zeros")
    X, Y = load_dataset("blobs", separation=1.5, seed=3)  # overlapping: a finite optimum
    result = train(spec, X, Y, learning_rate=2.0, num_iterations=3000)
    w = newton_logistic_regression(X, Y)
    np.testing.assert_allclose(result.params["W1"].ravel(), w[:2], rtol=1e-8)
    np.testing.assert_allclose(result.params["b1"].ravel(), w[2:], rtol=1e-8, atol=1e-10)

    X, Y = load_dataset("blobs", separation=8.0, seed=3)
    result = train(spec, X, Y, learning_rate=1.0, num_iterations=500)
    assert accuracy(X, Y, result.params, spec) == 1.0


NORM_DROPOUT = build_spec([2, 16, 8, 1], "relu", init="he", seed=4).with_hidden_layers(
    keep_prob=[0.8, 0.7], batch_norm=[True, True]
)


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_a_resumed_run_with_batch_norm_and_dropout_equals_one_run_bit_for_bit(
    planar_data, optimizer
):
    """The masks come from the step, the running statistics ride in the parameters and the
    optimizer's state in ``state``: 60 + 40 steps are the 100, to the bit, running
    statistics included."""
    X, Y = planar_data
    run = {"learning_rate": 0.01, "batch_size": 64, "optimizer": optimizer}
    whole = train(NORM_DROPOUT, X, Y, num_iterations=100, **run)
    head = train(NORM_DROPOUT, X, Y, num_iterations=60, **run)
    tail = train(
        NORM_DROPOUT,
        X,
        Y,
        params=head.params,
        state=head.state,
        num_iterations=40,
        start_iteration=60,
        **run,
    )
    assert np.array_equal(np.concatenate([head.costs, tail.costs]), whole.costs)
    assert list(tail.params) == list(whole.params)
    for key, value in whole.params.items():
        assert np.array_equal(tail.params[key], value), key
    assert not np.array_equal(whole.params["running_var1"], np.ones((16, 1))), "never updated"


def steady_allocation(spec, X, Y) -> int:
    """The most a step allocates above what the step before left allocated, after the first
    two (which allocate the arrays the later ones write into)."""
    import tracemalloc

    held, extra = [0], []

    def measure(t, cost):
        now, peak = tracemalloc.get_traced_memory()
        extra.append(peak - held[-1])
        held.append(now)
        tracemalloc.reset_peak()

    tracemalloc.start()
    try:
        train(spec, X, Y, learning_rate=0.01, num_iterations=6, callback=measure)
    finally:
        tracemalloc.stop()
    assert extra[0] > 10 * X.shape[1] * spec.sizes[1], "the first step allocated nothing"
    return max(extra[2:])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_step_with_batch_norm_and_dropout_allocates_nothing_large(dtype):
    """The loop writes each step into the arrays of the step before, masks included: with
    (256, 512) layers, a step allocates what the plain network's step does (NumPy's own
    buffers) and a few (256, 1) statistics, not another layer's worth."""
    rng = np.random.default_rng(0)
    plain = build_spec([64, 256, 256, 1], "relu", init="he", dtype=dtype)
    both = plain.with_hidden_layers(keep_prob=0.8, batch_norm=True)
    X, Y = rng.standard_normal((64, 512)), rng.integers(0, 2, (1, 512))
    layer = 256 * 512 * np.dtype(dtype).itemsize
    more = steady_allocation(both, X, Y) - steady_allocation(plain, X, Y)
    assert more < layer / 16, f"a step allocated {more} bytes more (a layer is {layer})"
