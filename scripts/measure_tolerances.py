"""Measure the tolerance table: how much of each bound in ``scratch.tolerances.TOLERANCES`` the two
implementations use on random networks and training runs, and so the headroom each bound has.
Run it after changing the table, torch or NumPy, or the machine:

    python scripts/measure_tolerances.py                   # about 40 s on one core
    python scripts/measure_tolerances.py --networks 10000 --centred 300 --runs 100 --seed 1

For every row it prints how many comparisons it made, the largest share of the tolerance used by
one inside it (1 is the bound itself) with the headroom that leaves and the entry that used it
(with its |difference|), and every comparison outside it. Outside a forward or gradient bound is
a parity failure. Outside a training bound can also be the run's doing: at the edge of stability
a gradient-descent step multiplies any difference, and in float32 a ReLU pre-activation can round
to 0 on one side only; the suite's runs avoid both.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np
import torch

import scratch
import torch_impl
from scratch import Layer, NetworkSpec
from scratch.parity import Comparison, compare_all, compare_training
from scratch.spec import DTYPES, HIDDEN_ACTIVATIONS, INITS, LOSS_OUTPUT, LOSSES
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance
from scripts.cli import parse_settings, setting
from scripts.errors import EXIT_OK, reports_user_errors

PROG = "measure_tolerances"

# Data sets to train on, with a learning rate that trains them: (loss, output units, rate).
RUN_DATA = {
    "planar": ("binary_cross_entropy", 1, 0.5),
    "moons": ("binary_cross_entropy", 1, 0.5),
    "spiral": ("cross_entropy", 3, 0.5),
    "housing": ("mse", 1, 0.02),
}


@dataclass(frozen=True)
class ToleranceSettings:
    """What to measure."""

    networks: int = setting(1000, "random networks per dtype", kind="seed")
    centred: int = setting(200, "networks for the centred-difference check", kind="seed")
    runs: int = setting(40, "random training runs", kind="seed")
    iterations: int = setting(1000, "steps per training run", kind="count")
    trainer_every: int = setting(5, "the lightning.Trainer on every N-th run", kind="count")
    seed: int = setting(0, "seed of the random networks and runs", kind="seed")


def random_spec(
    rng: np.random.Generator, dtype: str, *, input_size: int, loss: str, n_out: int
) -> NetworkSpec:
    """0-4 hidden layers of 1-16 units, each with any hidden activation; any init and seed."""
    hidden = [
        Layer(int(rng.integers(1, 17)), str(rng.choice(HIDDEN_ACTIVATIONS)))
        for _ in range(rng.integers(0, 5))
    ]
    return NetworkSpec(
        input_size,
        (*hidden, Layer(n_out, LOSS_OUTPUT[loss][0])),
        init=str(rng.choice(INITS)),
        loss=loss,
        l2=float(rng.choice([0.0, 0.7])),
        dtype=dtype,
        seed=int(rng.integers(2**31)),
    )


def random_pass(
    rng: np.random.Generator, dtype: str
) -> tuple[NetworkSpec, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """A random network of the spec's whole range, its initial weights with random biases
    (so every ``db`` is exercised), and a batch of 1-64 standard-normal examples."""
    loss = str(rng.choice(LOSSES))
    n_out = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}[loss]
    spec = random_spec(rng, dtype, input_size=int(rng.integers(1, 17)), loss=loss, n_out=n_out)
    params = scratch.initialize_parameters(spec)
    for l in range(1, spec.L + 1):
        params[f"b{l}"] = (rng.standard_normal(params[f"b{l}"].shape) * 0.5).astype(dtype)
    m = int(rng.choice([1, rng.integers(1, 65)]))
    X = rng.standard_normal((spec.input_size, m))
    labels = rng.integers(0, max(n_out, 2), (1, m))  # 0/1, or one of 3 classes
    Y = rng.standard_normal((n_out, m)) if loss == "mse" else labels
    return spec, params, X, Y


def describe(spec: NetworkSpec, m: int | None = None) -> str:
    layers = "-".join(map(str, spec.sizes))
    where = f"{layers} {'/'.join(spec.activations)}, {spec.init}, {spec.loss}, l2={spec.l2}"
    return where if m is None else f"{where}, m={m}"


class Measured:
    """Per row of the table: how many comparisons, the one inside the tolerance that used the
    most of it, and every one outside it."""

    def __init__(self) -> None:
        self.count: Counter[tuple[str, str]] = Counter()
        self.worst: dict[tuple[str, str], tuple[Comparison, str]] = {}
        self.outside: defaultdict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, comparisons: Iterable[Comparison], where: str, *, parted: bool = False) -> None:
        """``parted``: all of them count as outside (a training run whose curve parted)."""
        for result in comparisons:
            row = (result.dtype, result.kind)
            self.count[row] += 1
            if parted or not result.ok:
                self.outside[row].append(f"{where}: {result.message()}")
            elif row not in self.worst or result.used > self.worst[row][0].used:
                self.worst[row] = (result, where)

    def report(self) -> None:
        for row in sorted(self.count):
            outside = len(self.outside.get(row, ()))
            counts = f"{' '.join(row):<27} {self.count[row]:>6} compared, {outside} outside"
            if row not in self.worst:
                print(f"  {counts}, none inside")
                continue
            result, where = self.worst[row]
            headroom = f"{1 / result.used:.0f}x" if result.used else "unbounded"
            gap = abs(result.values[0] - result.values[1])
            print(
                f"  {counts}; inside, at most {result.used:.3g} of {result.tolerance} "
                f"({headroom} headroom) at {result.where} (|difference| {gap:.1e}) of {where}"
            )
        for row, lines in sorted(self.outside.items()):
            print(f"outside the {' '.join(row)} tolerance:")
            print("\n".join(f"  {line}" for line in lines))


def measure_passes(rng: np.random.Generator, networks: int, measured: Measured) -> None:
    """One forward and backward pass of ``networks`` random networks per dtype."""
    for dtype in DTYPES:
        for _ in range(networks):
            spec, params, X, Y = random_pass(rng, dtype)
            ours = scratch.layer_internals(X, Y, params, spec)
            theirs = torch_impl.layer_internals(X, Y, params, spec)
            found = compare_all(ours, theirs, dtype=dtype)
            measured.add(found.results, describe(spec, X.shape[1]))


def measure_centred_differences(
    rng: np.random.Generator, networks: int, measured: Measured
) -> None:
    """Backprop against ``scratch.gradient_check``'s centred differences: float64 networks of up
    to 300 parameters, with weights N(0, 0.8^2) as in the parity suite's three-way cases."""
    done = 0
    while done < networks:
        spec, params, X, Y = random_pass(rng, "float64")
        if sum(p.size for p in params.values()) > 300:
            continue
        params = {k: rng.standard_normal(v.shape) * 0.8 for k, v in params.items()}
        check = scratch.gradient_check(params, X, Y, spec)
        cost = scratch.layer_internals(X, Y, params, spec)["cost"]
        tol = centred_difference_tolerance(cost)
        found = compare_all(check.analytic, check.numeric, kind=CENTRED_DIFFERENCE, tol=tol)
        measured.add(found.results, describe(spec, X.shape[1]))
        done += 1


def random_optimizer(rng: np.random.Generator, rate: float) -> dict[str, Any]:
    """Any of the optimizers, with a learning rate that trains the data set (an adaptive step
    takes a hundredth of gradient descent's) and, half the time, a decay."""
    optimizer = str(rng.choice(scratch.OPTIMIZERS))
    scaled = rate / 100 if optimizer in ("rmsprop", "adam") else rate
    decay = float(rng.choice([0.0, 0.01]))
    return {"optimizer": optimizer, "learning_rate": scaled, "decay_rate": decay}


def measure_runs(
    rng: np.random.Generator, runs: int, iterations: int, trainer_every: int, measured: Measured
) -> None:
    """``runs`` random networks trained on the built-in data sets, full batch or in batches of
    64, by a random optimizer: scratch against the plain torch loop, and every
    ``trainer_every``-th run against the ``lightning.Trainer`` too."""
    for i in range(runs):
        dataset = str(rng.choice(list(RUN_DATA)))
        loss, n_out, rate = RUN_DATA[dataset]
        X, Y = scratch.load_dataset(dataset)
        spec = random_spec(rng, str(rng.choice(DTYPES)), input_size=len(X), loss=loss, n_out=n_out)
        batch_size = [None, 64][int(rng.integers(2))]
        settings = random_optimizer(rng, rate) | {
            "num_iterations": iterations,
            "batch_size": batch_size,
        }
        try:
            ours = scratch.train(spec, X, Y, **settings)
        except scratch.DivergenceError:
            continue
        loops = [torch_impl.train_plain] + [torch_impl.train] * (i % trainer_every == 0)
        where = (
            f"{describe(spec)} ({spec.dtype}) on {dataset}, batch size {batch_size}, "
            f"{settings['optimizer']} at {settings['learning_rate']:g}"
        )
        for loop in loops:
            found = compare_training(ours, loop(spec, X, Y, **settings))
            measured.add(found.results, f"{where}, {loop.__name__}", parted=not found["cost"].ok)


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``measure_tolerances`` command; prints the report and returns 0."""
    [args] = parse_settings(PROG, __doc__.split("\n\n")[0], argv, [ToleranceSettings])
    torch.set_num_threads(1)  # small networks: more threads only wait on each other
    rng = np.random.default_rng(args.seed)
    measured = Measured()
    measure_passes(rng, args.networks, measured)
    measure_centred_differences(rng, args.centred, measured)
    measure_runs(rng, args.runs, args.iterations, args.trainer_every, measured)
    print(
        f"{args.networks} random networks a dtype, {args.centred} against centred differences, "
        f"{args.runs} training runs of {args.iterations} steps (seed {args.seed}):"
    )
    measured.report()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
