"""The part of ``measure_tolerances`` that measures the torch side's modes (``torch_impl.modes``):
random networks' passes and random gradient-descent runs, compiled, and random float32 runs in
bf16 mixed precision, each against scratch, into the rows of their mode."""

from __future__ import annotations

import numpy as np
import torch

import scratch
import torch_impl
from scratch.parity import compare_all, compare_training
from scratch.tolerances import MODES
from scripts.measure.dense import RUN_DATA, describe, random_pass, random_spec
from scripts.measure.report import Measured


def measure_compiled_passes(rng: np.random.Generator, networks: int, measured: Measured) -> None:
    """One forward and backward pass of ``networks`` random networks per dtype (no dropout or
    batch norm), torch's compiled by inductor; dynamo's caches are cleared between networks, so
    that every one is compiled (past ``recompile_limit`` dynamo would run the eager module)."""
    for dtype in ("float64", "float32"):
        for _ in range(networks):
            spec, params, X, Y = random_pass(rng, dtype)
            torch._dynamo.reset()
            ours = scratch.layer_internals(X, Y, params, spec)
            theirs = torch_impl.layer_internals(X, Y, params, spec, compile=True)
            found = compare_all(ours, theirs, dtype=dtype, mode="compiled")
            measured.add(found.results, f"{describe(spec, X.shape[1])}, compiled")


def measure_mode_runs(
    rng: np.random.Generator, runs: int, iterations: int, mode: str, measured: Measured
) -> None:
    """``runs`` random networks trained by gradient descent on the built-in data sets, full
    batch or in batches of 64, by scratch and by the plain torch loop in ``mode``
    (``"compiled"``: either dtype; a mixed precision: float32)."""
    for _ in range(runs):
        dataset = str(rng.choice(list(RUN_DATA)))
        loss, n_out, rate = RUN_DATA[dataset]
        X, Y = scratch.load_dataset(dataset)
        dtype = str(rng.choice(["float64", "float32"])) if mode == "compiled" else "float32"
        spec = random_spec(rng, dtype, input_size=len(X), loss=loss, n_out=n_out)
        batch_size = [None, 64][int(rng.integers(2))]
        settings = {"learning_rate": rate, "num_iterations": iterations, "batch_size": batch_size}
        try:
            ours = scratch.train(spec, X, Y, **settings)
        except scratch.DivergenceError:
            continue
        if mode == "compiled":
            torch._dynamo.reset()
            options = {"compile": True}
        else:
            options = {"precision": mode}
        try:
            theirs = torch_impl.train_plain(spec, X, Y, **settings, **options)
        except scratch.DivergenceError as err:  # scratch's run did not diverge: they parted
            measured.outside[(spec.dtype, f"curve{MODES[mode]}")].append(f"{err}")
            continue
        found = compare_training(ours, theirs, mode=mode)
        where = f"{describe(spec)} ({dtype}) on {dataset}, batch size {batch_size}, {mode}"
        measured.add(found.results, where, parted=not found["cost"].ok)
