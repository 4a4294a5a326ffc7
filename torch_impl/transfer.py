"""No scratch twin: the one boundary between the two layouts, for weights and for data.

Weights need no transpose: the course's ``W[l]`` (n[l], n[l-1]) is ``nn.Linear.weight``; only
the bias changes shape, (n[l], 1) <-> (n[l],), and so do batch norm's ``gamma``, ``beta`` and
running statistics (see ``torch_impl.batchnorm``). Data does: the course holds ``X`` (n_x, m), one
column per example, while torch wants (m, n_x), one row per example. ``to_torch`` and
``to_course`` are the only places that transpose. Every copy keeps the dtype, so float64 numbers
never pass through float32, and round trips are bit-exact.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from scratch.spec import NetworkSpec
from scratch.validation import check_params
from torch_impl.batchnorm import export_batch_norm, load_batch_norm

TORCH_DTYPES: dict[str, torch.dtype] = {"float64": torch.float64, "float32": torch.float32}


def torch_dtype(spec: NetworkSpec) -> torch.dtype:
    """The torch dtype of ``spec.dtype``."""
    return TORCH_DTYPES[spec.dtype]


def to_torch(array: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """Course layout (n, m) -> torch layout (m, n): a copy with standard strides, same dtype, on
    ``device``. (``np.ascontiguousarray`` of the transpose would be a view of ``array`` itself
    when n or m is 1, with a stride torch's oneDNN kernels mishandle.)"""
    return torch.from_numpy(np.array(array.T, order="C")).to(device)


def to_course(tensor: torch.Tensor) -> np.ndarray:
    """Torch layout (m, n) -> course layout (n, m): a NumPy copy on the CPU, same dtype."""
    return np.ascontiguousarray(tensor.detach().cpu().numpy().T)


def load_params(module: nn.Module, params: Mapping[str, np.ndarray]) -> None:
    """Copy a course parameters dict into ``module``: ``W{l}`` -> ``linears[l-1].weight``,
    ``b{l}`` (n[l], 1) -> ``linears[l-1].bias`` (n[l],), and a batch-norm layer's ``gamma{l}``,
    ``beta{l}``, ``running_mean{l}``, ``running_var{l}`` -> its ``nn.BatchNorm1d``. The dict is
    checked against the module's spec first (keys, shapes, dtype), with scratch's errors."""
    check_params(params, module.spec, name="params")
    with torch.no_grad():
        for l, linear in enumerate(module.linears, start=1):
            linear.weight.copy_(torch.from_numpy(params[f"W{l}"]))
            if linear.bias is not None:
                linear.bias.copy_(torch.from_numpy(params[f"b{l}"][:, 0]))
    for l, norm in module.batch_norms():
        load_batch_norm(norm, params, l)


def export_params(module: nn.Module) -> dict[str, np.ndarray]:
    """The module's weights as a course parameters dict ``W1, b1, ..., WL, bL`` (fresh arrays),
    in ``scratch.initialize_parameters``' order: a batch-norm layer's ``gamma{l}``, ``beta{l}``
    in place of ``b{l}``, and the running statistics after every layer's parameters."""
    params: dict[str, np.ndarray] = {}
    norms = dict(module.batch_norms())
    for l, linear in enumerate(module.linears, start=1):
        params[f"W{l}"] = linear.weight.detach().cpu().numpy().copy()
        if l in norms:
            params |= export_batch_norm(norms[l], l, ("gamma", "beta"))
        else:
            params[f"b{l}"] = linear.bias.detach().cpu().numpy()[:, np.newaxis].copy()
    for l, norm in norms.items():
        params |= export_batch_norm(norm, l, ("running_mean", "running_var"))
    return params
