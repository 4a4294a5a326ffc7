"""The benchmark's report as text: the machine, the step times and ratios, where a step's time
goes, the update's share of a step, an image network's layers in the course's loops and the
vectorised forms, peak memory and the targets' verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from scripts.benchmarks.loops import LOOP_EXAMPLES
from scripts.benchmarks.timing import LIBRARY_OF, PEER, SIDE_OF
from scripts.benchmarks.workloads import SIDES

LOADED = "* products timed longer than the whole step: the machine was loaded during this run"
UPDATE_LOADED = "* the update timed longer than the whole step: the machine was loaded in this run"


def where(row: dict[str, Any]) -> str:
    """A row's workload and dtype, as the first two columns of a table."""
    return f"{row['workload']:<10} {row['dtype']:<8}"


HEADER = where({"workload": "workload", "dtype": "dtype"})


def format_report(report: dict[str, Any]) -> str:
    """The human-readable tables."""
    env = report["environment"]
    lines = [
        f"{env['cpu']}, {env['cores']} cores; 1-min load {env['loadavg_1min']:.2f} at start, "
        f"{report['loadavg_1min_end']:.2f} at end; python {env['python']}, numpy {env['numpy']}"
        + (f", torch {env['torch']}, lightning {env['lightning']}" if "torch" in env else ""),
    ]
    lines.append(f"numpy BLAS: {env['numpy_blas']}; BLAS pools: {', '.join(env['blas_pools'])}")
    if "sklearn" in env:
        lines.append(
            f"scikit-learn {env['sklearn']}: MLPClassifier (sgd, momentum 0, shuffle off, the same"
            " weights and batches), on NumPy's BLAS"
        )
    if report.get("peer_missing"):
        lines.append(report["peer_missing"])
    if "torch" in env:
        lines.append(f"torch: BLAS {env['torch_blas']}, {env['torch_threads']} threads")
    lines.append(
        f"median ms per training step over {report['rounds']} interleaved rounds"
        + (" (--quick: shrunken sizes, not the targets' workloads)" if report["quick"] else "")
    )
    lines += ["", *step_lines(report), "", *time_split_lines(report["rows"])]
    lines += update_lines(report["rows"]) + loop_lines(report["rows"]) + mean_lines(report["rows"])
    lines += memory_lines(report["memory"])
    lines += target_lines(report["targets"], report["quick"])
    return "\n".join(lines)


def step_lines(report: dict[str, Any]) -> list[str]:
    """Each side's median step and the peer's, the ratios between them, GFLOP/s, the matmul
    rates, the threads each ran on, and why the peer has no cell where it has none."""
    header = (
        f"{HEADER} {'scratch':>9} {'torch':>9} {'lightning':>10} {PEER:>9} "
        f"{'scr/torch':>10} {'L/torch':>8} {'L-torch':>8} {'scr/skl':>8} {'scr GFLOP/s':>12} "
        f"{'matmul':>7} {'%':>4} {'threads':>9}"
    )
    lines = [header, "-" * len(header)]
    unlike: dict[str, list[str]] = {}
    for row in report["rows"]:
        peer = {PEER: row[PEER]} if PEER in row else {}
        ms = {side: f"{s['median_ms']:.3f}" for side, s in (row["steps"] | peer).items()}
        threads = "/".join(
            str(s["threads"]) if s else "-"
            for s in (*(row["steps"].get(side) for side in SIDES), peer.get(PEER))
        )
        if "peer_unlike" in row:
            unlike.setdefault(row["peer_unlike"], []).append(f"{row['workload']} {row['dtype']}")

        def cell(key: str, fmt: str, row: dict[str, Any] = row) -> str:
            return format(row[key], fmt) if key in row else "-"

        lines.append(
            f"{where(row)} {ms.get('scratch', '-'):>9} "
            f"{ms.get('torch', '-'):>9} {ms.get('lightning', '-'):>10} {ms.get(PEER, '-'):>9} "
            f"{cell('scratch_over_torch', '.2f'):>10} {cell('lightning_over_torch', '.2f'):>8} "
            f"{cell('lightning_minus_torch_ms', '+.3f'):>8} "
            f"{cell('scratch_over_sklearn', '.2f'):>8} {cell('scratch_gflops', '.1f'):>12} "
            f"{row['numpy_matmul_gflops']:>7.1f} {cell('scratch_of_matmul', '.0%'):>4} "
            f"{threads:>9}"
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
    lines.append(
        f"scr/skl: scratch's fastest round over {PEER}'s (each round's median), on the threads"
        f" scratch's rule gives both; threads: those each ran on, scratch/torch/lightning/{PEER}"
    )
    lines += [
        f"{PEER} -: it cannot train the same steps ({why}): {', '.join(rows)}"
        for why, rows in unlike.items()
    ]
    return lines


def time_split_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each side's step as its products (BLAS, timed alone) plus the rest, in ms, and the minor
    page faults of a step. A rest below zero (the products, timed apart, took longer than the
    whole step) is shown as ``<0 *`` with a footnote, never as a negative time."""
    split = [(side, lib) for lib, side in SIDE_OF.items() if side in rows[0]["steps"]]
    lines = [
        "where the time goes, ms per step = the step's products (timed alone, each library in its"
        " own layout) + the rest; page faults per step",
        f"{HEADER} "
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
        lines.append(f"{where(row)} " + "  ".join(cells))
    return [*lines, LOADED] if loaded else lines


def update_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """For the rows whose update was timed alone: each side's step, its optimizer's update and
    the update's share of the step (Lightning's update is torch's ``optimizer.step()``). A share
    above 100% (the update, timed apart, took longer than the whole step) is starred with a
    footnote."""
    timed = [row for row in rows if "update_share" in row]
    if not timed:
        return []
    sides = list(timed[0]["update_share"])
    lines = [
        "",
        "the update's share of a step: ms per step, the optimizer's update alone (on the"
        " workload's parameter shapes; Lightning's is torch's) and its share of the step",
        f"{HEADER} " + "  ".join(f"{side:>9} {'update':>8} {'share':>6}" for side in sides),
    ]
    loaded = False
    for row in timed:
        cells = []
        for side in sides:
            step, update = row["steps"][side]["median_ms"], row["update_ms"][LIBRARY_OF[side]]
            share = row["update_share"][side]
            loaded |= share > 1
            cells.append(f"{step:>9.3f} {update:>8.3f} {share:>6.1%}{'*' if share > 1 else ' '}")
        lines.append(f"{where(row)} " + " ".join(cells).rstrip())
    return [*lines, UPDATE_LOADED] if loaded else lines


def loop_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """For the image workloads: each conv and pool layer's forward and backward pass, ms per
    example, in the course's loops (on a reduced batch) and the vectorised forms (on the same
    examples and on the whole batch), and the loops' time over the vectorised form's."""
    timed = [row for row in rows if row.get("loops")]
    if not timed:
        return []
    lines = [
        "",
        f"the course's loops against the vectorised forms, ms per example: the loops"
        f" (scratch.course.convolution) on {LOOP_EXAMPLES} examples, slow, the vectorised forms"
        f" (scratch.convolution) on the same {LOOP_EXAMPLES} and on the batch",
        f"{HEADER} {'layer':<36} {'pass':<8} {'loops':>9} {'vectorised':>10} {'loops/vec':>9}"
        f" {'batch':>9}",
    ]
    for row in timed:
        for p in row["loops"]:
            lines.append(
                f"{where(row)} {p['layer']:<36} {p['direction']:<8} {p['loops_ms']:>9.3f}"
                f" {p['vectorised_ms']:>10.3f} {p['loops_over_vectorised']:>9.0f}"
                f" {p['batch_ms']:>9.3f}"
            )
    return lines


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
        lines.append(f"{where(entry)} {per_side}")
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
            f"  {t['verdict']:<10} {t['where']:<19} {t['target']:<37} "
            f"{t['value']:.3f} +- {t['err']:.3f}  {t['note']}".rstrip()
        )
    return lines
