"""Batch normalisation of a layer's ``Z``, before its activation (the follow-on course's week 3):
the twin is ``torch_impl.batchnorm``, which builds torch's own ``nn.BatchNorm1d``.

For one layer, ``Z = W A_prev`` (n, m) (no bias: ``b`` would be subtracted again with the mean),
statistics over the m examples of the batch (axis 1, one column per example):

    mu = (1/m) sum_i Z_i                         (n, 1)
    var = (1/m) sum_i (Z_i - mu)^2               (n, 1), the biased variance
    Z_norm = (Z - mu) / sqrt(var + eps)          (n, m)
    Z_tilde = gamma * Z_norm + beta              (n, m); gamma, beta (n, 1) are learned

Backward, from ``dZ_tilde`` (a derivative of the summed loss ``m J``, as the course's ``dZ``),
with ``dgamma``, ``dbeta`` derivatives of ``J`` like ``dW`` and ``db``:

    dbeta = (1/m) sum_i dZ_tilde_i
    dgamma = (1/m) sum_i dZ_tilde_i * Z_norm_i
    dZ = gamma / sqrt(var + eps) * (dZ_tilde - dbeta - Z_norm * dgamma)

The last line is the chain rule through all three uses of ``Z``: ``Z_norm`` directly, and ``mu``
and ``var``, which every example shares: ``dbeta`` is the mean's term and ``Z_norm * dgamma`` the
variance's (``dZ_norm = gamma dZ_tilde``, and ``mean(dZ_norm) = gamma dbeta``,
``mean(dZ_norm Z_norm) = gamma dgamma``).

Torch's conventions, which these follow (and ``parity_tests.test_conventions_batchnorm``
proves): ``eps = 1e-5``; the running statistics, used at inference instead of the batch's, are
updated after each training batch as ``running = (1 - momentum) running + momentum batch`` with
``momentum = 0.1`` (the weight of the *new* value: the opposite sense of an optimizer's momentum,
0.1 here is 0.9 there); the running variance takes the *unbiased* batch variance
``var m / (m - 1)``, while the batch is normalised by the biased one. They start at mean 0 and
variance 1, ``gamma`` at 1 and ``beta`` at 0. A batch of one example has no variance to
normalise by (torch refuses it in training, and so does this module).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

Array = np.ndarray


class BatchNormCache(NamedTuple):
    """What the backward pass needs: ``Z`` (n, m), ``Z_norm`` (n, m), the batch's ``mu`` and
    biased ``var`` (n, 1), ``inv_std = 1 / sqrt(var + eps)`` (n, 1) and ``gamma`` (n, 1). At
    inference ``mu`` and ``var`` are the running statistics."""

    Z: Array
    Z_norm: Array
    mu: Array
    var: Array
    inv_std: Array
    gamma: Array


class BatchOfOneError(ValueError):
    """Batch norm asked to train on a batch of one example, whose variance is 0: there is
    nothing to normalise by. The message names the layer and where the batch comes from."""


def check_batch(m: int, layer: int | None = None, source: str | None = None) -> None:
    """Batch norm in training needs at least two examples in a batch: a ``BatchOfOneError``
    for a batch of ``m < 2``, saying where it comes from (``source``: the batch size, the last
    batch of an epoch, the data; by default its ``m``)."""
    if m < 2:
        where = "" if layer is None else f"layer {layer}: "
        source = source or f"the batch given holds {m}"
        raise BatchOfOneError(
            f"{where}batch norm in training needs at least 2 examples in a batch, but {source}: "
            "the variance of one example is 0, so there is nothing to normalise by (torch "
            "refuses it too: 'Expected more than 1 value per channel when training')"
        )


def batchnorm_forward(
    Z: Array,
    gamma: Array,
    beta: Array,
    eps: float = 1e-5,
    *,
    layer: int | None = None,
    out: BatchNormCache | None = None,
    Z_tilde_out: Array | None = None,
) -> tuple[Array, BatchNormCache]:
    """Training mode: ``Z_tilde = gamma (Z - mu) / sqrt(var + eps) + beta`` with the batch's
    ``mu`` and biased ``var``; returns ``Z_tilde`` (n, m) and the cache. ``out`` (a cache of an
    earlier pass of the same shape) and ``Z_tilde_out`` are written into instead of allocating.
    ``layer`` names the layer in the error for a batch of one example."""
    m = Z.shape[1]
    check_batch(m, layer)
    mu = np.mean(Z, axis=1, keepdims=True)
    Z_norm = np.subtract(Z, mu, out=None if out is None else out.Z_norm)
    square = np.multiply(Z_norm, Z_norm, out=Z_tilde_out)  # Z_tilde_out as scratch space
    var = np.mean(square, axis=1, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    Z_norm *= inv_std
    Z_tilde = np.multiply(Z_norm, gamma, out=square)
    Z_tilde += beta
    return Z_tilde, BatchNormCache(Z, Z_norm, mu, var, inv_std, gamma)


def batchnorm_inference(
    Z: Array,
    gamma: Array,
    beta: Array,
    running_mean: Array,
    running_var: Array,
    eps: float = 1e-5,
) -> tuple[Array, BatchNormCache]:
    """Inference: ``Z_tilde = gamma (Z - running_mean) / sqrt(running_var + eps) + beta``, the
    same map for every example (any m, one included)."""
    inv_std = 1 / np.sqrt(running_var + eps)
    Z_norm = (Z - running_mean) * inv_std
    Z_tilde = gamma * Z_norm + beta
    return Z_tilde, BatchNormCache(Z, Z_norm, running_mean, running_var, inv_std, gamma)


def batchnorm_backward(
    dZ_tilde: Array, cache: BatchNormCache, out: Array | None = None
) -> tuple[Array, Array, Array]:
    """From ``dZ_tilde`` (n, m): ``dZ`` (n, m), ``dgamma`` and ``dbeta`` (n, 1), by the closed
    form in the module's docstring. ``out``: an array for ``dZ`` (not ``dZ_tilde`` itself)."""
    m = dZ_tilde.shape[1]
    Z_norm = cache.Z_norm
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    product = np.multiply(dZ_tilde, Z_norm, out=out)
    dgamma = np.sum(product, axis=1, keepdims=True) / m
    dZ = np.multiply(Z_norm, dgamma, out=product)  # the variance's term
    np.subtract(dZ_tilde, dZ, out=dZ)
    dZ -= dbeta  # the mean's term
    dZ *= cache.gamma * cache.inv_std
    return dZ, dgamma, dbeta


def update_running_stats(
    running_mean: Array, running_var: Array, cache: BatchNormCache, momentum: float = 0.1
) -> None:
    """In place, after a training batch of m examples, in torch's sense of ``momentum``:
    ``running_mean = (1 - momentum) running_mean + momentum mu`` and
    ``running_var = (1 - momentum) running_var + momentum var m / (m - 1)`` (unbiased)."""
    m = cache.Z.shape[1]
    running_mean *= 1 - momentum
    running_mean += momentum * cache.mu
    running_var *= 1 - momentum
    running_var += momentum * (cache.var * (m / (m - 1)))
