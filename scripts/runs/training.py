"""Training either implementation for the ``train`` command: its devices checked before anything
starts, its progress bar, its clock, and a cost that diverges turned into an outcome that keeps
the last good weights."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

import scratch
from scratch import BatchSchedule, NetworkSpec, TrainingSettings, TrainResult
from scratch.batches import count_examples
from scripts.runs.cores import cores_for
from scripts.runs.costs import Curve
from scripts.cli.errors import UserError

Params = dict[str, np.ndarray]
POSTFIX_EVERY = 100


@dataclass(frozen=True)
class Job:
    """What both implementations are asked to do, identically: ``settings`` from iteration 0
    (``train`` moves the start to where each side goes on from)."""

    spec: NetworkSpec
    X: np.ndarray
    Y: np.ndarray
    settings: TrainingSettings
    quiet: bool
    accelerator: str = "cpu"
    devices: int = 1
    compile: bool = False
    precision: str | None = None


@dataclass(frozen=True)
class Outcome:
    """One implementation's run. ``result.params``: the final weights or, when the cost
    diverged at iteration ``diverged_at``, those of the last iteration with a finite cost, whose
    costs ``result.costs`` holds."""

    impl: str
    settings: TrainingSettings
    result: TrainResult
    diverged_at: int | None
    seconds: float

    @property
    def params(self) -> Params:
        return self.result.params

    @property
    def curve(self) -> Curve:
        rates = self.result.learning_rates
        rates = None if rates is None else rates[: len(self.result.costs)]
        return Curve(self.impl, self.result.start_iteration, self.result.costs, rates)

    @property
    def next_iteration(self) -> int:
        """The iteration a run resumed from ``params`` starts at."""
        done = len(self.result.costs)
        return self.result.start_iteration + (
            done if self.diverged_at is None else max(done - 1, 0)
        )


def check_devices(job: Job, impls: tuple[str, ...]) -> None:
    """Refuse, before a run folder is made or a process started, an accelerator or device count
    the torch side cannot train ``job`` on (``torch_impl.trainer_guards.check_devices``)."""
    if "torch" not in impls:
        return
    from torch_impl.trainer_guards import check_devices

    schedule = BatchSchedule(count_examples(job.X), job.settings.batch_size)
    try:
        check_devices(
            job.accelerator, job.devices, schedule=schedule, sync_batchnorm=job.spec.batch_norm
        )
    except ValueError as err:
        raise UserError(str(err)) from None


def check_modes(job: Job, impls: tuple[str, ...]) -> None:
    """Refuse, before anything starts, a torch-side mode (``--compile``, ``--precision``) the run
    cannot take (``torch_impl.modes``), or one given where no torch side trains."""
    if not (job.compile or job.precision):
        return
    if "torch" not in impls:
        raise UserError(
            "--compile and --precision are torch-side settings; --impl scratch trains no torch side"
        )
    from torch_impl.modes import check_compile, check_precision

    try:
        check_precision(job.precision, job.spec, job.accelerator)
        if job.compile:
            check_compile("cpu" if job.accelerator == "cpu" else "cuda")
    except ValueError as err:
        raise UserError(str(err)) from None


def train(
    impl: str, job: Job, params: Params, start: int, state: Params, checkpoint: Path
) -> Outcome:
    """Train ``impl`` (``scratch`` or ``torch``) from ``params`` and the optimizer ``state`` at
    iteration ``start``; the torch side writes its Lightning checkpoint to ``checkpoint``.
    ``seconds`` is the training alone: torch and Lightning are imported before the clock
    starts."""
    if impl == "torch":
        import lightning  # noqa: F401

        import torch_impl  # noqa: F401
    settings = replace(job.settings, start_iteration=start)
    clock = time.perf_counter()
    diverged_at = None
    try:
        with cores_for(impl):
            if impl == "scratch":
                result = _scratch(job, settings, params, state)
            else:
                result = _torch(job, settings, params, state, checkpoint)
    except scratch.DivergenceError as err:
        result = TrainResult(err.params, err.costs, job.spec, start)
        diverged_at = err.iteration
    return Outcome(impl, settings, result, diverged_at, time.perf_counter() - clock)


def _scratch(job: Job, settings: TrainingSettings, params: Params, state: Params) -> TrainResult:
    start, steps = settings.start_iteration, settings.num_iterations
    last = start + steps - 1
    with tqdm(total=steps, desc="scratch", unit="it", disable=job.quiet) as bar:

        def progress(t: int, cost: float) -> None:
            if (t - start) % POSTFIX_EVERY == 0 or t == last:
                bar.set_postfix(cost=f"{cost:.6f}", refresh=False)
            bar.update()

        return scratch.train(
            job.spec, job.X, job.Y, settings, params=params, state=state, callback=progress
        )


def _torch(
    job: Job, settings: TrainingSettings, params: Params, state: Params, checkpoint: Path
) -> TrainResult:
    import torch_impl

    return torch_impl.train(
        job.spec,
        job.X,
        job.Y,
        settings,
        params=params,
        state=state,
        accelerator=job.accelerator,
        devices=job.devices,
        compile=job.compile,
        precision=job.precision,
        progress_bar=not job.quiet,
        default_root_dir=checkpoint.parent,
        checkpoint_path=checkpoint,
    )
