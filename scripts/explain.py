"""What autograd does for you: each backward formula of the scratch network beside the autograd
node(s) that computed the same quantity on the torch side (``grad_fn`` names), read off the graph
of one real forward pass of the torch module."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

import scratch
from scratch import NetworkSpec

Node = Any  # a torch.autograd graph node (grad_fn)

OUTPUT_GRADIENT = {
    "binary_cross_entropy": "A{L} - Y",
    "cross_entropy": "A{L} - Y   (Y one-hot)",
    "mse": "2 (A{L} - Y)",
}
DERIVATIVE = {
    "sigmoid": "A{l} (1 - A{l})",
    "tanh": "(1 - A{l}^2)",
    "relu": "(Z{l} > 0)",
    "leaky_relu": "where(Z{l} > 0, 1, slope)",
    "identity": "1",
}
FOOTNOTE = (
    "Autograd differentiates J: the 1/m of every dW and db is the loss's DivBackward0 at the top.\n"
    "The course's dZ and dA are of the summed loss m J, so the torch side's are scaled by m."
)


def explain_backward(
    X: np.ndarray, Y: np.ndarray, params: Mapping[str, np.ndarray], spec: NetworkSpec
) -> list[tuple[str, str]]:
    """``(scratch formula, autograd nodes)`` for every backward quantity, in the order both
    compute them: layer L down to 1, ``dZ``, ``dW``, ``db``, then ``dA`` of the layer below."""
    import torch_impl

    X = scratch.as_input(X, spec)
    T = torch_impl.to_torch(scratch.as_targets(Y, spec, X.shape[1]))
    net = torch_impl.build_module(spec, params)
    Z, A = {}, {}
    hooks = [
        module.register_forward_hook(
            lambda _m, _i, out, store=store, l=l: store.__setitem__(l, out)
        )
        for l, (linear, g) in enumerate(zip(net.linears, net.activations, strict=True), start=1)
        for store, module in ((Z, linear), (A, g))
    ]
    try:
        ZL = net(torch_impl.to_torch(X).requires_grad_())
    finally:
        for hook in hooks:
            hook.remove()
    J = torch_impl.cost_from_targets(ZL, T, spec, net.weights)
    linear_nodes = {Z[l].grad_fn for l in Z}
    loss_path = _path(J.grad_fn, lambda n: n is ZL.grad_fn)[:-1]
    rows = []
    for l in range(spec.L, 0, -1):
        linear, node = net.linears[l - 1], Z[l].grad_fn
        if l == spec.L:
            formula = OUTPUT_GRADIENT[spec.loss].format(L=l)
            rows.append((f"dZ{l} = {formula}", _chain(loss_path)))
        else:
            activation = spec.layers[l - 1].activation
            formula = f"dZ{l} = dA{l} * {DERIVATIVE[activation].format(l=l)}"
            made_by = A[l].grad_fn
            rows.append(
                (formula, "none: nn.Identity hands dA on" if made_by is node else made_by.name())
            )
        weight_path = _chain(_path(node, _holds(linear.weight)))
        penalty = f" + (l2/m) W{l}" if spec.l2 else ""
        if spec.l2:
            no_net = _path(J.grad_fn, _holds(linear.weight), avoid=linear_nodes)
            weight_path += f";  penalty: {_chain(no_net)}"
        rows.append((f"dW{l} = dZ{l} A{l - 1}^T / m{penalty}", weight_path))
        rows.append((f"db{l} = sum(dZ{l}, axis=1) / m", _chain(_path(node, _holds(linear.bias)))))
        rows.append((f"dA{l - 1} = W{l}^T dZ{l}", node.name()))
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
