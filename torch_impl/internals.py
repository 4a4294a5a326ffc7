"""Every layer's forward and backward quantities, captured from autograd in scratch's keys, and
the autograd nodes that computed them: the twin of ``scratch.internals``.

One forward pass of ``SpecNet`` with forward hooks (``capture``) keeps each ``Z[l]`` (the output
of ``linears[l-1]``) and each ``A[l]`` (the output of ``activations[l-1]``). ``layer_internals``
then asks autograd for their gradients and returns the keys, shapes and layout of
``scratch.layer_internals``:

- ``Z[l]``, ``A[l]`` (n[l], m), ``cost`` (0-d, the spec's dtype);
- ``dZ[l] = m dJ/dZ[l]`` and ``dA[l-1] = m dJ/dA[l-1]`` (n, m): the course's derivatives of the
  summed loss ``m J``, while autograd gives those of ``J``;
- ``dW[l] = dJ/dW[l]`` (n[l], n[l-1]) and ``db[l] = dJ/db[l]`` (n[l], 1);
- with batch norm, ``Z_tilde[l]`` (the output of ``norms[l-1]``) and ``dZ_tilde[l]``, ``dgamma[l]``
  and ``dbeta[l]`` (the module's ``weight`` and ``bias`` gradients), ``Z_norm[l]`` from torch's
  own ``batch_norm`` without the affine part, and the running statistics as the pass leaves
  them; with dropout, ``A[l]`` is the output of ``dropouts[l-1]``, and ``D[l]`` the mask it
  applied, read off the graph (the scaled mask its ``MulBackward0`` saved, times keep_prob).

``autograd_nodes`` reads the same pass's graph instead: for each formula of
``scratch.backward_formulas``, the ``grad_fn`` nodes that compute that quantity on the torch side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
import torch
from torch.nn.functional import batch_norm

from scratch.batches import count_examples
from scratch.dropout import dropout_masks
from scratch.layer_kinds import GATES
from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets, check_params
from torch_impl.batchnorm import export_batch_norm
from torch_impl.dropout import masks_to_torch
from torch_impl.losses import cost_from_targets
from torch_impl.modes import check_compile, compiled
from torch_impl.network import LAYER_MODULES, SpecNet, build_module
from torch_impl.recurrent import network_internals, sequence_pass
from torch_impl.transfer import examples_to_torch, to_course, to_torch

Node = Any  # a torch.autograd graph node (grad_fn)


class Pass(NamedTuple):
    """One forward pass and its cost: ``Z[l]``, ``Z_tilde[l]`` (batch-norm layers) and ``A[l]``
    keyed by l (``A[0]`` is the input, which requires its gradient; ``A[l]`` is the layer's
    output, after its dropout mask), the module and the cost ``J``."""

    net: SpecNet
    Z: dict[int, torch.Tensor]
    Z_tilde: dict[int, torch.Tensor]
    A: dict[int, torch.Tensor]
    ZL: torch.Tensor
    J: torch.Tensor


def capture(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str = "cpu",
    *,
    masks: Mapping[str, np.ndarray] | None = None,
    training: bool = True,
    compile: bool = False,
) -> Pass:
    """The forward pass of ``SpecNet(spec, params)`` on ``X``, ``Y`` (course layout, checked
    as scratch checks them) in training mode (``masks``: scratch's dropout masks, default those
    of step 0) or, ``training=False``, in eval mode, every ``Z[l]``, ``Z_tilde[l]`` and hidden
    ``A[l]`` kept with its gradient. With ``compile``, the module runs compiled by inductor:
    dynamo traces the hooks into the graph, so each kept tensor is an output of the compiled
    graph and its gradient that of the compiled backward."""
    X = as_input(X, spec)
    m = count_examples(X)
    T = to_torch(as_targets(Y, spec, m), device)
    if compile and spec.dropout and training:
        raise ValueError(
            "layer_internals(compile=True) cannot read the dropout masks D[l] off a compiled "
            "graph: its backward is one CompiledFunctionBackward node, which keeps no tensor "
            "of a single operation; use compile=False for a spec with dropout"
        )
    net = build_module(spec, params).to(device).train(training)
    if compile:
        check_compile(device)
        compiled(net)
    if training and masks is None:
        masks = dropout_masks(spec, m, 0)
    Z: dict[int, torch.Tensor] = {}
    Z_tilde: dict[int, torch.Tensor] = {}
    A: dict[int, torch.Tensor] = {0: examples_to_torch(X, device).requires_grad_()}

    def keep(store: dict[int, torch.Tensor], l: int):
        def hook(module, inputs, output):
            output.retain_grad()
            store[l] = output

        return hook

    hooks = []
    for l, (layer, block) in enumerate(zip(spec.layers, net.features, strict=False), start=1):
        for name, module in LAYER_MODULES[layer.kind].captured(block).items():
            hooks.append(module.register_forward_hook(keep({"Z": Z, "A": A}[name], l)))
    dense = zip(net.linears, net.activations, strict=True)
    for l, (linear, g) in enumerate(dense, start=net.offset + 1):
        norm = net.norms[l - 1 - net.offset] if spec.layers[l - 1].batch_norm else None
        output = net.dropouts[l - 1 - net.offset] if l < spec.L and net.dropouts else g
        for store, module in ((Z, linear), (Z_tilde, norm), (A, output)):
            if module is not None:
                hooks.append(module.register_forward_hook(keep(store, l)))
    try:
        ZL = net(A[0], masks_to_torch(masks or {}, device))
    finally:
        for handle in hooks:
            handle.remove()
    return Pass(net, Z, Z_tilde, A, ZL, cost_from_targets(ZL, T, spec, net.weights))


def layer_internals(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str = "cpu",
    *,
    masks: Mapping[str, np.ndarray] | None = None,
    training: bool = True,
    compile: bool = False,
) -> dict[str, np.ndarray]:
    """``scratch.layer_internals`` on the torch side: the same arguments (course layout), the
    same checks and errors, the same keys in the same order, computed by torch on ``device``
    (with ``compile``, by the compiled module: see ``capture``). A recurrent network's are
    ``torch_impl.recurrent.network_internals``' (on the CPU)."""
    if spec.sequences:
        return _sequence_internals(X, Y, params, spec, device, training=training, compile=compile)
    run = capture(X, Y, params, spec, device, masks=masks, training=training, compile=compile)
    applied = {l: _applied_mask(run, l) for l in range(1, spec.L) if training}
    if training:
        run.J.backward()
    m = run.ZL.shape[0]
    with torch.no_grad():
        run.A[spec.L] = run.net.activations[-1](run.ZL)
    norms = dict(run.net.batch_norms())
    out = {"cost": run.J.detach().cpu().numpy()}
    for l, layer in enumerate(spec.layers, start=1):
        course = run.net.course_layout(l)
        if l in run.Z:
            out[f"Z{l}"] = course(run.Z[l])
        if l in norms:
            out[f"Z_norm{l}"] = to_course(_normalised(run.Z[l], norms[l], training))
            out[f"Z_tilde{l}"] = to_course(run.Z_tilde[l])
        out[f"A{l}"] = course(run.A[l])
        if layer.dropout and training:
            out[f"D{l}"] = applied[l]
        if l in norms and training:
            out |= export_batch_norm(norms[l], l, ("running_mean", "running_var"))
    if not training:
        return out
    grads = {f"d{key}": layout.to_course(p.grad) for key, p, layout in run.net.course_parameters()}
    for l in range(spec.L, 0, -1):
        if l in norms:
            out[f"dZ_tilde{l}"] = to_course(run.Z_tilde[l].grad * m)
            out[f"dgamma{l}"], out[f"dbeta{l}"] = grads[f"dgamma{l}"], grads[f"dbeta{l}"]
        if l in run.Z:
            out[f"dZ{l}"] = run.net.course_layout(l)(run.Z[l].grad * m)
        out |= {key: grads[key] for key in (f"dW{l}", f"db{l}") if key in grads}
        out[f"dA{l - 1}"] = run.net.course_layout(l - 1)(run.A[l - 1].grad * m)
    return out


def _sequence_internals(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    device: torch.device | str,
    *,
    training: bool,
    compile: bool,
) -> dict[str, np.ndarray]:
    """A recurrent network's internals, checked as scratch checks them; at inference (which
    changes nothing in it) the forward quantities and the cost alone."""
    if compile or torch.device(device).type != "cpu":
        raise ValueError(
            "layer_internals of a recurrent network runs on the CPU, uncompiled (its states and "
            "gates are read step by step)"
        )
    X = as_input(X, spec)
    T = as_targets(Y, spec, count_examples(X))
    check_params(params, spec, finite=False)
    out = network_internals(X, T, params, spec)
    if training:
        return out
    forward = ("a", "c", "ft", "it", "cct", "ot", "y_pred", "cost")
    return {key: value for key, value in out.items() if key in forward}


def _applied_mask(run: Pass, l: int) -> np.ndarray | None:
    """The mask layer l's dropout applied, from the graph: its output's ``MulBackward0`` saved
    the scaled mask ``D / keep_prob`` it multiplied by (``None`` for a layer that drops none)."""
    layer = run.net.spec.layers[l - 1]
    if not layer.dropout:
        return None
    return to_course(run.A[l].grad_fn._saved_other * layer.keep_prob)


def _normalised(Z: torch.Tensor, norm: torch.nn.Module, training: bool) -> torch.Tensor:
    """``Z_norm``, by torch's own ``batch_norm`` without ``gamma`` and ``beta``: by the batch's
    statistics in training, by the running ones (as the pass found them) in eval mode."""
    with torch.no_grad():
        if training:
            return batch_norm(Z, None, None, training=True, eps=norm.eps)
        return batch_norm(Z, norm.running_mean, norm.running_var, training=False, eps=norm.eps)


def autograd_nodes(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    *,
    masks: Mapping[str, np.ndarray] | None = None,
) -> list[str]:
    """For each row of ``scratch.backward_formulas(spec)``, in its order, the autograd node(s)
    that computed the same quantity, read off the graph of one real training-mode forward pass:
    for ``dZ[L]`` the loss's nodes, for a hidden layer's activation (``dZ[l]``, or
    ``dZ_tilde[l]`` with batch norm) its nodes from the layer's output down, the dropout mask's
    ``MulBackward0`` first; for ``dgamma``, ``dbeta`` the path from ``NativeBatchNormBackward0``
    to the parameter, for ``dZ`` under batch norm that node itself; for ``dW``, ``db`` the path
    from the layer's ``addmm`` (``mm`` without a bias) to the parameter, and for ``dA[l-1]`` the
    ``addmm`` itself. A conv layer's rows are the same, from its ``ConvolutionBackward0``; a pool
    or flatten layer's one row (its ``dA[l-1]``) is its own node (``MaxPool2DWithIndicesBackward0``,
    ``AvgPool2DBackward0``, ``ViewBackward0``). A recurrent network's: ``_sequence_nodes``."""
    if spec.sequences:
        return _sequence_nodes(X, Y, params, spec)
    run = capture(X, Y, params, spec, masks=masks)
    linear_nodes = {run.Z[l].grad_fn for l in run.Z}
    loss_path = _path(run.J.grad_fn, lambda n: n is run.ZL.grad_fn)[:-1]
    norms = dict(run.net.batch_norms())
    parameters = {key: p for key, p, _ in run.net.course_parameters()}
    rows = []
    for l in range(spec.L, 0, -1):
        if l not in run.Z:  # no parameters: the node of its output computes dA[l-1]
            rows.append(run.A[l].grad_fn.name())
            continue
        weight, bias, node = parameters[f"W{l}"], parameters.get(f"b{l}"), run.Z[l].grad_fn
        given = run.Z_tilde[l].grad_fn if l in norms else node  # what the activation took
        if l == spec.L:
            rows.append(_chain(loss_path))
        else:
            made_by = _path(run.A[l].grad_fn, lambda n, given=given: n is given)[:-1]
            rows.append(_chain(made_by) if made_by else "none: nn.Identity hands dA on")
        if l in norms:
            rows += [_chain(_path(given, _holds(norms[l].weight)))]
            rows += [_chain(_path(given, _holds(norms[l].bias))), given.name()]
        weight_path = _chain(_path(node, _holds(weight)))
        if spec.l2:
            penalty = _path(run.J.grad_fn, _holds(weight), avoid=linear_nodes)
            weight_path += f";  penalty: {_chain(penalty)}"
        rows.append(weight_path)
        if bias is not None:
            rows.append(_chain(_path(node, _holds(bias))))
        rows.append(node.name())
    return rows


def _sequence_nodes(
    X: np.ndarray, Y: np.ndarray, params: Mapping[str, np.ndarray], spec: NetworkSpec
) -> list[str]:
    """``autograd_nodes`` of a recurrent network, from zero states: the output layer's rows as
    a dense layer's (the loss's nodes; the paths from the logits' node to ``output.weight``,
    ``output.bias`` and to the states); the cell's rows the path from the states' node to the
    nonlinearity each differentiates (or, where torch runs the cell as one kernel, to that
    kernel's node), to the leaf each gradient lands in (``weight_ih``, ``weight_hh``,
    ``bias_ih``, the input, the initial state), and for the rows handed to the step before, to
    the product with ``weight_hh``. ``bias_hh`` is frozen and gets none."""
    X = as_input(X, spec)
    T = as_targets(Y, spec, count_examples(X))
    check_params(params, spec, finite=False)
    a0 = np.zeros((spec.layers[0].units, X.shape[1]), X.dtype)
    run = sequence_pass(X, a0, T, params, spec.cell)
    net, states = run.net, run.a.grad_fn
    logits = run.logits.grad_fn
    recurrent = net.recurrent
    rows = [
        _chain(_path(run.J.grad_fn, lambda n: n is logits)[:-1]),
        _chain(_path(logits, _holds(net.output.weight))),
        _chain(_path(logits, _holds(net.output.bias))),
        _chain(_path(logits, lambda n: n is states)[:-1]),
    ]

    def step(name: str) -> list[Node]:  # the op, or the kernel that runs the whole cell
        return _path(states, lambda n: n.name() == name) or _path(states, _fused)

    weights = {
        "ih": recurrent.weight_ih_l0,
        "hh": recurrent.weight_hh_l0,
        "b": recurrent.bias_ih_l0,
    }
    leaves = {key: _chain(_path(states, _holds(p))) for key, p in weights.items()}
    into_x = _chain(_path(states, _holds(run.x)))
    into_h0 = _chain(_path(states, _holds(run.h0)))
    if spec.cell == "rnn":
        cell = [_chain(step("TanhBackward0")), leaves["ih"], leaves["hh"], leaves["b"]]
        return [*rows, *cell, into_x, into_h0]
    paths = _lstm_gate_paths(states, step("SigmoidBackward0"))  # ot, c, cct, it, ft, c_next
    cell = [_chain(nodes) for nodes in paths[:5]]
    for g, gate in zip(GATES, (paths[4], paths[3], paths[2], paths[0]), strict=True):
        to = {key: _path(gate[-1], _holds(p))[1:] for key, p in weights.items()}
        cell += [f"{_chain([*gate, *to['hh']])}  (+ weight_ih; rows of {g})"]
        cell += [f"{_chain([*gate, *to['b']])}  (rows of {g})"]
    return [*rows, *cell, into_x, into_h0, _chain(paths[5])]


def _fused(node: Node) -> bool:
    """A kernel that runs the whole recurrent layer (oneDNN's, cuDNN's)."""
    return "Rnn" in node.name()


def _lstm_gate_paths(states: Node, output_gate: list[Node]) -> list[list[Node]]:
    """The paths from the LSTM's states to the nodes of ``ot``, ``c``, ``cct``, ``it``,
    ``ft`` and ``c_prev``'s product with ``ft`` in torch's graph of the cell written out (``a =
    o tanh(c)``, ``c = f c_prev + i g``: the first Mul of c's Add is the forget gate's, the
    second the update's, whose inputs are i's sigmoid and g's tanh); where a kernel runs the
    whole cell, that kernel for each."""
    if output_gate and _fused(output_gate[-1]):
        return [output_gate] * 6
    to_c = _path(states, lambda n: n.name() == "TanhBackward0")  # tanh(c<t>)
    add = to_c[-1].next_functions[0][0]
    forget, update = (child for child, _ in add.next_functions)
    reach = [*to_c, add]

    def inside(mul: Node, name: str) -> list[Node]:
        return [*reach, *_path(mul, lambda n: n is not mul and n.name() == name)]

    cct, it = inside(update, "TanhBackward0"), inside(update, "SigmoidBackward0")
    return [output_gate, reach, cct, it, inside(forget, "SigmoidBackward0"), [*reach, forget]]


def _holds(tensor: torch.Tensor) -> Callable[[Node], bool]:
    return lambda node: getattr(node, "variable", None) is tensor


def _path(start: Node, is_target: Callable[[Node], bool], avoid: set = frozenset()) -> list[Node]:
    """The nodes from ``start`` to the first node ``is_target`` accepts, depth first through
    ``next_functions``, never through a node in ``avoid``; empty if there is none. A node found
    to lead nowhere is not walked again (a recurrent graph reaches its nodes by many paths)."""
    dead: set[Node] = set(avoid)

    def walk(node: Node) -> list[Node]:
        if node is None or node in dead:
            return []
        if is_target(node):
            return [node]
        for child, _ in node.next_functions:
            rest = walk(child)
            if rest:
                return [node, *rest]
        dead.add(node)
        return []

    return walk(start)


def _chain(nodes: list[Node]) -> str:
    return " -> ".join(node.name().removeprefix("torch::autograd::") for node in nodes)
