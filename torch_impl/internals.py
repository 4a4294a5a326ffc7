"""Every layer's forward and backward quantities, captured from autograd, in scratch's keys.

One forward and backward pass of ``SpecNet``: forward hooks keep each ``Z[l]`` (the output of
``linears[l-1]``) and each hidden ``A[l]`` (the output of ``activations[l-1]``) and ask autograd
to retain their gradients; the input ``X`` requires its gradient for ``dA0``. The result has the
keys, shapes and layout of ``scratch.layer_internals``:

- ``Z[l]``, ``A[l]`` (n[l], m), ``cost`` (0-d, the spec's dtype);
- ``dZ[l] = m dJ/dZ[l]`` and ``dA[l-1] = m dJ/dA[l-1]`` (n, m): the course's derivatives of the
  summed loss ``m J``, while autograd gives those of ``J``;
- ``dW[l] = dJ/dW[l]`` (n[l], n[l-1]) and ``db[l] = dJ/db[l]`` (n[l], 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets
from torch_impl.losses import cost_from_targets
from torch_impl.module import build_module
from torch_impl.transfer import to_course, to_torch


def layer_internals(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str = "cpu",
) -> dict[str, np.ndarray]:
    """``scratch.layer_internals`` on the torch side: the same arguments (course layout), the
    same checks and errors, the same keys in the same order, computed by torch on ``device``."""
    X = as_input(X, spec)
    m = X.shape[1]
    T = to_torch(as_targets(Y, spec, m), device)
    net = build_module(spec, params).to(device)
    captured: dict[str, torch.Tensor] = {}

    def keep(key: str):
        def hook(module, inputs, output):
            output.retain_grad()
            captured[key] = output

        return hook

    hooks = [
        module.register_forward_hook(keep(f"{prefix}{l}"))
        for l, (linear, g) in enumerate(zip(net.linears, net.activations, strict=True), start=1)
        for prefix, module in (("Z", linear), ("A", g))
    ]
    try:
        A0 = to_torch(X, device).requires_grad_()
        ZL = net(A0)
    finally:
        for handle in hooks:
            handle.remove()
    J = cost_from_targets(ZL, T, spec, net.weights)
    J.backward()
    with torch.no_grad():
        captured[f"A{spec.L}"] = net.activations[-1](ZL)
    captured["A0"] = A0

    out = {"cost": J.detach().cpu().numpy()}
    for l in range(1, spec.L + 1):
        out[f"Z{l}"], out[f"A{l}"] = to_course(captured[f"Z{l}"]), to_course(captured[f"A{l}"])
    for l in range(spec.L, 0, -1):
        linear = net.linears[l - 1]
        out[f"dZ{l}"] = to_course(captured[f"Z{l}"].grad * m)
        out[f"dW{l}"] = linear.weight.grad.cpu().numpy()
        out[f"db{l}"] = linear.bias.grad.cpu().numpy()[:, np.newaxis]
        out[f"dA{l - 1}"] = to_course(captured[f"A{l - 1}"].grad * m)
    return out
