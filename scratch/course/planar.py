"""The first course, week 3, "Planar data classification with one hidden layer", in the
assignment's own signatures and layouts: a tanh hidden layer and a sigmoid output, its cache a
dict of ``Z1, A1, Z2, A2``. The initialiser, the cost and the update are week 4's
(``scratch.course.deep``). NumPy only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import scratch
from scratch.course.deep import (  # noqa: F401 (the week's own names)
    compute_cost,
    initialize_parameters,
    sizes_of,
    spec_for,
    update_parameters,
)
from scratch.network import ActivationCache, LayerCache, LinearCache
from scratch.validation import named_by

Array = np.ndarray
Params = dict[str, Array]


def layer_sizes(X: Array, Y: Array) -> tuple[int, int, int]:
    return X.shape[0], 4, Y.shape[0]


def forward_propagation(X: Array, parameters: Mapping[str, Array]) -> tuple[Array, dict]:
    with named_by("forward_propagation"):
        spec = spec_for(sizes_of(parameters), "tanh")
    A2, caches = scratch.L_model_forward(X, parameters, spec)
    cache = {}
    for l, (_, (Z, A)) in enumerate(caches, start=1):
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A2, cache


def backward_propagation(parameters: Params, cache: dict, X: Array, Y: Array) -> Params:
    with named_by("backward_propagation"):
        spec = spec_for(sizes_of(parameters), "tanh")
        if spec.L != 2:
            raise ValueError(f"parameters must be a 2-layer network's, got L = {spec.L}")
        if not isinstance(cache, Mapping) or not {"Z1", "A1", "Z2", "A2"} <= cache.keys():
            given = ", ".join(map(str, cache)) if isinstance(cache, Mapping) else type(cache)
            raise ValueError(f"cache must hold Z1, A1, Z2, A2 (forward_propagation's), got {given}")
    A_prev, caches = X, []
    for l in (1, 2):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z, A = cache[f"Z{l}"], cache[f"A{l}"]
        caches.append(LayerCache(LinearCache(A_prev, W, b), ActivationCache(Z, A)))
        A_prev = A
    grads = scratch.L_model_backward(cache["A2"], Y, caches, spec)
    return {key: grads[key] for key in ("dW1", "db1", "dW2", "db2")}


def predict(parameters: Params, X: Array) -> Array:
    with named_by("predict"):
        spec = spec_for(sizes_of(parameters), "tanh")
    return scratch.predict(X, parameters, spec)
