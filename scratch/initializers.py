"""Initialisation schemes, one table entry per name: ``init(rng, n, n_prev) -> W`` of shape
(n, n_prev), drawn in float64 from the caller's generator. Biases always start at zero.

- ``zeros``: W = 0. Every hidden unit computes the same function and receives the same
  gradient, so they stay identical forever (symmetry is never broken).
- ``small_random``: the course's ``randn * 0.01``.
- ``xavier``: Glorot & Bengio (2010), ``randn * sqrt(2 / (n_prev + n))`` (torch's xavier_normal_).
- ``he``: He et al. (2015), ``randn * sqrt(2 / n_prev)``, for ReLU layers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Init = Callable[[np.random.Generator, int, int], np.ndarray]

INIT_TABLE: dict[str, Init] = {
    "zeros": lambda rng, n, n_prev: np.zeros((n, n_prev)),
    "small_random": lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * 0.01,
    "xavier": lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * np.sqrt(2 / (n_prev + n)),
    "he": lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev),
}
