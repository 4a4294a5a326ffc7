"""``scratch.course.optimization``: the optimizers are the project's own under the course's
names; ``random_mini_batches`` cuts the examples, in the notebook's order for its seed, into the
batches torch's ``DataLoader`` serves in that order, the last one short; and that order is not
the project's own batch order (``scratch.BatchSchedule``)."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch import optimizers
from scratch.course import optimization
from torch_impl import course as truth


def test_the_optimizers_are_the_projects_own():
    for name in ("update_parameters_with_gd", "update_parameters_with_adam", "update_lr"):
        assert getattr(optimization, name) is getattr(optimizers, name)


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
