"""No torch twin (the torch side trains on arrays ``prepare_training`` has checked here): the
memory a network, a run or an array needs, checked against what the machine has before anything
is allocated, so that a spec, a count or a file too large for it is one line saying so rather
than NumPy's failure to allocate (or a run that ends only when the machine does).

With P the entries of the parameters (``W[l]``, ``b[l]``, ...), s the optimizer's state arrays per
parameter (0 for gradient descent, 1 for momentum and RMSprop, 4 for Adam: ``v``, ``s`` and the
bias-corrected ``v_hat``, ``s_hat``), b the largest batch, T the time steps an example is
(T_x for a recurrent network, which keeps every step's caches; 1 for any other) and N the
iterations, a training run holds at least

    (4 + s) P + 2 b T sum_l n[l]   entries of the dtype,   and   2 N   float64

the parameters, the buffer the update writes into, the gradients and the optimizer's scratch
array, per layer and time step ``Z`` and ``dZ`` of the batch, and the cost and the learning
rate of every iteration (``TrainResult.costs``, ``learning_rates``). That is a lower bound (the
activations ``A``, batch norm and dropout keep more), so a refusal is never a false alarm.
"""

from __future__ import annotations

import math
import os

import numpy as np

from scratch.spec import NetworkSpec

STATE_ARRAYS = {"gd": 0, "momentum": 1, "rmsprop": 1, "adam": 4}
RECORD_ITEMSIZE = np.dtype(np.float64).itemsize  # a cost or a learning rate
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def available_memory() -> int | None:
    """Bytes the machine can give a new allocation without swapping: ``MemAvailable`` of
    ``/proc/meminfo``, else the free pages (``os.sysconf``); ``None`` where neither is known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units: ``14.6 TiB``."""
    unit = 0
    while n >= 1024 and unit < len(_UNITS) - 1:
        n, unit = n / 1024, unit + 1
    return f"{n:.0f} {_UNITS[unit]}" if unit == 0 else f"{n:.1f} {_UNITS[unit]}"


class InsufficientMemoryError(MemoryError, ValueError):
    """A network (or its training on the data) needs more memory than the machine has
    available; a ``ValueError`` too, since the spec or the data is what to change."""


def check_memory(
    spec: NetworkSpec,
    batch: int | None = None,
    optimizer: str | None = None,
    iterations: int | None = None,
    time_steps: int = 1,
) -> None:
    """Refuse, before allocating, a network whose parameters alone (``batch`` None), or whose
    training for ``iterations`` steps on batches of ``batch`` examples of ``time_steps`` steps
    each with ``optimizer`` (the bound above), need more bytes than ``available_memory()``; the
    message says how many, and how many there are."""
    available = available_memory()
    if available is None:
        return
    learned = sum(math.prod(shape) for shape in spec.param_shapes().values())
    entries = learned + sum(math.prod(shape) for shape in spec.buffer_shapes().values())
    itemsize = np.dtype(spec.dtype).itemsize
    weights = format_bytes(entries * itemsize)
    what = f"{weights} for their weights ({spec.dtype})"
    needed = entries * itemsize
    if batch is not None:
        optimizer = optimizer or "gd"
        entries += (3 + STATE_ARRAYS[optimizer]) * learned + 2 * batch * time_steps * sum(
            spec.sizes[1:]
        )
        record = 2 * (iterations or 0) * RECORD_ITEMSIZE
        needed = entries * itemsize + record
        steps = "" if iterations is None else f" for {iterations} iteration(s)"
        costs = (
            ""
            if iterations is None
            else f"; the iterations' costs and learning rates {format_bytes(record)}"
        )
        each = f" of {time_steps} steps" if spec.sequences else ""
        what = (
            f"{format_bytes(needed)} to train on batches of {batch} example(s){each} with "
            f"{optimizer}{steps} (their weights alone {weights}, {spec.dtype}{costs})"
        )
    if needed > available:
        raise InsufficientMemoryError(
            f"layers {list(spec.sizes)} need {what}; this machine has "
            f"{format_bytes(available)} available"
        )


def check_allocation(what: str, nbytes: int) -> None:
    """Refuse, before allocating, ``nbytes`` for ``what`` (``"Y's one-hot targets (C, m)
    float64"``) when the machine has fewer available: the same rule as ``check_memory``'s."""
    available = available_memory()
    if available is not None and nbytes > available:
        raise InsufficientMemoryError(
            f"{what} need {format_bytes(nbytes)}; this machine has {format_bytes(available)} "
            "available"
        )
