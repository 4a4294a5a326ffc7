"""No scratch twin: NumPy and torch in one process, two thread pools on the same cores taking
turns.

NumPy's BLAS (OpenBLAS) and torch (OpenMP) each keep a pool of worker threads, one per core,
and an idle worker spins for a while before it sleeps, in case more work comes. Whatever runs
next on those cores runs beside the spinning workers, so two libraries that alternate starve
each other (the README's Performance section has the figures).

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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Literal

import torch
from threadpoolctl import ThreadpoolController

Side = Literal["numpy", "torch"]


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def park_blas_workers() -> None:
    """End OpenBLAS's idle worker threads now; its next multi-threaded call starts them again.
    Does nothing for other BLAS libraries."""
    for library in _controller().select(internal_api="openblas").lib_controllers:
        shutdown = getattr(library.dynlib, "blas_thread_shutdown_", None)
        if library.threading_layer == "pthreads" and shutdown is not None:
            shutdown()


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Torch on ``count`` threads inside the block; the count before is restored after it."""
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def turn(side: Side) -> Iterator[None]:
    """Inside the block, ``side`` ("numpy" or "torch") has every core and the other side's
    library runs on one thread; the thread counts in force before are restored after it."""
    if side == "torch":
        with _controller().limit(limits=1, user_api="blas"):
            park_blas_workers()
            yield
    elif side == "numpy":
        with torch_threads(1):
            yield
    else:
        raise ValueError(f"side must be 'numpy' or 'torch', got {side!r}")
