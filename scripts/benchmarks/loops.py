"""The course's loop forms against the vectorised ones, layer by layer: each conv and pool layer
of an image workload, forward and backward, as ``scratch.course.convolution`` computes it (the
assignment's loops over examples, window positions and channels, a Python step per output entry)
and as ``scratch.convolution`` does (the training path's: the windows as views, their products
in BLAS), on the layer's own sizes, the workload's weights and seeded inputs and gradients.

The loops are slow: they are timed on a reduced batch of ``LOOP_EXAMPLES`` examples, once a
round; the vectorised forms on the same examples and on the workload's whole batch, the median
of ``REPEATS`` calls. Every figure is ms per example. A backward pass is timed alone, from the
cache of a forward pass made before the clock starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np

import scratch.convolution as vectorised
import scratch.course.convolution as loops
from scripts.benchmarks.workloads import WorkloadData

LOOP_EXAMPLES = 2  # the loops' reduced batch
REPEATS = 3  # calls of a vectorised pass, the median taken

Pass = Callable[[], Any]


class LayerPass(NamedTuple):
    """One pass of one layer, ms per example: the loops on ``LOOP_EXAMPLES`` examples, the
    vectorised form on the same examples and on the batch."""

    layer: str
    direction: str  # "forward" or "backward"
    loops_ms: float
    vectorised_ms: float
    batch_ms: float


def layer_passes(data: WorkloadData, module: ModuleType, m: int) -> dict[tuple[str, str], Pass]:
    """``(layer, direction) -> pass`` for every conv and pool layer of ``data``'s network in
    ``module``'s form (``scratch.course.convolution`` or ``scratch.convolution``), on ``m``
    examples: seeded inputs in [0, 1) of the layer's input shape, the workload's weights, and
    for the backward pass a cache made by the form's own forward pass and a seeded gradient."""
    spec, passes = data.spec, {}
    layers = zip(spec.layers, spec.shapes, strict=False)  # each layer with its input's shape
    for l, (layer, shape) in enumerate(layers, start=1):
        if layer.kind not in ("conv", "pool"):
            continue
        rng = np.random.default_rng(l)
        A_prev = rng.random((m, *shape), dtype=spec.dtype)
        name = f"{l} {layer.describe()} on {'x'.join(map(str, shape))}"
        if layer.kind == "conv":
            W, b, hparameters = data.params[f"W{l}"], data.params[f"b{l}"], layer.hparameters
            forward = (module.conv_forward, A_prev, W, b, hparameters)
            Z, cache = module.conv_forward(A_prev, W, b, hparameters)
            backward = (module.conv_backward, rng.standard_normal(Z.shape, dtype=spec.dtype), cache)
        else:
            A, cache = module.pool_forward(A_prev, layer.hparameters, layer.mode)
            forward = (module.pool_forward, A_prev, layer.hparameters, layer.mode)
            dA = rng.standard_normal(A.shape, dtype=spec.dtype)
            backward = (module.pool_backward, dA, cache, layer.mode)
        for direction, (function, *args) in (("forward", forward), ("backward", backward)):
            passes[name, direction] = partial(function, *args)
    return passes


def seconds(work: Pass, repeats: int) -> float:
    """The median time of ``repeats`` calls of ``work``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def loop_times(data: WorkloadData) -> list[LayerPass]:
    """Every conv and pool layer's passes of ``data``'s network, the loops against the
    vectorised forms (module docstring), in the network's order."""
    few, batch = LOOP_EXAMPLES, data.workload.batch
    course = layer_passes(data, loops, few)
    ours, whole = layer_passes(data, vectorised, few), layer_passes(data, vectorised, batch)
    return [
        LayerPass(
            layer,
            direction,
            seconds(course[layer, direction], 1) * 1e3 / few,
            seconds(ours[layer, direction], REPEATS) * 1e3 / few,
            seconds(whole[layer, direction], REPEATS) * 1e3 / batch,
        )
        for layer, direction in course
    ]
