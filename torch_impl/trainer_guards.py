"""No scratch twin: the Trainer guarded from outside. ``check_devices`` refuses an accelerator,
a device count, a strategy, a batch split or a batch norm the Trainer cannot run before anything
starts (no process launched, no file written), in one line that names the settings;
``interrupts_raised`` gives Ctrl-C inside ``Trainer.fit`` back to the caller, which Lightning
turns into ``sys.exit(1)``; ``trainer_context`` puts back what a Trainer changes for the whole
process and keeps Lightning quiet unless asked."""

from __future__ import annotations

import logging
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from scratch.batches import BatchSchedule
from torch_impl.batches import check_shardable

_NO_GPU = "No supported gpu backend found!"


def check_devices(
    accelerator: str | Any,
    devices: int | str | list[int],
    strategy: str | Any = "auto",
    schedule: BatchSchedule | None = None,
    *,
    sync_batchnorm: bool = False,
) -> int:
    """The number of processes ``lightning.Trainer(accelerator=, devices=, strategy=)`` trains
    in, found without starting them. Raises ``ValueError``, one line naming the settings, where
    the Trainer would refuse them; where its strategy would run the steps in spawned workers,
    whose costs do not come back; given the batch ``schedule``, where a batch does not split
    into one equal shard per process; and with ``sync_batchnorm`` (a spec with batch norm)
    where the processes are CPU ones, on which torch's ``nn.SyncBatchNorm`` fails."""
    import lightning
    from lightning.fabric.utilities.exceptions import MisconfigurationException
    from lightning.pytorch.strategies.launchers import _MultiProcessingLauncher

    where = f"accelerator {accelerator!r}, devices {devices!r}"
    if schedule is not None and isinstance(devices, int) and not isinstance(devices, bool):
        try:  # before the Trainer, which lists one device per process: 10^12 of them
            check_shardable(schedule, max(devices, 1))
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
    try:
        with trainer_context(verbose=False):
            trainer = lightning.Trainer(
                accelerator=accelerator,
                devices=devices,
                strategy=strategy,
                logger=False,
                enable_checkpointing=False,
                enable_progress_bar=False,
                enable_model_summary=False,
            )
    except (ValueError, TypeError, ImportError, RuntimeError, MisconfigurationException) as err:
        reason = " ".join(str(err).split())
        if reason == _NO_GPU:
            reason = "there is no GPU here (torch finds neither CUDA nor MPS); use 'cpu'"
        raise ValueError(f"{where}: {reason}") from None
    processes = trainer.world_size
    if isinstance(trainer.strategy.launcher, _MultiProcessingLauncher):
        raise ValueError(
            f"strategy {strategy!r} runs the steps in worker processes whose costs do not come "
            "back to this one; use strategy='ddp', which runs this script once per process"
        )
    if schedule is not None:
        try:
            check_shardable(schedule, processes)
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
    if sync_batchnorm and processes > 1 and trainer.strategy.root_device.type == "cpu":
        raise ValueError(
            f"batch norm over {processes} processes needs the batch's statistics "
            "synchronised (sync_batchnorm=True, torch's nn.SyncBatchNorm), which torch runs on "
            "GPUs only; on CPU processes pass sync_batchnorm=False, and each process then "
            "normalises its shard by the shard's own statistics: a run of its own, not scratch's"
        )
    return processes


@contextmanager
def interrupts_raised() -> Iterator[None]:
    """Around ``Trainer.fit``: Lightning catches Ctrl-C, ignores SIGINT from then on and calls
    ``sys.exit(1)``; here that exit is raised as the ``KeyboardInterrupt`` it was, so no caller
    takes an interrupted run for a finished one, and SIGINT's handler is put back."""
    handler = signal.getsignal(signal.SIGINT)
    try:
        yield
    except SystemExit as exit_:
        if isinstance(exit_.__context__, KeyboardInterrupt):
            raise exit_.__context__ from None
        raise
    finally:
        main = threading.current_thread() is threading.main_thread()
        if main and handler is not None and signal.getsignal(signal.SIGINT) is not handler:
            signal.signal(signal.SIGINT, handler)


# Lightning's INFO lines ("GPU available: False", "TPU available", tips, "`Trainer.fit` stopped")
LIGHTNING_LOGGERS = ("lightning.pytorch", "lightning.fabric")


@contextmanager
def trainer_context(verbose: bool) -> Iterator[None]:
    """What a Trainer changes for the whole process, put back as it was: ``deterministic=True``
    switches torch's deterministic algorithms on and cuDNN's benchmark off. Unless ``verbose``,
    Lightning's INFO lines are held back, and a deprecation raised inside Lightning itself on
    this torch is not shown (it is not the caller's to fix)."""
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    benchmark = torch.backends.cudnn.benchmark
    loggers = [logging.getLogger(name) for name in LIGHTNING_LOGGERS]
    levels = [logger.level for logger in loggers]
    try:
        with warnings.catch_warnings():
            if not verbose:
                for logger in loggers:
                    logger.setLevel(logging.WARNING)
                warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)`")
            # The data are tensors on the device already: loader workers would only add copies,
            # and with none, the length ScheduledBatches gives the progress bar is exact.
            warnings.filterwarnings("ignore", ".*does not have many workers.*")
            warnings.filterwarnings("ignore", ".*`IterableDataset` has `__len__` defined.*")
            yield
    finally:
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
        torch.backends.cudnn.benchmark = benchmark
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
