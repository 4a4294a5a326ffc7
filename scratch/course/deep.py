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
from scratch.layers import check_linear_backward
from scratch.network import ActivationCache, LayerCache
from scratch.validation import check_array, check_arrays, kind_of, named_by

Array = np.ndarray
Params = dict[str, Array]


def spec_for(
    sizes: Sequence[int], hidden: str = "relu", loss: str = "binary_cross_entropy"
) -> scratch.NetworkSpec:
    """The float64 spec of the course's network of these sizes and hidden activation."""
    return scratch.build_spec(list(sizes), hidden, loss=loss, dtype="float64", init="small_random")


def sizes_of(parameters: Mapping[str, Array]) -> list[int]:
    """``[n[0], n[1], ..., n[L]]`` of a parameters dict keyed ``W1, b1, ...``; a dict that is not
    one (a key missing, a ``W`` that is not 2-D) is a one-line error naming it."""
    check_arrays("parameters", parameters)
    L = len(parameters) // 2
    wanted = [f"{name}{l}" for l in range(1, L + 1) for name in ("W", "b")]
    if L == 0 or sorted(parameters) != sorted(wanted):
        raise ValueError(
            f"parameters must hold W1, b1, ..., WL, bL, got {', '.join(map(str, parameters))}"
        )
    for l in range(1, L + 1):
        check_array(f"parameters['W{l}']", parameters[f"W{l}"])
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
    with named_by("L_model_forward"):
        spec = spec_for(sizes_of(parameters))
    AL, caches = scratch.L_model_forward(X, parameters, spec)
    return AL, [(tuple(linear), Z) for linear, (Z, _) in caches]


def linear_backward(dZ: Array, cache: tuple) -> tuple[Array, Array, Array]:
    return scratch.linear_backward(dZ, cache)


def _layer_cache(cache: tuple, activation: str, name: str = "cache") -> LayerCache:
    """The course's ``((A_prev, W, b), Z)`` as scratch's cache (``A`` recomputed from ``Z``),
    after the checks that ``linear_backward`` makes of its part."""
    if not isinstance(cache, tuple | list) or len(cache) != 2:
        raise TypeError(
            f"{name} must be (linear_cache, Z), as linear_activation_forward returns it; got "
            f"{kind_of(cache)}"
        )
    linear_cache, Z = cache
    if activation not in ACTIVATION_TABLE:
        raise ValueError(
            f"activation {activation!r} is unknown; choose one of {', '.join(ACTIVATION_TABLE)}"
        )
    Z = check_array(f"{name}'s Z", Z)
    linear = check_linear_backward(Z, linear_cache, 0.0, f"{name}'s linear cache")
    return LayerCache(linear, ActivationCache(Z, ACTIVATION_TABLE[activation].forward(Z)))


def linear_activation_backward(dA: Array, cache: tuple, activation: str):
    with named_by("linear_activation_backward"):
        layer = _layer_cache(cache, activation)
    return scratch.linear_activation_backward(dA, layer, activation)


def L_model_backward(AL: Array, Y: Array, caches: list) -> Params:
    with named_by("L_model_backward"):
        if not isinstance(caches, list | tuple) or not caches:
            raise TypeError(
                f"caches must be the list L_model_forward returns, got {type(caches).__name__}"
            )
        L = len(caches)
        layers = [
            _layer_cache(cache, "relu" if l < L else "sigmoid", f"caches[{l - 1}]")
            for l, cache in enumerate(caches, 1)
        ]
        sizes = [layers[0].linear_cache.W.shape[1]] + [c.linear_cache.W.shape[0] for c in layers]
    grads = scratch.L_model_backward(AL, Y, layers, spec_for(sizes))
    return {key: value for key, value in grads.items() if not key.startswith("dZ")}


def compute_cost(AL: Array, Y: Array, parameters: Any = None) -> np.float64:
    """From ``AL``, through its logit ``ZL = log(AL) - log(1 - AL)``: exact while AL does not
    round to 0 or 1, which no function of AL alone can be."""
    with named_by("compute_cost"):
        AL = check_array("AL", AL)
        outside = ~((AL >= 0) & (AL <= 1))
        if outside.any():
            index = tuple(int(i) for i in np.argwhere(outside)[0])
            raise ValueError(
                f"AL{list(index)} is {AL[index]}: a sigmoid output is a probability in [0, 1]"
            )
    with np.errstate(divide="ignore"):
        ZL = np.log(AL) - np.log1p(-AL)
    return np.float64(scratch.compute_cost(ZL, Y, spec_for([1, AL.shape[0]])))


def update_parameters(parameters: Params, grads: Params, learning_rate: float = 1.2) -> Params:
    return scratch.update_parameters(parameters, grads, learning_rate)
