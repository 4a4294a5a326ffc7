"""The twin of ``scratch.threads``: torch's threads for a training run, sized to its work by
scratch's rule; and NumPy and torch in one process, two thread pools on the same cores taking
turns.

NumPy's BLAS (OpenBLAS) and torch (OpenMP) each keep a pool of worker threads, one per core,
and an idle worker spins for a while before it sleeps, in case more work comes. Whatever runs
next on those cores runs beside the spinning workers, so two libraries that alternate starve
each other (scripts/benchmarks/README.md has the figures).

``turn(side)`` gives one side every core for a ``with`` block, so that neither starves the
other and neither is made single-threaded: the other library is held to one thread inside the
block, so that nothing wakes its pool, and on entering torch's turn OpenBLAS's idle workers are
parked (ended now; OpenBLAS starts them again at its next multi-threaded call). OpenMP's workers
cannot be ended; they stop spinning a few milliseconds into NumPy's turn. Both costs fall on the
first steps of a turn, so alternate in blocks of steps and leave the first ones out of any
timing.

::

    with threads.turn("numpy"):
        scratch_side = scratch.layer_internals(X, Y, params, spec)
    with threads.turn("torch"):
        torch_side = torch_impl.layer_internals(X, Y, params, spec)

``sized_to(spec, schedule)`` holds torch, for a training run, to the threads its work pays for,
by the rule NumPy's side uses too (``scratch.threads``: one thread per ``WORK_PER_THREAD``
multiply-adds of a step, at most torch's count in force, leaving out the cores other processes
keep busy; scripts/benchmarks/README.md has the crossover). A count the user set is kept as
it is: ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` in the environment, or a
``torch_threads(count)`` block around the run. ``torch.set_num_threads`` alone cannot be told
apart from torch's default, so that count is a ceiling: a run uses fewer threads when its work
is too small to share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

import torch

from scratch.batches import BatchSchedule
from scratch.spec import NetworkSpec
from scratch.threads import blas_controller, multiply_adds, sized_count

Side = Literal["numpy", "torch"]
COUNT_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")  # torch reads its count from these
_CHOSEN: ContextVar[bool] = ContextVar("torch_threads_chosen", default=False)


def park_blas_workers() -> None:
    """End OpenBLAS's idle worker threads now; its next multi-threaded call starts them again.
    Does nothing for other BLAS libraries."""
    for library in blas_controller().select(internal_api="openblas").lib_controllers:
        shutdown = getattr(library.dynlib, "blas_thread_shutdown_", None)
        if library.threading_layer == "pthreads" and shutdown is not None:
            shutdown()


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Torch on ``count`` threads inside the block; the count before is restored after it.
    A training run inside the block keeps this count (``sized_to``)."""
    before = torch.get_num_threads()
    chosen = _CHOSEN.set(True)
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
        _CHOSEN.reset(chosen)


def user_count() -> bool:
    """Whether the user set torch's count: in the environment, or by a ``torch_threads``
    block."""
    return _CHOSEN.get() or any(os.environ.get(name, "").strip() for name in COUNT_VARIABLES)


def run_threads(spec: NetworkSpec, batch: int) -> int:
    """The threads a training run of ``spec`` on batches of ``batch`` examples takes: the count
    in force if the user set it (``user_count``), else ``scratch.threads.sized_count`` of the
    step's multiply-adds, at most the count in force."""
    most = torch.get_num_threads()
    if user_count():
        return most
    return sized_count(multiply_adds(spec, batch), most)


@contextmanager
def sized_to(spec: NetworkSpec, schedule: BatchSchedule) -> Iterator[None]:
    """Torch on ``run_threads`` threads for a run of ``spec`` on ``schedule``'s batches inside
    the block; the count before is restored after it."""
    with torch_threads(run_threads(spec, max(schedule.sizes))):
        yield


@contextmanager
def turn(side: Side) -> Iterator[None]:
    """Inside the block, ``side`` ("numpy" or "torch") has every core and the other side's
    library runs on one thread; the thread counts in force before are restored after it. A
    training run inside a side's turn still takes only the threads its work pays for
    (``sized_to`` here, ``scratch.threads.sized_to`` for NumPy's)."""
    if side == "torch":
        with blas_controller().limit(limits=1, user_api="blas"):
            park_blas_workers()
            yield
    elif side == "numpy":
        with torch_threads(1):
            yield
    else:
        raise ValueError(f"side must be 'numpy' or 'torch', got {side!r}")
