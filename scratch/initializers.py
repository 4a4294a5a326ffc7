"""Initialisation, drawn once on the scratch side (the torch side has no twin: it draws nothing and
starts from these weights). One table entry per scheme: ``init(rng, shape, fan_in, fan_out) ->
W`` of ``shape`` in course layout, drawn in float64 from the caller's generator, with
``fan_in``, ``fan_out`` the entries one output sums and one input feeds: n[l-1] and n[l] for a
dense ``W`` (n[l], n[l-1]), f f n_C_prev and f f n_C for conv filters (f, f, n_C_prev, n_C),
torch's counts for ``nn.Linear`` and ``nn.Conv2d``. Biases always start at zero (batch norm's
``gamma`` at one).

- ``zeros``: W = 0. Every hidden unit computes the same function and receives the same
  gradient, so they stay identical forever (symmetry is never broken).
- ``small_random``: the course's ``randn * 0.01``.
- ``xavier``: Glorot & Bengio (2010), ``randn * sqrt(2 / (fan_in + fan_out))`` (torch's
  xavier_normal_).
- ``he``: He et al. (2015), ``randn * sqrt(2 / fan_in)``, for ReLU layers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scratch.memory import check_memory
from scratch.spec import NetworkSpec
from scratch.validation import check_spec

Init = Callable[[np.random.Generator, tuple[int, ...], int, int], np.ndarray]

INIT_TABLE: dict[str, Init] = {
    "zeros": lambda rng, shape, fan_in, fan_out: np.zeros(shape),
    "small_random": lambda rng, shape, fan_in, fan_out: rng.standard_normal(shape) * 0.01,
    "xavier": lambda rng, shape, fan_in, fan_out: (
        rng.standard_normal(shape) * np.sqrt(2 / (fan_in + fan_out))
    ),
    "he": lambda rng, shape, fan_in, fan_out: rng.standard_normal(shape) * np.sqrt(2 / fan_in),
}


def initialize_parameters(
    spec: NetworkSpec, rng: np.random.Generator | None = None
) -> dict[str, np.ndarray]:
    """``W[l]`` drawn by the spec's init scheme, ``b[l] = 0``, in the spec's dtype; a batch-norm
    layer has ``gamma[l] = 1`` and ``beta[l] = 0`` instead of ``b[l]``, and its state
    ``running_mean[l] = 0``, ``running_var[l] = 1`` (torch's starting values); a conv layer's
    filters are drawn in course layout (f, f, n_C_prev, n_C), and a pool or flatten layer has
    nothing to draw. A recurrent network's weights are drawn in the course's order (``Wax,
    Waa, Wya``; ``Wf, Wi, Wc, Wo, Wy``), each with its own fans (``Wax``: n_x in, an LSTM
    gate's: n_a + n_x), its biases zero (``scratch.layer_kinds.Recurrent``).

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
    for key, shape in spec.param_shapes().items():
        if key.startswith("W"):
            params[key] = init(rng, shape, *spec.fans(key)).astype(spec.dtype)
        else:
            start = 1.0 if key.startswith("gamma") else 0.0
            params[key] = np.full(shape, start, dtype=spec.dtype)
    for key, shape in spec.buffer_shapes().items():
        params[key] = np.full(shape, 0.0 if key.startswith("running_mean") else 1.0, spec.dtype)
    return params
