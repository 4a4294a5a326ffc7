"""Every layer's forward and backward quantities, captured from autograd in scratch's keys, and
the autograd nodes that computed them: the twin of ``scratch.internals``.

One forward pass of ``SpecNet`` with forward hooks (``capture``) keeps each ``Z[l]`` (the output
of ``linears[l-1]``) and each ``A[l]`` (the output of ``activations[l-1]``). ``layer_internals``
then asks autograd for their gradients and returns the keys, shapes and layout of
``scratch.layer_internals``:

- ``Z[l]``, ``A[l]`` (n[l], m), ``cost`` (0-d, the spec's dtype);
- ``dZ[l] = m dJ/dZ[l]`` and ``dA[l-1] = m dJ/dA[l-1]`` (n, m): the course's derivatives of the
  summed loss ``m J``, while autograd gives those of ``J``;
- ``dW[l] = dJ/dW[l]`` (n[l], n[l-1]) and ``db[l] = dJ/db[l]`` (n[l], 1).

``autograd_nodes`` reads the same pass's graph instead: for each formula of
``scratch.backward_formulas``, the ``grad_fn`` nodes that compute that quantity on the torch side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
import torch

from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets
from torch_impl.losses import cost_from_targets
from torch_impl.network import SpecNet, build_module
from torch_impl.transfer import to_course, to_torch

Node = Any  # a torch.autograd graph node (grad_fn)


class Pass(NamedTuple):
    """One forward pass and its cost: ``Z[l]``, ``A[l]`` keyed by l (``A[0]`` is the input,
    which requires its gradient), the module and the cost ``J``."""

    net: SpecNet
    Z: dict[int, torch.Tensor]
    A: dict[int, torch.Tensor]
    ZL: torch.Tensor
    J: torch.Tensor


def capture(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str = "cpu",
) -> Pass:
    """The forward pass of ``SpecNet(spec, params)`` on ``X``, ``Y`` (course layout, checked
    as scratch checks them), every ``Z[l]`` and hidden ``A[l]`` kept with its gradient."""
    X = as_input(X, spec)
    T = to_torch(as_targets(Y, spec, X.shape[1]), device)
    net = build_module(spec, params).to(device)
    Z: dict[int, torch.Tensor] = {}
    A: dict[int, torch.Tensor] = {0: to_torch(X, device).requires_grad_()}

    def keep(store: dict[int, torch.Tensor], l: int):
        def hook(module, inputs, output):
            output.retain_grad()
            store[l] = output

        return hook

    hooks = [
        module.register_forward_hook(keep(store, l))
        for l, (linear, g) in enumerate(zip(net.linears, net.activations, strict=True), start=1)
        for store, module in ((Z, linear), (A, g))
    ]
    try:
        ZL = net(A[0])
    finally:
        for handle in hooks:
            handle.remove()
    return Pass(net, Z, A, ZL, cost_from_targets(ZL, T, spec, net.weights))


def layer_internals(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str = "cpu",
) -> dict[str, np.ndarray]:
    """``scratch.layer_internals`` on the torch side: the same arguments (course layout), the
    same checks and errors, the same keys in the same order, computed by torch on ``device``."""
    run = capture(X, Y, params, spec, device)
    run.J.backward()
    m = run.ZL.shape[0]
    with torch.no_grad():
        run.A[spec.L] = run.net.activations[-1](run.ZL)
    out = {"cost": run.J.detach().cpu().numpy()}
    for l in range(1, spec.L + 1):
        out[f"Z{l}"], out[f"A{l}"] = to_course(run.Z[l]), to_course(run.A[l])
    for l in range(spec.L, 0, -1):
        linear = run.net.linears[l - 1]
        out[f"dZ{l}"] = to_course(run.Z[l].grad * m)
        out[f"dW{l}"] = linear.weight.grad.cpu().numpy()
        out[f"db{l}"] = linear.bias.grad.cpu().numpy()[:, np.newaxis]
        out[f"dA{l - 1}"] = to_course(run.A[l - 1].grad * m)
    return out


def autograd_nodes(
    X: np.ndarray, Y: np.ndarray, params: Mapping[str, np.ndarray], spec: NetworkSpec
) -> list[str]:
    """For each row of ``scratch.backward_formulas(spec)``, in its order, the autograd node(s)
    that computed the same quantity, read off the graph of one real forward pass: for ``dZ[L]``
    the loss's nodes, for a hidden ``dZ[l]`` the activation's, for ``dW``, ``db`` the path from
    the layer's ``addmm`` to the parameter, and for ``dA[l-1]`` the ``addmm`` itself."""
    run = capture(X, Y, params, spec)
    linear_nodes = {run.Z[l].grad_fn for l in run.Z}
    loss_path = _path(run.J.grad_fn, lambda n: n is run.ZL.grad_fn)[:-1]
    rows = []
    for l in range(spec.L, 0, -1):
        linear, node = run.net.linears[l - 1], run.Z[l].grad_fn
        if l == spec.L:
            rows.append(_chain(loss_path))
        else:
            made_by = run.A[l].grad_fn
            rows.append("none: nn.Identity hands dA on" if made_by is node else made_by.name())
        weight_path = _chain(_path(node, _holds(linear.weight)))
        if spec.l2:
            penalty = _path(run.J.grad_fn, _holds(linear.weight), avoid=linear_nodes)
            weight_path += f";  penalty: {_chain(penalty)}"
        rows.append(weight_path)
        rows.append(_chain(_path(node, _holds(linear.bias))))
        rows.append(node.name())
    return rows


def _holds(tensor: torch.Tensor) -> Callable[[Node], bool]:
    return lambda node: getattr(node, "variable", None) is tensor


def _path(start: Node, is_target: Callable[[Node], bool], avoid: set = frozenset()) -> list[Node]:
    """The nodes from ``start`` to the first node ``is_target`` accepts, depth first through
    ``next_functions``, never through a node in ``avoid``; empty if there is none."""
    if start is None or start in avoid:
        return []
    if is_target(start):
        return [start]
    for child, _ in start.next_functions:
        rest = _path(child, is_target, avoid)
        if rest:
            return [start, *rest]
    return []


def _chain(nodes: list[Node]) -> str:
    return " -> ".join(node.name().removeprefix("torch::autograd::") for node in nodes)
