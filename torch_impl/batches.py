"""The training data as tensors, served in the order of ``scratch.BatchSchedule``: the twin of
``scratch.batches``.

``X`` and ``T`` are transposed into torch layout once (``to_torch``) and kept as one tensor each
on the training device. A full batch is then served as those very tensors, step after step, with
no copy. For mini-batches, each epoch's rows are gathered once, in the schedule's order, into a
buffer allocated once, and every batch is a slice (a view) of it: no per-step gather and no fresh
batch tensor, whose page faults would otherwise dominate a small network's step.

With mini-batches, one epoch of the schedule is one Lightning epoch, and a run that starts
mid-epoch (``start_iteration``) begins with the rest of that epoch. A full-batch run is a single
Lightning epoch of all its steps: the schedule's epochs are one step long, and the Trainer's own
work at the end and start of an epoch would otherwise run at every step. Under data
parallelism each of the ``shards`` processes takes its own equal, contiguous share of every
batch.

For a spec with dropout, each step's batch carries its masks, ``(X, T, masks)``: the masks
scratch draws for that step (``scratch.dropout_masks`` of the whole batch, from the seed, the
step and the layer), in torch layout, sharded like the examples they belong to.

Sequences are batch first, ``X`` (m, T_x, n_x) and labels ``T`` (m, T_x), ``PAD`` after each
sequence's end; a batch is cut to its longest sequence (``longest``, the rule of
``scratch.recurrent.longest``): a view, as scratch's batch is.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import IterableDataset

from scratch.batches import BatchSchedule
from scratch.dropout import dropout_masks
from scratch.losses import PAD
from scratch.spec import NetworkSpec
from torch_impl.transfer import examples_to_torch, targets_to_torch, to_torch

Batch = tuple[torch.Tensor, ...]


def longest(T: torch.Tensor) -> int:
    """The steps a batch of sequences needs, from its labels (m, T_x): up to the last step where
    any of them has a label (``scratch.recurrent.longest``)."""
    labelled = torch.nonzero((T != PAD).any(dim=0))
    return int(labelled[-1]) + 1 if len(labelled) else 0


def check_shardable(schedule: BatchSchedule, shards: int) -> None:
    """Every batch must split into ``shards`` equal shards, or the shards' mean cost is not
    the batch's cost."""
    uneven = sorted(size for size in schedule.sizes if size % shards)
    if uneven:
        raise ValueError(
            f"a batch of {uneven[0]} examples cannot be split into {shards} equal shards, one per "
            f"process; choose m and batch_size divisible by the number of processes ({shards})"
        )


class ScheduledBatches(IterableDataset):
    """The batches ``(X, T)`` (rows of examples) of steps ``start .. stop-1`` of ``schedule``.

    Each ``iter()`` yields the remaining steps of one epoch of the schedule (of the whole run,
    for full batch) and moves on, so iterating again gives the next epoch; ``steps()`` yields
    every step to ``stop``. ``len()`` is the length of a whole epoch (what a progress bar counts
    to), the same before and during one: the first epoch of a resumed run and the last of any
    run may be shorter.
    ``X`` (n_x, m) (or images (m, n_H, n_W, n_C)) and ``T`` (n[L], m) are in course layout and
    already checked. A mini-batch
    is a view of its epoch's buffer: use it before the next epoch starts, as a training loop
    does (Lightning prefetches one batch ahead, but never across epochs). With a ``spec`` that
    has dropout, each batch is ``(X, T, masks)``, the step's masks ``D{l}`` (m, n[l]).
    """

    def __init__(
        self,
        X: np.ndarray,
        T: np.ndarray,
        schedule: BatchSchedule,
        start: int,
        stop: int,
        *,
        device: torch.device | str = "cpu",
        rank: int = 0,
        shards: int = 1,
        spec: NetworkSpec | None = None,
    ):
        check_shardable(schedule, shards)
        self.schedule, self.start, self.next_step, self.stop = schedule, start, start, stop
        self.rank, self.shards = rank, shards
        self.spec = spec if spec is not None and spec.dropout else None
        self.sequences = X.ndim == 3
        self.X, self.T = examples_to_torch(X, device), targets_to_torch(T, device)
        if schedule.full_batch:
            self.X, self.T = self._shard(self.X), self._shard(self.T)
        else:
            rows = schedule.m // shards
            self.X_epoch = self.X.new_empty((rows, *self.X.shape[1:]))
            self.T_epoch = self.T.new_empty((rows, self.T.shape[1]))

    def __len__(self) -> int:
        return self.stop - self.start if self.schedule.full_batch else self.schedule.steps_per_epoch

    def __iter__(self) -> Iterator[Batch]:
        end = self._epoch_end()
        if self.next_step >= end:
            return
        if self.schedule.full_batch:
            while self.next_step < end:
                self.next_step += 1
                yield self._with_masks(self.X, self.T, self.next_step - 1, self.schedule.m)
            return
        batches = [self._shard(index) for index in self.schedule.batches(self.next_step, end)]
        rows = torch.from_numpy(np.concatenate(batches)).to(self.X.device)
        X = torch.index_select(self.X, 0, rows, out=self.X_epoch[: len(rows)])
        T = torch.index_select(self.T, 0, rows, out=self.T_epoch[: len(rows)])
        first = 0
        for index in batches:
            self.next_step += 1
            rows = slice(first, first + len(index))
            yield self._with_masks(X[rows], T[rows], self.next_step - 1, len(index) * self.shards)
            first += len(index)

    def steps(self) -> Iterator[Batch]:
        while self.next_step < self.stop:
            yield from self

    def _epoch_end(self) -> int:
        """The step after the last one the next ``iter()`` yields."""
        if self.schedule.full_batch:
            return self.stop
        per_epoch = self.schedule.steps_per_epoch
        return min(self.stop, (self.next_step // per_epoch + 1) * per_epoch)

    def _with_masks(self, X: torch.Tensor, T: torch.Tensor, step: int, m: int) -> Batch:
        """``(X, T)``, or with dropout ``(X, T, masks)``: step ``step``'s masks for the whole
        batch of ``m``, this process's shard of them; sequences cut to their longest."""
        if self.sequences:
            steps = longest(T)
            return X[:, :steps], T[:, :steps]
        if self.spec is None:
            return X, T
        masks = dropout_masks(self.spec, m, step)
        return X, T, {key: self._shard(to_torch(D, X.device)) for key, D in masks.items()}

    def _shard(self, rows):
        size = len(rows) // self.shards
        return rows[self.rank * size : (self.rank + 1) * size]
