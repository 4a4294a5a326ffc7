"""Measure the tolerance table: how much of each bound in ``scratch.tolerances.TOLERANCES`` the two
implementations use on random networks and training runs, and so the headroom each bound has.
Run it after changing the table, torch or NumPy, or the machine:

    python scripts/measure_tolerances.py                   # about 40 s on one core
    python scripts/measure_tolerances.py --networks 10000 --centred 300 --runs 100 --seed 1
    python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 0 --compiled 40 \
        --compiled-runs 20 --mixed-runs 40           # the modes' rows (compiled, bf16-mixed)

For every row it prints how many comparisons it made, the largest share of the tolerance used by
one inside it (1 is the bound itself) with the headroom that leaves and the entry that used it
(with its |difference|), and every comparison outside it. Outside a forward or gradient bound is
a parity failure. Outside a training bound can also be the run's doing: at the edge of stability
a gradient-descent step multiplies any difference, and in float32 a ReLU pre-activation can round
to 0 on one side only; the suite's runs avoid both.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np
import torch

from scratch.threads import blas_threads
from scripts.cli.errors import EXIT_OK, reports_user_errors
from scripts.cli.parser import parse_settings, setting
from scripts.measure.dense import measure_centred_differences, measure_passes, measure_runs
from scripts.measure.modes import measure_compiled_passes, measure_mode_runs
from scripts.measure.report import Measured

PROG = "measure_tolerances"


@dataclass(frozen=True)
class ToleranceSettings:
    """What to measure."""

    networks: int = setting(1000, "random networks per dtype", kind="seed")
    centred: int = setting(200, "networks for the centred-difference check", kind="seed")
    runs: int = setting(40, "random training runs", kind="seed")
    iterations: int = setting(1000, "steps per training run", kind="count")
    trainer_every: int = setting(5, "the lightning.Trainer on every N-th run", kind="count")
    seed: int = setting(0, "seed of the random networks and runs", kind="seed")
    layers: bool = setting(
        False, "hidden layers with dropout and batch norm too (batches of 3 or more examples)"
    )
    compiled: int = setting(0, "random networks per dtype through the compiled module", kind="seed")
    compiled_runs: int = setting(0, "random gradient-descent runs, compiled", kind="seed")
    mixed_runs: int = setting(0, "random float32 runs in bf16-mixed precision", kind="seed")


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``measure_tolerances`` command; prints the report and returns 0."""
    [args] = parse_settings(PROG, __doc__.split("\n\n")[0], argv, [ToleranceSettings])
    torch.set_num_threads(1)  # small networks: more threads only wait on each other
    rng = np.random.default_rng(args.seed)
    measured = Measured()
    with blas_threads(1):  # NumPy's side too
        measure_passes(rng, args.networks, measured, args.layers)
        measure_centred_differences(rng, args.centred, measured, args.layers)
        measure_runs(rng, args.runs, args.iterations, args.trainer_every, measured, args.layers)
        measure_compiled_passes(rng, args.compiled, measured)
        measure_mode_runs(rng, args.compiled_runs, args.iterations, "compiled", measured)
        measure_mode_runs(rng, args.mixed_runs, args.iterations, "bf16-mixed", measured)
    modes = (
        f"; compiled: {args.compiled} networks a dtype, {args.compiled_runs} runs; "
        f"bf16-mixed: {args.mixed_runs} runs"
        if args.compiled or args.compiled_runs or args.mixed_runs
        else ""
    )
    print(
        f"{args.networks} random networks a dtype, {args.centred} against centred differences, "
        f"{args.runs} training runs of {args.iterations} steps{modes} (seed {args.seed}):"
    )
    measured.report()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
