"""Benchmark: each side's training steps idle and beside a busy process, with its threads sized to
the work by the one rule (``scratch.threads``: ``scratch.train`` sizes NumPy's BLAS,
``torch_impl.threads.sized_to`` torch's; both leave out a core that another process keeps busy)
and on every core (each library's own default, as before the sizing), and the ratio busy / idle
of each; the threads column gives the count a row took idle / beside the busy process.

    python scripts/bench.py load                       # planar and cat, every side
    python scripts/bench.py load --workloads planar mnist --sides lightning --rounds 5
    python scripts/bench.py load --workloads cat mnist --modes sized --rounds 5
    python scripts/bench.py load --quick               # shrunken sizes, one round: a smoke run

The busy process is a child spinning a pure-Python loop, which keeps one core busy. Each round
times every row idle and every row beside the child, idle first in the odd rounds and busy first
in the even ones, so that a load from elsewhere that grows or falls through the run does not
weigh on one side of the ratio; a row's figure is the median over the rounds of the mean step
after the workload's warm-up steps (a mean, so that the steps stalled by the busy core count).
The title gives the floor: the busy / idle ratio of a pure-Python loop on one thread in the same
rounds, the share of a core one thread gets beside the child on this machine now, which no
thread count can beat (1 on an idle machine with a core to spare; about 2 where other
processes already hold all but one core).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from statistics import median

from scripts.benchmarks.timing import CORES_OF
from scripts.benchmarks.workloads import WorkloadData, workload_table
from scripts.cli import settings as cli
from scripts.cli.errors import reports_user_errors
from scripts.cli.settings import LOAD_QUICK_ROUNDS, LOAD_ROUNDS, LoadSettings
from scripts.runs.cores import cores_for

PROG = "bench load"
# a pure-Python busy loop that ends itself if this process dies without ending it
SPIN = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    pass\n"
SPIN_START_S = 0.2  # the child's interpreter starting, before the busy figures are taken
FLOOR_LOOP = 300_000  # additions of the floor's pure-Python loop (about 20 ms on one core)


@dataclass(frozen=True)
class Row:
    """One workload, side and thread mode: ms per step idle and beside the busy process."""

    workload: str
    side: str
    mode: str  # "sized" (to the work) or "all" (the library's default count)
    threads: tuple[int, int]  # the count taken idle, and beside the busy process
    idle_ms: float
    busy_ms: float

    @property
    def ratio(self) -> float:
        return self.busy_ms / self.idle_ms


def parse_args(argv: Sequence[str] | None) -> LoadSettings:
    (settings,) = cli.parse(PROG, __doc__, argv)
    if settings.rounds is None:
        settings = replace(settings, rounds=LOAD_QUICK_ROUNDS if settings.quick else LOAD_ROUNDS)
    return settings


@contextmanager
def busy_core() -> Iterator[subprocess.Popen]:
    """A child process spinning on one core for the duration of the block; ended after it."""
    child = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        time.sleep(SPIN_START_S)
        yield child
    finally:
        child.kill()
        child.wait()


def step_ms(data: WorkloadData, side: str) -> float:
    """Mean ms per step of one run of ``side`` on ``data``, after the warm-up steps."""
    stamps: list[float] = []
    data.train(side, data.workload.steps, lambda t, cost: stamps.append(time.perf_counter()))
    timed = stamps[data.workload.warmup :]
    return 1e3 * (timed[-1] - timed[0]) / (len(timed) - 1)


class Threads:
    """A side's thread controls: ``every_core()``, a block on the library's default count (every
    core, as before the sizing); ``count(spec, batch)``, the count a run takes now."""

    def __init__(self, side: str):
        if side == "scratch":
            from scratch import threads

            default = threads.blas_count()  # the count before any sizing: the old behaviour
            self.every_core = lambda: threads.blas_threads(default)
        else:
            import torch

            from torch_impl import threads

            default = torch.get_num_threads()
            self.every_core = lambda: threads.torch_threads(default)
        self.count = threads.run_threads


def one_thread_ms(repeats: int = 5) -> float:
    """Mean ms of a pure-Python loop of ``FLOOR_LOOP`` additions, on this one thread."""
    start = time.perf_counter()
    for _ in range(repeats):
        total = 0
        for i in range(FLOOR_LOOP):
            total += i
    return 1e3 * (time.perf_counter() - start) / repeats


def measure(settings: LoadSettings) -> tuple[list[Row], float]:
    """Every row of the table ``settings`` asks for, and the floor: the median busy / idle
    ratio of ``one_thread_ms`` over the same rounds, the share of a core one thread gets beside
    the busy child here (with other processes' load, it can be well under a core)."""
    controls = {side: Threads(side) for side in settings.sides}
    table = workload_table(settings.quick)
    cases = [
        (WorkloadData.build(table[name], settings.dtype), side, mode)
        for name in settings.workloads
        for side in settings.sides
        for mode in settings.modes
    ]
    times: dict[int, dict[bool, list[float]]] = {
        i: {False: [], True: []} for i in range(len(cases))
    }
    counts: dict[int, dict[bool, int]] = {i: {} for i in range(len(cases))}
    floor: dict[bool, list[float]] = {False: [], True: []}
    for r in range(settings.rounds):
        for busy in (False, True) if r % 2 == 0 else (True, False):  # the load drifts
            with busy_core() if busy else nullcontext():
                floor[busy].append(one_thread_ms())
                for i, (data, side, mode) in enumerate(cases):
                    control = controls[side]
                    with (
                        cores_for(CORES_OF[side]),
                        control.every_core() if mode == "all" else nullcontext(),
                    ):
                        counts[i][busy] = control.count(data.spec, data.workload.batch)
                        times[i][busy].append(step_ms(data, side))
    rows = [
        Row(
            data.workload.name,
            side,
            mode,
            (counts[i][False], counts[i][True]),
            median(times[i][False]),
            median(times[i][True]),
        )
        for i, (data, side, mode) in enumerate(cases)
    ]
    return rows, median(floor[True]) / median(floor[False])


def format_rows(
    rows: Sequence[Row], settings: LoadSettings, load: tuple[float, float], floor: float
) -> str:
    """The table; its title names the machine, the load and the floor (``measure``)."""
    lines = [
        f"ms per step, idle and beside a process spinning on one core ({settings.dtype}, "
        f"{os.cpu_count()} cores, {settings.rounds} rounds, load {load[0]:.1f} at the start and "
        f"{load[1]:.1f} at the end; floor {floor:.2f}: busy/idle of one thread of pure Python)",
        f"{'workload':10} {'side':10} {'threads':10} {'idle':>9} {'busy':>9} {'busy/idle':>9}",
    ]
    for row in rows:
        threads = f"{row.mode} {row.threads[0]}/{row.threads[1]}"
        lines.append(
            f"{row.workload:10} {row.side:10} {threads:10} {row.idle_ms:9.3f} {row.busy_ms:9.3f} "
            f"{row.ratio:9.2f}"
        )
    return "\n".join(lines)


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Time the rows and print the table; returns the exit code."""
    settings = parse_args(argv)
    start = os.getloadavg()[0]
    rows, floor = measure(settings)
    print(format_rows(rows, settings, (start, os.getloadavg()[0]), floor))
    return 0
