"""The first course, week 4, "Building your Deep Neural Network: Step by Step", in
the assignment's own signatures and layouts: ``parameters`` keyed ``W1, b1, ...``; a linear cache
``(A_prev, W, b)`` in that order, a layer's cache ``(linear_cache, Z)``; ReLU hidden layers and a
sigmoid output. Each is the project's own scratch function (``scratch.network``) under the
assignment's signature: what ``nn-check`` puts in place of a learner's wrong function while it
checks the functions that call it, and a solution that passes every check. NumPy only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import scratch
from scratch.activations import ACTIVATION_TABLE
from scratch.network import ActivationCache, LayerCache, LinearCache

Array = np.ndarray
Params = dict[str, Array]


def spec_for(
    sizes: Sequence[int], hidden: str = "relu", loss: str = "binary_cross_entropy"
) -> scratch.NetworkSpec:
    """The float64 spec of the course's network of these sizes and hidden activation."""
    return scratch.build_spec(list(sizes), hidden, loss=loss, dtype="float64", init="small_random")


def sizes_of(parameters: Mapping[str, Array]) -> list[int]:
    """``[n[0], n[1], ..., n[L]]`` of a parameters dict keyed ``W1, b1, ...``."""
    L = len(parameters) // 2
    return [parameters["W1"].shape[1]] + [parameters[f"W{l}"].shape[0] for l in range(1, L + 1)]


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Params:
    """The two-layer network's ``randn * 0.01`` weights and zero biases (weeks 3 and 4)."""
    return initialize_parameters_deep([n_x, n_h, n_y])


def initialize_parameters_deep(layer_dims: Sequence[int]) -> Params:
    """``randn(n[l], n[l-1]) * 0.01`` and zeros, for any sizes (an output of several units
    too: the loss that spec names is never used)."""
    return scratch.initialize_parameters(spec_for(layer_dims, loss="mse"))


def linear_forward(A: Array, W: Array, b: Array) -> tuple[Array, tuple]:
    Z, cache = scratch.linear_forward(A, W, b)
    return Z, tuple(cache)


def linear_activation_forward(A_prev: Array, W: Array, b: Array, activation: str):
    A, (linear_cache, (Z, _)) = scratch.linear_activation_forward(A_prev, W, b, activation)
    return A, (tuple(linear_cache), Z)


def L_model_forward(X: Array, parameters: Params) -> tuple[Array, list]:
    AL, caches = scratch.L_model_forward(X, parameters, spec_for(sizes_of(parameters)))
    return AL, [(tuple(linear), Z) for linear, (Z, _) in caches]


def linear_backward(dZ: Array, cache: tuple) -> tuple[Array, Array, Array]:
    return scratch.linear_backward(dZ, LinearCache(*cache))


def _layer_cache(cache: tuple, activation: str) -> LayerCache:
    linear_cache, Z = cache
    A = ACTIVATION_TABLE[activation].forward(Z)
    return LayerCache(LinearCache(*linear_cache), ActivationCache(Z, A))


def linear_activation_backward(dA: Array, cache: tuple, activation: str):
    return scratch.linear_activation_backward(dA, _layer_cache(cache, activation), activation)


def L_model_backward(AL: Array, Y: Array, caches: list) -> Params:
    L = len(caches)
    sizes = [caches[0][0][1].shape[1]] + [linear[1].shape[0] for linear, _ in caches]
    layers = [
        _layer_cache(cache, "relu" if l < L else "sigmoid") for l, cache in enumerate(caches, 1)
    ]
    grads = scratch.L_model_backward(AL, Y, layers, spec_for(sizes))
    return {key: value for key, value in grads.items() if not key.startswith("dZ")}


def compute_cost(AL: Array, Y: Array, parameters: Any = None) -> np.float64:
    """From ``AL``, through its logit ``ZL = log(AL) - log(1 - AL)``: exact while AL does not
    round to 0 or 1, which no function of AL alone can be."""
    with np.errstate(divide="ignore"):
        ZL = np.log(AL) - np.log1p(-AL)
    return np.float64(scratch.compute_cost(ZL, Y, spec_for([1, AL.shape[0]])))


def update_parameters(parameters: Params, grads: Params, learning_rate: float = 1.2) -> Params:
    return scratch.update_parameters(parameters, grads, learning_rate)
