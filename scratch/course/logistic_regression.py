"""The first course, week 2, "Logistic Regression with a Neural Network mindset", in the
assignment's own signatures and layouts: ``w`` (n_x, 1) and ``b`` a number. Each runs the
project's own one-unit network (``W1 = w.T``, ``b1 = b``). NumPy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import scratch
from scratch.course.deep import spec_for

Array = np.ndarray
Params = dict[str, Array]


def _logistic(w: Array, b: Any) -> tuple[scratch.NetworkSpec, Params]:
    return spec_for([w.shape[0], 1]), {"W1": w.T, "b1": np.full((1, 1), float(b))}


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


def predict(w: Array, b: Any, X: Array) -> Array:
    spec, params = _logistic(w, b)
    return scratch.predict(X, params, spec).astype(float)
