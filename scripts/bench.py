"""Benchmark: milliseconds per training step of scratch, plain PyTorch and Lightning, side by side,
and the scratch step's GFLOP/s against this machine's own matmul rate.

    python scripts/bench.py                        # the four workloads, float64 and float32
    python scripts/bench.py --quick                # shrunken sizes, one round: a smoke run
    python scripts/bench.py --workloads cat wide --dtypes float32 --rounds 3 --json

Workloads (issue 6): planar ``[2, 4, 1]`` tanh, m = 400, full batch; cat ``[12288, 20, 7, 5, 1]``
relu, m = 209, full batch; mnist ``[784, 128, 64, 10]`` relu + softmax, shuffled mini-batches of
256 from 60,000 examples; wide ``[1024, 1024, 1024, 1]`` relu, m = 4096, full batch. The data are
seeded random numbers of those shapes (``planar`` is the real flower); every side starts from the
same ``scratch.initialize_parameters`` weights.

How a step is timed. Each side runs its own training function, ``scratch.train``,
``torch_impl.train_plain`` (a plain PyTorch loop) or ``torch_impl.train`` (a real
``lightning.Trainer``), for a number of steps, with a callback that reads ``time.perf_counter()``
after every step. The gap between two consecutive callbacks is one whole step of that loop:
fetching the batch, forward, cost, backward and update, and for the Trainer everything its loop
does between two batches (hooks, logging, the data loader, the end and start of an epoch, which
for full batch is every step). Building the Trainer and converting the data happen before the
first callback and are never counted, and the first ``warmup`` gaps of each turn are dropped
(at least 0.1 s: a NumPy step right after torch's turn ran up to 2x slower for ~0.1 s). The
figure is the median gap over all rounds; the mean is kept too, because the median hides a cost
paid once per epoch (a mini-batch loader that gathers an epoch's rows at once). In every round
each side takes its turn (in a rotated order) in this one process, so all figures share the
machine's state; ``torch_impl.threads.turn`` hands the cores to the side whose turn it is.

FLOPs per step: the matmuls, with m the batch size (elementwise work is O(sum n[l] m))::

    forward   Z[l] = W[l] A[l-1]         2 n[l] n[l-1] m    l = 1..L
    backward  dW[l] = dZ[l] A[l-1]^T     2 n[l] n[l-1] m    l = 1..L
              dA[l-1] = W[l]^T dZ[l]     2 n[l] n[l-1] m    l = 2..L  (dA[0] is never needed)
    total = 6 sum_l n[l] n[l-1] m - 2 n[1] n[0] m

The machine's limit is the median rate of ``np.matmul(W, A, out=Z)`` with W (n, n) and A (n, m)
at the wide workload's shape, in the same dtype, measured in every round of the same run
(torch's ``W @ A`` beside it).

Where the time goes. In every round each library also forms the step's products alone, on
operands of the workload's shapes, NumPy in course layout (``W @ A``, ``dZ @ A.T``, ``W.T @ dZ``)
and torch one example per row as ``nn.Linear`` does (``A @ W.T``, ``dZ.T @ A``, ``dZ @ W``). A
step's time less its products' is the rest: activations, cost, bias, update, and the loop.
Both count the same products: those above, less a one-unit layer's ``W^T dZ``, which scratch
forms as a broadcast and not in BLAS. Each turn also counts the minor page faults of its timed
steps (``getrusage``, read at the first and last): an array allocated afresh each step has its
pages faulted in as they are first written, which for large arrays is a cost of its own.

Peak memory: each side trains the cat and wide workloads again in a fresh process of its own (the
scratch one never imports torch), which reports its resident set before training and its peak
(``VmHWM``), so no side's allocations count against another's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np
from threadpoolctl import threadpool_info

import scratch

SIDES = ("scratch", "torch", "lightning")
SIDE_OF = {"numpy": "scratch", "torch": "torch"}  # whose turn at the cores a library's work is
DTYPES = ("float64", "float32")
MEMORY_WORKLOADS = ("cat", "wide")


@dataclass(frozen=True)
class Workload:
    """A network, its data size and how long each side's turn runs."""

    name: str
    sizes: tuple[int, ...]
    hidden: str
    loss: str
    m: int
    batch_size: int | None
    learning_rate: float
    steps: int  # steps per turn
    warmup: int  # gaps dropped at the start of each turn

    @property
    def batch(self) -> int:
        return self.m if self.batch_size is None else min(self.batch_size, self.m)

    def spec(self, dtype: str) -> scratch.NetworkSpec:
        init = "small_random" if self.hidden == "tanh" else "he"
        return scratch.build_spec(
            self.sizes, self.hidden, loss=self.loss, init=init, dtype=dtype, seed=1
        )

    def data(self, dtype: str) -> tuple[np.ndarray, np.ndarray]:
        """``X`` (n[0], m) in ``dtype`` and labels ``Y`` (1, m), seeded."""
        if self.name == "planar":
            X, Y = scratch.load_dataset("planar", m=self.m)
            return X.astype(dtype), Y
        rng = np.random.default_rng(0)
        if self.name == "wide":
            X = rng.standard_normal((self.sizes[0], self.m), dtype=dtype)
        else:  # images: pixel intensities in [0, 1)
            X = rng.random((self.sizes[0], self.m), dtype=dtype)
        classes = self.sizes[-1] if self.loss == "cross_entropy" else 2
        return X, rng.integers(0, classes, (1, self.m))

    def flops_per_step(self) -> int:
        """``6 sum_l n[l] n[l-1] m - 2 n[1] n[0] m`` (see the module docstring)."""
        pairs = [n_prev * n for n_prev, n in zip(self.sizes, self.sizes[1:], strict=False)]
        return (6 * sum(pairs) - 2 * pairs[0]) * self.batch


BCE, CE = "binary_cross_entropy", "cross_entropy"
WORKLOADS = {
    w.name: w
    for w in (
        Workload("planar", (2, 4, 1), "tanh", BCE, 400, None, 1.2, steps=400, warmup=50),
        Workload("cat", (12288, 20, 7, 5, 1), "relu", BCE, 209, None, 0.0075, steps=150, warmup=40),
        Workload("mnist", (784, 128, 64, 10), "relu", CE, 60000, 256, 0.1, steps=300, warmup=60),
        Workload("wide", (1024, 1024, 1024, 1), "relu", BCE, 4096, None, 0.01, steps=9, warmup=1),
    )
}
# --quick: the same four problems shrunk, so that a whole run takes seconds.
QUICK_WORKLOADS = {
    name: replace(WORKLOADS[name], **changes)
    for name, changes in {
        "planar": {"steps": 30, "warmup": 5},
        "cat": {"sizes": (768, 20, 7, 5, 1), "m": 64, "steps": 12, "warmup": 2},
        "mnist": {"sizes": (784, 32, 16, 10), "m": 2048, "steps": 12, "warmup": 2},
        "wide": {"sizes": (128, 128, 128, 1), "m": 256, "steps": 12, "warmup": 2},
    }.items()
}
MATMUL_SHAPE = {"full": (1024, 4096), "quick": (128, 256)}  # (n, m): W (n, n) @ A (n, m)


@dataclass
class Problem:
    """One workload in one dtype: what every side trains on, from the same weights."""

    workload: Workload
    spec: scratch.NetworkSpec
    X: np.ndarray
    Y: np.ndarray
    params: dict[str, np.ndarray]

    @classmethod
    def build(cls, workload: Workload, dtype: str) -> Problem:
        spec = workload.spec(dtype)
        X, Y = workload.data(dtype)
        return cls(workload, spec, X, Y, scratch.initialize_parameters(spec))


def trainer(side: str) -> Callable[..., scratch.TrainResult]:
    """The training function of a side (torch is imported only for the torch sides)."""
    if side == "scratch":
        return scratch.train
    import torch_impl

    return torch_impl.train_plain if side == "torch" else torch_impl.train


def cores_for(side: str) -> AbstractContextManager[None]:
    """The side's turn at the cores; without torch loaded there is nothing to share."""
    if "torch" not in sys.modules:
        return nullcontext()
    from torch_impl import threads

    return threads.turn("numpy" if side == "scratch" else "torch")


class Turn(NamedTuple):
    """One turn of a side: its step gaps (s), less the first ``warmup``, and the minor page faults
    per step over those same steps."""

    gaps: np.ndarray
    faults_per_step: float


def step_times(side: str, problem: Problem) -> Turn:
    """One turn of ``side`` on ``problem``: the gaps between its per-step callbacks, and the
    page faults between the same callbacks (read twice a turn, so as not to slow a step)."""
    workload, stamps, faults = problem.workload, [], []
    counted = {workload.warmup + 1, workload.steps}  # the first and last timed callbacks

    def on_step(t: int, cost: float) -> None:
        stamps.append(time.perf_counter())
        if len(stamps) in counted:
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)

    trainer(side)(
        problem.spec,
        problem.X,
        problem.Y,
        params=problem.params,
        learning_rate=workload.learning_rate,
        num_iterations=workload.steps,
        batch_size=workload.batch_size,
        callback=on_step,
    )
    if len(stamps) != workload.steps:
        raise RuntimeError(f"{side} reported {len(stamps)} of {workload.steps} steps")
    gaps = np.diff(stamps)[workload.warmup :]
    return Turn(gaps, (faults[-1] - faults[0]) / len(gaps))


def matmul_gflops(library: str, dtype: str, shape: tuple[int, int], repeats: int = 5) -> float:
    """Median GFLOP/s of ``W @ A`` with W (n, n) and A (n, m): 2 n^2 m FLOPs per product, into
    an output allocated once."""
    n, m = shape
    rng = np.random.default_rng(0)
    W, A = rng.standard_normal((n, n), dtype=dtype), rng.standard_normal((n, m), dtype=dtype)
    if library == "numpy":
        Z = np.empty((n, m), dtype=dtype)
        product = lambda: np.matmul(W, A, out=Z)  # noqa: E731
    else:
        import torch

        W_t, A_t = torch.from_numpy(W), torch.from_numpy(A)
        Z_t = torch.empty((n, m), dtype=W_t.dtype)
        product = lambda: torch.matmul(W_t, A_t, out=Z_t)  # noqa: E731
    product()
    return 2 * n * n * m / median_seconds(product, repeats) / 1e9


def median_seconds(work: Callable[[], Any], repeats: int) -> float:
    """The median time of ``repeats`` calls of ``work``."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def step_products(library: str, workload: Workload, dtype: str) -> list[Callable[[], Any]]:
    """The matrix products of one step of ``workload`` (see "Where the time goes"), each on
    seeded operands of its shapes and into an output allocated once, in ``library``'s layout."""
    rng = np.random.default_rng(0)
    m, products = workload.batch, []

    def operand(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape, dtype=dtype)

    for l, (n_prev, n) in enumerate(pairwise(workload.sizes), start=1):
        W, A, dZ = operand(n, n_prev), operand(n_prev, m), operand(n, m)
        input_grad = l > 1 and n > 1
        if library == "numpy":
            Z, dW, dA = np.empty((n, m), dtype), np.empty((n, n_prev), dtype), np.empty_like(A)
            products += [partial(np.matmul, W, A, out=Z), partial(np.matmul, dZ, A.T, out=dW)]
            if input_grad:
                products.append(partial(np.matmul, W.T, dZ, out=dA))
        else:
            import torch

            W_t, A_t, dZ_t = (torch.from_numpy(np.ascontiguousarray(a)) for a in (W, A.T, dZ.T))
            Z, dW, dA = torch.empty_like(dZ_t), torch.empty_like(W_t), torch.empty_like(A_t)
            products += [
                partial(torch.matmul, A_t, W_t.T, out=Z),
                partial(torch.matmul, dZ_t.T, A_t, out=dW),
            ]
            if input_grad:
                products.append(partial(torch.matmul, dZ_t, W_t, out=dA))
    return products


def products_ms(library: str, workload: Workload, dtype: str, repeats: int = 5) -> float:
    """Milliseconds of a step's products: each one's median over ``repeats``, summed. They
    are first run for 0.1 s, the time the other library's threads may still hold the cores
    (see "How a step is timed")."""
    products = step_products(library, workload, dtype)
    warm_until = time.perf_counter() + 0.1
    while time.perf_counter() < warm_until:
        for product in products:
            product()
    return sum(median_seconds(product, repeats) for product in products) * 1e3


def rotated(items: Sequence[str], by: int) -> list[str]:
    by %= len(items)
    return [*items[by:], *items[:by]]


def summary(turns: Sequence[Turn]) -> dict[str, Any]:
    """Median, mean and 10th/90th percentiles in ms over every round's steps, the number of
    steps, each round's median, and the median page faults per step."""
    ms = np.concatenate([turn.gaps for turn in turns]) * 1e3
    return {
        "median_ms": float(np.median(ms)),
        "mean_ms": float(np.mean(ms)),
        "p10_ms": float(np.percentile(ms, 10)),
        "p90_ms": float(np.percentile(ms, 90)),
        "steps": int(ms.size),
        "round_medians_ms": [float(np.median(turn.gaps)) * 1e3 for turn in turns],
        "faults_per_step": float(np.median([turn.faults_per_step for turn in turns])),
    }


def standard_error(per_round: Sequence[float]) -> float:
    """The standard error of a figure from its value in each round (0 with a single round)."""
    return float(np.std(per_round, ddof=1) / np.sqrt(len(per_round))) if len(per_round) > 1 else 0.0


Times = dict[tuple[str, str], dict[str, list]]  # (workload, dtype) -> side or library -> rounds


def measure_steps(
    workloads: Sequence[Workload],
    dtypes: Sequence[str],
    sides: Sequence[str],
    rounds: int,
    matmul_shape: tuple[int, int],
    progress: Callable[[str], None],
) -> tuple[Times, Times, dict[str, dict[str, list[float]]]]:
    """Every side's turns (one per round) for every workload and dtype, each
    library's time for the same step's products (ms, one per round), and the matmul rates,
    interleaved: each round visits every workload and dtype, and each side takes a turn there."""
    problems = {(w.name, d): Problem.build(w, d) for w in workloads for d in dtypes}
    libraries = ["numpy"] + (["torch"] if set(sides) - {"scratch"} else [])
    times: Times = {k: {s: [] for s in sides} for k in problems}
    products: Times = {k: {lib: [] for lib in libraries} for k in problems}
    matmul: dict[str, dict[str, list[float]]] = {lib: {d: [] for d in dtypes} for lib in libraries}
    for r in range(rounds):
        for dtype in dtypes:
            for library in libraries:
                with cores_for(SIDE_OF[library]):
                    matmul[library][dtype].append(matmul_gflops(library, dtype, matmul_shape))
        for key, problem in problems.items():
            for side in rotated(sides, r):
                with cores_for(side):
                    times[key][side].append(step_times(side, problem))
            for library in libraries:
                with cores_for(SIDE_OF[library]):
                    products[key][library].append(products_ms(library, problem.workload, key[1]))
            progress(f"round {r + 1}/{rounds}: {key[0]} {key[1]}")
    return times, products, matmul


def peak_memory(side: str, workload: str, dtype: str, quick: bool) -> dict[str, float]:
    """Resident set (MB) before training and at its peak, of ``side`` training ``workload`` in a
    process of its own."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--memory-child",
        side,
        workload,
        dtype,
    ]
    done = subprocess.run(
        command + (["--quick"] if quick else []), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory run of {side} on {workload} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_child(side: str, workload_name: str, dtype: str, quick: bool) -> None:
    """Body of the ``--memory-child`` process: build the problem, note the resident set, train,
    print the resident set before training and its peak as one JSON line."""
    workload = (QUICK_WORKLOADS if quick else WORKLOADS)[workload_name]
    problem = Problem.build(workload, dtype)
    train = trainer(side)
    before = memory_status()["VmRSS"]
    train(
        problem.spec,
        problem.X,
        problem.Y,
        params=problem.params,
        learning_rate=workload.learning_rate,
        num_iterations=min(workload.steps, 10),
        batch_size=workload.batch_size,
    )
    print(json.dumps({"before_mb": before, "peak_mb": memory_status()["VmHWM"]}))


def memory_status() -> dict[str, float]:
    """This process's resident set now (``VmRSS``) and at its peak (``VmHWM``), in MB, from
    ``/proc/self/status`` (Linux); unlike ``getrusage``, the peak is this program's alone, not
    the forked parent's."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024  # kB
    return fields


def environment() -> dict[str, Any]:
    """Library versions, BLAS and thread counts, CPU and load: what the figures depend on."""
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": f"{blas['name']} {blas['version']}",
        "blas_pools": [
            f"{Path(pool['filepath']).name} ({pool.get('threading_layer')}, "
            f"{pool['num_threads']} threads)"
            for pool in threadpool_info()
            if pool["user_api"] == "blas"
        ],
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "loadavg_1min": os.getloadavg()[0],
    }
    if "torch" in sys.modules:
        import lightning
        import torch

        blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        info |= {
            "torch": torch.__version__,
            "lightning": lightning.__version__,
            "torch_blas": blas.group(1) if blas else "unknown",
            "torch_threads": torch.get_num_threads(),
            "torch_interop_threads": torch.get_num_interop_threads(),
        }
    return info


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def results_table(
    workloads: Sequence[Workload],
    dtypes: Sequence[str],
    sides: Sequence[str],
    times: Times,
    products: Times,
    matmul: dict[str, dict[str, list[float]]],
) -> list[dict[str, Any]]:
    """One row per workload and dtype: each side's step summary, the ratios, the GFLOP/s and
    each library's products ms. Each derived figure ``x`` has its standard error ``x_err`` from
    its value in each round."""
    rows = []
    for workload in workloads:
        for dtype in dtypes:
            steps = {side: summary(times[workload.name, dtype][side]) for side in sides}
            median = {side: steps[side]["median_ms"] for side in sides}
            per_round = {side: np.array(steps[side]["round_medians_ms"]) for side in sides}
            numpy_gflops = np.array(matmul["numpy"][dtype])
            row: dict[str, Any] = {
                "workload": workload.name,
                "dtype": dtype,
                "sizes": list(workload.sizes),
                "batch": workload.batch,
                "flops_per_step": workload.flops_per_step(),
                "steps": steps,
                "numpy_matmul_gflops": float(np.median(numpy_gflops)),
                "products_ms": {
                    lib: float(np.median(ms)) for lib, ms in products[workload.name, dtype].items()
                },
            }

            def derive(name: str, overall: float, rounds: np.ndarray, row: dict = row) -> None:
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
            for side, name in (
                ("scratch", "scratch_over_torch"),
                ("lightning", "lightning_over_torch"),
            ):
                if side in median and "torch" in median:
                    derive(
                        name, median[side] / median["torch"], per_round[side] / per_round["torch"]
                    )
            if "lightning" in median and "torch" in median:
                derive(
                    "lightning_minus_torch_ms",
                    median["lightning"] - median["torch"],
                    per_round["lightning"] - per_round["torch"],
                )
            rows.append(row)
    return rows


def check_targets(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 6's targets, for the rows that have the figures: "met" or "missed", or "unresolved"
    where the bound lies within two standard errors of the figure."""
    checks = []

    def check(
        row: dict[str, Any], target: str, key: str, bound: float, at_most: bool, note: str = ""
    ) -> None:
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
        if row["workload"] == "wide" and "scratch_of_matmul" in row:
            check(row, "scratch >= 85% of matmul GFLOP/s", "scratch_of_matmul", 0.85, False)
        if "lightning_over_torch" in row:
            if row["workload"] == "mnist":
                check(row, "Lightning <= 1.5x plain PyTorch", "lightning_over_torch", 1.5, True)
            else:
                target = "Lightning <= plain PyTorch + 0.5 ms"
                check(row, target, "lightning_minus_torch_ms", 0.5, True)
    return checks


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
    header = (
        f"{'workload':<8} {'dtype':<8} {'scratch':>9} {'torch':>9} {'lightning':>10} "
        f"{'scr/torch':>10} {'L/torch':>8} {'L-torch':>8} {'scr GFLOP/s':>12} {'matmul':>7} "
        f"{'%':>4}"
    )
    lines += ["", header, "-" * len(header)]
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
    lines += ["", *time_split_lines(report["rows"])]
    differs = [
        f"{row['workload']} {row['dtype']} {side} {s['mean_ms']:.3f}"
        for row in report["rows"]
        for side, s in row["steps"].items()
        if s["mean_ms"] > 1.1 * s["median_ms"]
    ]
    if differs:
        lines.append("mean ms where it exceeds the median by >10%: " + "; ".join(differs))
    if report["memory"]:
        lines += ["", "peak resident memory, MB (one process per side: before training -> peak)"]
        for entry in report["memory"]:
            per_side = "  ".join(
                f"{side} {m['before_mb']:.0f} -> {m['peak_mb']:.0f}"
                for side, m in entry["sides"].items()
            )
            lines.append(f"{entry['workload']:<8} {entry['dtype']:<8} {per_side}")
    if report["targets"]:
        lines += [
            "",
            "targets (issue 6): the figure +- its standard error over the rounds; unresolved when"
            " the bound is within two"
            + (" -- not meaningful at --quick sizes" if report["quick"] else ""),
        ]
        for t in report["targets"]:
            lines.append(
                f"  {t['verdict']:<10} {t['where']:<15} {t['target']:<37} "
                f"{t['value']:.3f} +- {t['err']:.3f}  {t['note']}".rstrip()
            )
    return "\n".join(lines)


def time_split_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each side's step as its products (BLAS, timed alone) plus the rest, in ms, and the
    minor page faults of a step (a fresh array's pages, each faulted in when first written)."""
    split = [(side, lib) for lib, side in SIDE_OF.items() if side in rows[0]["steps"]]
    lines = [
        "where the time goes, ms per step = the step's products (timed alone, each library in its"
        " own layout) + the rest; page faults per step",
        f"{'workload':<8} {'dtype':<8} "
        + "  ".join(f"{s:>9} = {'products':>8} + {'rest':>6} {'faults':>6}" for s, _ in split),
    ]
    for row in rows:
        cells = []
        for side, lib in split:
            step, faults = row["steps"][side]["median_ms"], row["steps"][side]["faults_per_step"]
            blas = row["products_ms"][lib]
            cells.append(f"{step:>9.3f} = {blas:>8.3f} + {step - blas:>6.3f} {faults:>6.0f}")
        lines.append(f"{row['workload']:<8} {row['dtype']:<8} " + "  ".join(cells))
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--workloads", nargs="+", choices=list(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--dtypes", nargs="+", choices=DTYPES, default=list(DTYPES))
    parser.add_argument("--sides", nargs="+", choices=SIDES, default=list(SIDES))
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds (default 5; 1 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="shrunken sizes and one round")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory processes")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--memory-child", nargs=3, metavar=("SIDE", "WORKLOAD", "DTYPE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def build_report(args: argparse.Namespace) -> dict[str, Any]:
    """Run the benchmark that ``args`` asks for; the report as a JSON-ready dict."""
    table = QUICK_WORKLOADS if args.quick else WORKLOADS
    workloads = [table[name] for name in args.workloads]
    sides = [side for side in SIDES if side in args.sides]
    if set(sides) - {"scratch"}:
        import torch_impl  # noqa: F401  (loaded before the environment is recorded)
    shape = MATMUL_SHAPE["quick" if args.quick else "full"]
    report: dict[str, Any] = {"environment": environment(), "quick": args.quick}
    times, products, matmul = measure_steps(
        workloads, args.dtypes, sides, args.rounds, shape, lambda line: print(line, file=sys.stderr)
    )
    rows = results_table(workloads, args.dtypes, sides, times, products, matmul)
    memory = []
    if not args.no_memory:
        for workload in workloads:
            if workload.name in MEMORY_WORKLOADS:
                for dtype in args.dtypes:
                    per_side = {s: peak_memory(s, workload.name, dtype, args.quick) for s in sides}
                    memory.append({"workload": workload.name, "dtype": dtype, "sides": per_side})
    return report | {
        "rounds": args.rounds,
        "matmul_shape": list(shape),
        "matmul_gflops": matmul,
        "rows": rows,
        "memory": memory,
        "targets": check_targets(rows),
        "loadavg_1min_end": os.getloadavg()[0],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its report (a table, or JSON); returns the exit code."""
    args = parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child, quick=args.quick)
        return 0
    report = build_report(args)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
