"""Measure the tolerance table: how much of each bound in ``scratch.tolerances.TOLERANCES`` the two
implementations use on random networks and training runs, and so the headroom each bound has.
Run it after changing the table, torch or NumPy, or the machine:

    python scripts/measure_tolerances.py                   # about 40 s on one core
    python scripts/measure_tolerances.py --networks 10000 --centred 300 --runs 100 --seed 1
    python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 0 --compiled 40 \
        --compiled-runs 20 --mixed-runs 40           # the modes' rows (compiled, bf16-mixed)
    python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 0 --conv-networks 1000 \
        --conv-centred 60 --conv-runs 24 --iterations 300   # convolutional networks
    python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 0 \
        --recurrent-networks 3000 --recurrent-centred 300 --recurrent-runs 40 --iterations 200

For every row it prints how many comparisons it made, the largest share of the tolerance used by
one inside it (1 is the bound itself) with the headroom that leaves and the entry that used it
(with its |difference|), and every comparison outside it. Outside a forward or gradient bound is
a parity failure. Outside a training bound can also be the run's doing: at the edge of stability
a gradient-descent step multiplies any difference, and in float32 a ReLU pre-activation can round
to 0 on one side only; the suite's runs avoid both.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    import scripts  # noqa: F401  (first: Ctrl-C is one line from here on, see its docstring)

from collections.abc import Sequence

import numpy as np
import torch

from scratch.threads import blas_threads
from scripts import PROGS
from scripts.cli import settings
from scripts.cli.errors import EXIT_OK, reports_user_errors
from scripts.measure.conv import (
    measure_conv_centred_differences,
    measure_conv_passes,
    measure_conv_runs,
)
from scripts.measure.dense import measure_centred_differences, measure_passes, measure_runs
from scripts.measure.modes import measure_compiled_passes, measure_mode_runs
from scripts.measure.recurrent import (
    measure_recurrent_centred_differences,
    measure_recurrent_passes,
    measure_recurrent_runs,
)
from scripts.measure.report import Measured

PROG = PROGS["measure_tolerances"]


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``measure_tolerances`` command; prints the report and returns 0."""
    [args] = settings.parse(PROG, __doc__, argv)
    torch.set_num_threads(1)  # small networks: more threads only wait on each other
    rng = np.random.default_rng(args.seed)
    measured = Measured()
    with blas_threads(1):  # NumPy's side too
        measure_passes(rng, args.networks, measured, args.norm_dropout)
        measure_centred_differences(rng, args.centred, measured, args.norm_dropout)
        measure_runs(
            rng, args.runs, args.iterations, args.trainer_every, measured, args.norm_dropout
        )
        measure_compiled_passes(rng, args.compiled, measured)
        measure_mode_runs(rng, args.compiled_runs, args.iterations, "compiled", measured)
        measure_mode_runs(rng, args.mixed_runs, args.iterations, "bf16-mixed", measured)
        measure_conv_passes(rng, args.conv_networks, measured)
        measure_conv_centred_differences(rng, args.conv_centred, measured)
        measure_conv_runs(rng, args.conv_runs, args.iterations, args.trainer_every, measured)
        measure_recurrent_passes(rng, args.recurrent_networks, measured)
        measure_recurrent_centred_differences(rng, args.recurrent_centred, measured)
        measure_recurrent_runs(
            rng, args.recurrent_runs, args.iterations, args.trainer_every, measured
        )
    conv = (
        f"; conv: {args.conv_networks} networks a dtype, {args.conv_centred} against centred "
        f"differences, {args.conv_runs} runs"
        if args.conv_networks or args.conv_centred or args.conv_runs
        else ""
    )
    recurrent = (
        f"; recurrent: {args.recurrent_networks} networks a dtype, {args.recurrent_centred} "
        f"against centred differences, {args.recurrent_runs} runs"
        if args.recurrent_networks or args.recurrent_centred or args.recurrent_runs
        else ""
    )
    modes = (
        f"; compiled: {args.compiled} networks a dtype, {args.compiled_runs} runs; "
        f"bf16-mixed: {args.mixed_runs} runs"
        if args.compiled or args.compiled_runs or args.mixed_runs
        else ""
    )
    print(
        f"{args.networks} random networks a dtype, {args.centred} against centred differences, "
        f"{args.runs} training runs of {args.iterations} steps{modes}{conv}{recurrent} "
        f"(seed {args.seed}):"
    )
    measured.report()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
