"""What the suite feeds both sides: a spec, its weights and a seeded batch, built once in NumPy
and handed to ``scratch`` and ``torch_impl`` alike; the training runs; the dtypes and devices to
run on; and the helpers more than one test file uses (a spec file's dict, the float64 contract's
comparison of two curves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch

import scratch
import torch_impl
from scratch import Layer, NetworkSpec, TrainResult, build_spec
from scratch.spec import LOSS_OUTPUT
from torch_impl.threads import torch_threads

Array = np.ndarray

OUTPUT_UNITS = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}
# The hidden layers of the fixed cases: each activation (leaky ReLU with torch's default slope
# and another), none at all (logistic / softmax / linear regression), and a mix.
HIDDEN_LAYERS: dict[str, tuple[Layer, ...]] = {
    "no-hidden-layer": (),
    **{name: (Layer(6, name), Layer(5, name)) for name in ("sigmoid", "tanh", "relu", "identity")},
    "leaky_relu": (Layer(6, "leaky_relu"), Layer(5, "leaky_relu")),
    "leaky_relu-slope0.2": (Layer(6, "leaky_relu", 0.2), Layer(5, "leaky_relu", 0.2)),
    "mixed": (Layer(6, "tanh"), Layer(5, "relu"), Layer(4, "sigmoid"), Layer(3, "leaky_relu")),
}


requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="no CUDA device here: the float64 parity cases ran on the CPU only",
)
DEVICES = [pytest.param("cpu"), pytest.param("cuda", marks=requires_cuda)]
# (dtype, device): both dtypes on the CPU, and float64 again on a GPU where there is one.
PRECISIONS = [
    pytest.param("float64", "cpu", id="float64-cpu"),
    pytest.param("float32", "cpu", id="float32-cpu"),
    pytest.param("float64", "cuda", id="float64-cuda", marks=requires_cuda),
]


def network(hidden: str, loss: str, dtype: str = "float64", *, l2: float = 0.0) -> NetworkSpec:
    """4 inputs, the hidden layers ``HIDDEN_LAYERS[hidden]``, and the output layer ``loss``
    needs (``OUTPUT_UNITS[loss]`` units)."""
    output = Layer(OUTPUT_UNITS[loss], LOSS_OUTPUT[loss][0])
    layers = (*HIDDEN_LAYERS[hidden], output)
    return NetworkSpec(4, layers, loss=loss, l2=l2, dtype=dtype)


def generic_params(spec: NetworkSpec, rng: np.random.Generator) -> dict[str, Array]:
    """Weights and biases drawn at random, so no pre-activation sits exactly on a ReLU kink
    (with zero biases, an example whose ReLUs all die gives the next layer Z = 0 exactly);
    batch norm's running statistics too, where there are any (``running_statistics``)."""
    drawn = {key: rng.standard_normal(shape) * 0.8 for key, shape in spec.param_shapes().items()}
    return drawn | running_statistics(spec, rng)


def labels_for(spec: NetworkSpec, rng: np.random.Generator, m: int) -> Array:
    """Targets the spec's loss takes: 0/1 labels, class indices, or real numbers (MSE)."""
    n_out = spec.layers[-1].units
    if spec.loss == "binary_cross_entropy":
        return rng.integers(0, 2, (1, m))
    if spec.loss == "cross_entropy":
        return rng.integers(0, n_out, (1, m))
    return rng.standard_normal((n_out, m))


@dataclass(frozen=True)
class Case:
    """A network and a batch: ``X`` (n_x, m) in the spec's dtype, ``Y`` as the loss takes it."""

    spec: NetworkSpec
    params: dict[str, Array]
    X: Array
    Y: Array

    def internals(
        self, device: str = "cpu", *, training: bool = True
    ) -> tuple[dict[str, Array], dict[str, Array]]:
        """``layer_internals`` of both sides: ``(scratch, torch)``; in training mode with the
        masks of step 0 (both sides' default), or at inference."""
        mode = {"training": training}
        np_side = scratch.layer_internals(self.X, self.Y, self.params, self.spec, **mode)
        with torch_threads(1):  # small networks; see conftest's one_torch_thread
            pt_side = torch_impl.layer_internals(
                self.X, self.Y, self.params, self.spec, device, **mode
            )
        return np_side, pt_side


def make_case(spec: NetworkSpec, *, m: int = 8, seed: int = 0, scale: float = 0.8) -> Case:
    """Weights and biases drawn from N(0, scale^2), so no pre-activation sits on a ReLU kink by
    accident, and a batch of m standard-normal examples, all from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    params = {
        key: (rng.standard_normal(shape) * scale).astype(spec.dtype)
        for key, shape in spec.param_shapes().items()
    }
    X = rng.standard_normal((spec.input_size, m)).astype(spec.dtype)
    Y = labels_for(spec, rng, m)
    return Case(spec, params | running_statistics(spec, rng), X, Y)


def running_statistics(spec: NetworkSpec, rng: np.random.Generator) -> dict[str, Array]:
    """Batch norm's running statistics away from their start (mean 0, variance 1), so that
    inference is not the identity map: means N(0, 0.5^2), variances in [0.25, 2]. Empty
    without batch norm, and then nothing is drawn."""
    return {
        key: (
            rng.standard_normal(shape) * 0.5
            if key.startswith("running_mean")
            else rng.uniform(0.25, 2.0, shape)
        ).astype(spec.dtype)
        for key, shape in spec.buffer_shapes().items()
    }


def only(names: tuple[str, ...], internals: dict[str, Array]) -> dict[str, Array]:
    """The entries of ``internals`` whose quantity (the key without its layer) is in ``names``:
    ``only(("dW", "db"), grads)`` keeps ``dW1, db1, ..., dWL, dbL``."""
    return {key: value for key, value in internals.items() if key.rstrip("0123456789") in names}


def kink_case(hidden: Layer, dtype: str) -> Case:
    """A (3, 4) input, the hidden layer ``hidden`` of 4 units and a sigmoid output, built so that
    ``Z1[i, i] = 0`` exactly: unit i's bias is minus its weighted input from example i. Every
    number is a small integer or a binary fraction, so every sum is exact in either dtype and in
    any order, and both sides meet the kink at exactly 0."""
    X = np.array([[1, 2, -1, 0], [0, 1, 3, -2], [2, -1, 1, 1]], dtype=dtype)
    W1 = np.array([[1, -1, 2], [2, 1, -1], [-1, 1, 1], [1, 2, -2]], dtype=dtype)
    params = {
        "W1": W1,
        "b1": -np.einsum("ij,ji->i", W1, X)[:, np.newaxis],  # -(W1[i] . X[:, i])
        "W2": np.array([[0.5, -0.25, 0.75, -1.0]], dtype=dtype),
        "b2": np.array([[0.125]], dtype=dtype),
    }
    spec = NetworkSpec(3, (hidden, Layer(1, "sigmoid")), dtype=dtype)
    return Case(spec, params, X, np.ones((1, 4)))  # labels 1: no example's dZ2 is near 0


@dataclass(frozen=True)
class Run:
    """A built-in data set, a spec and gradient descent's settings. Every run of the suite is
    stable: its learning rate keeps it below the edge of stability, where a step would multiply
    the round-off difference between two implementations instead of damping it."""

    dataset: str
    spec: NetworkSpec
    learning_rate: float
    num_iterations: int
    batch_size: int | None = None

    def train(self, loop: Callable[..., TrainResult], **options) -> TrainResult:
        """The run by ``loop`` (``scratch.train``, ``torch_impl.train_plain``, ``torch_impl.train``)
        from ``initialize_parameters(spec)``; ``options`` go to the loop (``devices=2``, ...)."""
        X, Y = scratch.load_dataset(self.dataset)
        with torch_threads(1):  # small networks; see conftest's one_torch_thread
            return loop(
                self.spec,
                X,
                Y,
                params=scratch.initialize_parameters(self.spec),
                learning_rate=self.learning_rate,
                num_iterations=self.num_iterations,
                batch_size=self.batch_size,
                **options,
            )


PLANAR = build_spec([2, 4, 1], "tanh", seed=1)  # the course's shallow network
SPIRAL = build_spec([2, 16, 16, 3], "relu", loss="cross_entropy", init="he", l2=0.5, seed=2)
HOUSING = build_spec([4, 8, 1], "leaky_relu", loss="mse", init="he", seed=2)


# A network with every activation, in float32: built from its file, its weights exported, its
# internals taken (``.replace(dtype="float64")``).
MIXED_SPEC = NetworkSpec(
    input_size=5,
    layers=(
        Layer(6, "relu"),
        Layer(4, "leaky_relu", negative_slope=0.2),
        Layer(4, "sigmoid"),
        Layer(3, "identity"),
        Layer(3, "tanh"),
        Layer(3, "softmax"),
    ),
    loss="cross_entropy",
    init="he",
    dtype="float32",
)

# ``PLANAR`` as its file holds it, written out: the documented JSON format.
PLANAR_DICT = {
    "input_size": 2,
    "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
    "init": "small_random",
    "loss": "binary_cross_entropy",
    "l2": 0.0,
    "dtype": "float64",
    "seed": 1,
}


def with_changes(**changes) -> dict:
    """``PLANAR_DICT`` with some fields changed."""
    return {**PLANAR_DICT, **changes}


FLOAT64_RTOL = 1e-10  # the parity contract for float64 (ARCHITECTURE.md)


def relative_error(actual: Array, expected: Array) -> float:
    """Largest difference, relative to the largest magnitude of ``expected``."""
    scale = np.max(np.abs(expected))
    return (
        float(np.max(np.abs(actual - expected)) / scale) if scale else float(np.max(np.abs(actual)))
    )


def assert_curves_match(actual: TrainResult, expected: TrainResult) -> None:
    """Every cost and every final weight within the float64 contract, relative."""
    assert actual.costs.shape == expected.costs.shape
    relative = np.abs(actual.costs - expected.costs) / np.abs(expected.costs)
    worst = int(np.argmax(relative))
    assert relative[worst] <= FLOAT64_RTOL, (
        f"cost at iteration {expected.start_iteration + worst} differs by {relative[worst]:.2e} "
        f"relative: torch {actual.costs[worst]!r}, scratch {expected.costs[worst]!r}"
    )
    for key, value in expected.params.items():
        error = relative_error(actual.params[key], value)
        assert error <= FLOAT64_RTOL, f"final {key} differs by {error:.2e} relative"
