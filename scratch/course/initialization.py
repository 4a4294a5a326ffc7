"""The second course, week 1, "Initialization", in the assignment's own signatures: a network's
weights three ways, ``W[l]`` (n[l], n[l-1]) and ``b[l] = 0`` (n[l], 1), for any
``layers_dims = [n[0], ..., n[L]]``:

- ``zeros``:  ``W[l] = 0``: every unit of a layer stays the same as the others (the symmetry is
  never broken);
- ``random``: ``W[l] = randn(n[l], n[l-1]) * 10``, large on purpose: the sigmoid saturates;
- ``he``:     ``W[l] = randn(n[l], n[l-1]) * sqrt(2 / n[l-1])``, He et al. (2015), for ReLU
  layers.

The draws are the notebook's: ``np.random.seed(3)`` at the top of the function, then one
``randn(n[l], n[l-1])`` per layer, in order (``course_draws``), which the notebook's expected
values come from. Here they come from a ``RandomState(3)`` of their own, the same numbers
without touching NumPy's global state. NumPy only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray
Params = dict[str, Array]
SEED = 3  # the notebook's np.random.seed(3)
SCALES: dict[str, Callable[[int], float]] = {
    "random": lambda n_prev: 10.0,
    "he": lambda n_prev: np.sqrt(2.0 / n_prev),
}


def course_draws(layers_dims: Sequence[int], seed: int = SEED) -> dict[str, Array]:
    """``W{l}``'s standard normal draws: ``np.random.seed(seed)``, then ``randn(n[l],
    n[l-1])`` for l = 1 .. L in order."""
    rng = np.random.RandomState(seed)
    shapes = zip(layers_dims[1:], layers_dims[:-1], strict=True)
    return {f"W{l}": rng.randn(*shape) for l, shape in enumerate(shapes, 1)}


def with_zero_biases(weights: dict[str, Array]) -> Params:
    """``W1, b1, W2, b2, ...`` in the course's order, each ``b[l] = 0`` (n[l], 1)."""
    out = {}
    for l in range(1, len(weights) + 1):
        W = weights[f"W{l}"]
        out[f"W{l}"], out[f"b{l}"] = W, np.zeros((W.shape[0], 1))
    return out


def initialize_parameters_zeros(layers_dims: Sequence[int]) -> Params:
    shapes = zip(layers_dims[1:], layers_dims[:-1], strict=True)
    return with_zero_biases({f"W{l}": np.zeros(shape) for l, shape in enumerate(shapes, 1)})


def scaled(layers_dims: Sequence[int], scale: Callable[[int], float]) -> Params:
    """``W[l] = randn(n[l], n[l-1]) * scale(n[l-1])`` of the course's draws, ``b[l] = 0``."""
    draws = course_draws(layers_dims)
    weights = {key: W * scale(W.shape[1]) for key, W in draws.items()}
    return with_zero_biases(weights)


def initialize_parameters_random(layers_dims: Sequence[int]) -> Params:
    return scaled(layers_dims, SCALES["random"])


def initialize_parameters_he(layers_dims: Sequence[int]) -> Params:
    return scaled(layers_dims, SCALES["he"])
