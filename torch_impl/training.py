"""``train``: the scratch training loop's contract, run by a real ``lightning.Trainer``; and
``train_plain``, the same steps in a plain PyTorch loop.

Both take ``scratch.train``'s arguments, check and convert them with ``scratch.prepare_training``
(so bad input fails with the same errors), serve the batches of ``scratch.BatchSchedule`` and
return a ``scratch.TrainResult``. Two loops over one module, loss and optimiser: when the
Trainer's curve parts from scratch's, the plain loop's says whether Lightning or the network is
at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from scratch.settings import TrainingSettings
from scratch.spec import NetworkSpec
from scratch.training import Callback, TrainResult, prepare_training
from torch_impl.batches import ScheduledBatches
from torch_impl.clipping import clip_gradients, trainer_clipping
from torch_impl.losses import cost_from_targets
from torch_impl.modes import autocast, check_compile, check_precision, compiled, full_float32
from torch_impl.network import build_module
from torch_impl.optimizers import build_optimizer, build_scheduler, export_state
from torch_impl.record import CostRecord
from torch_impl.threads import sized_to
from torch_impl.trainer_guards import check_devices, interrupts_raised, trainer_context


def train(
    spec: NetworkSpec,
    X: np.ndarray,
    Y: np.ndarray,
    settings: TrainingSettings | None = None,
    *,
    params: Mapping[str, np.ndarray] | None = None,
    state: Mapping[str, np.ndarray] | None = None,
    callback: Callback | None = None,
    accelerator: str = "cpu",
    devices: int | str | list[int] = 1,
    strategy: str | Any = "auto",
    progress_bar: bool = False,
    verbose: bool = False,
    default_root_dir: str | Path | None = None,
    logger: bool | Any = False,
    checkpoint_path: str | Path | None = None,
    sync_batchnorm: bool | None = None,
    compile: bool = False,
    precision: str | None = None,
    **fields: Any,
) -> TrainResult:
    """Gradient descent on the cost of ``spec`` by a ``lightning.Trainer``: the arguments and
    result of ``scratch.train`` (``settings``, or its fields as keywords), plus the Trainer's.

    ``accelerator``, ``devices`` and ``strategy`` pass through to the Trainer, so the same call
    trains on a GPU or with ``strategy="ddp"`` over several processes; each process then takes an
    equal shard of every batch (the batch sizes must divide evenly), DDP averages their gradients
    to the whole batch's, and ``costs`` are the whole batch's. Strategies that start their
    processes from this one (``ddp_spawn``, ``ddp_fork``) are refused: the costs stay in the
    workers. With batch norm over several processes, ``sync_batchnorm`` (default: whenever the
    spec has batch norm) is Lightning's ``Trainer(sync_batchnorm=True)``: torch's
    ``nn.SyncBatchNorm`` normalises every shard by the whole batch's statistics, which is the
    scratch run; torch runs it on GPUs only, so CPU processes are refused unless
    ``sync_batchnorm=False``, where each process normalises its shard by its own statistics (a
    run of its own, not scratch's). It prints nothing unless asked: ``progress_bar`` shows
    Lightning's bar with the cost (``CostProgressBar``, on stderr), ``verbose`` Lightning's own
    messages. Nothing is written to disk unless asked: ``logger`` (a Lightning logger, or
    ``True`` for its default under ``default_root_dir``) and ``checkpoint_path`` (a Lightning
    checkpoint of the final module, written atomically). ``compile`` runs the network compiled
    by inductor, and ``precision`` is Lightning's mixed precision (``"bf16-mixed"``, or
    ``"16-mixed"`` on CUDA) of a float32 spec (``torch_impl.modes``); float32 products on CUDA
    run in full float32 (TF32 off). A spec's ``clip`` is the Trainer's own gradient clipping
    (``torch_impl.clipping.trainer_clipping``). Raises ``DivergenceError`` if a cost is not
    finite, a one-line ``ValueError`` before anything starts for an accelerator, devices or a
    batch split the Trainer cannot run (``check_devices``), and ``KeyboardInterrupt`` on
    Ctrl-C.
    """
    import lightning  # here, where the Trainer is built: ``import torch_impl`` stays light

    from torch_impl.callbacks import CostProgressBar, ReportCost
    from torch_impl.checkpoints import AtomicCheckpointIO
    from torch_impl.data_module import ArrayDataModule
    from torch_impl.lightning_module import NetworkModule

    run = prepare_training(spec, X, Y, TrainingSettings.of(settings, **fields), params, state)
    sync = spec.batch_norm if sync_batchnorm is None else sync_batchnorm
    check_devices(
        accelerator, devices, strategy, run.schedule, sync_batchnorm=sync and spec.batch_norm
    )
    check_precision(precision, spec, accelerator)
    if compile:
        check_compile("cpu" if accelerator == "cpu" else "cuda")
    steps = run.settings
    module = NetworkModule(
        spec,
        steps,
        run.params,
        start=run.optimizer,
        steps_per_epoch=run.schedule.steps_per_epoch,
        log_cost=bool(logger),
        compile=compile,
    )
    data = ArrayDataModule(
        run.X,
        run.T,
        run.schedule,
        start_iteration=steps.start_iteration,
        num_iterations=steps.num_iterations,
        spec=spec,
    )
    with trainer_context(verbose), full_float32(), sized_to(spec, run.schedule):
        trainer = lightning.Trainer(
            accelerator=accelerator,
            precision=precision,
            devices=devices,
            strategy=strategy,
            max_steps=steps.num_iterations,
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
            sync_batchnorm=sync,
            **trainer_clipping(spec),
            plugins=[AtomicCheckpointIO()],
            callbacks=[
                *([ReportCost(callback)] if callback is not None else []),
                *([CostProgressBar()] if progress_bar else []),
            ],
        )
        with interrupts_raised():
            trainer.fit(module, datamodule=data)
        result = module.record.result(module.optimizer_state())
        if checkpoint_path is not None:
            trainer.save_checkpoint(checkpoint_path)
    return result


def train_plain(
    spec: NetworkSpec,
    X: np.ndarray,
    Y: np.ndarray,
    settings: TrainingSettings | None = None,
    *,
    params: Mapping[str, np.ndarray] | None = None,
    state: Mapping[str, np.ndarray] | None = None,
    callback: Callback | None = None,
    compile: bool = False,
    precision: str | None = None,
    **fields: Any,
) -> TrainResult:
    """``train`` without Lightning: the same module, cost, optimizer and batches in a plain loop
    on the CPU (``zero_grad``, ``backward``, the spec's clipping, ``step``); ``compile`` and
    ``precision`` (here
    ``"bf16-mixed"``: the cost under ``torch.autocast``, as Lightning's plugin runs
    ``training_step``) as ``train`` takes them."""
    run = prepare_training(spec, X, Y, TrainingSettings.of(settings, **fields), params, state)
    check_precision(precision, spec)
    if compile:
        check_compile("cpu")
    steps = run.settings
    net = build_module(spec, run.params)
    if compile:
        compiled(net)
    optimizer = build_optimizer(net, steps, run.optimizer)
    scheduler = build_scheduler(optimizer, steps, run.schedule.steps_per_epoch)
    record = CostRecord(net, steps.start_iteration)
    batches = ScheduledBatches(
        run.X, run.T, run.schedule, steps.start_iteration, steps.stop, spec=spec
    )
    with sized_to(spec, run.schedule):
        for t, (Xb, Tb, *masks) in enumerate(batches.steps(), start=steps.start_iteration):
            with autocast(precision, "cpu"):
                J = cost_from_targets(net(Xb, *masks), Tb, spec, net.weights)
            if not record.add(float(J.detach()), optimizer.param_groups[0]["lr"]):
                break
            optimizer.zero_grad()
            J.backward()
            clip_gradients(net, spec)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            if callback is not None:
                callback(t, record.costs[-1])
    return record.result(export_state(optimizer, net, steps.optimizer))
