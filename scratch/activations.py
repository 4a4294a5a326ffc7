"""Activations g and their derivatives, one table entry per name.

Each entry gives the forward map ``A = g(Z)``, the elementwise derivative ``g'(Z)`` and the
backward map ``dZ = dA * g'(Z)``, which may use the cached ``A`` where that is cheaper
(``sigmoid' = A (1 - A)``, ``tanh' = 1 - A^2``) -- the same identities autograd uses.
Conventions at the kinks are PyTorch's: ``relu'(0) = 0`` and ``leaky_relu'(0) = slope``.
Sigmoid and softmax never overflow: they only ever exponentiate non-positive numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scratch.spec import DEFAULT_NEGATIVE_SLOPE, Layer

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """``forward(Z) -> A``; ``derivative(Z) -> g'(Z)`` (``None`` for softmax, whose derivative is
    a Jacobian per column); ``backward(dA, Z, A) -> dZ``."""

    name: str
    forward: Callable[[Array], Array]
    derivative: Callable[[Array], Array] | None
    backward: Callable[[Array, Array, Array], Array]


def sigmoid(Z: Array) -> Array:
    """``1 / (1 + exp(-Z))``, as ``exp(min(Z,0)) / (1 + exp(-|Z|))`` so no exponent is positive."""
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1, e) / (1 + e)


def softmax(Z: Array) -> Array:
    """Per column: ``exp(Z - max Z) / sum(exp(Z - max Z))``."""
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    e /= e.sum(axis=0, keepdims=True)
    return e


def _sigmoid_backward(dA: Array, Z: Array, A: Array) -> Array:
    return dA * A * (1 - A)


def _tanh_backward(dA: Array, Z: Array, A: Array) -> Array:
    return dA * (1 - A * A)


def _relu_backward(dA: Array, Z: Array, A: Array) -> Array:
    return np.where(Z > 0, dA, 0)


def _softmax_backward(dA: Array, Z: Array, A: Array) -> Array:
    """Jacobian-vector product per column: ``dZ = A * (dA - sum_k dA_k A_k)``."""
    return A * (dA - (dA * A).sum(axis=0, keepdims=True))


def _leaky_relu(slope: float) -> Activation:
    return Activation(
        "leaky_relu",
        forward=lambda Z: np.where(Z > 0, Z, slope * Z),
        derivative=lambda Z: np.where(Z > 0, 1, slope).astype(Z.dtype),
        backward=lambda dA, Z, A: np.where(Z > 0, dA, slope * dA),
    )


ACTIVATION_TABLE: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid", sigmoid, lambda Z: (s := sigmoid(Z)) * (1 - s), _sigmoid_backward
    ),
    "tanh": Activation("tanh", np.tanh, lambda Z: 1 - np.tanh(Z) ** 2, _tanh_backward),
    "relu": Activation(
        "relu", lambda Z: np.maximum(Z, 0), lambda Z: (Z > 0).astype(Z.dtype), _relu_backward
    ),
    "leaky_relu": _leaky_relu(DEFAULT_NEGATIVE_SLOPE),
    "identity": Activation("identity", lambda Z: Z, np.ones_like, lambda dA, Z, A: dA),
    "softmax": Activation("softmax", softmax, None, _softmax_backward),
}


def get_activation(layer: Layer) -> Activation:
    """The activation a layer names, with its ``negative_slope`` bound for leaky ReLU."""
    if layer.activation == "leaky_relu" and layer.negative_slope != DEFAULT_NEGATIVE_SLOPE:
        return _leaky_relu(layer.negative_slope)
    return ACTIVATION_TABLE[layer.activation]
