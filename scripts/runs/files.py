"""What a run folder holds, and reading a finished run back to resume it::

    config.yaml            the settings the run used; --config runs/<name>/config.yaml repeats it
    costs.csv              one row per iteration: each implementation's cost, their |difference|
    weights-<impl>.npz     the final weights and their spec (scratch.load_weights reads them)
    torch.ckpt             the torch side's Lightning checkpoint
    results.json           per implementation: iterations, final cost, accuracy, seconds
    cost.png               the cost curves on one figure, their difference on a log scale
    decision_boundary.png  2-D classification only: the boundary each implementation learned

A run whose cost diverged keeps the weights of its last finite cost and writes no checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import scratch
from scratch._atomic import atomic_write_bytes
from scratch.documents import read_document
from scripts.cli.config_file import read_settings
from scripts.runs.costs import costs_csv, difference
from scripts.cli.errors import UserError
from scripts.runs.plots import plot_costs, plot_decision_boundaries
from scripts.inputs.problem import Params, Problem, read_state, read_weights
from scripts.runs.folder import RunFolder
from scripts.cli.settings import IMPLS, NOT_RESUMED
from scripts.runs.training import Outcome

CONFIG = "config.yaml"
COSTS = "costs.csv"
RESULTS = "results.json"
COST_PLOT = "cost.png"
BOUNDARY_PLOT = "decision_boundary.png"
CHECKPOINT = "torch.ckpt"


def weights_file(impl: str) -> str:
    return f"weights-{impl}.npz"


def write_config(folder: RunFolder, settings: dict[str, Any]) -> None:
    atomic_write_bytes(folder.file(CONFIG), yaml.safe_dump(settings, sort_keys=False).encode())


def write_results(
    folder: RunFolder,
    problem: Problem,
    outcomes: Sequence[Outcome],
    scores: dict[str, dict[str, float]],
) -> list[str]:
    """Write the weights, costs, results and plots of ``outcomes`` into ``folder``; returns the
    names of the files the folder holds besides ``config.yaml``."""
    written = []
    for outcome in outcomes:
        path, kept = folder.file(weights_file(outcome.impl)), outcome.result.state
        scratch.save_weights(path, outcome.params, problem.spec, outcome.settings.optimizer, kept)
        written.append(weights_file(outcome.impl))
    curves = [outcome.curve for outcome in outcomes]
    atomic_write_bytes(folder.file(COSTS), costs_csv(curves).encode())
    summary = json.dumps(_summary(problem, outcomes, scores), indent=2) + "\n"
    atomic_write_bytes(folder.file(RESULTS), summary.encode())
    written += [COSTS, RESULTS]
    if any(len(curve.costs) for curve in curves):
        title = f"{problem.data.name}\n{problem.spec.describe()}"
        plot_costs(curves, folder.file(COST_PLOT), title)
        written.append(COST_PLOT)
    data = problem.data
    if data.n_x == 2 and problem.spec.loss != "mse":
        panels = {outcome.impl: outcome.params for outcome in outcomes}
        path = folder.file(BOUNDARY_PLOT)
        plot_decision_boundaries(panels, problem.spec, data.X_train, data.Y_train, path)
        written.append(BOUNDARY_PLOT)
    if folder.file(CHECKPOINT).exists():
        written.append(CHECKPOINT)
    return written


def _summary(
    problem: Problem, outcomes: Sequence[Outcome], scores: dict[str, dict[str, float]]
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "data": problem.data.describe(),
        "spec": problem.spec.describe(),
        "implementations": {
            outcome.impl: {
                "start_iteration": outcome.curve.start,
                "next_iteration": outcome.next_iteration,
                "final_cost": float(outcome.curve.costs[-1]) if len(outcome.curve.costs) else None,
                "diverged_at": outcome.diverged_at,
                "seconds": round(outcome.seconds, 3),
                **scores[outcome.impl],
            }
            for outcome in outcomes
        },
    }
    diff = difference([outcome.curve for outcome in outcomes])
    if diff is not None:
        summary["largest_cost_difference"] = float(np.nanmax(diff, initial=0.0))
    return summary


def resume_points(
    run: str | Path, impls: Sequence[str], problem: Problem, optimizer: str
) -> dict[str, tuple[Params, int, Params]]:
    """For each of ``impls``: the weights the run in folder ``run`` ended with, the iteration
    to go on from and the optimizer's state. An implementation the run did not train starts
    from the other's. A state of another optimizer than ``optimizer`` is refused."""
    run = Path(run)
    done = _finished(run / RESULTS)
    points = {}
    for impl in impls:
        source = impl if impl in done else next(iter(done))  # done is never empty
        path = run / weights_file(source)
        params, _ = read_weights(path, problem.spec)
        trained_with, state = read_state(path)
        if state and trained_with != optimizer:
            raise UserError(
                f"{run} was trained with {trained_with}, whose state (in {path.name}) "
                f"--optimizer {optimizer} cannot continue; resume with --optimizer "
                f"{trained_with}, or start a new run from its weights with --weights {path} "
                f"(the {optimizer} state then starts from zero)"
            )
        points[impl] = (params, done[source], state)
    return points


def _finished(path: Path) -> dict[str, int]:
    """The iteration each implementation of a finished run's ``results.json`` goes on from,
    every field checked: a file that lacks one or holds the wrong kind is one line naming it."""
    try:
        results = read_document(path, f"{path}", "a run's results", yaml=False)
    except ValueError as err:
        raise UserError(f"{err} (not a finished run folder)") from None
    done = results.get("implementations") if isinstance(results, dict) else None
    if not isinstance(done, dict) or not done:
        raise UserError(f"{path} lists no implementations: not a finished run folder")
    points = {}
    for impl, entry in done.items():
        field = f"implementations.{impl}.next_iteration"
        if impl not in IMPLS[1:]:  # "scratch", "torch": a key names a file to read
            raise UserError(f"{path}: implementation {impl!r} is none of {', '.join(IMPLS[1:])}")
        if not isinstance(entry, dict) or "next_iteration" not in entry:
            raise UserError(f"{path} lacks {field}: not a finished run folder")
        value = entry["next_iteration"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UserError(f"{path}: {field} is {value!r}; expected a whole number >= 0")
        points[impl] = value
    return points


def resumed_settings(settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """With ``resume`` set, the settings the run in that folder saved, less those a resumed run
    does not take over: ``scripts.cli.parser.parse_settings``' ``base``."""
    run = settings.get("resume")
    if not run:
        return None
    saved = read_settings(Path(run) / CONFIG, what="run")
    return f"run {run}", {key: value for key, value in saved.items() if key not in NOT_RESUMED}
