"""The second course, week 1, "Gradient Checking", in the assignment's own signatures. NumPy only.

In one dimension, ``J(theta) = theta x`` (``forward_propagation``), its derivative ``x``
(``backward_propagation``), and ``gradient_check``: the centred difference
``gradapprox = (J(theta + eps) - J(theta - eps)) / (2 eps)`` against the derivative.

In N dimensions, the course's three-layer network of sizes (4, 5, 3, 1)
(``scratch.course.three_layer``): its parameters rolled into one column ``theta`` (47, 1) in the
order ``W1, b1, W2, b2, W3, b3``, each array row by row (``dictionary_to_vector``, and back:
``vector_to_dictionary``; the gradients ``dW1, db1, ...``: ``gradients_to_vector``), its cost
(``forward_propagation_n``) and gradients (``backward_propagation_n``, here without the bugs the
notebook plants in it), and ``gradient_check_n``: the centred difference of every entry of
``theta`` (``scratch.gradcheck``), and the course's relative difference

    difference = ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)

which flags a mistake above 2e-7.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from scratch.course import three_layer
from scratch.course.deep import compute_cost, spec_for
from scratch.gradcheck import DEFAULT_EPSILON, DEFAULT_THRESHOLD, relative_difference
from scratch.gradcheck import gradient_check as centred

Array = np.ndarray
SIZES = (4, 5, 3, 1)  # the course's network, which vector_to_dictionary unrolls
KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
SHAPES = {f"{p}{l}": (SIZES[l], SIZES[l - 1] if p == "W" else 1) for l in (1, 2, 3) for p in "Wb"}
MESSAGES = (
    "Your backward propagation works perfectly fine! difference = {}",
    "There is a mistake in the backward propagation! difference = {}",
)


def forward_propagation(x: Any, theta: Any) -> Any:
    """``J = theta x``."""
    return theta * x


def backward_propagation(x: Any, theta: Any) -> Any:
    """``dJ/dtheta = x``."""
    return x


def _verdict(difference: float, print_msg: bool) -> float:
    if print_msg:
        print(MESSAGES[difference > DEFAULT_THRESHOLD].format(difference))
    return difference


def gradient_check(x: Any, theta: Any, epsilon: float = DEFAULT_EPSILON, print_msg=False):
    """The relative difference of ``backward_propagation`` and the centred difference."""
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    return _verdict(relative_difference(np.asarray(grad), np.asarray(gradapprox)), print_msg)


def dictionary_to_vector(parameters: Mapping[str, Array]) -> tuple[Array, list[str]]:
    """``theta`` (47, 1) and, per entry, the key it came from."""
    theta = np.concatenate([np.reshape(parameters[key], (-1, 1)) for key in KEYS])
    return theta, [key for key in KEYS for _ in range(np.size(parameters[key]))]


def vector_to_dictionary(theta: Array) -> dict[str, Array]:
    out, at = {}, 0
    for key, shape in SHAPES.items():
        size = shape[0] * shape[1]
        out[key] = theta[at : at + size].reshape(shape)
        at += size
    return out


def gradients_to_vector(gradients: Mapping[str, Array]) -> Array:
    """``dW1, db1, ..., db3`` rolled as ``dictionary_to_vector`` rolls the parameters; the
    other gradients (``dZ``, ``dA``) left out."""
    return np.concatenate([np.reshape(gradients[f"d{key}"], (-1, 1)) for key in KEYS])


def forward_propagation_n(X: Array, Y: Array, parameters: Mapping[str, Array]):
    """The cost (the mean cross-entropy) and the network's flat cache."""
    A3, cache = three_layer.forward(X, parameters)
    return compute_cost(A3, np.reshape(Y, A3.shape)), cache


def backward_propagation_n(X: Array, Y: Array, cache: tuple) -> dict[str, Array]:
    return three_layer.backward(X, np.reshape(Y, (1, -1)), cache)


def gradient_check_n(
    parameters: Mapping[str, Array],
    gradients: Mapping[str, Array],
    X: Array,
    Y: Array,
    epsilon: float = DEFAULT_EPSILON,
    print_msg: bool = False,
) -> float:
    """The relative difference of ``gradients`` and the centred differences of the cost."""
    sizes = [X.shape[0]] + [parameters[f"W{l}"].shape[0] for l in (1, 2, 3)]
    Y = np.reshape(Y, (1, -1)).astype(float)
    numeric = centred(parameters, X, Y, spec_for(sizes), epsilon=epsilon).numeric
    grad, gradapprox = gradients_to_vector(gradients), gradients_to_vector(numeric)
    return _verdict(relative_difference(grad, gradapprox), print_msg)
