"""Which examples each gradient step uses: the mini-batch schedule, drawn once from the spec's
seed, and where the examples are in the course's layouts. ``torch_impl.batches`` is the twin: it
serves these very batches as tensors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray
# The axis of the examples, by the rank of the data: columns X (n_x, m), images
# X (m, n_H, n_W, n_C), one per index of the first axis, and sequences X (n_x, m, T_x).
EXAMPLES_AXIS = {2: 1, 3: 1, 4: 0}


def examples_axis(X: Array) -> int:
    """The axis of ``X`` that holds its examples (``EXAMPLES_AXIS``)."""
    try:
        return EXAMPLES_AXIS[X.ndim]
    except KeyError:
        raise ValueError(
            f"X has shape {X.shape}; expected columns (n_x, m), sequences (n_x, m, T_x) or "
            "images (m, n_H, n_W, n_C)"
        ) from None


def count_examples(X: Array) -> int:
    """m, the number of examples in ``X`` (columns, sequences or images)."""
    return X.shape[examples_axis(X)]


@dataclass(frozen=True)
class BatchSchedule:
    """Which examples each gradient step uses.

    Full batch (``batch_size`` None or >= m): every step uses all m examples in order. Otherwise
    epoch e is ``ceil(m / batch_size)`` consecutive steps over one permutation of the examples
    (the last batch may be smaller), drawn from ``default_rng((seed, e))`` when ``shuffle``, so
    step t's batch depends only on (seed, t): a run resumed at step t sees the same batches.
    """

    m: int
    batch_size: int | None = None
    shuffle: bool = True
    seed: int = 0

    @property
    def full_batch(self) -> bool:
        return self.batch_size is None or self.batch_size >= self.m

    @property
    def sizes(self) -> set[int]:
        """The sizes of the batches: m, or the batch size and the smaller last batch."""
        if self.full_batch:
            return {self.m}
        return {self.batch_size, self.m % self.batch_size} - {0}

    @property
    def steps_per_epoch(self) -> int:
        return 1 if self.full_batch else -(-self.m // self.batch_size)

    def epoch_order(self, epoch: int) -> Array:
        if not self.shuffle:
            return np.arange(self.m)
        return np.random.default_rng((self.seed, epoch)).permutation(self.m)

    def batches(self, start: int, stop: int):
        """Yield the example indices of steps ``start .. stop-1`` (``None``: all of them)."""
        if self.full_batch:
            yield from (None for _ in range(start, stop))
            return
        per_epoch, size = self.steps_per_epoch, self.batch_size
        epoch, order = None, None
        for t in range(start, stop):
            if t // per_epoch != epoch:
                epoch = t // per_epoch
                order = self.epoch_order(epoch)
            k = t % per_epoch
            yield order[k * size : (k + 1) * size]
