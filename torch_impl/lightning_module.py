"""No scratch twin: the network as a ``LightningModule``, with the cost in ``training_step``, the
optimizer of ``torch_impl.optimizers``, and a record of every step's cost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import lightning
import numpy as np
import torch

from scratch.optimizers import Optimizer
from scratch.settings import TrainingSettings
from scratch.spec import NetworkSpec
from torch_impl.dropout import Masks
from torch_impl.losses import cost_from_targets
from torch_impl.modes import compiled
from torch_impl.network import build_module
from torch_impl.optimizers import build_optimizer, build_scheduler, export_state
from torch_impl.record import CostRecord
from torch_impl.transfer import export_params


class NetworkModule(lightning.LightningModule):
    """Holds ``net = SpecNet(spec, params)`` and trains it as ``settings`` say.

    ``settings``: ``TrainingSettings`` (or its dict), or a learning rate alone for plain
    gradient descent. One ``training_step`` is one scratch iteration: the cost ``J`` of the
    batch, then (by the Trainer) the update of the ``torch.optim`` optimizer that
    ``torch_impl.optimizers`` maps the settings to, its state seeded from the scratch optimizer
    ``start`` (from zero without one), and the step of its learning-rate scheduler, if any. The
    cost of the whole batch, taken before the update and averaged over the processes under DDP,
    is kept in ``record`` with the step's learning rate and, with ``log_cost``, logged as
    ``"cost"`` (``self.log``, for loggers and callbacks); Lightning's logging costs as much as the
    rest of its loop, so ``train`` turns it on only for a logger (its progress bar reads
    ``record``). With ``compile``, ``net`` runs compiled by inductor (``torch_impl.modes``);
    its parameters and state dict are the same. The spec and the settings (as dicts) are the
    checkpoint's hyperparameters (a checkpoint holds the network, not how it was run).
    """

    def __init__(
        self,
        spec: NetworkSpec | Mapping[str, Any],
        settings: TrainingSettings | Mapping[str, Any] | float,
        params: Mapping[str, np.ndarray] | None = None,
        *,
        start: Optimizer | None = None,
        steps_per_epoch: int = 1,
        log_cost: bool = True,
        compile: bool = False,
    ):
        super().__init__()
        if not isinstance(spec, NetworkSpec):
            spec = NetworkSpec.from_dict(dict(spec))
        if isinstance(settings, Mapping):
            settings = TrainingSettings(**settings)
        elif not isinstance(settings, TrainingSettings):
            settings = TrainingSettings(settings, num_iterations=1)
        self.save_hyperparameters(
            {
                "spec": spec.to_dict(),
                "settings": asdict(settings),
                "steps_per_epoch": steps_per_epoch,
            }
        )
        self.spec, self.settings, self.steps_per_epoch = spec, settings, steps_per_epoch
        self.net = build_module(spec, params)
        if compile:
            compiled(self.net)
        self.start = (
            start if start is not None else settings.build_optimizer(export_params(self.net))
        )
        self.log_cost = log_cost
        self.record: CostRecord | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        # The Trainer names the hook it is in through this plain attribute, set and reset dozens
        # of times a step; nn.Module.__setattr__ (which looks for parameters and modules first)
        # made that an eighth of Lightning's overhead on the planar net. A test pins the name.
        if name == "_current_fx_name":
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    def forward(self, X: torch.Tensor, masks: Masks | None = None) -> torch.Tensor:
        """``X`` (m, n[0]) -> logits ``ZL`` (m, n[L])."""
        return self.net(X, masks)

    def on_train_start(self) -> None:
        self.record = CostRecord(self.net, self.settings.start_iteration)

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        X, T, *masks = batch  # the step's dropout masks, for a spec with dropout
        shards = self.trainer.world_size
        J = cost_from_targets(self.net(X, *masks), T, self.spec, self.net.weights, shards=shards)
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
        learning_rate = self.trainer.optimizers[0].param_groups[0]["lr"]
        if not self.record.add(float(whole_batch), learning_rate):
            self.trainer.should_stop = True
        return J

    def configure_optimizers(self) -> dict[str, Any]:
        """Lightning's own form: the optimizer and, with a decay, its scheduler stepped after
        every update."""
        optimizer = build_optimizer(self.net, self.settings, self.start)
        scheduler = build_scheduler(optimizer, self.settings, self.steps_per_epoch)
        if scheduler is None:
            return {"optimizer": optimizer}
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": "step"},
        }

    def optimizer_state(self) -> dict[str, np.ndarray]:
        """The trained optimizer's state in scratch's form (``Optimizer.state()``)."""
        return export_state(self.trainer.optimizers[0], self.net, self.settings.optimizer)
