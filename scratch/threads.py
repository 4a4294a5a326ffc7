"""NumPy's BLAS threads for a training run, sized to its work and to the cores other processes
keep busy (the twin is ``torch_impl.threads``, which sizes torch's by the same rule, from here).

The rule, one for both sides. A step is a chain of products, and each one split over threads
waits for all of them at its end: beside a process that keeps one core busy, the thread on that
core is descheduled for a time slice at every split, and a step then takes many times longer.
A run takes one thread per ``WORK_PER_THREAD`` multiply-adds of a step's forward products, the
batch times each layer's for one example (``multiply_adds``: a dense layer's n[l] n[l-1], a conv
layer's f f n_C_prev n_C n_H n_W, an RNN's n_a (n_a + n_x) and an LSTM's 4 n_a (n_a + n_x) and its
output layer's n_y n_a for one time step: a sequence's step is a chain of T such, each as small as
one time step's), at least one and at most the count in force (``threads_for``); a
run whose work would take more than one thread first samples the load (``busy_elsewhere``,
Linux's ``/proc/stat``) and leaves out the cores other processes keep busy (``sized_count``).

NumPy's side. The count is that of NumPy's BLAS pool (OpenBLAS, MKL or BLIS), set through
threadpoolctl for the run and restored after it (``sized_to``; threadpoolctl is loaded by the
first run, not by ``import scratch``). A count the user set is kept as it is:
``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` or ``MKL_NUM_THREADS`` in the environment, a
``blas_threads(count)`` block, or a count in force below the cores this process may run on
(threadpoolctl's ``threadpool_limits``, or the library's own setting). A limit of every core
cannot be told apart from the default, and stays a ceiling.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING

from scratch.batches import BatchSchedule
from scratch.spec import NetworkSpec

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

WORK_PER_THREAD = 2_000_000  # a step's multiply-adds per thread: a second pays from twice this
COUNT_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
LOAD_SAMPLE_S = 0.1  # how long busy_elsewhere watches the cores (10 of the kernel's ticks)
_CHOSEN: ContextVar[bool] = ContextVar("blas_threads_chosen", default=False)


def multiply_adds(spec: NetworkSpec, batch: int) -> int:
    """The multiply-adds of one step's forward products: ``batch`` times the sum over the
    layers of one example's (``LayerKind.product_shape``), a dense layer's ``n[l] n[l-1]``, a
    conv layer's ``f f n_C_prev n_C n_H n_W`` (each of its n_H n_W n_C outputs a window of f f
    n_C_prev entries times a filter), a recurrent network's for one time step (an LSTM's four
    gates ``4 n_a (n_a + n_x)``, an RNN's ``n_a (n_a + n_x)``, the output layer's ``n_y n_a``);
    pool and flatten layers have none."""
    layers = zip(spec.layers, spec.shapes, strict=False)  # each layer with its input's shape
    products = (layer.product_shape(shape) for layer, shape in layers)
    return batch * sum(math.prod(product) for product in products if product is not None)


def threads_for(work: int, most: int) -> int:
    """Threads for a step of ``work`` multiply-adds, at most ``most``: one per
    ``WORK_PER_THREAD``, ``min(most, max(1, work // WORK_PER_THREAD))``."""
    return min(most, max(1, work // WORK_PER_THREAD))


def sized_count(work: int, most: int) -> int:
    """The rule: ``threads_for(work, most)`` and, where that is more than one, at most the cores
    that other processes leave idle (``busy_elsewhere``), never fewer than one. The load is
    sampled only where the work would take more than one thread."""
    wanted = threads_for(work, most)
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


@cache
def blas_controller() -> ThreadpoolController:
    """threadpoolctl's controller of the BLAS and OpenMP libraries loaded now (NumPy's BLAS is
    loaded with NumPy); made once."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def blas_count() -> int:
    """The BLAS threads in force: the largest count of the loaded BLAS pools (1 without one)."""
    pools = blas_controller().select(user_api="blas").lib_controllers
    return max((pool.num_threads for pool in pools), default=1)


@contextmanager
def blas_threads(count: int) -> Iterator[None]:
    """NumPy's BLAS on ``count`` threads inside the block; the counts before are restored after
    it. A training run inside the block keeps this count (``sized_to``)."""
    chosen = _CHOSEN.set(True)
    try:
        with blas_controller().limit(limits=count, user_api="blas"):
            yield
    finally:
        _CHOSEN.reset(chosen)


def user_count(count: int) -> bool:
    """Whether the user set the BLAS count ``count`` in force: in the environment, by a
    ``blas_threads`` block, or below the cores this process may run on."""
    return (
        _CHOSEN.get()
        or any(os.environ.get(name, "").strip() for name in COUNT_VARIABLES)
        or count < len(_cpus())
    )


def run_threads(spec: NetworkSpec, batch: int) -> int:
    """The BLAS threads a training run of ``spec`` on batches of ``batch`` examples takes: the
    count in force if the user set it (``user_count``), else ``sized_count`` of the step's
    multiply-adds, at most the count in force."""
    most = blas_count()
    if user_count(most):
        return most
    return sized_count(multiply_adds(spec, batch), most)


@contextmanager
def sized_to(spec: NetworkSpec, schedule: BatchSchedule) -> Iterator[None]:
    """NumPy's BLAS on ``run_threads`` threads for a run of ``spec`` on ``schedule``'s batches
    inside the block; the counts before are restored after it."""
    count, most = run_threads(spec, max(schedule.sizes)), blas_count()
    if count == most:  # nothing to change: no limiter to set and restore
        yield
        return
    with blas_controller().limit(limits=count, user_api="blas"):
        yield
