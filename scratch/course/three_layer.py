"""The second course's three-layer network, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR ->
SIGMOID, as its assignments and helper modules hold it (initialization, regularization, gradient
checking, optimization): a flat cache

    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)                      without dropout
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)              with dropout

(``A1``, ``A2`` after the mask: ``A = relu(Z) * D / keep_prob``), and gradients keyed ``dZ3, dW3,
db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1``: ``dZ``, ``dA`` of the summed loss (``dZ3 = A3 -
Y``), ``dW``, ``db`` of the cost, with L2 ``dW[l] = dZ[l] A[l-1]^T / m + (lambd / m) W[l]``; with
dropout ``dA[l]`` is the gradient of the activation's output, the mask applied
(``dA[l] = W[l+1]^T dZ[l+1] * D[l] / keep_prob``), as the course keeps it.

Each step is scratch's own (``linear_activation_forward``, ``linear_backward``, the ReLU's
backward, ``dropout_forward`` and ``dropout_backward``). NumPy only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scratch.activations import ACTIVATION_TABLE
from scratch.dropout import dropout_backward, dropout_forward
from scratch.layers import LinearCache, linear_activation_forward, linear_backward

Array = np.ndarray
ACTIVATIONS = ("relu", "relu", "sigmoid")


def forward(
    X: Array,
    parameters: Mapping[str, Array],
    masks: Mapping[str, Array] | None = None,
    keep_prob: float = 1.0,
) -> tuple[Array, tuple]:
    """``A3`` and the flat cache; ``masks`` (``D1``, ``D2``, each (n[l], m) of 0 and 1) drop the
    hidden units, kept in the cache as given."""
    A, cache = X, []
    for l, g in enumerate(ACTIVATIONS, start=1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        A, (_, (Z, _)) = linear_activation_forward(A, W, b, g)
        if masks is not None and l < 3:
            D = masks[f"D{l}"]
            A = dropout_forward(A, D, keep_prob)
            cache += [Z, D, A, W, b]
        else:
            cache += [Z, A, W, b]
    return A, tuple(cache)


def layers(X: Array, cache: tuple) -> dict[int, tuple]:
    """Per layer l, ``(A_prev, W, b, Z, A, D)`` of a flat cache (``D`` is ``None`` where
    nothing was dropped); ``ValueError`` for a cache of another length."""
    if len(cache) not in (12, 14):
        raise ValueError(
            f"the cache holds {len(cache)} entries; the course's holds 12, or 14 with dropout"
        )
    dropped = len(cache) == 14
    out, A_prev, at = {}, X, 0
    for l in (1, 2, 3):
        if dropped and l < 3:
            Z, D, A, W, b = cache[at : at + 5]
            at += 5
        else:
            (Z, A, W, b), D = cache[at : at + 4], None
            at += 4
        out[l] = (A_prev, W, b, Z, A, D)
        A_prev = A
    return out


def backward(
    X: Array, Y: Array, cache: tuple, lambd: float = 0.0, keep_prob: float = 1.0
) -> dict[str, Array]:
    """The gradients of the cross-entropy cost (plus ``(lambd / 2m) sum ||W||^2``), in the
    course's keys and order; the masks are the cache's."""
    grads: dict[str, Array] = {}
    relu = ACTIVATION_TABLE["relu"]
    dZ = cache[-3] - Y  # A3 - Y
    for l, (A_prev, W, b, Z, A, D) in sorted(layers(X, cache).items(), reverse=True):
        if l < 3:
            dA = grads[f"dA{l}"]
            if D is not None:
                dA = grads[f"dA{l}"] = dropout_backward(dA, D, keep_prob)
            dZ = relu.backward(dA, Z, A)
        grads[f"dZ{l}"] = dZ
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(
            dZ, LinearCache(A_prev, W, b), lambd
        )
        if l > 1:
            grads[f"dA{l - 1}"] = dA_prev
    return grads
