"""The project's own scratch functions in the course's signatures and layouts, week by week:
what ``nn-check`` puts in place of a learner's wrong function while it checks the functions
that call it, and a solution that passes every week (``parity_tests/learners/scratch_*.py``).

The course's layouts: ``w`` (n_x, 1) and ``b`` a number in week 2; ``parameters`` keyed
``W1, b1, ...``; a linear cache ``(A_prev, W, b)``, a layer's cache ``(linear_cache, Z)``; week
3's cache a dict of ``Z1, A1, Z2, A2``. NumPy and scratch only: no torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import scratch
from scratch.activations import ACTIVATION_TABLE
from scratch.network import ActivationCache, LayerCache, LinearCache
from scripts.check_weeks import WEEKS

Array = np.ndarray
Params = dict[str, Array]


def _spec(sizes: Sequence[int], hidden: str = "relu", loss: str = "binary_cross_entropy"):
    return scratch.build_spec(list(sizes), hidden, loss=loss, dtype="float64", init="small_random")


def _sizes(parameters: Mapping[str, Array]) -> list[int]:
    L = len(parameters) // 2
    return [parameters["W1"].shape[1]] + [parameters[f"W{l}"].shape[0] for l in range(1, L + 1)]


def _logistic(w: Array, b: Any) -> tuple[scratch.NetworkSpec, Params]:
    return _spec([w.shape[0], 1]), {"W1": w.T, "b1": np.full((1, 1), float(b))}


# week 2: logistic regression


def sigmoid(z: Any) -> Array:
    return scratch.sigmoid(np.asarray(z, dtype=float))


def initialize_with_zeros(dim: int) -> tuple[Array, float]:
    return np.zeros((dim, 1)), 0.0


def propagate(w: Array, b: Any, X: Array, Y: Array) -> tuple[dict, Array]:
    spec, params = _logistic(w, b)
    out = scratch.layer_internals(X, Y, params, spec)
    return {"dw": out["dW1"].T, "db": float(out["db1"][0, 0])}, out["cost"]


def optimize(
    w: Array, b: Any, X: Array, Y: Array, num_iterations=100, learning_rate=0.009, print_cost=False
) -> tuple[dict, dict, list]:
    costs = []
    grads: dict = {}
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w, b = w - learning_rate * grads["dw"], b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs


def predict_logistic(w: Array, b: Any, X: Array) -> Array:
    spec, params = _logistic(w, b)
    return scratch.predict(X, params, spec).astype(float)


# week 3: the planar network (tanh hidden layer)


def layer_sizes(X: Array, Y: Array) -> tuple[int, int, int]:
    return X.shape[0], 4, Y.shape[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Params:
    return initialize_parameters_deep([n_x, n_h, n_y])


def forward_propagation(X: Array, parameters: Mapping[str, Array]) -> tuple[Array, dict]:
    A2, caches = scratch.L_model_forward(X, parameters, _spec(_sizes(parameters), "tanh"))
    cache = {}
    for l, (_, (Z, A)) in enumerate(caches, start=1):
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A2, cache


def compute_cost(AL: Array, Y: Array, parameters: Any = None) -> np.float64:
    """From ``AL``, through its logit ``ZL = log(AL) - log(1 - AL)``: exact while AL does not
    round to 0 or 1, which no function of AL alone can be."""
    with np.errstate(divide="ignore"):
        ZL = np.log(AL) - np.log1p(-AL)
    return np.float64(scratch.compute_cost(ZL, Y, _spec([1, AL.shape[0]])))


def backward_propagation(parameters: Params, cache: dict, X: Array, Y: Array) -> Params:
    spec = _spec(_sizes(parameters), "tanh")
    A_prev, caches = X, []
    for l in (1, 2):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z, A = cache[f"Z{l}"], cache[f"A{l}"]
        caches.append(LayerCache(LinearCache(A_prev, W, b), ActivationCache(Z, A)))
        A_prev = A
    grads = scratch.L_model_backward(cache["A2"], Y, caches, spec)
    return {key: grads[key] for key in ("dW1", "db1", "dW2", "db2")}


def update_parameters(parameters: Params, grads: Params, learning_rate: float = 1.2) -> Params:
    return scratch.update_parameters(parameters, grads, learning_rate)


def predict_planar(parameters: Params, X: Array) -> Array:
    return scratch.predict(X, parameters, _spec(_sizes(parameters), "tanh"))


# week 4: the L-layer network (ReLU hidden layers, sigmoid output)


def initialize_parameters_deep(layer_dims: Sequence[int]) -> Params:
    """``randn(n[l], n[l-1]) * 0.01`` and zeros, for any sizes (an output of several units
    too: the loss that spec names is never used)."""
    return scratch.initialize_parameters(_spec(layer_dims, loss="mse"))


def linear_forward(A: Array, W: Array, b: Array) -> tuple[Array, tuple]:
    Z, cache = scratch.linear_forward(A, W, b)
    return Z, tuple(cache)


def linear_activation_forward(A_prev: Array, W: Array, b: Array, activation: str):
    A, (linear_cache, (Z, _)) = scratch.linear_activation_forward(A_prev, W, b, activation)
    return A, (tuple(linear_cache), Z)


def L_model_forward(X: Array, parameters: Params) -> tuple[Array, list]:
    AL, caches = scratch.L_model_forward(X, parameters, _spec(_sizes(parameters)))
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
    grads = scratch.L_model_backward(AL, Y, layers, _spec(sizes))
    return {key: value for key, value in grads.items() if not key.startswith("dZ")}


def _table(week: str, **renamed: Any) -> dict[str, Any]:
    return {name: renamed.get(name) or globals()[name] for name in WEEKS[week].checked}


REFERENCE: dict[str, dict[str, Any]] = {
    "2": _table("2", predict=predict_logistic),
    "3": _table("3", predict=predict_planar),
    "4": _table("4"),
    "optimizers": {name: getattr(scratch, name) for name in WEEKS["optimizers"].checked},
}
