"""NumPy and torch in one process: two thread pools on the same cores, taking turns.

NumPy's BLAS (OpenBLAS) and torch (OpenMP) each keep a pool of worker threads, one per core.
After a multi-threaded call, OpenBLAS's workers keep spinning for about 2^28 cycles (~0.1 s)
before they sleep, and OpenMP's for a few milliseconds. When the other library runs next, those
spinning workers hold its cores: on 2 cores, a torch step taken right after a NumPy step ran
3-4.5x slower than the two apart.

``turn(side)`` gives the cores to one side for the duration of a ``with`` block, so that neither
starves the other and neither is made single-threaded:

- ``turn("torch")``: NumPy's BLAS runs on one thread (so a stray NumPy product cannot wake its
  pool) and its spinning workers are parked: OpenBLAS ends them now and starts them again at its
  next multi-threaded call, after the block;
- ``turn("numpy")``: torch runs on one thread; OpenMP's workers go idle by themselves.

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
from typing import Any, Literal

import torch
from threadpoolctl import ThreadpoolController

Side = Literal["numpy", "torch"]


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def park_blas_workers() -> None:
    """End OpenBLAS's idle (spinning) worker threads now; its next multi-threaded call starts
    them again. Does nothing for other BLAS libraries, whose workers do not spin for long."""
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
    workers stay idle; the thread counts in force before are restored after it."""
    if side == "torch":
        with _controller().limit(limits=1, user_api="blas"):
            park_blas_workers()
            yield
    elif side == "numpy":
        with torch_threads(1):
            yield
    else:
        raise ValueError(f"side must be 'numpy' or 'torch', got {side!r}")


def thread_report() -> dict[str, Any]:
    """The thread pools of this process: NumPy's BLAS (library, version, threads) and torch's."""
    blas = [
        {
            key: info.get(key)
            for key in ("internal_api", "version", "threading_layer", "num_threads")
        }
        for info in _controller().select(user_api="blas").info()
    ]
    return {
        "numpy_blas": blas,
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
    }
