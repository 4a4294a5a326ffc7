"""The second course, week 1, "Regularization", in the assignment's own signatures: the course's
three-layer network (``scratch.course.three_layer``) with

- L2: ``J = -(1/m) sum(Y log(A3) + (1 - Y) log(1 - A3)) + (lambd / 2m) sum_l ||W[l]||_F^2``
  (``compute_cost_with_regularization``), and ``dW[l] += (lambd / m) W[l]``
  (``backward_propagation_with_regularization``);
- inverted dropout on both hidden layers: ``D[l] = rand(n[l], m) < keep_prob``,
  ``A[l] = relu(Z[l]) * D[l] / keep_prob`` (``forward_propagation_with_dropout``), and the same
  mask and scale on ``dA[l]`` (``backward_propagation_with_dropout``).

The masks are the notebook's: ``np.random.seed(1)`` at the top of the forward pass, then
``rand(n[1], m)`` and ``rand(n[2], m)`` in that order (``course_masks``), here from a
``RandomState(1)`` of their own. NumPy only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from scratch.course import three_layer
from scratch.course.deep import compute_cost
from scratch.losses import l2_penalty

Array = np.ndarray
SEED = 1  # the notebook's np.random.seed(1)


def course_uniforms(shapes: Sequence[tuple[int, int]], seed: int = SEED) -> list[Array]:
    """The notebook's draws ``rand(n[l], m)``, layer by layer, after ``np.random.seed(seed)``."""
    rng = np.random.RandomState(seed)
    return [rng.rand(*shape) for shape in shapes]


def course_masks(parameters: Mapping[str, Array], m: int, keep_prob: float) -> dict[str, Array]:
    """``D1``, ``D2``: 1 where the draw is below ``keep_prob``, as integers, as the course's."""
    shapes = [(parameters[f"W{l}"].shape[0], m) for l in (1, 2)]
    uniforms = course_uniforms(shapes)
    return {f"D{l}": (draw < keep_prob).astype(int) for l, draw in enumerate(uniforms, 1)}


def compute_cost_with_regularization(
    A3: Array, Y: Array, parameters: Mapping[str, Array], lambd: float
) -> np.float64:
    return compute_cost(A3, Y) + l2_penalty(parameters, lambd, Y.shape[1])


def backward_propagation_with_regularization(
    X: Array, Y: Array, cache: tuple, lambd: float
) -> dict[str, Array]:
    return three_layer.backward(X, Y, cache, lambd=lambd)


def forward_propagation_with_dropout(
    X: Array, parameters: Mapping[str, Array], keep_prob: float = 0.5
) -> tuple[Array, tuple]:
    masks = course_masks(parameters, X.shape[1], keep_prob)
    return three_layer.forward(X, parameters, masks, keep_prob)


def backward_propagation_with_dropout(
    X: Array, Y: Array, cache: tuple, keep_prob: float
) -> dict[str, Array]:
    return three_layer.backward(X, Y, cache, keep_prob=keep_prob)
