"""Benchmark: what a user waits for. The main job (``python scripts/train.py``), ``nn-check`` on a
week-4 file and the first ``nn-train`` after install, each run as a user runs it, in a fresh
process, its wall time broken down: the interpreter's start, imports, data, training,
evaluation, files, plots, checking, the report, the rest, and the process's exit.

    python scripts/bench.py wait                 # the three, 3 rounds
    python scripts/bench.py wait --cases train --rounds 5

How it is timed. The command runs in a child (``scripts.benchmarks.stopwatch``) that puts a
clock on every import (the outermost one) and on the command's phase functions (``PHASES``),
then calls the command's ``main``. Each moment counts once, for the innermost phase or import
under way, so the parts add up to the child's run; an import inside a phase counts as an
import. The parent takes the process's wall time; the interpreter's start and exit are the
time before the child's clocks began and after they ended. The first ``nn-train`` after install
runs a copy of the project with no bytecode and a fresh matplotlib cache, as a new install is
(site-packages keep the bytecode pip wrote). A case's figures are those of its fastest round,
the rounds interleaved.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scripts.cli import settings as cli
from scripts.cli.errors import reports_user_errors
from scripts.cli.settings import WAIT_CASES

ROOT = Path(__file__).resolve().parents[2]
PROG = "bench wait"
WEEK4 = ROOT / "parity_tests" / "learners" / "week4_correct.py"
# the functions whose time is a phase's, by their module's path (a method as Class.name)
PHASES = {
    "train": {
        "data": ["scripts.inputs.problem:load_problem"],
        "training": ["scripts.runs.training:train"],
        "evaluation": ["scripts.inputs.problem:evaluate"],
        "files": [
            "scripts.runs.files:write_run",
            "scripts.runs.folder:RunFolder.publish",
            "scripts.runs.folder:RunFolder.__exit__",
        ],
        "plots": ["scripts.runs.plots:plot_costs", "scripts.runs.plots:plot_decision_boundaries"],
        "report": ["scripts.train:_print_plan", "scripts.train:_print_report"],
    },
    "check": {
        "loading": ["scripts.learner.runner:Learner.load"],
        "checking": ["scratch.grading.weeks:check_week"],
        "report": ["scripts.learner.report:render"],
    },
}
PARTS = ("start", "imports", "data", "loading", "training", "checking", "evaluation", "files")
PARTS += ("plots", "report", "other", "exit")


@dataclass(frozen=True)
class Case:
    """A command as a user runs it: its module, arguments, phases, and whether it is the first
    run of a new install."""

    name: str
    title: str
    module: str
    argv: tuple[str, ...]
    phases: str
    first_run: bool = False


CASES = {
    case.name: case
    for case in (
        Case("train", "python scripts/train.py", "scripts.train", (), "train"),
        Case("check", f"nn-check {WEEK4.name}", "scripts.check", (str(WEEK4),), "check"),
        Case("first", "first nn-train after install", "scripts.train", (), "train", True),
    )
    if case.name in WAIT_CASES  # the names the settings offer, in their order
}


@dataclass
class Timing:
    """One run of a case: its wall time and its parts, in seconds."""

    wall_s: float
    parts: dict[str, float] = field(default_factory=dict)


def run_case(case: Case, root: Path, scratch_dir: Path) -> Timing:
    """``case`` in a fresh process in ``scratch_dir`` (its run folders go there), importing the
    project from ``root``; its output is discarded."""
    out = scratch_dir / "parts.json"
    env = {**os.environ, "PYTHONPATH": str(root)}
    if case.first_run:  # else the user's own matplotlib cache
        env["MPLCONFIGDIR"] = str(scratch_dir / "matplotlib")
    phases = json.dumps(PHASES[case.phases])
    command = [sys.executable, "-m", "scripts.benchmarks.stopwatch", str(out), case.module, phases]
    started = time.time()
    subprocess.run(
        [*command, "--", *case.argv],
        cwd=scratch_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    ended = time.time()
    measured = json.loads(out.read_text())
    start, exit_ = measured["began"] - started, ended - measured["ended"]
    return Timing(ended - started, {"start": start, **measured["parts"], "exit": exit_})


def fresh_install(into: Path) -> Path:
    """A copy of the project's packages in ``into`` with no bytecode: the first run compiles
    them, as the first run after ``pip install -e .`` does."""
    for package in ("scratch", "torch_impl", "scripts"):
        shutil.copytree(
            ROOT / package, into / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return into


def measure(cases: Sequence[Case], rounds: int) -> dict[str, Timing]:
    """Each case's fastest round, the cases interleaved round by round."""
    best: dict[str, Timing] = {}
    for _ in range(rounds):
        for case in cases:
            with tempfile.TemporaryDirectory(prefix="nn-wait-") as folder:
                root = fresh_install(Path(folder) / "install") if case.first_run else ROOT
                work = Path(folder) / "work"
                work.mkdir()
                timing = run_case(case, root, work)
            if case.name not in best or timing.wall_s < best[case.name].wall_s:
                best[case.name] = timing
    return best


def format_table(
    cases: Sequence[Case], timings: dict[str, Timing], load: tuple[float, float]
) -> str:
    used = [part for part in PARTS if any(part in t.parts for t in timings.values())]
    lines = [
        f"what a user waits for, s (the fastest of the rounds; {os.cpu_count()} cores, load "
        f"{load[0]:.1f} at the start and {load[1]:.1f} at the end)",
        f"{'':<30}" + "".join(f"{part:>11}" for part in used) + f"{'total':>11}",
    ]
    for case in cases:
        timing = timings[case.name]
        lines.append(
            f"{case.title:<30}"
            + "".join(f"{timing.parts.get(part, 0.0):>11.2f}" for part in used)
            + f"{timing.wall_s:>11.2f}"
        )
    return "\n".join(lines)


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Time the cases and print the table; returns the exit code."""
    [settings] = cli.parse(PROG, __doc__, argv)
    cases = [CASES[name] for name in settings.cases]
    start = os.getloadavg()[0]
    timings = measure(cases, settings.rounds)
    print(format_table(cases, timings, (start, os.getloadavg()[0])))
    return 0
