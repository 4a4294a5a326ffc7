"""What the convolution tests feed both sides: seeded layer cases in course layout (and the
hypothesis strategies that draw their shapes), each layer run on the torch side under autograd
through ``torch_impl.transfer``, centred differences of a layer's cost, and a small conv net
(conv, ReLU, max pool, flatten, dense softmax) run on both sides with every quantity kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import torch
from hypothesis import strategies as st
from torch import nn

import scratch.convolution as vectorised
from scratch import gradcheck
from scratch.activations import ACTIVATION_TABLE
from scratch.layers import linear_backward, linear_forward
from scratch.losses import LOSS_TABLE
from torch_impl.convolution import conv2d, linear_after_flatten, pool2d
from torch_impl.threads import torch_threads
from torch_impl.transfer import (
    conv_weights_to_course,
    flattened_weights_to_course,
    images_to_course,
    images_to_torch,
    to_course,
)

Array = np.ndarray


@dataclass(frozen=True)
class ConvCase:
    """A convolution layer's input ``A_prev`` (m, n_H_prev, n_W_prev, n_C_prev), filters ``W``
    (f, f, n_C_prev, n_C), biases ``b`` (1, 1, 1, n_C), ``hparameters`` and the gradient
    ``upstream`` (dZ) of the output's shape: standard normal numbers from
    ``default_rng(seed)``."""

    A_prev: Array
    W: Array
    b: Array
    hparameters: dict
    upstream: Array  # dZ

    @classmethod
    def draw(cls, shape, f, n_C, stride, pad, *, seed=0, dtype="float64") -> ConvCase:
        rng = np.random.default_rng(seed)
        A_prev = rng.standard_normal(shape).astype(dtype)
        W = rng.standard_normal((f, f, shape[3], n_C)).astype(dtype)
        b = rng.standard_normal((1, 1, 1, n_C)).astype(dtype)
        hparameters = {"stride": stride, "pad": pad}
        Z, _ = vectorised.conv_forward(A_prev, W, b, hparameters)
        return cls(A_prev, W, b, hparameters, rng.standard_normal(Z.shape).astype(dtype))

    @property
    def args(self) -> tuple[Array, Array, Array, dict]:
        return self.A_prev, self.W, self.b, self.hparameters


@dataclass(frozen=True)
class PoolCase:
    """A pooling layer's input ``A_prev`` (m, n_H_prev, n_W_prev, n_C), ``hparameters``,
    ``mode`` and the gradient ``upstream`` (dA) of the output's shape, from
    ``default_rng(seed)``: real numbers drawn at random, so no window ties (with probability
    1)."""

    A_prev: Array
    hparameters: dict
    mode: str
    upstream: Array  # dA

    @classmethod
    def draw(cls, shape, f, stride, mode, *, seed=0, dtype="float64") -> PoolCase:
        rng = np.random.default_rng(seed)
        A_prev = rng.standard_normal(shape).astype(dtype)
        hparameters = {"f": f, "stride": stride}
        A, _ = vectorised.pool_forward(A_prev, hparameters, mode)
        return cls(A_prev, hparameters, mode, rng.standard_normal(A.shape).astype(dtype))


SEEDS = st.integers(0, 2**32 - 1)


@st.composite
def conv_cases(draw, max_side: int = 6) -> ConvCase:
    """Small convolution layers: m 1-3, sides 1-``max_side``, 1-3 channels in and out, pad
    0-2, stride 1-3, and every window size f that fits the padded input."""
    shape = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, max_side)),
        draw(st.integers(1, max_side)),
        draw(st.integers(1, 3)),
    )
    pad = draw(st.integers(0, 2))
    f = draw(st.integers(1, min(shape[1:3]) + 2 * pad))
    stride, n_C = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return ConvCase.draw(shape, f, n_C, stride, pad, seed=draw(SEEDS))


@st.composite
def pool_cases(draw, max_side: int = 6) -> PoolCase:
    """Small pooling layers: m 1-3, sides 1-``max_side``, 1-3 channels, stride 1-3, every f
    that fits, either mode."""
    shape = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, max_side)),
        draw(st.integers(1, max_side)),
        draw(st.integers(1, 3)),
    )
    f, stride = draw(st.integers(1, min(shape[1:3]))), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["max", "average"]))
    return PoolCase.draw(shape, f, stride, mode, seed=draw(SEEDS))


def torch_conv(case: ConvCase) -> dict[str, Array]:
    """``nn.Conv2d`` built from the case's weights, under autograd with the case's upstream
    gradient: ``Z1``, ``dA0``, ``dW1``, ``db1`` in course layout."""
    conv = conv2d(case.W, case.b, case.hparameters)
    X = images_to_torch(case.A_prev).requires_grad_()
    with torch_threads(1):
        Z = conv(X)
        Z.backward(images_to_torch(case.upstream))
    return {
        "Z1": images_to_course(Z),
        "dA0": images_to_course(X.grad),
        "dW1": conv_weights_to_course(conv.weight.grad),
        "db1": conv.bias.grad.numpy().reshape(case.b.shape),
    }


def scratch_conv(case: ConvCase, module: ModuleType = vectorised) -> dict[str, Array]:
    """The same quantities by ``module``'s ``conv_forward`` and ``conv_backward`` (the
    vectorised forms, or the course's loops)."""
    Z, cache = module.conv_forward(*case.args)
    dA_prev, dW, db = module.conv_backward(case.upstream, cache)
    return {"Z1": Z, "dA0": dA_prev, "dW1": dW, "db1": db}


def torch_pool(case: PoolCase, pool: nn.Module | None = None) -> dict[str, Array]:
    """``nn.MaxPool2d`` or ``nn.AvgPool2d`` of the case (or ``pool``) under autograd: ``A1`` and
    ``dA0`` in course layout."""
    pool = pool2d(case.hparameters, case.mode) if pool is None else pool
    X = images_to_torch(case.A_prev).requires_grad_()
    with torch_threads(1):
        A = pool(X)
        A.backward(images_to_torch(case.upstream))
    return {"A1": images_to_course(A), "dA0": images_to_course(X.grad)}


def scratch_pool(case: PoolCase, module: ModuleType = vectorised) -> dict[str, Array]:
    """The same quantities by ``module``'s ``pool_forward`` and ``pool_backward``."""
    A, cache = module.pool_forward(case.A_prev, case.hparameters, case.mode)
    return {"A1": A, "dA0": module.pool_backward(case.upstream, cache, case.mode)}


def differing(a: Array, b: Array) -> set[tuple[int, ...]]:
    """The entries where two arrays of one shape differ by more than round-off: by more than
    1e-12 of their scale, the float64 forward row's rtol."""
    scale = max(np.abs(a).max(), np.abs(b).max())
    return {tuple(int(i) for i in index) for index in np.argwhere(np.abs(a - b) > 1e-12 * scale)}


def centred_differences(J: Callable[[], float], theta: Array) -> Array:
    """``scratch.gradcheck.centred_differences`` of the one array ``theta``, which ``J`` reads."""
    return gradcheck.centred_differences(J, {"theta": theta})["theta"]


@dataclass(frozen=True)
class ConvNet:
    """Conv (``W1``, ``b1``, ``conv``) and ReLU, max pool (``pool``), flatten, dense softmax
    (``W3``, ``b3``): layers 1, 2 and 3, on images ``X`` (m, n_H, n_W, n_C) with labels ``Y``
    (1, m). Its quantities follow the dense layers' convention (``scratch.layer_internals``):
    ``dZ``, ``dA`` are derivatives of the summed loss m J, ``dW``, ``db`` of J."""

    X: Array
    Y: Array
    W1: Array
    b1: Array
    W3: Array
    b3: Array
    conv: dict
    pool: dict

    @classmethod
    def draw(
        cls, *, m=4, side=8, channels=(3, 4), classes=6, bias=0.0, seed=0, dtype="float64"
    ) -> ConvNet:
        """Weights N(0, 0.5^2), conv biases ``bias`` + N(0, 0.1^2) (a negative one kills
        ReLUs), conv 3 x 3 with pad 1, pool 2 x 2 with stride 2, in ``dtype``."""
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((m, side, side, channels[0]))
        W1 = rng.standard_normal((3, 3, *channels)) * 0.5
        b1 = bias + rng.standard_normal((1, 1, 1, channels[1])) * 0.1
        n_flat = (side // 2) ** 2 * channels[1]
        W3, b3 = rng.standard_normal((classes, n_flat)) * 0.5, rng.standard_normal((classes, 1))
        Y = rng.integers(0, classes, (1, m))
        X, W1, b1, W3, b3 = (array.astype(dtype) for array in (X, W1, b1, W3, b3))
        return cls(X, Y, W1, b1, W3, b3, {"stride": 1, "pad": 1}, {"f": 2, "stride": 2})

    @property
    def pooled_shape(self) -> tuple[int, int, int]:
        side = self.X.shape[1] // 2
        return side, side, self.W1.shape[3]

    def scratch(self, module: ModuleType = vectorised) -> dict[str, Array]:
        """Every quantity, the conv and pool layers by ``module`` (vectorised or the course's
        loops), flatten by ``scratch.convolution``, the rest by scratch's dense pieces."""
        m, relu = self.X.shape[0], ACTIVATION_TABLE["relu"]
        T = np.eye(self.W3.shape[0], dtype=self.X.dtype)[:, self.Y[0]]
        Z1, conv_cache = module.conv_forward(self.X, self.W1, self.b1, self.conv)
        A1 = relu.forward(Z1)
        A2, pool_cache = module.pool_forward(A1, self.pool, "max")
        A2_flat, flat_cache = vectorised.flatten_forward(A2)
        Z3, linear_cache = linear_forward(A2_flat, self.W3, self.b3)
        loss = LOSS_TABLE["cross_entropy"]
        dZ3 = loss.output_grad(ACTIVATION_TABLE["softmax"].forward(Z3), T)
        dA2_flat, dW3, db3 = linear_backward(dZ3, linear_cache)
        dA2 = vectorised.flatten_backward(dA2_flat, flat_cache)
        dA1 = module.pool_backward(dA2, pool_cache, "max")
        dZ1 = relu.backward(dA1, Z1, A1)
        dA0, dW1, db1 = module.conv_backward(dZ1, conv_cache)
        return {
            **{"Z1": Z1, "A1": A1, "A2": A2, "Z3": Z3},
            "cost": np.asarray(loss.total(Z3, T) / m, dtype=self.X.dtype),
            **{"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dA1": dA1, "dZ1": dZ1},
            **{"dW1": dW1 / m, "db1": db1 / m, "dA0": dA0},
        }

    def torch(self) -> dict[str, Array]:
        """The same by torch's layers under autograd: ``conv2d``, ``nn.ReLU``, ``pool2d``,
        ``nn.Flatten``, ``linear_after_flatten`` and ``cross_entropy``; ``dZ`` and ``dA`` are m
        times autograd's."""
        m = self.X.shape[0]
        conv, pool = conv2d(self.W1, self.b1, self.conv), pool2d(self.pool, "max")
        linear = linear_after_flatten(self.W3, self.b3, self.pooled_shape)
        X = images_to_torch(self.X).requires_grad_()
        with torch_threads(1):
            Z1 = conv(X)
            A1 = nn.ReLU()(Z1)
            A2 = pool(A1)
            Z3 = linear(nn.Flatten()(A2))
            for kept in (Z1, A1, A2, Z3):
                kept.retain_grad()
            J = nn.functional.cross_entropy(Z3, torch.from_numpy(self.Y[0]))
            J.backward()
        images = {"Z1": Z1, "A1": A1, "A2": A2}
        return {
            **{key: images_to_course(value) for key, value in images.items()},
            "Z3": to_course(Z3),
            "cost": J.detach().numpy(),
            "dZ3": to_course(m * Z3.grad),
            "dW3": flattened_weights_to_course(linear.weight.grad, self.pooled_shape),
            "db3": linear.bias.grad.numpy()[:, np.newaxis],
            **{f"d{key}": images_to_course(m * value.grad) for key, value in images.items()},
            "dW1": conv_weights_to_course(conv.weight.grad),
            "db1": conv.bias.grad.numpy().reshape(self.b1.shape),
            "dA0": images_to_course(m * X.grad),
        }
