"""Updating the parameters from their gradients: the course's gradient-descent step. The twin is
``torch_impl.optimizers``, which builds the ``torch.optim`` optimizer that computes the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

Array = np.ndarray
Params = dict[str, Array]


def update_parameters(
    parameters: Mapping[str, Array],
    grads: Mapping[str, Array],
    learning_rate: float,
    out: Params | None = None,
) -> Params:
    """One gradient-descent step: ``W[l] - learning_rate dW[l]``, ``b[l] - learning_rate db[l]``.

    Leaves ``parameters`` and ``grads`` untouched and returns new arrays, or writes into the
    arrays of ``out`` (same keys and shapes) without allocating, which the training loop uses.
    """
    if out is None:
        return {key: value - learning_rate * grads[f"d{key}"] for key, value in parameters.items()}
    for key, value in parameters.items():
        step = np.multiply(grads[f"d{key}"], learning_rate, out=out[key])
        np.subtract(value, step, out=step)
    return out
