"""Benchmark the torch side's modes on the benchmark's four workloads: ms per step compiled
(inductor) against eager, with the compile time apart, and bf16-mixed against float32, in the
plain PyTorch loop (Lightning adds the same per-step cost in every mode).

    python scripts/bench.py modes                    # the four workloads, both dtypes
    python scripts/bench.py modes --workloads planar cat --quick

A step's time is the median gap between the loop's per-step callbacks after the workload's
warm-up; the compile time is how much longer the compiled run took to reach its first callback
than the eager one (dynamo's trace, inductor's code generation and the C++ build, with
inductor's caches off, so a first compile's).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scripts.benchmarks.workloads import DTYPES, GD_WORKLOADS, QUICK_WORKLOADS, Workload
from scripts.cli import settings as cli
from scripts.cli.errors import EXIT_OK, UserError, reports_user_errors
from scripts.runs.cores import cores_for

PROG = "bench modes"


@dataclass(frozen=True)
class Timing:
    """One run: the median ms per step after warm-up, and seconds to its first step's end."""

    ms_per_step: float
    first_step_s: float


def time_run(workload: Workload, dtype: str, **mode) -> Timing:
    """``torch_impl.train_plain`` on the workload in ``dtype`` and the ``mode`` options
    (``compile=True``, ``precision="bf16-mixed"``), timed by its per-step callbacks."""
    import torch
    from torch._inductor import config as inductor

    import torch_impl

    spec = workload.spec(dtype)
    X, Y = workload.data(dtype)
    stamps: list[float] = []
    torch._dynamo.reset()  # every compiled run compiles, from nothing: no cached kernels
    no_caches = inductor.patch(force_disable_caches=True)  # for this run only
    with cores_for("torch"), no_caches, warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*force disabled by.*force_disable_caches")
        start = time.perf_counter()
        torch_impl.train_plain(
            spec,
            X,
            Y,
            workload.settings(workload.steps),
            callback=lambda t, cost: stamps.append(time.perf_counter()),
            **mode,
        )
    gaps = np.diff(stamps)[workload.warmup :]
    return Timing(float(np.median(gaps)) * 1e3, stamps[0] - start)


def mode_rows(workloads: Sequence[Workload]) -> list[str]:
    """The table: per workload and dtype, eager and compiled ms per step, their ratio and the
    compile time; per workload, float32 and bf16-mixed ms per step and their ratio."""
    rows = [
        f"{'workload':<8} {'dtype':<8} {'eager':>9} {'compiled':>9} {'comp/eager':>10} "
        f"{'compile s':>9}"
    ]
    mixed = [f"{'workload':<8} {'float32':>9} {'bf16-mixed':>10} {'bf16/f32':>9}"]
    for workload in workloads:
        for dtype in DTYPES:
            eager = time_run(workload, dtype)
            compiled = time_run(workload, dtype, compile=True)
            rows.append(
                f"{workload.name:<8} {dtype:<8} {eager.ms_per_step:>9.3f} "
                f"{compiled.ms_per_step:>9.3f} {compiled.ms_per_step / eager.ms_per_step:>10.2f} "
                f"{compiled.first_step_s - eager.first_step_s:>9.1f}"
            )
            if dtype == "float32":
                bf16 = time_run(workload, dtype, precision="bf16-mixed")
                mixed.append(
                    f"{workload.name:<8} {eager.ms_per_step:>9.3f} {bf16.ms_per_step:>10.3f} "
                    f"{bf16.ms_per_step / eager.ms_per_step:>9.2f}"
                )
    return ["ms per step, compiled against eager (plain PyTorch loop):", *rows, "", *mixed]


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bench modes``; prints its tables and returns 0."""
    [args] = cli.parse(PROG, __doc__, argv)
    table = QUICK_WORKLOADS if args.quick else GD_WORKLOADS
    unknown = [name for name in args.workloads if name not in table]
    if unknown:
        raise UserError(f"no workload {', '.join(unknown)}; there are {', '.join(table)}")
    print("\n".join(mode_rows([table[name] for name in args.workloads])))
    return EXIT_OK
