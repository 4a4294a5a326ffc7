"""``train``: the scratch training loop's contract, run by a real ``lightning.Trainer``; and
``train_plain``, the same steps in a plain PyTorch loop.

Both take ``scratch.train``'s arguments, check and convert them with ``scratch.prepare_training``
(so bad input fails with the same errors), serve the batches of ``scratch.BatchSchedule`` and
return a ``scratch.TrainResult``. Two loops over one module, loss and optimiser: when the
Trainer's curve parts from scratch's, the plain loop's says whether Lightning or the network is
at fault.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import lightning
import numpy as np
import torch
from lightning.pytorch.strategies.launchers import _MultiProcessingLauncher

from scratch.spec import NetworkSpec
from scratch.training import Callback, TrainResult, prepare_training
from torch_impl.callbacks import CostProgressBar, ReportCost
from torch_impl.checkpoints import AtomicCheckpointIO
from torch_impl.data import ArrayDataModule, ScheduledBatches
from torch_impl.lightning_module import NetworkModule
from torch_impl.losses import cost_from_targets
from torch_impl.module import build_module
from torch_impl.record import CostRecord


@contextmanager
def _torch_flags_restored() -> Iterator[None]:
    """The Trainer's ``deterministic=True`` switches torch's deterministic algorithms on, and
    cuDNN's benchmark off, for the whole process; put both back as they were."""
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    benchmark = torch.backends.cudnn.benchmark
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
        torch.backends.cudnn.benchmark = benchmark


def train(
    spec: NetworkSpec,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    params: Mapping[str, np.ndarray] | None = None,
    learning_rate: float,
    num_iterations: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    start_iteration: int = 0,
    callback: Callback | None = None,
    accelerator: str = "cpu",
    devices: int | str | list[int] = 1,
    strategy: str | Any = "auto",
    progress_bar: bool = False,
    default_root_dir: str | Path | None = None,
    logger: bool | Any = False,
    checkpoint_path: str | Path | None = None,
) -> TrainResult:
    """Gradient descent on the cost of ``spec`` for ``num_iterations`` steps of a
    ``lightning.Trainer``: the arguments and result of ``scratch.train``, plus the Trainer's.

    ``accelerator``, ``devices`` and ``strategy`` pass through to the Trainer, so the same call
    trains on a GPU or with ``strategy="ddp"`` over several processes; each process then takes an
    equal shard of every batch (the batch sizes must divide evenly), DDP averages their gradients
    to the whole batch's, and ``costs`` are the whole batch's. Strategies that start their
    processes from this one (``ddp_spawn``, ``ddp_fork``) are refused: the costs stay in the
    workers. ``progress_bar``: Lightning's bar with the cost (``CostProgressBar``). Nothing is
    written to disk unless asked: ``logger`` (a Lightning logger, or ``True`` for its default
    under ``default_root_dir``) and ``checkpoint_path`` (a Lightning checkpoint of the final
    module, written atomically). Raises ``DivergenceError`` if a cost is not finite.
    """
    run = prepare_training(
        spec,
        X,
        Y,
        params=params,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        batch_size=batch_size,
        shuffle=shuffle,
        start_iteration=start_iteration,
    )
    module = NetworkModule(
        spec,
        run.learning_rate,
        run.params,
        start_iteration=run.start_iteration,
        log_cost=bool(logger),
    )
    data = ArrayDataModule(
        run.X,
        run.T,
        run.schedule,
        start_iteration=run.start_iteration,
        num_iterations=run.num_iterations,
    )
    with _torch_flags_restored():
        trainer = lightning.Trainer(
            accelerator=accelerator,
            devices=devices,
            strategy=strategy,
            max_steps=run.num_iterations,
            max_epochs=-1,
            deterministic=True,
            num_sanity_val_steps=0,
            log_every_n_steps=1,
            logger=logger,
            enable_checkpointing=False,
            enable_progress_bar=progress_bar,
            enable_model_summary=False,
            default_root_dir=default_root_dir,
            use_distributed_sampler=False,
            plugins=[AtomicCheckpointIO()],
            callbacks=[
                *([ReportCost(callback)] if callback is not None else []),
                *([CostProgressBar()] if progress_bar else []),
            ],
        )
        if isinstance(trainer.strategy.launcher, _MultiProcessingLauncher):
            raise ValueError(
                f"strategy {strategy!r} runs the steps in worker processes whose costs do not come "
                "back to this one; use strategy='ddp', which runs this script once per process"
            )
        with warnings.catch_warnings():
            # The data are tensors on the device already: loader workers would only add copies,
            # and with none, the length ScheduledBatches gives the progress bar is exact.
            warnings.filterwarnings("ignore", ".*does not have many workers.*")
            warnings.filterwarnings("ignore", ".*`IterableDataset` has `__len__` defined.*")
            trainer.fit(module, datamodule=data)
        result = module.record.result()
        if checkpoint_path is not None:
            trainer.save_checkpoint(checkpoint_path)
    return result


def train_plain(
    spec: NetworkSpec,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    params: Mapping[str, np.ndarray] | None = None,
    learning_rate: float,
    num_iterations: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    start_iteration: int = 0,
    callback: Callback | None = None,
) -> TrainResult:
    """``train`` without Lightning: the same module, cost, SGD and batches in a plain loop on
    the CPU (``zero_grad``, ``backward``, ``step``)."""
    run = prepare_training(
        spec,
        X,
        Y,
        params=params,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        batch_size=batch_size,
        shuffle=shuffle,
        start_iteration=start_iteration,
    )
    net = build_module(spec, run.params)
    optimizer = torch.optim.SGD(net.parameters(), lr=run.learning_rate)
    record = CostRecord(net, run.start_iteration)
    stop = run.start_iteration + run.num_iterations
    batches = ScheduledBatches(run.X, run.T, run.schedule, run.start_iteration, stop)
    for t, (Xb, Tb) in enumerate(batches.steps(), start=run.start_iteration):
        J = cost_from_targets(net(Xb), Tb, spec, net.weights)
        if not record.add(float(J.detach())):
            break
        optimizer.zero_grad()
        J.backward()
        optimizer.step()
        if callback is not None:
            callback(t, record.costs[-1])
    return record.result()
