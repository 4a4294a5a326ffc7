"""The second course, week 2, "Optimization Methods", in the assignment's own signatures: the
project's own optimizers (``scratch.optimizers``) already are, under the course's names; and
``random_mini_batches``, the course's own shuffle and partition. NumPy only.
"""

from __future__ import annotations

import numpy as np

from scratch.optimizers import (
    initialize_adam,
    initialize_velocity,
    schedule_lr_decay,
    update_lr,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)

Array = np.ndarray

__all__ = [
    "course_order",
    "initialize_adam",
    "initialize_velocity",
    "random_mini_batches",
    "schedule_lr_decay",
    "update_lr",
    "update_parameters_with_adam",
    "update_parameters_with_gd",
    "update_parameters_with_momentum",
    "update_parameters_with_rmsprop",
]


def course_order(m: int, seed: int = 0) -> Array:
    """The notebook's shuffle: ``np.random.seed(seed)``, then ``np.random.permutation(m)``; here
    from a ``RandomState(seed)`` of its own (NumPy's global state untouched). Not the project's
    own batch order (``scratch.BatchSchedule``), which draws from ``default_rng((seed, epoch))``."""
    return np.random.RandomState(seed).permutation(m)


def random_mini_batches(
    X: Array, Y: Array, mini_batch_size: int = 64, seed: int = 0
) -> list[tuple[Array, Array]]:
    """The examples (columns of ``X`` (n_x, m) and ``Y`` (1, m)) in the course's order for
    ``seed``, cut into ``floor(m / mini_batch_size)`` full mini-batches and, when
    ``mini_batch_size`` does not divide m, a last one of the ``m % mini_batch_size`` left."""
    order = course_order(X.shape[1], seed)
    X, Y = X[:, order], Y[:, order]
    return [
        (X[:, k : k + mini_batch_size], Y[:, k : k + mini_batch_size])
        for k in range(0, X.shape[1], mini_batch_size)
    ]
