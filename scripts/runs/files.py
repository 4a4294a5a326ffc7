"""What a run folder holds, written once, when the run is over (``write_run``)::

    config.yaml            the settings the run used; --config runs/<name>/config.yaml repeats it
    costs.csv              one row per iteration: each implementation's cost, their |difference|
    weights-<impl>.npz     the final weights and their spec (scratch.load_weights reads them)
    torch.ckpt             the torch side's Lightning checkpoint
    results.json           per implementation: iterations, final cost, accuracy, seconds
    cost.png               the cost curves on one figure, their difference on a log scale
    decision_boundary.png  2-D classification only: the boundary each implementation learned

A run whose cost diverged keeps the weights of its last finite cost and writes no checkpoint.
``scripts.runs.resumed`` reads a finished run back to resume it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import yaml

import scratch
from scratch import NetworkSpec
from scratch._atomic import atomic_write_bytes
from scripts.cli.settings import LAYER_FIELDS, SPEC_FIELDS, TRAIN, NetworkSettings
from scripts.inputs.problem import Problem
from scripts.runs.costs import costs_csv, difference
from scripts.runs.folder import RunFolder
from scripts.runs.plots import plot_costs, plot_decision_boundaries
from scripts.runs.training import Outcome

CONFIG = "config.yaml"
COSTS = "costs.csv"
RESULTS = "results.json"
COST_PLOT = "cost.png"
BOUNDARY_PLOT = "decision_boundary.png"
CHECKPOINT = "torch.ckpt"


# What a saved run leaves out: a repeat gets a folder of its own.
RUN_IDENTITY = ("name", "overwrite")
SAVED = tuple(
    field.name
    for group in TRAIN
    for field in dataclasses.fields(group)
    if field.name not in RUN_IDENTITY
)  # the keys of config.yaml, in order


def weights_file(impl: str) -> str:
    return f"weights-{impl}.npz"


def saved_config(used: Sequence[Any], spec: NetworkSpec) -> dict[str, Any]:
    """The settings groups a training run ``used`` (the ``iterations`` it trained, not
    ``epochs``), with the spec written out in full in place of the spec-field settings, so that
    the file alone repeats the run -- into a folder of its own: the run's ``name`` and
    ``overwrite`` are not saved."""
    out = {}
    for group in used:
        out |= dataclasses.asdict(group)
    out = {key: value for key, value in out.items() if key not in RUN_IDENTITY}
    unset = {f.name: f.default for f in dataclasses.fields(NetworkSettings)}
    written_out = {key: unset[key] for key in (*SPEC_FIELDS, *LAYER_FIELDS)}
    return out | written_out | {"spec": spec.to_dict()}


def write_run(
    folder: RunFolder,
    settings: dict[str, Any],
    problem: Problem,
    outcomes: Sequence[Outcome],
    scores: dict[str, dict[str, float]],
) -> list[str]:
    """Write the run's ``settings`` (``saved_config``), and the weights, costs, results and
    plots of ``outcomes``, into ``folder``; returns the names of the files written."""
    atomic_write_bytes(folder.file(CONFIG), yaml.safe_dump(settings, sort_keys=False).encode())
    written = [CONFIG]
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
    if not data.images and data.n_x == 2 and problem.spec.loss != "mse":
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
