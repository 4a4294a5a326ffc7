"""Training either implementation for the ``train`` command: its progress bar, its clock, and a
cost that diverges turned into an outcome that keeps the last good weights."""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

import scratch
from scratch import NetworkSpec, TrainResult
from scripts.cores import cores_for
from scripts.costs import Curve

Params = dict[str, np.ndarray]
POSTFIX_EVERY = 100


@dataclass(frozen=True)
class Job:
    """What both implementations are asked to do, identically."""

    spec: NetworkSpec
    X: np.ndarray
    Y: np.ndarray
    learning_rate: float
    iterations: int
    batch_size: int | None
    quiet: bool
    accelerator: str = "cpu"
    devices: int = 1

    def arguments(self, params: Params, start: int) -> dict:
        """The keyword arguments both sides' ``train`` take alike."""
        return {
            "params": params,
            "learning_rate": self.learning_rate,
            "num_iterations": self.iterations,
            "batch_size": self.batch_size,
            "start_iteration": start,
        }


@dataclass(frozen=True)
class Outcome:
    """One implementation's run. ``result.params``: the final weights or, when the cost
    diverged at iteration ``diverged_at``, those of the last iteration with a finite cost, whose
    costs ``result.costs`` holds."""

    impl: str
    result: TrainResult
    diverged_at: int | None
    seconds: float

    @property
    def params(self) -> Params:
        return self.result.params

    @property
    def curve(self) -> Curve:
        return Curve(self.impl, self.result.start_iteration, self.result.costs)

    @property
    def next_iteration(self) -> int:
        """The iteration a run resumed from ``params`` starts at."""
        done = len(self.result.costs)
        return self.result.start_iteration + (
            done if self.diverged_at is None else max(done - 1, 0)
        )


def train(impl: str, job: Job, params: Params, start: int, checkpoint: Path) -> Outcome:
    """Train ``impl`` (``scratch`` or ``torch``) from ``params`` at iteration ``start``; the
    torch side writes its Lightning checkpoint to ``checkpoint``. ``seconds`` is the training
    alone: Lightning is imported first, which takes 3 s here."""
    if impl == "torch":
        import torch_impl  # noqa: F401
    clock = time.perf_counter()
    diverged_at = None
    try:
        with cores_for(impl):
            if impl == "scratch":
                result = _scratch(job, params, start)
            else:
                result = _torch(job, params, start, checkpoint)
    except scratch.DivergenceError as err:
        result = TrainResult(err.params, err.costs, job.spec, start)
        diverged_at = err.iteration
    return Outcome(impl, result, diverged_at, time.perf_counter() - clock)


def _scratch(job: Job, params: Params, start: int) -> TrainResult:
    last = start + job.iterations - 1
    with tqdm(total=job.iterations, desc="scratch", unit="it", disable=job.quiet) as bar:

        def progress(t: int, cost: float) -> None:
            if (t - start) % POSTFIX_EVERY == 0 or t == last:
                bar.set_postfix(cost=f"{cost:.6f}", refresh=False)
            bar.update()

        return scratch.train(
            job.spec, job.X, job.Y, **job.arguments(params, start), callback=progress
        )


def _torch(job: Job, params: Params, start: int, checkpoint: Path) -> TrainResult:
    import torch_impl

    # Lightning's own progress bar stays; its INFO lines (accelerators found, tips, "fit
    # stopped") and a deprecation inside Lightning itself are not the user's business.
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)`")
        return torch_impl.train(
            job.spec,
            job.X,
            job.Y,
            **job.arguments(params, start),
            accelerator=job.accelerator,
            devices=job.devices,
            progress_bar=not job.quiet,
            default_root_dir=checkpoint.parent,
            checkpoint_path=checkpoint,
        )
