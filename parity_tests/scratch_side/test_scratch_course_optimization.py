"""``scratch.course.optimization``: the second course's "Optimization Methods" functions are the
project's own optimizers under the course's names, with the course's signatures and defaults;
only the shuffle is the assignment's own: ``course_order`` draws the notebook's permutation
without touching NumPy's global state, and ``random_mini_batches`` are torch's DataLoader's in
that order, which is not the project's own batch order."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import scratch
from scratch import optimizers
from scratch.course import optimization
from torch_impl import course as truth


def test_the_courses_update_rules_are_the_projects_own_optimizers():
    """Only the shuffle is the assignment's own (``course_order``, ``random_mini_batches``)."""
    own = {"course_order", "random_mini_batches"}
    for name in set(optimization.__all__) - own:
        assert getattr(optimization, name) is getattr(optimizers, name), name


def test_adam_takes_the_courses_arguments_and_defaults_and_returns_its_five_values(rng):
    parameters = inspect.signature(optimization.update_parameters_with_adam).parameters
    assert list(parameters) == [
        "parameters", "grads", "v", "s", "t", "learning_rate", "beta1", "beta2", "epsilon",
    ]  # fmt: skip
    defaults = {k: p.default for k, p in parameters.items() if p.default is not p.empty}
    assert defaults == {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    params = {"W1": rng.standard_normal((2, 3)), "b1": np.zeros((2, 1))}
    grads = {"dW1": rng.standard_normal((2, 3)), "db1": rng.standard_normal((2, 1))}
    v, s = optimization.initialize_adam(params)
    out = optimization.update_parameters_with_adam(params, grads, v, s, 1)
    assert len(out) == 5  # parameters, v, s, v_corrected, s_corrected


def test_the_first_adam_step_moves_each_weight_by_about_the_learning_rate(rng):
    """At t = 1 the corrected moments are ``g`` and ``g^2``: the step is ``alpha g / (|g| +
    epsilon)``, which is the point of the bias correction."""
    params = {"W1": rng.standard_normal((3, 3)), "b1": np.zeros((3, 1))}
    grads = {"dW1": rng.standard_normal((3, 3)), "db1": rng.standard_normal((3, 1))}
    v, s = optimization.initialize_adam(params)
    new, *_ = optimization.update_parameters_with_adam(params, grads, v, s, 1, learning_rate=0.01)
    for key in params:
        np.testing.assert_allclose(
            new[key] - params[key], -0.01 * np.sign(grads[f"d{key}"]), rtol=1e-6
        )


def test_the_velocity_starts_at_zero_keyed_by_the_gradients():
    params = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    v = optimization.initialize_velocity(params)
    assert list(v) == ["dW1", "db1"] and not any(value.any() for value in v.values())
    assert optimization.update_lr(0.5, 2, 1.0) == 0.5 / 3


def test_the_order_is_the_seeded_global_permutation_and_leaves_numpys_state_alone():
    state = np.random.get_state()
    try:
        np.random.seed(5)
        notebook = np.random.permutation(37)
        np.random.seed(9)
        before = np.random.random()
        np.random.seed(9)
        order = optimization.course_order(37, 5)
        assert np.random.random() == before
    finally:
        np.random.set_state(state)
    np.testing.assert_array_equal(order, notebook)


@pytest.mark.parametrize(("m", "size", "seed"), [(148, 64, 0), (128, 64, 2), (10, 64, 1)])
def test_the_mini_batches_are_the_dataloaders_in_the_courses_order(m, size, seed):
    rng = np.random.default_rng(m)
    X, Y = rng.standard_normal((3, m)), (rng.random((1, m)) < 0.5).astype(float)
    ours = optimization.random_mini_batches(X, Y, size, seed)
    theirs = truth.mini_batches(X, Y, optimization.course_order(m, seed), size)
    assert len(ours) == len(theirs) == -(-m // size)
    for (X_k, Y_k), (X_t, Y_t) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(X_k, X_t)
        np.testing.assert_array_equal(Y_k, Y_t)
    assert [batch.shape[1] for batch, _ in ours][-1] == (m % size or size)
    columns = np.concatenate([batch for batch, _ in ours], axis=1)
    assert sorted(map(tuple, columns.T)) == sorted(map(tuple, X.T))  # a partition


def test_the_courses_order_is_not_the_projects_batch_order():
    """The project's own schedule draws each epoch from ``default_rng((seed, epoch))``, so the
    course's seed 0 and the project's seed 0 shuffle the examples differently."""
    project = scratch.BatchSchedule(148, 64, seed=0).epoch_order(0)
    assert not np.array_equal(project, optimization.course_order(148, 0))
