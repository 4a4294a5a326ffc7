"""Losses, one table entry per name, each defined on the output layer's pre-activation ``ZL``.

With ``T`` the targets in training form (one-hot columns for cross-entropy) and ``m`` examples,
the cost is ``J = (1/m) sum_i loss_i + (l2 / 2m) sum_l ||W[l]||_F^2``:

- ``binary_cross_entropy`` (sigmoid output): ``loss = -[y log a + (1-y) log(1-a)]``, computed as
  ``max(z,0) - y z + log(1 + exp(-|z|))``, which is finite for every z (log(a) is not).
- ``cross_entropy`` (softmax output): ``loss = -sum_k y_k log softmax(z)_k``, with the log-softmax
  shifted by ``max_k z_k``.
- ``mse`` (identity output): ``loss = ||a - y||^2`` summed over the outputs, so for one output it
  is exactly PyTorch's ``mse_loss``.

``output_grad(AL, T)`` is the course's ``dZ[L]``: the derivative of ``m J`` (the summed loss) with
respect to ``ZL``. For the matched output activation it collapses to ``AL - T`` (``2 (AL - T)``
for MSE), so it stays exact when the output unit saturates.

A recurrent network's output layer applies at every time step: its logits ``z`` are (n_y, m,
T_x) and its targets ``Y`` (1, m, T_x) class labels, ``PAD`` after a sequence's last step. Its
cost sums the cross-entropy over each sequence's steps and averages it over the m sequences,
the course's language-model loss (the sum over time, not a mean) for m = 1:

    J = -(1/m) sum_i sum_{t: Y<t>_i != PAD} log softmax(z<t>_i)[Y<t>_i]

(``sequence_cross_entropy``, from the logits like ``cross_entropy``); ``sequence_output_grad``
is its derivative ``dJ/dz``, the course's ``dy`` divided by m, as its recurrent backward
functions take it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from scratch.spec import NetworkSpec

Array = np.ndarray


@dataclass(frozen=True)
class Loss:
    """``total(ZL, T)``: the loss summed over the examples; ``output_grad(AL, T)``: ``dZ[L]``."""

    name: str
    total: Callable[[Array, Array], float]
    output_grad: Callable[[Array, Array], Array]


def _bce_total(Z: Array, T: Array) -> float:
    return float((np.maximum(Z, 0) - T * Z + np.log1p(np.exp(-np.abs(Z)))).sum())


def _cross_entropy_total(Z: Array, T: Array) -> float:
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return float(-(T * log_softmax).sum())


def _mse_total(Z: Array, T: Array) -> float:
    diff = Z - T
    return float(np.vdot(diff, diff))


LOSS_TABLE: dict[str, Loss] = {
    "binary_cross_entropy": Loss("binary_cross_entropy", _bce_total, lambda A, T: A - T),
    "cross_entropy": Loss("cross_entropy", _cross_entropy_total, lambda A, T: A - T),
    "mse": Loss("mse", _mse_total, lambda A, T: 2 * (A - T)),
}


PAD = -1  # the label of a step after a sequence's end: that step has no loss


def sequence_cross_entropy(z: Array, Y: Array) -> float:
    """The loss summed over the m sequences and their steps (not yet averaged), from the logits
    ``z`` (n_y, m, T_x) and the labels ``Y`` (1, m, T_x); a ``PAD`` step adds nothing."""
    shifted = z - z.max(axis=0, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    real = Y != PAD
    picked = np.take_along_axis(log_softmax, np.where(real, Y, 0), axis=0)
    return float(-picked[real].sum())


def sequence_output_grad(y_pred: Array, Y: Array) -> Array:
    """``dJ/dz<t> = (y_pred<t> - onehot(Y<t>)) / m`` at every step with a label, 0 at a
    ``PAD`` step: (n_y, m, T_x), the softmax and the cross-entropy together."""
    real = Y != PAD
    labels = np.where(real, Y, 0)
    dy = y_pred * real
    np.put_along_axis(dy, labels, np.take_along_axis(dy, labels, axis=0) - real, axis=0)
    dy /= y_pred.shape[1]
    return dy


def l2_penalty(parameters: Mapping[str, Array], l2: float, m: int) -> float:
    """``(l2 / 2m) sum_l ||W[l]||_F^2``; biases are not penalised."""
    squares = sum(float(np.vdot(W, W)) for key, W in parameters.items() if key.startswith("W"))
    return l2 / (2 * m) * squares


def cost_from_targets(
    ZL: Array, T: Array, spec: NetworkSpec, parameters: Mapping[str, Array] | None = None
) -> float:
    """``J`` of the logits ``ZL`` (n[L], m) against targets ``T`` already in training form
    (``as_targets``), with the L2 term of ``parameters`` when ``spec.l2 > 0``: the training loop
    converts and checks ``Y`` once, then calls this every step. Logits over time (n_y, m, T_x)
    and labels (1, m, T_x): ``sequence_cross_entropy``, averaged over the m sequences.
    ``torch_impl.losses`` has its twin."""
    m = ZL.shape[1]
    total = sequence_cross_entropy if ZL.ndim == 3 else LOSS_TABLE[spec.loss].total
    cost = total(ZL, T) / m
    if spec.l2:
        if parameters is None:
            raise ValueError(f"the cost with l2={spec.l2} needs the parameters")
        cost += l2_penalty(parameters, spec.l2, m)
    return cost
