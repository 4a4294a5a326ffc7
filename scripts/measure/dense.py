"""The dense networks' rows of the tolerance table, measured: random networks of the spec's
whole range (one forward and backward pass each, on both sides; and against centred
differences) and random training runs on the built-in data sets, scratch against the plain torch
loop and the ``lightning.Trainer``; each comparison goes into a ``Measured``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

import scratch
import torch_impl
from scratch import Layer, NetworkSpec
from scratch.parity import compare_all, compare_training
from scratch.spec import DTYPES, HIDDEN_ACTIVATIONS, INITS, LOSS_OUTPUT, LOSSES
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance
from scripts.measure.report import Measured

# Data sets to train on, with a learning rate that trains them: (loss, output units, rate).
RUN_DATA = {
    "planar": ("binary_cross_entropy", 1, 0.5),
    "moons": ("binary_cross_entropy", 1, 0.5),
    "spiral": ("cross_entropy", 3, 0.5),
    "housing": ("mse", 1, 0.02),
}


def random_spec(
    rng: np.random.Generator,
    dtype: str,
    *,
    input_size: int,
    loss: str,
    n_out: int,
    layers: bool = False,
) -> NetworkSpec:
    """0-4 hidden layers of 1-16 units, each with any hidden activation (and, with ``layers``,
    dropout six times in ten and batch norm as often); any init and seed. With ``layers`` an
    identity layer without dropout never stands before a batch-norm layer: its bias would only
    shift the next Z by a constant the batch mean removes, a gradient of exactly 0 whose two
    sides are round-off alone."""
    hidden = []
    for _ in range(rng.integers(0, 5)):
        layer = Layer(int(rng.integers(1, 17)), str(rng.choice(HIDDEN_ACTIVATIONS)))
        if layers:
            keep = 1.0 if rng.random() < 0.4 else float(rng.uniform(0.5, 0.95))
            batch_norm = bool(rng.random() < 0.6)
            if hidden and hidden[-1].activation == "identity" and hidden[-1].keep_prob == 1:
                batch_norm = False
            layer = dataclasses.replace(layer, keep_prob=keep, batch_norm=batch_norm)
        hidden.append(layer)
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
    rng: np.random.Generator, dtype: str, layers: bool = False
) -> tuple[NetworkSpec, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """A random network of the spec's whole range, its initial weights with random biases
    (so every ``db`` is exercised; and random gamma, beta and running statistics with
    ``layers``), and a batch of 1-64 (``layers``: 3-64) standard-normal examples."""
    loss = str(rng.choice(LOSSES))
    n_out = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}[loss]
    size = int(rng.integers(1, 17))
    spec = random_spec(rng, dtype, input_size=size, loss=loss, n_out=n_out, layers=layers)
    params = scratch.initialize_parameters(spec)
    for key, value in params.items():
        if key.startswith(("b", "gamma", "beta", "running_mean")):
            params[key] = (value + rng.standard_normal(value.shape) * 0.5).astype(dtype)
        elif key.startswith("running_var"):
            params[key] = rng.uniform(0.1, 3, value.shape).astype(dtype)
    low = 3 if layers else 1
    m = int(rng.choice([low, rng.integers(low, 65)]))
    X = rng.standard_normal((spec.input_size, m))
    labels = rng.integers(0, max(n_out, 2), (1, m))  # 0/1, or one of 3 classes
    Y = rng.standard_normal((n_out, m)) if loss == "mse" else labels
    return spec, params, X, Y


def describe(spec: NetworkSpec, m: int | None = None) -> str:
    layers = "-".join(map(str, spec.sizes))
    where = f"{layers} {'/'.join(spec.activations)}, {spec.init}, {spec.loss}, l2={spec.l2}"
    return where if m is None else f"{where}, m={m}"


def constant_batch_norms(spec: NetworkSpec, internals: dict[str, np.ndarray]) -> list[int]:
    """The batch-norm layers with a unit whose ``Z`` is the same for every example of the batch
    up to round-off (the layer below put out a constant: a one-unit ReLU layer dead on the whole
    batch, say). There ``Z - mu`` is 0 in exact arithmetic, so each side normalizes its own
    round-off, divided by ``sqrt(var + eps)``: no bound relative to the array holds."""
    eps = np.finfo(spec.dtype).eps
    flat = []
    for l, layer in enumerate(spec.layers, start=1):
        if layer.batch_norm:
            Z = internals[f"Z{l}"]
            spread = Z.max(axis=1) - Z.min(axis=1)
            if np.any(spread <= 16 * eps * np.abs(Z).max(axis=1)):
                flat.append(l)
    return flat


def measure_passes(
    rng: np.random.Generator, networks: int, measured: Measured, layers: bool = False
) -> None:
    """One forward and backward pass of ``networks`` random networks per dtype. A pass with a
    batch-norm layer that normalizes a constant (``constant_batch_norms``) is set apart: its
    comparisons outside their rows are listed with the reason, and none of them counts."""
    for dtype in DTYPES:
        for _ in range(networks):
            spec, params, X, Y = random_pass(rng, dtype, layers)
            measure_pass(
                measured,
                (spec, params, X, Y),
                describe(spec, X.shape[1]),
                lambda spec, ours, _: constant_batch_norms(spec, ours),
                "a batch norm normalizes a Z constant over the batch",
            )


def measure_pass(
    measured: Measured,
    case: tuple[NetworkSpec, dict[str, np.ndarray], np.ndarray, np.ndarray],
    where: str,
    apart: Callable[[NetworkSpec, dict, dict], list[int]],
    reason: str,
) -> None:
    """One forward and backward pass of ``case`` (spec, parameters, X, Y) on both sides into
    ``measured``; set apart, for ``reason``, where ``apart(spec, ours, theirs)`` names layers."""
    spec, params, X, Y = case
    ours = scratch.layer_internals(X, Y, params, spec)
    theirs = torch_impl.layer_internals(X, Y, params, spec)
    found = compare_all(ours, theirs, dtype=spec.dtype)
    layers = apart(spec, ours, theirs)
    if layers:
        measured.set_apart(found.results, f"{where}, layer(s) {layers}", reason)
    else:
        measured.add(found.results, where)


def measure_centred_differences(
    rng: np.random.Generator, networks: int, measured: Measured, layers: bool = False
) -> None:
    """Backprop against ``scratch.gradient_check``'s centred differences: float64 networks of up
    to 300 parameters, with weights N(0, 0.8^2) as in the parity suite's three-way cases."""
    done = 0
    while done < networks:
        spec, params, X, Y = random_pass(rng, "float64", layers)
        if sum(p.size for p in params.values()) > 300:
            continue
        drawn = {k: rng.standard_normal(v.shape) * 0.8 for k, v in params.items()}
        params = drawn | {k: v for k, v in params.items() if k.startswith("running_")}
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
    rng: np.random.Generator,
    runs: int,
    iterations: int,
    trainer_every: int,
    measured: Measured,
    layers: bool = False,
) -> None:
    """``runs`` random networks trained on the built-in data sets, full batch or in batches of
    64, by a random optimizer: scratch against the plain torch loop, and every
    ``trainer_every``-th run against the ``lightning.Trainer`` too."""
    for i in range(runs):
        dataset = str(rng.choice(list(RUN_DATA)))
        loss, n_out, rate = RUN_DATA[dataset]
        X, Y = scratch.load_dataset(dataset)
        dtype = str(rng.choice(DTYPES))
        spec = random_spec(rng, dtype, input_size=len(X), loss=loss, n_out=n_out, layers=layers)
        batch_size = [None, 64][int(rng.integers(2))]
        settings = random_optimizer(rng, rate) | {
            "num_iterations": iterations,
            "batch_size": batch_size,
        }
        where = f"{describe(spec)} ({spec.dtype}) on {dataset}, batch size {batch_size}"
        measure_run(spec, X, Y, settings, where, i % trainer_every == 0, measured)


def measure_run(
    spec: NetworkSpec,
    X: np.ndarray,
    Y: np.ndarray,
    settings: dict[str, Any],
    where: str,
    trainer: bool,
    measured: Measured,
) -> None:
    """One random run: ``spec`` trained as ``settings`` say by scratch, then by the plain torch
    loop (and the ``lightning.Trainer`` with ``trainer``), each pair of runs compared; a run
    whose cost diverges on the scratch side is left out."""
    try:
        ours = scratch.train(spec, X, Y, **settings)
    except scratch.DivergenceError:
        return
    loops = [torch_impl.train_plain] + [torch_impl.train] * trainer
    where = f"{where}, {settings['optimizer']} at {settings['learning_rate']:g}"
    for loop in loops:
        found = compare_training(ours, loop(spec, X, Y, **settings))
        measured.add(found.results, f"{where}, {loop.__name__}", parted=not found["cost"].ok)
