"""No torch twin (autograd needs no check): gradient checking by centred finite differences.

For every parameter entry theta_i:
``g_num_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)``, with an error of order eps^2.
The check reports the course's relative difference ``||g - g_num|| / (||g|| + ||g_num||)``,
overall and per parameter array; in float64 a correct backward pass gives well under 2e-7.

J is the training-mode cost: batch norm by the batch's own statistics (which move with every
perturbed weight, as they do in backprop) and dropout by masks held fixed for every evaluation,
the course's way to check a network with dropout. Batch norm's ``gamma`` and ``beta`` are
checked like any weight; its running statistics are not parameters of J.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from scratch.batches import count_examples
from scratch.dropout import check_masks, dropout_masks
from scratch.network import L_model_backward, L_model_forward, cost_of
from scratch.spec import NetworkSpec, is_buffer
from scratch.validation import as_input, as_targets, check_params, check_positive

Array = np.ndarray
DEFAULT_EPSILON = 1e-7
DEFAULT_THRESHOLD = 2e-7


def relative_difference(a: Array, b: Array) -> float:
    """``||a - b|| / (||a|| + ||b||)``; 0 when both are zero."""
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denominator) if denominator else 0.0


@dataclass
class GradCheckResult:
    """``difference``: over all parameters; ``per_parameter``: per array (``dW1``, ``db1``, ...);
    ``analytic`` and ``numeric``: the two gradients, keyed like ``grads``."""

    difference: float
    per_parameter: dict[str, float]
    analytic: dict[str, Array]
    numeric: dict[str, Array]
    threshold: float = DEFAULT_THRESHOLD

    @property
    def passed(self) -> bool:
        return self.difference < self.threshold


def centred_differences(
    cost: Callable[[], float], arrays: Mapping[str, Array], epsilon: float = DEFAULT_EPSILON
) -> dict[str, Array]:
    """``(J(θ + ε e_i) - J(θ - ε e_i)) / 2ε`` for every entry i of every array, keyed alike:
    ``cost()`` evaluates J of the arrays as they stand, and each entry is moved in place and
    put back (so ``arrays`` must be the very arrays ``cost`` reads, float64)."""
    numeric = {}
    for key, value in arrays.items():
        approx = np.empty_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + epsilon
            plus = cost()
            value[index] = original - epsilon
            minus = cost()
            value[index] = original
            approx[index] = (plus - minus) / (2 * epsilon)
        numeric[key] = approx
    return numeric


def gradient_check(
    parameters: Mapping[str, Array],
    X: Array,
    Y: Array,
    spec: NetworkSpec,
    *,
    epsilon: float = DEFAULT_EPSILON,
    threshold: float = DEFAULT_THRESHOLD,
    masks: Mapping[str, Array] | None = None,
) -> GradCheckResult:
    """Compare ``L_model_backward``'s ``dW``, ``db`` (and ``dgamma``, ``dbeta``) with centred
    differences of the training-mode cost, the dropout ``masks`` held fixed (default: those of
    step 0, as ``scratch.layer_internals`` takes them).

    Always computed in float64 (a float32 spec is checked as its float64 twin, since eps = 1e-7
    is below float32's resolution). Costs 2 forward passes per parameter entry: for study-sized
    networks. Refuses an ``epsilon`` or ``threshold`` that is not a positive finite number, and
    parameters or data with a NaN or inf, naming the entry.
    """
    check_positive("epsilon", epsilon)
    check_positive("threshold", threshold)
    check_params(parameters, spec)
    spec = spec.replace(dtype="float64")
    theta = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    X = as_input(X, spec)
    T = as_targets(Y, spec, count_examples(X))
    if masks is None:
        masks = dropout_masks(spec, count_examples(X), 0)
    check_masks(masks, spec, count_examples(X))
    masks = {key: np.asarray(value, dtype=np.float64) for key, value in masks.items()}
    fixed = {"check": False, "training": True, "masks": masks}

    AL, caches = L_model_forward(X, theta, spec, **fixed)
    grads = L_model_backward(AL, T, caches, spec, input_grad=False, check=False)
    learned = {key: value for key, value in theta.items() if not is_buffer(key)}
    approx = centred_differences(lambda: cost_of(X, T, theta, spec, **fixed), learned, epsilon)
    analytic = {f"d{key}": grads[f"d{key}"] for key in learned}
    numeric = {f"d{key}": value for key, value in approx.items()}
    per_parameter = {k: relative_difference(analytic[k], numeric[k]) for k in analytic}
    flat = [np.concatenate([g.ravel() for g in grads_.values()]) for grads_ in (analytic, numeric)]
    return GradCheckResult(relative_difference(*flat), per_parameter, analytic, numeric, threshold)
