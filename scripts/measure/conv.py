"""The convolutional networks' share of the tolerance table, measured: random conv networks (one
forward and backward pass each, on both sides; and against centred differences) and random
training runs on the built-in ``shapes`` images, scratch against the plain torch loop and the
``lightning.Trainer``; each comparison goes into a ``Measured``, in the rows the dense networks'
comparisons fill (a conv network's quantities are of the same kinds)."""

from __future__ import annotations

import numpy as np

import scratch
from scratch import Layer, NetworkSpec, SpecError
from scratch.convolution import max_positions
from scratch.datasets import shapes
from scratch.layer_kinds import Conv, Flatten, Pool
from scratch.parity import compare_all
from scratch.spec import DTYPES, HIDDEN_ACTIVATIONS, INITS, LOSS_OUTPUT, LOSSES
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance
from scripts.measure.dense import measure_pass, measure_run, random_optimizer
from scripts.measure.report import Measured

OUTPUTS = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}
RUN_RATE = 0.05  # gradient descent's on the shapes images (an adaptive step takes 1/100)


def random_conv_spec(
    rng: np.random.Generator,
    dtype: str,
    input_shape: tuple[int, int, int],
    loss: str,
    n_out: int,
    *,
    activation: str | None = None,
) -> NetworkSpec:
    """1-2 blocks of a conv layer (1-6 filters of 1-4 x 1-4, stride 1-2, pad 0-2, any hidden
    activation, or ``activation``), each followed by a max or average pool half the time, then
    a flatten, 0-1 hidden dense layers of 1-8 units and the output layer; any init, L2 or not,
    any seed. Drawn again until its windows tile their inputs (a spec refuses them otherwise)."""
    while True:
        layers: list = []
        for _ in range(rng.integers(1, 3)):
            g = activation or str(rng.choice(HIDDEN_ACTIVATIONS))
            f, stride, pad = (
                int(rng.integers(1, 5)),
                int(rng.integers(1, 3)),
                int(rng.integers(0, 3)),
            )
            layers.append(Conv(int(rng.integers(1, 7)), f, g, stride=stride, pad=pad))
            if rng.random() < 0.5:
                mode = str(rng.choice(["max", "average"]))
                layers.append(Pool(int(rng.integers(1, 4)), int(rng.integers(1, 3)), mode))
        layers.append(Flatten())
        layers += [Layer(int(rng.integers(1, 9)), str(rng.choice(HIDDEN_ACTIVATIONS)))] * int(
            rng.integers(0, 2)
        )
        layers.append(Layer(n_out, LOSS_OUTPUT[loss][0]))
        try:
            return NetworkSpec(
                layers=tuple(layers),
                input_shape=input_shape,
                init=str(rng.choice(INITS)),
                loss=loss,
                l2=float(rng.choice([0.0, 0.7])),
                dtype=dtype,
                seed=int(rng.integers(2**31)),
            )
        except SpecError:
            continue


def random_conv_pass(
    rng: np.random.Generator, dtype: str, *, large: bool = False
) -> tuple[NetworkSpec, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """A random conv network, its initial weights with random biases, and a batch of standard
    normal images: m 1-8 of sides 4-12 with 1-3 channels, or with ``large`` the training sizes
    where a ``db`` sums the most terms, m 16-64 of sides 16-32 with 3 channels."""
    loss = str(rng.choice(LOSSES))
    n_out = OUTPUTS[loss]
    if large:
        m, side, channels = int(rng.integers(16, 65)), int(rng.integers(16, 33)), 3
    else:
        m, side, channels = (
            int(rng.integers(1, 9)),
            int(rng.integers(4, 13)),
            int(rng.integers(1, 4)),
        )
    spec = random_conv_spec(rng, dtype, (side, side, channels), loss, n_out)
    params = scratch.initialize_parameters(spec)
    for key, value in params.items():
        if key.startswith("b"):
            params[key] = (value + rng.standard_normal(value.shape) * 0.5).astype(dtype)
    X = rng.standard_normal((m, side, side, channels))
    labels = rng.integers(0, max(n_out, 2), (1, m))
    Y = rng.standard_normal((n_out, m)) if loss == "mse" else labels
    return spec, params, X, Y


def describe(spec: NetworkSpec, m: int | None = None) -> str:
    where = f"{spec.describe()}"
    return where if m is None else f"{where}, m={m}"


def max_pool_flips(spec: NetworkSpec, ours: dict, theirs: dict) -> list[int]:
    """The max-pool layers whose windows' maxima each side's own input puts on another entry:
    two entries of a window within round-off of each other, ordered one way on one side and the
    other way (or tied) on the other. The gradient then goes to another entry, a branch as a
    ReLU's at its kink is, which no bound relative to the array can hold."""
    flips = []
    for l, layer in enumerate(spec.layers, start=1):
        if isinstance(layer, Pool) and layer.mode == "max" and l > 1:
            chosen = (
                max_positions(side[f"A{l - 1}"], layer.f, layer.stride) for side in (ours, theirs)
            )
            if not np.array_equal(*chosen):
                flips.append(l)
    return flips


def measure_conv_passes(rng: np.random.Generator, networks: int, measured: Measured) -> None:
    """One forward and backward pass of ``networks`` random conv networks per dtype, one in ten
    at training sizes. A pass whose max pool chose another entry on each side
    (``max_pool_flips``) is set apart: its comparisons outside their rows are listed with the
    reason, and none of them counts."""
    for dtype in DTYPES:
        for i in range(networks):
            spec, params, X, Y = random_conv_pass(rng, dtype, large=i % 10 == 9)
            measure_pass(
                measured,
                (spec, params, X, Y),
                describe(spec, X.shape[0]),
                max_pool_flips,
                "a max pool chose another entry at a near-tie",
            )


def measure_conv_centred_differences(
    rng: np.random.Generator, networks: int, measured: Measured
) -> None:
    """Backprop against ``scratch.gradient_check``'s centred differences: float64 conv networks
    of up to 300 parameters, with weights N(0, 0.8^2) as in the dense networks' measurement."""
    done = 0
    while done < networks:
        spec, params, X, Y = random_conv_pass(rng, "float64")
        if sum(p.size for p in params.values()) > 300:
            continue
        params = {k: rng.standard_normal(v.shape) * 0.8 for k, v in params.items()}
        check = scratch.gradient_check(params, X, Y, spec)
        tol = centred_difference_tolerance(scratch.layer_internals(X, Y, params, spec)["cost"])
        found = compare_all(check.analytic, check.numeric, kind=CENTRED_DIFFERENCE, tol=tol)
        measured.add(found.results, describe(spec, X.shape[0]))
        done += 1


def measure_conv_runs(
    rng: np.random.Generator,
    runs: int,
    iterations: int,
    trainer_every: int,
    measured: Measured,
) -> None:
    """``runs`` random conv networks (ReLU, the course's) trained on 120 ``shapes`` images of
    8 x 8, full batch or in batches of 32, by a random optimizer: scratch against the plain
    torch loop, and every ``trainer_every``-th run against the ``lightning.Trainer`` too."""
    for i in range(runs):
        X, Y = shapes(m=120, size=8, seed=int(rng.integers(2**31)))
        dtype = str(rng.choice(DTYPES))
        spec = random_conv_spec(rng, dtype, (8, 8, 3), "cross_entropy", 6, activation="relu")
        batch_size = [None, 32][int(rng.integers(2))]
        settings = random_optimizer(rng, RUN_RATE) | {
            "num_iterations": iterations,
            "batch_size": batch_size,
        }
        where = f"{describe(spec)} on shapes, batch size {batch_size}"
        measure_run(spec, X, Y, settings, where, i % trainer_every == 0, measured)
