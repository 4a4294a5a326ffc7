"""scratch.train: one cost per iteration before its update, reproducible to the bit, mini-batch
schedules that resume exactly, float32 end to end, caller's arrays never touched."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import (
    BatchSchedule,
    DivergenceError,
    build_spec,
    initialize_parameters,
    layer_internals,
    load_dataset,
    train,
)


@pytest.fixture(scope="module")
def planar():
    return load_dataset("planar")


PLANAR = build_spec([2, 4, 1], "tanh", seed=1)


def test_costs_are_taken_before_each_update(planar):
    X, Y = planar
    params = initialize_parameters(PLANAR)
    result = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=3)
    assert result.costs[0] == layer_internals(X, Y, params, PLANAR)["cost"]
    after_two = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=2).params
    assert result.costs[2] == layer_internals(X, Y, after_two, PLANAR)["cost"]


def test_same_seed_and_spec_give_bit_identical_runs(planar):
    X, Y = planar
    first = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=200, batch_size=64)
    second = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=200, batch_size=64)
    np.testing.assert_array_equal(first.costs, second.costs)
    for key in first.params:
        np.testing.assert_array_equal(first.params[key], second.params[key])
    other = train(
        PLANAR.replace(seed=2), X, Y, learning_rate=1.2, num_iterations=200, batch_size=64
    )
    assert not np.array_equal(first.costs, other.costs)


def test_callers_params_are_copied_not_mutated(planar):
    X, Y = planar
    params = initialize_parameters(PLANAR)
    before = {k: v.copy() for k, v in params.items()}
    result = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=5)
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        assert not np.shares_memory(result.params[key], params[key])


@pytest.mark.parametrize("batch_size", [None, 64])
def test_resumed_run_equals_one_run(planar, batch_size):
    X, Y = planar
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


def test_batch_schedule_covers_each_example_once_per_epoch():
    schedule = BatchSchedule(m=10, batch_size=4, seed=3)
    assert schedule.steps_per_epoch == 3
    steps = list(schedule.batches(0, 6))
    assert [len(b) for b in steps] == [4, 4, 2, 4, 4, 2]
    first, second = np.concatenate(steps[:3]), np.concatenate(steps[3:])
    assert sorted(first) == sorted(second) == list(range(10))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(next(iter(schedule.batches(4, 5))), steps[4])
    ordered = BatchSchedule(m=10, batch_size=4, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(list(ordered.batches(0, 3))), np.arange(10))
    assert list(BatchSchedule(m=10, batch_size=None).batches(0, 2)) == [None, None]


def test_mini_batch_cost_is_the_batch_cost(planar):
    X, Y = planar
    params = initialize_parameters(PLANAR)
    result = train(PLANAR, X, Y, params=params, learning_rate=1.2, num_iterations=1, batch_size=32)
    index = next(BatchSchedule(400, 32, seed=PLANAR.seed).batches(0, 1))
    expected = layer_internals(X[:, index], Y[:, index], params, PLANAR)["cost"]
    assert result.costs[0] == pytest.approx(float(expected), rel=1e-15)


def test_callback_sees_every_iteration(planar):
    X, Y = planar
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


def test_float32_spec_computes_in_float32_end_to_end(planar):
    X, Y = planar
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
