"""The benchmark's report as text: the machine, the step times and ratios, where a step's time
goes, peak memory and the targets' verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from scripts.bench_timing import SIDE_OF

LOADED = "* products timed longer than the whole step: the machine was loaded during this run"


def format_report(report: dict[str, Any]) -> str:
    """The human-readable tables."""
    env = report["environment"]
    lines = [
        f"{env['cpu']}, {env['cores']} cores; 1-min load {env['loadavg_1min']:.2f} at start, "
        f"{report['loadavg_1min_end']:.2f} at end; python {env['python']}, numpy {env['numpy']}"
        + (f", torch {env['torch']}, lightning {env['lightning']}" if "torch" in env else ""),
    ]
    lines.append(f"numpy BLAS: {env['numpy_blas']}; BLAS pools: {', '.join(env['blas_pools'])}")
    if "torch" in env:
        lines.append(f"torch: BLAS {env['torch_blas']}, {env['torch_threads']} threads")
    lines.append(
        f"median ms per training step over {report['rounds']} interleaved rounds"
        + (" (--quick: shrunken sizes, not the targets' workloads)" if report["quick"] else "")
    )
    lines += ["", *step_lines(report), "", *time_split_lines(report["rows"])]
    lines += mean_lines(report["rows"]) + memory_lines(report["memory"])
    lines += target_lines(report["targets"], report["quick"])
    return "\n".join(lines)


def step_lines(report: dict[str, Any]) -> list[str]:
    """Each side's median step, the ratios between sides, GFLOP/s, and the matmul rates."""
    header = (
        f"{'workload':<8} {'dtype':<8} {'scratch':>9} {'torch':>9} {'lightning':>10} "
        f"{'scr/torch':>10} {'L/torch':>8} {'L-torch':>8} {'scr GFLOP/s':>12} {'matmul':>7} "
        f"{'%':>4}"
    )
    lines = [header, "-" * len(header)]
    for row in report["rows"]:
        ms = {side: f"{s['median_ms']:.3f}" for side, s in row["steps"].items()}

        def cell(key: str, fmt: str, row: dict[str, Any] = row) -> str:
            return format(row[key], fmt) if key in row else "-"

        lines.append(
            f"{row['workload']:<8} {row['dtype']:<8} {ms.get('scratch', '-'):>9} "
            f"{ms.get('torch', '-'):>9} {ms.get('lightning', '-'):>10} "
            f"{cell('scratch_over_torch', '.2f'):>10} {cell('lightning_over_torch', '.2f'):>8} "
            f"{cell('lightning_minus_torch_ms', '+.3f'):>8} {cell('scratch_gflops', '.1f'):>12} "
            f"{row['numpy_matmul_gflops']:>7.1f} {cell('scratch_of_matmul', '.0%'):>4}"
        )
    rates = report["matmul_gflops"]
    lines.append(
        f"matmul: W (n, n) @ A (n, m), n, m = {report['matmul_shape']}: "
        + "; ".join(
            f"{lib} " + ", ".join(f"{d} {np.median(v):.1f}" for d, v in per.items())
            for lib, per in rates.items()
        )
        + " GFLOP/s"
    )
    return lines


def time_split_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each side's step as its products (BLAS, timed alone) plus the rest, in ms, and the minor
    page faults of a step. A rest below zero (the products, timed apart, took longer than the
    whole step) is shown as ``<0 *`` with a footnote, never as a negative time."""
    split = [(side, lib) for lib, side in SIDE_OF.items() if side in rows[0]["steps"]]
    lines = [
        "where the time goes, ms per step = the step's products (timed alone, each library in its"
        " own layout) + the rest; page faults per step",
        f"{'workload':<8} {'dtype':<8} "
        + "  ".join(f"{s:>9} = {'products':>8} + {'rest':>6} {'faults':>6}" for s, _ in split),
    ]
    loaded = False
    for row in rows:
        cells = []
        for side, lib in split:
            step, faults = row["steps"][side]["median_ms"], row["steps"][side]["faults_per_step"]
            blas = row["products_ms"][lib]
            rest = f"{step - blas:>6.3f}" if step >= blas else f"{'<0 *':>6}"
            loaded |= step < blas
            cells.append(f"{step:>9.3f} = {blas:>8.3f} + {rest} {faults:>6.0f}")
        lines.append(f"{row['workload']:<8} {row['dtype']:<8} " + "  ".join(cells))
    return [*lines, LOADED] if loaded else lines


def mean_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The mean step where it exceeds the median by more than 10% (a cost paid once an epoch)."""
    differs = [
        f"{row['workload']} {row['dtype']} {side} {s['mean_ms']:.3f}"
        for row in rows
        for side, s in row["steps"].items()
        if s["mean_ms"] > 1.1 * s["median_ms"]
    ]
    return ["mean ms where it exceeds the median by >10%: " + "; ".join(differs)] if differs else []


def memory_lines(memory: Sequence[dict[str, Any]]) -> list[str]:
    if not memory:
        return []
    lines = ["", "peak resident memory, MB (one process per side: before training -> peak)"]
    for entry in memory:
        per_side = "  ".join(
            f"{side} {m['before_mb']:.0f} -> {m['peak_mb']:.0f}"
            for side, m in entry["sides"].items()
        )
        lines.append(f"{entry['workload']:<8} {entry['dtype']:<8} {per_side}")
    return lines


def target_lines(targets: Sequence[dict[str, Any]], quick: bool) -> list[str]:
    if not targets:
        return []
    lines = [
        "",
        "targets: the figure +- its standard error over the rounds; unresolved when the bound is"
        " within two" + (" -- not meaningful at --quick sizes" if quick else ""),
    ]
    for t in targets:
        lines.append(
            f"  {t['verdict']:<10} {t['where']:<15} {t['target']:<37} "
            f"{t['value']:.3f} +- {t['err']:.3f}  {t['note']}".rstrip()
        )
    return lines
