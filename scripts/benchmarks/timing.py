"""The benchmark's clocks: each side's step time, each library's time for the same step's matrix
products, and the machine's matmul rate, all taken in interleaved rounds of one process.

How a step is timed. Each side runs its own training function (``scratch.train``,
``torch_impl.train_plain`` or ``torch_impl.train``, a real ``lightning.Trainer``) with a callback
that reads ``time.perf_counter()`` after every step; the gap between two callbacks is one whole
step of that loop, everything the loop does between two batches included. Set-up before the first
callback is never counted, and the first ``warmup`` gaps of a turn are dropped: the other
library's threads may still hold the cores. Each turn also counts the minor page faults of its
timed steps (``getrusage``): a fresh array's pages are faulted in as they are first written.

Where the time goes. Each library also forms the step's products alone, on operands of the
workload's shapes, NumPy in course layout (``W @ A``, ``dZ @ A.T``, ``W.T @ dZ``) and torch one
example per row as ``nn.Linear`` does (``A @ W.T``, ``dZ.T @ A``, ``dZ @ W``); both leave out a
one-unit layer's ``W^T dZ``, which scratch forms as a broadcast. A step's time less its products'
is the rest: activations, cost, bias, update and the loop. A workload trained by another
optimizer than gradient descent also has its update timed alone (``scripts.benchmarks.updates``):
scratch's ``Optimizer.step`` and torch's ``optimizer.step()``, for the update's share of a step.

The machine's limit is the median rate of ``W @ A`` with W (n, n) and A (n, m), into an output
allocated once, in the same dtype and round. Products, updates and matmuls are timed with
``timeit``, one call per repeat, and the median taken; ``scripts.runs.cores.cores_for`` gives each
its turn.
"""

from __future__ import annotations

import resource
import time
import timeit
from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np

from scripts.benchmarks.updates import update_step
from scripts.benchmarks.workloads import Workload, WorkloadData
from scripts.runs.cores import cores_for

SIDE_OF = {"numpy": "scratch", "torch": "torch"}  # whose turn at the cores a library's work is
CORES_OF = {"scratch": "scratch", "torch": "torch", "lightning": "torch"}  # a side's cores_for
LIBRARY_OF = {"scratch": "numpy", "torch": "torch", "lightning": "torch"}  # a side's optimizer
WARM_SECONDS = 0.1  # work runs this long before it is timed, while the other pool winds down

Times = dict[tuple[str, str], dict[str, list]]  # (workload, dtype) -> side or library -> rounds


class Timings(NamedTuple):
    """A run's measurements, one entry per round: ``steps`` (workload, dtype) -> side -> turns;
    ``products`` (workload, dtype) -> library -> ms; ``matmul`` library -> dtype -> GFLOP/s;
    ``updates`` (workload, dtype) -> library -> ms, for the workloads not trained by ``gd``."""

    steps: Times
    products: Times
    matmul: dict[str, dict[str, list[float]]]
    updates: Times


class Turn(NamedTuple):
    """One turn of a side: its step gaps (s), less the first ``warmup``, and the minor page faults
    per step over those same steps."""

    gaps: np.ndarray
    faults_per_step: float


def step_times(side: str, data: WorkloadData) -> Turn:
    """One turn of ``side`` on ``data``: the gaps between its per-step callbacks, and the page
    faults between the same callbacks (read twice a turn, so as not to slow a step)."""
    workload, stamps, faults = data.workload, [], []
    counted = {workload.warmup + 1, workload.steps}  # the first and last timed callbacks

    def on_step(t: int, cost: float) -> None:
        stamps.append(time.perf_counter())
        if len(stamps) in counted:
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)

    data.train(side, workload.steps, callback=on_step)
    if len(stamps) != workload.steps:
        raise RuntimeError(f"{side} reported {len(stamps)} of {workload.steps} steps")
    gaps = np.diff(stamps)[workload.warmup :]
    return Turn(gaps, (faults[-1] - faults[0]) / len(gaps))


def median_seconds(work: Callable[[], Any], repeats: int) -> float:
    """The median time of ``repeats`` single calls of ``work``."""
    return float(np.median(timeit.Timer(work).repeat(repeat=repeats, number=1)))


def matmul_gflops(library: str, dtype: str, shape: tuple[int, int], repeats: int = 5) -> float:
    """Median GFLOP/s of ``W @ A`` with W (n, n) and A (n, m): 2 n^2 m FLOPs per product, into
    an output allocated once."""
    n, m = shape
    rng = np.random.default_rng(0)
    W, A = rng.standard_normal((n, n), dtype=dtype), rng.standard_normal((n, m), dtype=dtype)
    if library == "numpy":
        product = partial(np.matmul, W, A, out=np.empty((n, m), dtype=dtype))
    else:
        import torch

        W_t, A_t = torch.from_numpy(W), torch.from_numpy(A)
        product = partial(torch.matmul, W_t, A_t, out=torch.empty((n, m), dtype=W_t.dtype))
    product()
    return 2 * n * n * m / median_seconds(product, repeats) / 1e9


def step_products(library: str, workload: Workload, dtype: str) -> list[Callable[[], Any]]:
    """The matrix products of one step of ``workload`` (see "Where the time goes"), each on
    seeded operands of its shapes and into an output allocated once, in ``library``'s layout."""
    rng = np.random.default_rng(0)
    m, products = workload.batch, []

    def operand(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape, dtype=dtype)

    for l, (n_prev, n) in enumerate(pairwise(workload.sizes), start=1):
        W, A, dZ = operand(n, n_prev), operand(n_prev, m), operand(n, m)
        input_grad = l > 1 and n > 1
        if library == "numpy":
            Z, dW, dA = np.empty((n, m), dtype), np.empty((n, n_prev), dtype), np.empty_like(A)
            products += [partial(np.matmul, W, A, out=Z), partial(np.matmul, dZ, A.T, out=dW)]
            if input_grad:
                products.append(partial(np.matmul, W.T, dZ, out=dA))
        else:
            import torch

            W_t, A_t, dZ_t = (torch.from_numpy(np.ascontiguousarray(a)) for a in (W, A.T, dZ.T))
            Z, dW, dA = torch.empty_like(dZ_t), torch.empty_like(W_t), torch.empty_like(A_t)
            products += [
                partial(torch.matmul, A_t, W_t.T, out=Z),
                partial(torch.matmul, dZ_t.T, A_t, out=dW),
            ]
            if input_grad:
                products.append(partial(torch.matmul, dZ_t, W_t, out=dA))
    return products


def warm_median_ms(works: Sequence[Callable[[], Any]], repeats: int = 5) -> float:
    """Milliseconds of ``works``: each one's median over ``repeats``, summed, after they have run
    for ``WARM_SECONDS``."""
    warm_until = time.perf_counter() + WARM_SECONDS
    while time.perf_counter() < warm_until:
        for work in works:
            work()
    return sum(median_seconds(work, repeats) for work in works) * 1e3


def products_ms(library: str, workload: Workload, dtype: str, repeats: int = 5) -> float:
    """Milliseconds of a step's products (``warm_median_ms`` of ``step_products``)."""
    return warm_median_ms(step_products(library, workload, dtype), repeats)


def update_ms(library: str, data: WorkloadData, repeats: int = 5) -> float:
    """Milliseconds of one update of ``data``'s optimizer in ``library`` (``warm_median_ms`` of
    ``scripts.benchmarks.updates.update_step``)."""
    return warm_median_ms([update_step(library, data)], repeats)


def rotated(items: Sequence[str], by: int) -> list[str]:
    by %= len(items)
    return [*items[by:], *items[:by]]


def measure_steps(
    workloads: Sequence[Workload],
    dtypes: Sequence[str],
    sides: Sequence[str],
    rounds: int,
    matmul_shape: tuple[int, int],
    progress: Callable[[str], None],
) -> Timings:
    """Every side's turns (one per round) for every workload and dtype, each library's time for
    the same step's products and (where the optimizer is not ``gd``) its update, in ms, one per
    round, and the matmul rates, interleaved: each round visits every workload and dtype, and
    each side takes a turn there, in a rotated order."""
    prepared = {(w.name, d): WorkloadData.build(w, d) for w in workloads for d in dtypes}
    libraries = ["numpy"] + (["torch"] if set(sides) - {"scratch"} else [])
    times: Times = {k: {s: [] for s in sides} for k in prepared}
    products: Times = {k: {lib: [] for lib in libraries} for k in prepared}
    updates: Times = {
        k: {lib: [] for lib in libraries}
        for k, data in prepared.items()
        if data.workload.optimizer != "gd"
    }
    matmul: dict[str, dict[str, list[float]]] = {lib: {d: [] for d in dtypes} for lib in libraries}
    for r in range(rounds):
        for dtype in dtypes:
            for library in libraries:
                with cores_for(SIDE_OF[library]):
                    matmul[library][dtype].append(matmul_gflops(library, dtype, matmul_shape))
        for key, data in prepared.items():
            for side in rotated(sides, r):
                with cores_for(CORES_OF[side]):
                    times[key][side].append(step_times(side, data))
            for library in libraries:
                with cores_for(SIDE_OF[library]):
                    products[key][library].append(products_ms(library, data.workload, key[1]))
                    if key in updates:
                        updates[key][library].append(update_ms(library, data))
            progress(f"round {r + 1}/{rounds}: {key[0]} {key[1]}")
    return Timings(times, products, matmul, updates)
