"""No scratch twin: NumPy and torch in one process, two thread pools on the same cores taking
turns; and torch's threads for a training run, sized to its work.

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

``sized_to(spec, schedule)`` holds torch, for a training run, to the threads its work pays for.
A step is a chain of small operations, and each one split over threads waits for all of them at
its end: beside a process that keeps one core busy, the thread on that core is descheduled for a
time slice at every split, and a small network's step then takes many times longer. One thread
per ``WORK_PER_THREAD`` multiply-adds of a step, ``sum_l n[l] n[l-1] batch``, at least one and
at most torch's count in force (scripts/benchmarks/README.md has the crossover). A count the
user set is kept as it is: ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` in the environment, or a
``torch_threads(count)`` block around the run. ``torch.set_num_threads`` alone cannot be told
apart from torch's default, so that count is a ceiling: a run uses fewer threads when its work
is too small to share. A run whose work would take more than one thread first samples the load
(``busy_elsewhere``, Linux's ``/proc/stat``) and leaves out the cores other processes keep busy.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Literal

import torch
from threadpoolctl import ThreadpoolController

from scratch.batches import BatchSchedule
from scratch.spec import NetworkSpec

Side = Literal["numpy", "torch"]
WORK_PER_THREAD = 2_000_000  # a step's multiply-adds per thread: a second pays from twice this
COUNT_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")  # torch reads its count from these
LOAD_SAMPLE_S = 0.1  # how long busy_elsewhere watches the cores (10 of the kernel's ticks)
_CHOSEN: ContextVar[bool] = ContextVar("torch_threads_chosen", default=False)


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


def multiply_adds(sizes: Sequence[int], batch: int) -> int:
    """The multiply-adds of one step's forward products, ``sum_l n[l] n[l-1] batch``."""
    return sum(n_prev * n for n_prev, n in itertools.pairwise(sizes)) * batch


def threads_for(work: int, most: int) -> int:
    """Threads for a step of ``work`` multiply-adds, at most ``most``: one per
    ``WORK_PER_THREAD``, ``min(most, max(1, work // WORK_PER_THREAD))``."""
    return min(most, max(1, work // WORK_PER_THREAD))


def user_count() -> bool:
    """Whether the user set torch's count: in the environment, or by a ``torch_threads``
    block."""
    return _CHOSEN.get() or any(os.environ.get(name, "").strip() for name in COUNT_VARIABLES)


def run_threads(spec: NetworkSpec, batch: int) -> int:
    """The threads a training run of ``spec`` on batches of ``batch`` examples takes: the count
    in force if the user set it (``user_count``), else ``threads_for`` the step's multiply-adds,
    at most the count in force and, where that is more than one, at most the cores that other
    processes leave idle (``busy_elsewhere``), and never fewer than one."""
    most = torch.get_num_threads()
    if user_count():
        return most
    wanted = threads_for(multiply_adds(spec.sizes, batch), most)
    busy = busy_elsewhere() if wanted > 1 else None
    return wanted if busy is None else max(1, min(wanted, round(len(_cpus()) - busy)))


def busy_elsewhere(sample_s: float = LOAD_SAMPLE_S) -> float | None:
    """The cores other processes keep busy, watched for ``sample_s`` seconds: the busy time of
    this process's CPUs in ``/proc/stat`` less this process's own CPU time, per second of the
    sample. ``None`` where ``/proc/stat`` cannot be read (not Linux)."""
    try:
        start, own, ticks = time.monotonic(), time.process_time(), _busy_ticks(_cpus())
        time.sleep(sample_s)
        ticks = _busy_ticks(_cpus()) - ticks
    except (OSError, ValueError):
        return None
    own, elapsed = time.process_time() - own, time.monotonic() - start
    return max(0.0, (ticks / os.sysconf("SC_CLK_TCK") - own) / elapsed)


def _cpus() -> set[int]:
    """The CPUs this process may run on."""
    return (
        os.sched_getaffinity(0)
        if hasattr(os, "sched_getaffinity")
        else set(range(os.cpu_count() or 1))
    )


def _busy_ticks(cpus: set[int], stat: str = "/proc/stat") -> int:
    """The ticks ``cpus`` have spent busy since boot: ``user + nice + system + irq + softirq +
    steal`` of their ``cpuN`` lines (idle and iowait left out; guest time is in user's)."""
    with open(stat) as file:
        lines = [line.split() for line in file if line.startswith("cpu") and line[3].isdigit()]
    return sum(
        sum(int(row[k]) for k in (1, 2, 3, 6, 7, 8)) for row in lines if int(row[0][3:]) in cpus
    )


@contextmanager
def sized_to(spec: NetworkSpec, schedule: BatchSchedule) -> Iterator[None]:
    """Torch on ``run_threads`` threads for a run of ``spec`` on ``schedule``'s batches inside
    the block; the count before is restored after it."""
    batch = schedule.m if schedule.full_batch else schedule.batch_size
    with torch_threads(run_threads(spec, batch)):
        yield


@contextmanager
def turn(side: Side) -> Iterator[None]:
    """Inside the block, ``side`` ("numpy" or "torch") has every core and the other side's
    library runs on one thread; the thread counts in force before are restored after it. A
    torch training run inside torch's turn still takes only the threads its work pays for
    (``sized_to``)."""
    if side == "torch":
        with _controller().limit(limits=1, user_api="blas"):
            park_blas_workers()
            yield
    elif side == "numpy":
        with torch_threads(1):
            yield
    else:
        raise ValueError(f"side must be 'numpy' or 'torch', got {side!r}")
