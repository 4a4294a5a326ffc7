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
from typing import TYPE_CHECKING

import numpy as np
import torch

from scratch.course.recurrent import GATES, OUTPUT_WEIGHT, PARAMETERS, recurrent_sizes
from scratch.spec import NetworkSpec
from scratch.validation import check_params
from torch_impl.batchnorm import export_batch_norm, load_batch_norm

if TYPE_CHECKING:
    from torch_impl.network import SpecNet
    from torch_impl.recurrent import RecurrentNet

TORCH_DTYPES: dict[str, torch.dtype] = {"float64": torch.float64, "float32": torch.float32}


def torch_dtype(spec: NetworkSpec) -> torch.dtype:
    """The torch dtype of ``spec.dtype``."""
    return TORCH_DTYPES[spec.dtype]


def to_torch(array: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """Course layout (n, m) -> torch layout (m, n): a contiguous copy, same dtype, on ``device``."""
    return torch.from_numpy(np.ascontiguousarray(array.T)).to(device)


def to_course(tensor: torch.Tensor) -> np.ndarray:
    """Torch layout (m, n) -> course layout (n, m): a NumPy copy on the CPU, same dtype."""
    return np.ascontiguousarray(tensor.detach().cpu().numpy().T)


def load_params(module: SpecNet, params: Mapping[str, np.ndarray]) -> None:
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


def export_params(module: SpecNet) -> dict[str, np.ndarray]:
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


# ---------------------------------------------------------------------------------------------
# Recurrent networks (torch_impl.recurrent): the course's RNN and LSTM weights, sequences,
# initial states and labels against nn.RNN / nn.LSTM and the nn.Linear of every step's output.
#
# - Weights. The RNN's Wax, Waa are weight_ih_l0, weight_hh_l0 as they are. The LSTM's four
#   gate weights (n_a, n_a + n_x) act on [a_prev; x_t]; torch stacks the gates' rows in the order
#   input, forget, cell, output (i, f, g, o), the course's Wi, Wf, Wc, Wo, and splits the columns
#   into the part on x_t (weight_ih_l0, (4 n_a, n_x)) and the part on a_prev (weight_hh_l0,
#   (4 n_a, n_a)), the course's last n_x columns and first n_a.
# - Biases. torch adds two, bias_ih + bias_hh, where the course has one b: b -> bias_ih = b and
#   bias_hh = -0.0, the additive identity of IEEE arithmetic (+0.0 would turn a bias of -0.0
#   into +0.0), so bias_ih + bias_hh is b bit for bit; back, b = bias_ih + bias_hh. The loss
#   reaches both through their sum, so each one's gradient is the course's db (not their sum).
# - Sequences: the course's x (n_x, m, T_x) is torch's (T_x, m, n_x) (batch_first: (m, T_x,
#   n_x)); a state a0 (n_a, m) is h0 (1, m, n_a); the LSTM starts from c0 = 0, as lstm_forward
#   does; labels Y (1, m, T_x) are torch's targets (T_x, m).
# Every copy keeps the dtype; course -> torch -> course is bit-exact, and so is torch -> course
# -> torch for a module whose bias_hh is 0 (``torch_impl.recurrent`` freezes it there).
# ---------------------------------------------------------------------------------------------

TORCH_GATES = ("i", "f", "c", "o")  # torch's stacked rows, in the course's letters (g is "c")
_RECURRENT = "recurrent.{}_l0"  # the layer's parameter names inside RecurrentNet


def recurrent_params_to_torch(
    parameters: Mapping[str, np.ndarray], cell: str
) -> dict[str, np.ndarray]:
    """A course parameters dict of ``cell`` (``"rnn"``: ``Wax, Waa, Wya, ba, by``; ``"lstm"``:
    ``Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by``) as ``RecurrentNet``'s state dict, fresh arrays:
    ``recurrent.weight_ih_l0``, ``recurrent.weight_hh_l0``, ``recurrent.bias_ih_l0``,
    ``recurrent.bias_hh_l0`` (-0.0), ``output.weight``, ``output.bias``. Checked first, with
    the course functions' errors (``scratch.course.recurrent.recurrent_sizes``)."""
    n_a = recurrent_sizes(parameters, cell, "recurrent_params_to_torch")["n_a"]
    if cell == "rnn":
        W_ih, W_hh, b = parameters["Wax"], parameters["Waa"], parameters["ba"]
    else:
        W = np.concatenate([parameters[f"W{gate}"] for gate in TORCH_GATES])
        W_hh, W_ih = W[:, :n_a], W[:, n_a:]  # [a_prev; x_t]: a_prev's columns first
        b = np.concatenate([parameters[f"b{gate}"] for gate in TORCH_GATES])
    return {
        _RECURRENT.format("weight_ih"): np.ascontiguousarray(W_ih).copy(),
        _RECURRENT.format("weight_hh"): np.ascontiguousarray(W_hh).copy(),
        _RECURRENT.format("bias_ih"): b[:, 0].copy(),
        _RECURRENT.format("bias_hh"): np.full(b.shape[0], -0.0, b.dtype),
        "output.weight": parameters[OUTPUT_WEIGHT[cell]].copy(),
        "output.bias": parameters["by"][:, 0].copy(),
    }


def recurrent_params_to_course(
    arrays: Mapping[str, np.ndarray], cell: str, *, gradients: bool = False
) -> dict[str, np.ndarray]:
    """``RecurrentNet``'s state dict (or, with ``gradients``, its parameters' gradients, keyed
    alike) as the course's dict of ``cell``, fresh arrays in the course's key order: the weights
    with ``b = bias_ih + bias_hh``; the gradients as ``dWax, ...`` with ``db = `` the gradient of
    ``bias_ih`` (each torch bias gets the whole db; ``bias_hh``'s is not needed, nor kept when
    it is frozen)."""
    W_ih, W_hh = arrays[_RECURRENT.format("weight_ih")], arrays[_RECURRENT.format("weight_hh")]
    b = arrays[_RECURRENT.format("bias_ih")]
    if not gradients:
        b = b + arrays[_RECURRENT.format("bias_hh")]
    if cell == "rnn":
        course = {"Wax": W_ih.copy(), "Waa": W_hh.copy(), "ba": b[:, np.newaxis].copy()}
    else:
        rows = dict(
            zip(TORCH_GATES, np.split(np.concatenate((W_hh, W_ih), axis=1), 4), strict=True)
        )
        biases = dict(zip(TORCH_GATES, np.split(b[:, np.newaxis], 4), strict=True))
        course = {
            key: value.copy()
            for g in GATES
            for key, value in ((f"W{g}", rows[g]), (f"b{g}", biases[g]))
        }
    course[OUTPUT_WEIGHT[cell]] = arrays["output.weight"].copy()
    course["by"] = arrays["output.bias"][:, np.newaxis].copy()
    ordered = {key: course[key] for key in PARAMETERS[cell]}
    return {f"d{key}": value for key, value in ordered.items()} if gradients else ordered


def sequences_to_torch(
    x: np.ndarray, *, batch_first: bool = False, device: torch.device | str | None = None
) -> torch.Tensor:
    """Course ``x`` (n_x, m, T_x) -> torch (T_x, m, n_x), or (m, T_x, n_x) ``batch_first``:
    a contiguous copy, same dtype, on ``device``."""
    order = (1, 2, 0) if batch_first else (2, 1, 0)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(order))).to(device)


def sequences_to_course(tensor: torch.Tensor, *, batch_first: bool = False) -> np.ndarray:
    """Torch (T_x, m, n) or (m, T_x, n) ``batch_first`` -> course (n, m, T_x): a NumPy copy on
    the CPU, same dtype (for inputs, hidden states, logits and their gradients alike)."""
    order = (2, 0, 1) if batch_first else (2, 1, 0)
    return np.ascontiguousarray(tensor.detach().cpu().numpy().transpose(order))


def initial_state_to_torch(
    a0: np.ndarray, cell: str, device: torch.device | str | None = None
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """The course's ``a0`` (n_a, m) as torch's initial state: ``h0`` (1, m, n_a) for the RNN,
    ``(h0, c0)`` with ``c0 = 0`` for the LSTM (``lstm_forward`` starts its cell state at 0)."""
    h0 = torch.from_numpy(np.ascontiguousarray(a0.T[np.newaxis])).to(device)
    return h0 if cell == "rnn" else (h0, torch.zeros_like(h0))


def state_to_course(state: torch.Tensor) -> np.ndarray:
    """Torch ``h`` (1, m, n_a) (a state, or its gradient) -> course (n_a, m), a NumPy copy."""
    return np.ascontiguousarray(state.detach().cpu().numpy()[0].T)


def labels_to_torch(Y: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """Course labels ``Y`` (1, m, T_x) -> torch targets (T_x, m), int64 (what
    ``nn.CrossEntropyLoss`` takes)."""
    return torch.from_numpy(np.ascontiguousarray(Y[0].T, dtype=np.int64)).to(device)


def load_recurrent_params(module: RecurrentNet, parameters: Mapping[str, np.ndarray]) -> None:
    """Copy a course parameters dict into ``module`` (``recurrent_params_to_torch``); arrays of
    another dtype than the module's are refused, naming the key, never cast."""
    arrays = recurrent_params_to_torch(parameters, module.cell)
    dtype = module.output.weight.dtype
    for key in PARAMETERS[module.cell]:
        if TORCH_DTYPES.get(parameters[key].dtype.name) != dtype:
            raise TypeError(
                f"parameters[{key!r}] is {parameters[key].dtype} but the module is "
                f"{str(dtype).removeprefix('torch.')}"
            )
    with torch.no_grad():
        for key, value in arrays.items():
            module.get_parameter(key).copy_(torch.from_numpy(value))


def export_recurrent_params(module: RecurrentNet) -> dict[str, np.ndarray]:
    """The module's weights as the course's parameters dict (``recurrent_params_to_course``)."""
    arrays = {key: value.detach().cpu().numpy() for key, value in module.named_parameters()}
    return recurrent_params_to_course(arrays, module.cell)


def export_recurrent_grads(module: RecurrentNet) -> dict[str, np.ndarray]:
    """The gradients autograd left in the module's parameters as the course's ``dWax, ...``
    (``recurrent_params_to_course(..., gradients=True)``)."""
    arrays = {
        key: value.grad.detach().cpu().numpy()
        for key, value in module.named_parameters()
        if value.grad is not None
    }
    return recurrent_params_to_course(arrays, module.cell, gradients=True)
