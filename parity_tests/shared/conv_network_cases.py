"""What the convolutional networks' tests feed both sides: small conv specs (every kind of layer,
both pools, a dense hidden layer after the flatten), their weights with random biases, seeded
images, and the example spec ``scratch/specs/shapes-conv.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import scratch
from scratch import Layer, NetworkSpec
from scratch.layer_kinds import Conv, Flatten, Pool

Array = np.ndarray
EXAMPLE_SPEC = Path(scratch.__file__).parent / "specs" / "shapes-conv.yaml"

# conv 3x3 pad 1 ReLU, max pool, conv 2x2 tanh, average pool, flatten, dense ReLU, softmax:
# 6x6x2 -> 6x6x3 -> 3x3x3 -> 2x2x2 -> 1x1x2 -> 2 -> 4 -> 3.
LAYERS = (
    Conv(3, 3, "relu", pad=1),
    Pool(2),
    Conv(2, 2, "tanh"),
    Pool(2, mode="average"),
    Flatten(),
    Layer(4, "relu"),
    Layer(3, "softmax"),
)
SMALL = NetworkSpec(layers=LAYERS, input_shape=(6, 6, 2), loss="cross_entropy", init="he", seed=3)
# The same with a strided conv on a leaky ReLU, L2, and dropout and batch norm after the flatten.
STRIDED = NetworkSpec(
    layers=(
        Conv(4, 3, "leaky_relu", stride=2, pad=1, negative_slope=0.2),
        Pool(3, 1),
        Flatten(),
        Layer(5, "tanh", keep_prob=0.7, batch_norm=True),
        Layer(1, "sigmoid"),
    ),
    input_shape=(7, 7, 3),
    init="xavier",
    l2=0.3,
    seed=5,
)
SPECS = {"small": SMALL, "strided": STRIDED}


@dataclass(frozen=True)
class ConvCase:
    """A conv network and a batch: images ``X`` (m, n_H, n_W, n_C) in the spec's dtype and
    labels ``Y`` (1, m)."""

    spec: NetworkSpec
    params: dict[str, Array]
    X: Array
    Y: Array

    @classmethod
    def draw(cls, spec: NetworkSpec, *, m: int = 6, seed: int = 0) -> ConvCase:
        """The spec's initial weights with biases of N(0, 0.1^2) (no ReLU sits on its kink),
        standard normal images and labels of its loss, from ``default_rng(seed)``."""
        rng = np.random.default_rng(seed)
        params = scratch.initialize_parameters(spec)
        for key, value in params.items():
            if key.startswith(("b", "beta")):
                params[key] = (value + rng.standard_normal(value.shape) * 0.1).astype(spec.dtype)
        X = rng.standard_normal((m, *spec.input_shape)).astype(spec.dtype)
        Y = rng.integers(0, max(spec.layers[-1].units, 2), (1, m))
        return cls(spec, params, X, Y)
