"""Benchmark: milliseconds per training step of scratch, plain PyTorch and Lightning, side by side,
with scikit-learn's MLPClassifier beside scratch, and the scratch step's GFLOP/s against this
machine's own matmul rate.

    python scripts/bench.py                        # every workload, float64 and float32
    python scripts/bench.py --quick                # shrunken sizes, one round: a smoke run
    python scripts/bench.py --workloads cat wide --dtypes float32 --rounds 3 --json
    python scripts/bench.py --workloads mnist mnist-adam wide wide-adam   # gd beside Adam
    python scripts/bench.py load --quick           # each side idle and beside a busy process
    python scripts/bench.py modes --quick          # the torch side compiled and bf16-mixed
    python scripts/bench.py wait                   # what a user waits for, part by part

The workloads are four dense networks trained by gradient descent (planar, cat, mnist, wide), a
conv net on images of the SIGNS shapes (``signs``, whose conv and pool layers the report also times
in the course's loops), the course's LSTM language model on the built-in names corpus (``names``),
and mnist and wide trained by Adam (``mnist-adam``, ``wide-adam``), for which the report also gives
the update's share of a step on each side, the optimizer's update timed alone. Beside the sides,
the NumPy peer: scikit-learn's ``MLPClassifier`` trained through the same steps, from the same
weights (``scripts.benchmarks.peer``), where it can, with the ratio scratch/sklearn; it needs the
benchmark's extra, ``pip install -e ".[bench]"``, and the report says so in one line without it.

This file is the command; the parts of the benchmark, and the ``load`` and ``modes``
benchmarks, are the modules of ``scripts/benchmarks/``, whose README holds the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    import scripts  # noqa: F401  (first: Ctrl-C is one line from here on, see its docstring)

import json
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from scripts import PROGS
from scripts.benchmarks import peer
from scripts.benchmarks.environment import environment
from scripts.benchmarks.figures import check_targets, results_table
from scripts.benchmarks.memory import peak_memory
from scripts.benchmarks.report import format_report
from scripts.benchmarks.timing import measure_steps
from scripts.benchmarks.workloads import (
    MATMUL_SHAPE,
    MEMORY_WORKLOADS,
    SIDES,
    workload_table,
)
from scripts.cli import settings as cli
from scripts.cli.errors import reports_user_errors
from scripts.cli.settings import BENCH_QUICK_ROUNDS, BENCH_ROUNDS, BenchSettings

PROG = PROGS["bench"]


def parse_args(argv: Sequence[str] | None) -> BenchSettings:
    """The settings ``argv`` asks for, with the number of rounds resolved."""
    (settings,) = cli.parse(PROG, __doc__, argv)
    if settings.rounds is None:
        settings = replace(settings, rounds=BENCH_QUICK_ROUNDS if settings.quick else BENCH_ROUNDS)
    return settings


def build_report(settings: BenchSettings) -> dict[str, Any]:
    """Run the benchmark that ``settings`` asks for; the report as a JSON-ready dict."""
    table = workload_table(settings.quick)
    workloads = [table[name] for name in settings.workloads]
    sides = [side for side in SIDES if side in settings.sides]
    if set(sides) - {"scratch"}:
        import torch_impl  # noqa: F401  (loaded before the environment is recorded)
    with_peer = not settings.no_peer and peer.available()  # sklearn loaded if so
    shape = MATMUL_SHAPE["quick" if settings.quick else "full"]
    report: dict[str, Any] = {"environment": environment(), "quick": settings.quick}
    if not with_peer:
        report["environment"].pop("sklearn", None)  # loaded by someone else, not timed here
        if not settings.no_peer:
            report["peer_missing"] = peer.MISSING
    timings = measure_steps(
        workloads,
        settings.dtypes,
        sides,
        settings.rounds,
        shape,
        lambda line: print(line, file=sys.stderr),
        peer=with_peer,
    )
    rows = results_table(workloads, settings.dtypes, timings)
    memory = []
    if not settings.no_memory:
        for workload in workloads:
            if workload.name in MEMORY_WORKLOADS:
                for dtype in settings.dtypes:
                    per_side = {
                        s: peak_memory(s, workload.name, dtype, settings.quick) for s in sides
                    }
                    memory.append({"workload": workload.name, "dtype": dtype, "sides": per_side})
    return report | {
        "rounds": settings.rounds,
        "matmul_shape": list(shape),
        "matmul_gflops": timings.matmul,
        "rows": rows,
        "memory": memory,
        "targets": check_targets(rows),
        "loadavg_1min_end": os.getloadavg()[0],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark ``argv`` names (``load``, ``modes``, ``wait``, or by default the step
    times) and print its report; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["load"]:
        from scripts.benchmarks import load

        return load.main(argv[1:])
    if argv[:1] == ["modes"]:
        from scripts.benchmarks import modes

        return modes.main(argv[1:])
    if argv[:1] == ["wait"]:
        from scripts.benchmarks import wait

        return wait.main(argv[1:])
    return steps(argv)


@reports_user_errors(PROG)
def steps(argv: Sequence[str]) -> int:
    """The step times: print their report (a table, or JSON); returns the exit code."""
    settings = parse_args(argv)
    report = build_report(settings)
    print(json.dumps(report, indent=2) if settings.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
