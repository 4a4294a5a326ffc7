"""No scratch twin: Lightning's ``LightningDataModule`` that hands the Trainer the batches of
``torch_impl.batches.ScheduledBatches``, on its device, sharded over its processes."""

from __future__ import annotations

import lightning
import numpy as np
from torch.utils.data import DataLoader

from scratch.batches import BatchSchedule
from scratch.spec import NetworkSpec
from torch_impl.batches import ScheduledBatches


class ArrayDataModule(lightning.LightningDataModule):
    """Serves ``X`` (n_x, m) and targets ``T`` (n[L], m) in training form (as
    ``scratch.prepare_training`` returns them) for steps ``start_iteration ..
    start_iteration + num_iterations - 1`` of ``schedule``, on the Trainer's device, sharded
    over its processes; with a ``spec`` that has dropout, with each step's masks."""

    def __init__(
        self,
        X: np.ndarray,
        T: np.ndarray,
        schedule: BatchSchedule,
        *,
        start_iteration: int = 0,
        num_iterations: int,
        spec: NetworkSpec | None = None,
    ):
        super().__init__()
        self.X, self.T, self.schedule, self.spec = X, T, schedule, spec
        self.start, self.stop = start_iteration, start_iteration + num_iterations
        self.batches: ScheduledBatches | None = None

    def setup(self, stage: str) -> None:
        trainer = self.trainer
        self.batches = ScheduledBatches(
            self.X,
            self.T,
            self.schedule,
            self.start,
            self.stop,
            device=trainer.strategy.root_device,
            rank=trainer.global_rank,
            shards=trainer.world_size,
            spec=self.spec,
        )

    def train_dataloader(self) -> DataLoader:
        # The batches are views of tensors already on the device: no workers, no collation.
        return DataLoader(self.batches, batch_size=None)
