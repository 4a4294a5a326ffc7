"""Batch normalisation on the torch side: torch's own ``nn.BatchNorm1d`` after an
``nn.Linear(bias=False)``, the twin of ``scratch.batchnorm``.

In torch layout ``Z`` is (m, n): ``nn.BatchNorm1d(n)`` takes its statistics over dim 0, the
examples, which is the course's axis 1. The course's quantities are the module's, exactly:

    gamma[l] (n, 1)  <->  weight (n,)          running_mean[l] (n, 1)  <->  running_mean (n,)
    beta[l]  (n, 1)  <->  bias (n,)            running_var[l]  (n, 1)  <->  running_var (n,)

and the spec's ``batch_norm_momentum`` and ``batch_norm_eps`` are the module's ``momentum`` and
``eps`` as they stand: scratch follows torch's sense of ``momentum`` (the weight of the new
batch, 0.1 by default), its unbiased running variance and its eps 1e-5
(``parity_tests.test_conventions_batchnorm`` proves each). ``num_batches_tracked``, the module's
count of training batches, is torch's alone: with ``momentum`` given it changes nothing.

Under DDP each process normalises its own shard by the shard's statistics unless the modules are
``nn.SyncBatchNorm`` (Lightning's ``Trainer(sync_batchnorm=True)``), which reduces the batch's
statistics over the processes first; torch runs that only on GPUs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from scratch.spec import Layer, NetworkSpec

# The course's key of each piece of a batch-norm layer's state -> the module's attribute.
BATCH_NORM_STATE = {
    "gamma": "weight",
    "beta": "bias",
    "running_mean": "running_mean",
    "running_var": "running_var",
}


def batch_norm_module(layer: Layer, spec: NetworkSpec, dtype: torch.dtype) -> nn.BatchNorm1d:
    """``nn.BatchNorm1d(n[l])`` with the spec's ``momentum`` and ``eps``, in ``dtype``, starting
    at torch's values (``gamma`` 1, ``beta`` 0, mean 0, variance 1; no random draw)."""
    return nn.BatchNorm1d(
        layer.units, eps=spec.batch_norm_eps, momentum=spec.batch_norm_momentum, dtype=dtype
    )


def load_batch_norm(
    norm: nn.Module,
    params: Mapping[str, np.ndarray],
    l: int,
    keys: tuple[str, ...] = tuple(BATCH_NORM_STATE),
) -> None:
    """Copy layer l's ``keys`` (of ``BATCH_NORM_STATE``: ``gamma``, ``beta`` and the running
    statistics; course shapes, checked already) into ``norm``, bit for bit."""
    with torch.no_grad():
        for key in keys:
            getattr(norm, BATCH_NORM_STATE[key]).copy_(torch.from_numpy(params[f"{key}{l}"][:, 0]))


def export_batch_norm(norm: nn.Module, l: int, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Layer l's ``keys`` (of ``BATCH_NORM_STATE``) from ``norm``, as (n, 1) NumPy copies."""
    return {
        f"{key}{l}": getattr(norm, BATCH_NORM_STATE[key]).detach().cpu().numpy()[:, None].copy()
        for key in keys
    }
