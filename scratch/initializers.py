"""Initialisation, drawn once on the scratch side (the torch side has no twin: it draws nothing and
starts from these weights). One table entry per scheme: ``init(rng, n, n_prev) -> W`` of shape
(n, n_prev), drawn in float64 from the caller's generator. Biases always start at zero
(batch norm's ``gamma`` at one).

- ``zeros``: W = 0. Every hidden unit computes the same function and receives the same
  gradient, so they stay identical forever (symmetry is never broken).
- ``small_random``: the course's ``randn * 0.01``.
- ``xavier``: Glorot & Bengio (2010), ``randn * sqrt(2 / (n_prev + n))`` (torch's xavier_normal_).
- ``he``: He et al. (2015), ``randn * sqrt(2 / n_prev)``, for ReLU layers.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np

from scratch.memory import check_memory
from scratch.spec import NetworkSpec
from scratch.validation import check_spec

Init = Callable[[np.random.Generator, int, int], np.ndarray]

INIT_TABLE: dict[str, Init] = {
    "zeros": lambda rng, n, n_prev: np.zeros((n, n_prev)),
    "small_random": lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * 0.01,
    "xavier": lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * np.sqrt(2 / (n_prev + n)),
    "he": lambda rng, n, n_prev: rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev),
}


def initialize_parameters(
    spec: NetworkSpec, rng: np.random.Generator | None = None
) -> dict[str, np.ndarray]:
    """``W[l]`` drawn by the spec's init scheme, ``b[l] = 0``, in the spec's dtype; a batch-norm
    layer has ``gamma[l] = 1`` and ``beta[l] = 0`` instead of ``b[l]``, and its state
    ``running_mean[l] = 0``, ``running_var[l] = 1`` (torch's starting values).

    Draws in float64 from ``rng`` (default: a fresh ``np.random.default_rng(spec.seed)``, so no
    global state is touched), layer by layer, then casts: a float32 spec gets the float64
    weights rounded. Refuses a spec whose weights need more memory than the machine has
    (``scratch.memory.check_memory``) before drawing any.
    """
    check_spec(spec)
    check_memory(spec)
    rng = np.random.default_rng(spec.seed) if rng is None else rng
    init = INIT_TABLE[spec.init]
    params: dict[str, np.ndarray] = {}
    for l, ((n_prev, n), layer) in enumerate(
        zip(pairwise(spec.sizes), spec.layers, strict=True), 1
    ):
        params[f"W{l}"] = init(rng, n, n_prev).astype(spec.dtype)
        if not layer.batch_norm:
            params[f"b{l}"] = np.zeros((n, 1), dtype=spec.dtype)
            continue
        params[f"gamma{l}"] = np.ones((n, 1), dtype=spec.dtype)
        params[f"beta{l}"] = np.zeros((n, 1), dtype=spec.dtype)
    for key, shape in spec.buffer_shapes().items():
        params[key] = np.full(shape, 0.0 if key.startswith("running_mean") else 1.0, spec.dtype)
    return params
