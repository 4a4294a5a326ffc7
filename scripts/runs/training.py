"""Training either implementation for the ``train`` command, both from the one
``scratch.TrainingSettings`` the command's settings describe (``scripts.cli.settings.
training_settings``), the torch side also in the modes of the command's ``TrainSettings``
(accelerator, devices, compile, precision): its devices checked before anything starts, its
progress bar, its clock, and a cost that diverges turned into an outcome that keeps the last
good weights."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

import scratch
from scratch import BatchSchedule, TrainingSettings, TrainResult
from scratch.bands import unmeasured_network
from scratch.batches import count_examples
from scripts.cli.errors import UserError
from scripts.cli.settings import TrainSettings
from scripts.inputs.problem import Problem
from scripts.runs.cores import cores_for
from scripts.runs.costs import Curve

Params = dict[str, np.ndarray]
POSTFIX_EVERY = 100


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


def check_devices(
    modes: TrainSettings, problem: Problem, settings: TrainingSettings, impls: tuple[str, ...]
) -> None:
    """Refuse, before a run folder is made or a process started, an accelerator or device count
    the torch side cannot train on (``torch_impl.trainer_guards.check_devices``)."""
    if "torch" not in impls:
        return
    from torch_impl.trainer_guards import check_devices

    schedule = BatchSchedule(count_examples(problem.data.X_train), settings.batch_size)
    try:
        check_devices(
            modes.accelerator,
            modes.devices,
            schedule=schedule,
            sync_batchnorm=problem.spec.batch_norm,
        )
    except ValueError as err:
        raise UserError(str(err)) from None


def check_modes(modes: TrainSettings, problem: Problem, impls: tuple[str, ...]) -> None:
    """Refuse, before anything starts, a torch-side mode (``--compile``, ``--precision``) the run
    cannot take (``torch_impl.modes``), one given where no torch side trains, or one whose
    comparison with scratch no measured band could judge (``scratch.bands``: a conv or recurrent
    network)."""
    if not (modes.compile or modes.precision):
        return
    if "torch" not in impls:
        raise UserError(
            "--compile and --precision are torch-side settings; --impl scratch trains no torch side"
        )
    kind = unmeasured_network(problem.spec)
    if kind is not None and "scratch" in impls:
        flag = "--compile" if modes.compile else f"--precision {modes.precision}"
        raise UserError(
            f"{flag} with --impl both on a {kind} network: the modes' bands (scratch.bands) were "
            f"measured on dense networks only, so no measured bound could judge the two sides; "
            f"train it with --impl torch, or without {flag}"
        )
    from torch_impl.modes import check_compile, check_precision

    try:
        check_precision(modes.precision, problem.spec, modes.accelerator)
        if modes.compile:
            check_compile("cpu" if modes.accelerator == "cpu" else "cuda")
    except ValueError as err:
        raise UserError(str(err)) from None


def train(
    impl: str,
    problem: Problem,
    settings: TrainingSettings,
    modes: TrainSettings,
    start: tuple[Params, int, Params],
    checkpoint: Path,
) -> Outcome:
    """Train ``impl`` (``scratch`` or ``torch``) on ``problem``'s training set by ``settings``
    from ``start``, the weights, the iteration and the optimizer state to go on from; the torch
    side runs in ``modes`` and writes its Lightning checkpoint to ``checkpoint``. ``seconds`` is
    the training alone: torch and Lightning are imported before the clock starts."""
    if impl == "torch":
        import lightning  # noqa: F401

        import torch_impl  # noqa: F401
    params, iteration, state = start
    settings = replace(settings, start_iteration=iteration)
    clock = time.perf_counter()
    diverged_at = None
    try:
        with cores_for(impl):
            if impl == "scratch":
                result = _scratch(problem, settings, modes, params, state)
            else:
                result = _torch(problem, settings, modes, params, state, checkpoint)
    except scratch.DivergenceError as err:
        result = TrainResult(err.params, err.costs, problem.spec, iteration)
        diverged_at = err.iteration
    return Outcome(impl, settings, result, diverged_at, time.perf_counter() - clock)


def _scratch(
    problem: Problem,
    settings: TrainingSettings,
    modes: TrainSettings,
    params: Params,
    state: Params,
) -> TrainResult:
    start, steps = settings.start_iteration, settings.num_iterations
    last = start + steps - 1
    with tqdm(total=steps, desc="scratch", unit="it", disable=modes.quiet) as bar:

        def progress(t: int, cost: float) -> None:
            if (t - start) % POSTFIX_EVERY == 0 or t == last:
                bar.set_postfix(cost=f"{cost:.6f}", refresh=False)
            bar.update()

        X, Y = problem.data.X_train, problem.data.Y_train
        return scratch.train(
            problem.spec, X, Y, settings, params=params, state=state, callback=progress
        )


def _torch(
    problem: Problem,
    settings: TrainingSettings,
    modes: TrainSettings,
    params: Params,
    state: Params,
    checkpoint: Path,
) -> TrainResult:
    import torch_impl

    return torch_impl.train(
        problem.spec,
        problem.data.X_train,
        problem.data.Y_train,
        settings,
        params=params,
        state=state,
        accelerator=modes.accelerator,
        devices=modes.devices,
        compile=modes.compile,
        precision=modes.precision,
        progress_bar=not modes.quiet,
        default_root_dir=checkpoint.parent,
        checkpoint_path=checkpoint,
    )
