"""What the convolutional networks' tests feed both sides: small conv specs (every kind of layer,
both pools, a dense hidden layer after the flatten), the hypothesis strategy that draws any conv
network the spec allows, their weights with random biases, seeded images, and the example spec
``scratch/specs/shapes-conv.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

import scratch
from scratch import Layer, NetworkSpec
from scratch.layer_kinds import Conv, Flatten, Pool
from scratch.spec import DTYPES, HIDDEN_ACTIVATIONS, INITS, LOSS_OUTPUT, LOSSES

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
# conv 4@3x3 pad 1 ReLU on 8x8x3 images, max pool, flatten, softmax over 3, for the thread rule:
# per example 8 8 4 windows of 3 3 3 multiply-adds and 4 4 4 inputs of 3 outputs, 7,104 in all.
SIZED = NetworkSpec(
    layers=(Conv(4, 3, "relu", pad=1), Pool(2), Flatten(), Layer(3, "softmax")),
    input_shape=(8, 8, 3),
    loss="cross_entropy",
    init="he",
)


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
        standard normal images and targets of its loss (labels, or real numbers for MSE), from
        ``default_rng(seed)``."""
        rng = np.random.default_rng(seed)
        params = scratch.initialize_parameters(spec)
        for key, value in params.items():
            if key.startswith(("b", "beta")):
                params[key] = (value + rng.standard_normal(value.shape) * 0.1).astype(spec.dtype)
        X = rng.standard_normal((m, *spec.input_shape)).astype(spec.dtype)
        n_out = spec.layers[-1].units
        if spec.loss == "mse":
            return cls(spec, params, X, rng.standard_normal((n_out, m)))
        return cls(spec, params, X, rng.integers(0, max(n_out, 2), (1, m)))


@st.composite
def windows(draw, n: int, pad: int) -> tuple[int, int]:
    """A window ``f`` that fits ``n`` padded by ``pad``, and a stride of 1-3 whose windows tile
    it (one that divides ``n + 2 pad - f``)."""
    f = draw(st.integers(1, min(n + 2 * pad, 5)))
    left = n + 2 * pad - f
    stride = draw(st.sampled_from([s for s in (1, 2, 3) if left % s == 0]))
    return f, stride


@st.composite
def conv_specs(draw) -> NetworkSpec:
    """Any small conv network: square images of 3-9 pixels with 1-3 channels, 1-2 conv layers
    (1-4 filters, any window up to 5 that fits, stride 1-3, pad 0-2, any hidden activation)
    each followed by a max or average pool or not, a flatten, 0-1 hidden dense layers and the
    output the loss needs; any init, loss, L2, dtype and seed. The windows tile their inputs
    by construction (``windows``)."""
    side, channels = draw(st.integers(3, 9)), draw(st.integers(1, 3))
    n, layers = side, []
    for _ in range(draw(st.integers(1, 2))):
        pad = draw(st.integers(0, 2))
        f, stride = draw(windows(n, pad))
        g = draw(st.sampled_from(HIDDEN_ACTIVATIONS))
        layers.append(Conv(draw(st.integers(1, 4)), f, g, stride, pad))
        n = (n + 2 * pad - f) // stride + 1
        if draw(st.booleans()):
            f, stride = draw(windows(n, 0))
            layers.append(Pool(f, stride, draw(st.sampled_from(["max", "average"]))))
            n = (n - f) // stride + 1
    layers.append(Flatten())
    if draw(st.booleans()):
        layers.append(Layer(draw(st.integers(1, 6)), draw(st.sampled_from(HIDDEN_ACTIVATIONS))))
    loss = draw(st.sampled_from(LOSSES))
    units = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}[loss]
    return NetworkSpec(
        layers=(*layers, Layer(units, LOSS_OUTPUT[loss][0])),
        input_shape=(side, side, channels),
        init=draw(st.sampled_from(INITS)),
        loss=loss,
        l2=draw(st.sampled_from([0.0, 0.5])),
        dtype=draw(st.sampled_from(DTYPES)),
        seed=draw(st.integers(0, 2**32 - 1)),
    )
