"""The benchmark's figures from its timings: each side's step summary, the ratios between sides,
the GFLOP/s, the update's share of a step, each with its standard error over the rounds, and the
verdict on every target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from scripts.benchmarks.loops import LayerPass
from scripts.benchmarks.timing import LIBRARY_OF, PEER, Timings, Turn
from scripts.benchmarks.workloads import Workload

Row = dict[str, Any]
MS_FIELDS = ("loops_ms", "vectorised_ms", "batch_ms")  # a LayerPass's figures


def summary(turns: Sequence[Turn]) -> dict[str, Any]:
    """Median, mean and 10th/90th percentiles in ms over every round's steps, the number of
    steps, each round's median, the median page faults per step and the threads the library
    ran on (the most of any round)."""
    ms = np.concatenate([turn.gaps for turn in turns]) * 1e3
    return {
        "median_ms": float(np.median(ms)),
        "mean_ms": float(np.mean(ms)),
        "p10_ms": float(np.percentile(ms, 10)),
        "p90_ms": float(np.percentile(ms, 90)),
        "steps": int(ms.size),
        "round_medians_ms": [float(np.median(turn.gaps)) * 1e3 for turn in turns],
        "faults_per_step": float(np.median([turn.faults_per_step for turn in turns])),
        "threads": max(turn.threads for turn in turns),
    }


def standard_error(per_round: Sequence[float]) -> float:
    """The standard error of a figure from its value in each round (0 with a single round)."""
    return float(np.std(per_round, ddof=1) / np.sqrt(len(per_round))) if len(per_round) > 1 else 0.0


def results_table(
    workloads: Sequence[Workload], dtypes: Sequence[str], timings: Timings
) -> list[Row]:
    """One row per workload and dtype: each side's step summary, the ratios, the GFLOP/s,
    each library's products ms and, where the update was timed, its ms and share of each side's
    step (``update_share``; Lightning's update is torch's). The peer's step summary is
    ``row[PEER]`` with the ratio ``scratch_over_sklearn`` of the two sides' fastest rounds (the
    lowest of each round's median) and ``sklearn_floor``, NumPy's products alone in their
    fastest round over the peer's fastest round (the least the ratio can be), or where it
    cannot train the same steps ``peer_unlike``, why. An image workload's row has ``loops``,
    its layers in the course's loops and the vectorised forms (``loop_figures``). Each derived
    figure ``x`` has its standard error ``x_err`` from its value in each round."""
    return [result_row(workload, dtype, timings) for workload in workloads for dtype in dtypes]


def result_row(workload: Workload, dtype: str, timings: Timings) -> Row:
    turns, matmul = timings.steps[workload.name, dtype], timings.matmul
    steps = {side: summary(side_turns) for side, side_turns in turns.items() if side != PEER}
    median = {side: s["median_ms"] for side, s in steps.items()}
    per_round = {side: np.array(s["round_medians_ms"]) for side, s in steps.items()}
    numpy_gflops = np.array(matmul["numpy"][dtype])
    row: Row = {
        "workload": workload.name,
        "problem": workload.problem,
        "optimizer": workload.optimizer,
        "dtype": dtype,
        "sizes": list(workload.sizes),
        "batch": workload.batch,
        "flops_per_step": workload.flops_per_step(),
        "steps": steps,
        "numpy_matmul_gflops": float(np.median(numpy_gflops)),
        "products_ms": {
            lib: float(np.median(ms)) for lib, ms in timings.products[workload.name, dtype].items()
        },
    }

    def derive(name: str, overall: float, rounds: np.ndarray) -> None:
        row[name], row[f"{name}_err"] = float(overall), standard_error(rounds)

    if "scratch" in median:
        gflops = workload.flops_per_step() / 1e6
        derive("scratch_gflops", gflops / median["scratch"], gflops / per_round["scratch"])
        derive(
            "scratch_of_matmul",
            row["scratch_gflops"] / row["numpy_matmul_gflops"],
            gflops / per_round["scratch"] / numpy_gflops,
        )
    if "torch" in matmul:
        row["torch_matmul_gflops"] = float(np.median(matmul["torch"][dtype]))
    if "torch" in median:
        for side, name in (
            ("scratch", "scratch_over_torch"),
            ("lightning", "lightning_over_torch"),
        ):
            if side in median:
                derive(name, median[side] / median["torch"], per_round[side] / per_round["torch"])
        if "lightning" in median:
            derive(
                "lightning_minus_torch_ms",
                median["lightning"] - median["torch"],
                per_round["lightning"] - per_round["torch"],
            )
    if PEER in turns:
        row[PEER] = summary(turns[PEER])
        if "scratch" in median:  # the fastest rounds: the machine is shared
            peer_rounds = np.array(row[PEER]["round_medians_ms"])
            best = per_round["scratch"].min() / peer_rounds.min()
            derive("scratch_over_sklearn", best, per_round["scratch"] / peer_rounds)
            products = timings.products[workload.name, dtype]["numpy"]
            row["sklearn_floor"] = float(np.min(products) / peer_rounds.min())
    elif (workload.name, dtype) in timings.peer_unlike:
        row["peer_unlike"] = timings.peer_unlike[workload.name, dtype]
    updates = timings.updates.get((workload.name, dtype))
    if updates:
        row |= update_shares(updates, median, per_round)
    if timings.loops.get((workload.name, dtype)):
        row["loops"] = loop_figures(timings.loops[workload.name, dtype])
    return row


def loop_figures(rounds: Sequence[Sequence[LayerPass]]) -> list[Row]:
    """Per layer and pass, the median over the rounds of each ms per example (the loops, the
    vectorised form on the loops' examples and on the batch) and ``loops_over_vectorised``,
    the loops' over the vectorised form's on the same examples."""
    figures = []
    for passes in zip(*rounds, strict=True):
        median = {key: float(np.median([getattr(p, key) for p in passes])) for key in MS_FIELDS}
        ratio = median["loops_ms"] / median["vectorised_ms"]
        row = {"layer": passes[0].layer, "direction": passes[0].direction}
        figures.append(row | median | {"loops_over_vectorised": ratio})
    return figures


def update_shares(
    updates: dict[str, list], median: dict[str, float], per_round: dict[str, np.ndarray]
) -> Row:
    """``update_ms`` per library, and per side ``update_share``, the update's ms over the step's
    median ms, with ``update_share_err`` from the same ratio in each round."""
    ms = {lib: np.array(rounds) for lib, rounds in updates.items()}
    sides = [side for side in median if LIBRARY_OF[side] in ms]
    return {
        "update_ms": {lib: float(np.median(rounds)) for lib, rounds in ms.items()},
        "update_share": {
            side: float(np.median(ms[LIBRARY_OF[side]])) / median[side] for side in sides
        },
        "update_share_err": {
            side: standard_error(ms[LIBRARY_OF[side]] / per_round[side]) for side in sides
        },
    }


def check_targets(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """The benchmark's targets, for the rows that have the figures: "met" or "missed", or
    "unresolved" where the bound lies within two standard errors of the figure."""
    checks = []

    def check(row: Row, target: str, key: str, bound: float, at_most: bool, note: str = "") -> None:
        value, err = row[key], row[f"{key}_err"]
        if abs(value - bound) < 2 * err:
            verdict = "unresolved"
        else:
            verdict = "met" if (value <= bound) == at_most else "missed"
        where = f"{row['workload']} {row['dtype']}"
        checks.append(
            {
                "where": where,
                "target": target,
                "value": value,
                "err": err,
                "verdict": verdict,
                "note": note,
            }
        )

    for row in rows:
        if "scratch_over_torch" in row:
            # NumPy's BLAS alone, against torch's whole step: the least scratch can be.
            floor = row["products_ms"]["numpy"] / row["steps"]["torch"]["median_ms"]
            note = f"floor {floor:.2f}: NumPy's products alone"
            check(row, "scratch step <= plain PyTorch step", "scratch_over_torch", 1.0, True, note)
        if "scratch_over_sklearn" in row:
            note = f"floor {row['sklearn_floor']:.2f}: NumPy's products alone"
            check(row, "scratch step <= sklearn MLP step", "scratch_over_sklearn", 1.0, True, note)
        # the matmul target is gradient descent's: Adam's update adds elementwise work
        gd_wide = (row["problem"], row["optimizer"]) == ("wide", "gd")
        if gd_wide and "scratch_of_matmul" in row:
            check(row, "scratch >= 85% of matmul GFLOP/s", "scratch_of_matmul", 0.85, False)
        if "lightning_over_torch" in row:
            if row["problem"] == "mnist":
                check(row, "Lightning <= 1.5x plain PyTorch", "lightning_over_torch", 1.5, True)
            else:
                target = "Lightning <= plain PyTorch + 0.5 ms"
                check(row, target, "lightning_minus_torch_ms", 0.5, True)
    return checks
