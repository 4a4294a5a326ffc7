"""The cores for one side at a time, for the commands that run both in one process."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext


def cores_for(side: str) -> AbstractContextManager[None]:
    """Every core to ``side`` ("scratch" or "torch") inside the block, and the other library on
    one thread: NumPy's and torch's thread pools, left to share the cores, starve each other
    (``torch_impl.threads``). Of those cores a run takes the threads its work pays for, less the
    cores other processes keep busy, chosen inside the library's training function by one rule
    (``scratch.threads``: ``scratch.train`` sizes NumPy's BLAS, ``torch_impl.train`` and
    ``train_plain`` torch's), so that the command and the library run with the same count. A
    scratch run in a process that has not loaded torch has no other pool to fear, and stays
    free of torch."""
    if side == "scratch" and "torch" not in sys.modules:
        return nullcontext()
    from torch_impl import threads

    return threads.turn("numpy" if side == "scratch" else "torch")
