"""Every layer's quantities of one forward and backward pass, for study and comparison, and the
backward formulas that compute them. ``torch_impl.internals`` is the twin: the same keys captured
from autograd, and the autograd nodes beside these formulas.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scratch.losses import cost_from_targets
from scratch.network import L_model_backward, L_model_forward
from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets

Array = np.ndarray

OUTPUT_GRADIENT = {
    "binary_cross_entropy": "A{L} - Y",
    "cross_entropy": "A{L} - Y   (Y one-hot)",
    "mse": "2 (A{L} - Y)",
}
DERIVATIVE = {
    "sigmoid": "A{l} (1 - A{l})",
    "tanh": "(1 - A{l}^2)",
    "relu": "(Z{l} > 0)",
    "leaky_relu": "where(Z{l} > 0, 1, slope)",
    "identity": "1",
}


def layer_internals(
    X: Array, Y: Array, parameters: Mapping[str, Array], spec: NetworkSpec
) -> dict[str, Array]:
    """One forward and backward pass, laid out flat for study and comparison: ``Z1..ZL``,
    ``A1..AL``, ``dZ1..dZL``, ``dA0..dA{L-1}``, ``dW1..dWL``, ``db1..dbL`` and ``cost`` (0-d)."""
    X = as_input(X, spec)
    T = as_targets(Y, spec, X.shape[1])
    AL, caches = L_model_forward(X, parameters, spec)
    ZL = caches[-1].activation_cache.Z
    out = {"cost": np.asarray(cost_from_targets(ZL, T, spec, parameters), dtype=spec.dtype)}
    for l, (_, (Z, A)) in enumerate(caches, start=1):
        out[f"Z{l}"], out[f"A{l}"] = Z, A
    out.update(L_model_backward(AL, T, caches, spec))
    return out


def backward_formulas(spec: NetworkSpec) -> list[str]:
    """The backward pass of ``L_model_backward`` as formulas, in the order it computes them:
    layer L down to 1, ``dZ``, ``dW``, ``db``, then ``dA`` of the layer below."""
    rows = []
    for l in range(spec.L, 0, -1):
        if l == spec.L:
            rows.append(f"dZ{l} = {OUTPUT_GRADIENT[spec.loss].format(L=l)}")
        else:
            derivative = DERIVATIVE[spec.layers[l - 1].activation].format(l=l)
            rows.append(f"dZ{l} = dA{l} * {derivative}")
        penalty = f" + (l2/m) W{l}" if spec.l2 else ""
        rows.append(f"dW{l} = dZ{l} A{l - 1}^T / m{penalty}")
        rows.append(f"db{l} = sum(dZ{l}, axis=1) / m")
        rows.append(f"dA{l - 1} = W{l}^T dZ{l}")
    return rows
