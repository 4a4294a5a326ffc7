"""The trained network at work: predictions and accuracy, in inference mode (batch norm by the
running statistics, nothing dropped). The twin is ``torch_impl.inference``, the same on the module
in ``eval()`` mode.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scratch.network import L_model_forward
from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets, check_params

Array = np.ndarray


def labels_of(AL: Array, spec: NetworkSpec) -> Array:
    """Predictions from the output ``AL`` (n[L], m): class 1 where ``AL > 0.5`` (binary), the
    arg-max class (softmax), both (1, m), or ``AL`` itself (regression)."""
    if spec.loss == "binary_cross_entropy":
        return (AL > 0.5).astype(np.int64)
    if spec.loss == "cross_entropy":
        return AL.argmax(axis=0)[np.newaxis, :]
    return AL


def predict(X: Array, parameters: Mapping[str, Array], spec: NetworkSpec) -> Array:
    """Predictions (1, m) or (n[L], m) of the network at inference (``labels_of`` its ``AL``);
    the weights are checked finite first (NaN weights give no prediction, not class 0)."""
    check_params(parameters, spec)
    AL, _ = L_model_forward(as_input(X, spec), parameters, spec, training=False, check=False)
    return labels_of(AL, spec)


def accuracy(X: Array, Y: Array, parameters: Mapping[str, Array], spec: NetworkSpec) -> float:
    """Fraction of examples classified correctly (classification losses only)."""
    if spec.loss == "mse":
        raise ValueError("accuracy is defined for classification; loss 'mse' is a regression")
    predicted = predict(X, parameters, spec)
    T = as_targets(Y, spec, predicted.shape[1])
    labels = (T > 0.5).astype(np.int64) if spec.loss == "binary_cross_entropy" else T.argmax(0)
    return float(np.mean(predicted == labels))
