"""No scratch twin: the network as a ``LightningModule``, with the cost in ``training_step``, the
optimizer of ``torch_impl.optimizers``, and a record of every step's cost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lightning
import numpy as np
import torch

from scratch.spec import NetworkSpec
from scratch.validation import check_positive
from torch_impl.losses import cost_from_targets
from torch_impl.network import build_module
from torch_impl.optimizers import build_optimizer
from torch_impl.record import CostRecord


class NetworkModule(lightning.LightningModule):
    """Holds ``net = SpecNet(spec, params)`` and trains it by gradient descent.

    One ``training_step`` is one scratch iteration: the cost ``J`` of the batch, then (by the
    Trainer) ``W <- W - learning_rate dJ/dW`` with ``torch.optim.SGD`` (no momentum, no weight
    decay: the L2 term is in ``J``). The cost of the whole batch, taken before the update and
    averaged over the processes under DDP, is kept in ``record`` and, with ``log_cost``, logged
    as ``"cost"`` (``self.log``, for loggers and callbacks). Lightning's logging costs as much
    as the rest of its loop, so ``train`` turns it on only for a logger (its progress bar reads
    ``record``). The spec (as a dict) and the learning
    rate are the checkpoint's hyperparameters.
    """

    def __init__(
        self,
        spec: NetworkSpec | Mapping[str, Any],
        learning_rate: float,
        params: Mapping[str, np.ndarray] | None = None,
        *,
        start_iteration: int = 0,
        log_cost: bool = True,
    ):
        super().__init__()
        if not isinstance(spec, NetworkSpec):
            spec = NetworkSpec.from_dict(dict(spec))
        check_positive("learning_rate", learning_rate)
        self.save_hyperparameters({"spec": spec.to_dict(), "learning_rate": float(learning_rate)})
        self.spec, self.learning_rate = spec, float(learning_rate)
        self.net = build_module(spec, params)
        self.start_iteration, self.log_cost = start_iteration, log_cost
        self.record: CostRecord | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        # The Trainer names the hook it is in through this plain attribute, set and reset dozens
        # of times a step; nn.Module.__setattr__ (which looks for parameters and modules first)
        # made that an eighth of Lightning's overhead on the planar net. A test pins the name.
        if name == "_current_fx_name":
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X`` (m, n[0]) -> logits ``ZL`` (m, n[L])."""
        return self.net(X)

    def on_train_start(self) -> None:
        self.record = CostRecord(self.net, self.start_iteration)

    def training_step(
        self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int
    ) -> torch.Tensor:
        X, T = batch
        shards = self.trainer.world_size
        J = cost_from_targets(self.net(X), T, self.spec, self.net.weights, shards=shards)
        whole_batch = self.trainer.strategy.reduce(J.detach(), reduce_op="mean")
        if self.log_cost:
            self.log(
                "cost",
                whole_batch,
                prog_bar=True,
                on_step=True,
                on_epoch=False,
                batch_size=len(X) * shards,
            )
        if not self.record.add(float(whole_batch)):
            self.trainer.should_stop = True
        return J

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return build_optimizer(self.net.parameters(), self.learning_rate)
