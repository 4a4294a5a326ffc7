"""No scratch twin: the one boundary between the two layouts, for weights and for data.

Weights need no transpose: the course's ``W[l]`` (n[l], n[l-1]) is ``nn.Linear.weight``; only
the bias changes shape, (n[l], 1) <-> (n[l],), and so do batch norm's ``gamma``, ``beta`` and
running statistics (see ``torch_impl.batchnorm``). Data does: the course holds ``X`` (n_x, m), one
column per example, while torch wants (m, n_x), one row per example. ``to_torch`` and
``to_course`` are the only places that transpose. Every copy keeps the dtype, so float64 numbers
never pass through float32, and round trips are bit-exact. Convolutional layers' images and
filters, and the dense layer after a flatten, cross in the block at the end of this module.

Each parameter crosses by its ``Layout`` (the pair of maps of its kind), which a network names
beside it (``nn.Module.course_parameters``): its weights, and the optimizer state shaped like
them, go through the same maps both ways. A group of course arrays that torch holds together (an
LSTM's four gates stacked in two weights) crosses as one ``Crossing``: every network lists its
parameters as crossings (``nn.Module.crossings``), one per parameter where each has its own
``Layout``, and ``load_params``, ``export_params``, ``trainable_to_torch`` and
``trainable_to_course`` (gradients and optimizer state) go through them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from scratch.course.recurrent import GATES, OUTPUT_WEIGHT, PARAMETERS, recurrent_sizes
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


def examples_to_torch(X: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """A batch in course layout, columns (n_x, m), sequences (n_x, m, T_x) or images (m, n_H,
    n_W, n_C), in torch's (one example per row: (m, n_x), (m, T_x, n_x) batch first, or (m, C,
    H, W)), on ``device``."""
    if X.ndim == 3:
        return sequences_to_torch(X, batch_first=True, device=device)
    return images_to_torch(X, device) if X.ndim == 4 else to_torch(X, device)


def targets_to_torch(T: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """Targets in training form (``scratch.as_targets``), one example per row: columns (n[L],
    m) as (m, n[L]); a recurrent network's labels (1, m, T_x) as (m, T_x) int64, ``PAD`` (-1)
    kept (``nn.CrossEntropyLoss(ignore_index=-1)``)."""
    if T.ndim == 3:
        return torch.from_numpy(np.ascontiguousarray(T[0], dtype=np.int64)).to(device)
    return to_torch(T, device)


class Layout(NamedTuple):
    """How one parameter crosses: a course array to a fresh tensor of the parameter's shape
    (``to_torch``), and a tensor of that shape (the parameter, its gradient, its optimizer
    state) back to a fresh course array (``to_course``), both exact."""

    to_torch: Callable[[np.ndarray], torch.Tensor]
    to_course: Callable[[torch.Tensor], np.ndarray]


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy()


# ``W[l]`` of a dense layer: the same (n[l], n[l-1]) on both sides.
SAME = Layout(lambda W: torch.from_numpy(np.array(W)), lambda t: _numpy(t).copy())
# A column (n, 1) of the course, a vector (n,) in torch: ``b[l]``, batch norm's gamma and beta.
COLUMN = Layout(lambda b: torch.from_numpy(b[:, 0].copy()), lambda t: _numpy(t)[:, None].copy())


class Crossing(NamedTuple):
    """How a group of course arrays (``keys``) crosses to the torch tensors that hold them
    (``parameters``, trainable or frozen): ``to_torch(arrays)`` gives one fresh tensor per
    parameter from the course arrays keyed by ``keys``, ``to_course(tensors)`` the course arrays
    from one tensor per parameter (the parameters themselves, their gradients, their optimizer
    state), both exact. A dense or conv parameter is a group of one (``crossing``); an RNN's or
    LSTM's network is one group (``recurrent_crossing``)."""

    keys: tuple[str, ...]
    parameters: tuple[nn.Parameter, ...]
    to_torch: Callable[[Mapping[str, np.ndarray]], list[torch.Tensor]]
    to_course: Callable[[Sequence[torch.Tensor]], dict[str, np.ndarray]]


def crossing(key: str, parameter: nn.Parameter, layout: Layout) -> Crossing:
    """The group of one course array ``key`` and its parameter, by its ``Layout``."""
    return Crossing(
        (key,),
        (parameter,),
        lambda arrays: [layout.to_torch(arrays[key])],
        lambda tensors: {key: layout.to_course(tensors[0])},
    )


def load_params(module: nn.Module, params: Mapping[str, np.ndarray]) -> None:
    """Copy a course parameters dict into ``module``, each group through its ``Crossing``:
    ``W{l}`` -> ``linears[...].weight``, ``b{l}`` (n[l], 1) -> its bias (n[l],), a batch-norm
    layer's ``gamma{l}``, ``beta{l}`` and running statistics -> its ``nn.BatchNorm1d``, a conv
    layer's filters and biases -> its ``nn.Conv2d``, a recurrent network's (``Wf, bf, ...``)
    -> its ``nn.LSTM`` and ``nn.Linear``. The dict is checked against the module's spec first
    (keys, shapes, dtype), with scratch's errors."""
    check_params(params, module.spec, name="params")
    with torch.no_grad():
        for group in module.crossings():
            for parameter, tensor in zip(group.parameters, group.to_torch(params), strict=True):
                parameter.copy_(tensor)
    for l, norm in module.batch_norms():
        load_batch_norm(norm, params, l, ("running_mean", "running_var"))


def export_params(module: nn.Module) -> dict[str, np.ndarray]:
    """The module's weights as a course parameters dict ``W1, b1, ..., WL, bL`` (fresh arrays),
    in ``scratch.initialize_parameters``' order: a batch-norm layer's ``gamma{l}``, ``beta{l}``
    in place of ``b{l}``, and the running statistics after every layer's parameters."""
    params: dict[str, np.ndarray] = {}
    for group in module.crossings():
        params |= group.to_course(group.parameters)
    for l, norm in module.batch_norms():
        params |= export_batch_norm(norm, l, ("running_mean", "running_var"))
    return params


def trainable(module: nn.Module) -> list[nn.Parameter]:
    """The parameters an optimizer steps, in the crossings' order (a frozen one left out: a
    recurrent layer's ``bias_hh``)."""
    return [p for group in module.crossings() for p in group.parameters if p.requires_grad]


def trainable_to_torch(
    module: nn.Module, arrays: Mapping[str, np.ndarray]
) -> dict[nn.Parameter, torch.Tensor]:
    """Course arrays shaped like the parameters and keyed like them (an optimizer's ``v`` of
    ``dW1``, as ``W1``) as one tensor per trainable parameter, through the crossings."""
    out = {}
    for group in module.crossings():
        tensors = group.to_torch({key: arrays[key] for key in group.keys})
        out |= {p: t for p, t in zip(group.parameters, tensors, strict=True) if p.requires_grad}
    return out


def trainable_to_course(
    module: nn.Module, tensors: Mapping[nn.Parameter, torch.Tensor]
) -> dict[str, np.ndarray]:
    """One tensor per trainable parameter (its gradient, its optimizer state) as course arrays
    keyed like the parameters (``W1``, ``Wf``), through the crossings. A frozen parameter
    counts as -0.0, which adds nothing: a recurrent layer's ``db`` is ``bias_ih``'s gradient."""
    out: dict[str, np.ndarray] = {}
    for group in module.crossings():
        given = [
            tensors[p] if p.requires_grad else torch.full_like(p, -0.0) for p in group.parameters
        ]
        out |= group.to_course(given)
    return out


# ---------------------------------------------------------------------------------------------
# Convolutional layers: the course's image layouts <-> torch's. Every map below is a pure
# permutation of entries (a transpose, or a reshape around one), so each keeps the dtype and is
# bit-exact both ways; each returns a fresh copy (``.copy()``, never ``np.ascontiguousarray``,
# which returns the input itself when NumPy calls a transpose contiguous: with one channel,
# (m, n_H, n_W, 1) -> (m, 1, n_H, n_W) is, and the tensor would keep NumPy's stride for the
# size-1 axis, on which torch 2.14's float32 CPU conv2d backward (oneDNN) segfaults; the kind of
# pytorch/pytorch#195394).
#
#   images        A (m, n_H, n_W, n_C)     <-> (m, C, H, W)            A[i, h, w, c] = T[i, c, h, w]
#   conv weights  W (f, f, n_C_prev, n_C)  <-> (n_C, n_C_prev, f, f)   W[a, b, k, c] = w[c, k, a, b]
#   conv bias     b (1, 1, 1, n_C)         <-> (n_C,)                  b[0, 0, 0, c] = bias[c]
#   the dense layer after a flatten, W (n, n_H n_W n_C) <-> (n, C H W): the course's column
#   h n_W n_C + w n_C + c is torch's column c H W + h W + w (scratch.convolution flattens in
#   (h, w, c) order, nn.Flatten in (c, h, w) order), so its columns are permuted, not transposed.
# ---------------------------------------------------------------------------------------------


def images_to_torch(A: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """Course images (m, n_H, n_W, n_C) -> torch's (m, C, H, W) on ``device``."""
    return torch.from_numpy(A.transpose(0, 3, 1, 2).copy()).to(device)


def images_to_course(tensor: torch.Tensor) -> np.ndarray:
    """Torch's (m, C, H, W) -> course images (m, n_H, n_W, n_C), a NumPy copy on the CPU."""
    return tensor.detach().cpu().numpy().transpose(0, 2, 3, 1).copy()


def conv_weights_to_torch(W: np.ndarray) -> torch.Tensor:
    """Course filters (f, f, n_C_prev, n_C) -> ``nn.Conv2d.weight`` (n_C, n_C_prev, f, f)."""
    return torch.from_numpy(W.transpose(3, 2, 0, 1).copy())


def conv_weights_to_course(weight: torch.Tensor) -> np.ndarray:
    """``nn.Conv2d.weight`` (n_C, n_C_prev, f, f) -> course filters (f, f, n_C_prev, n_C)."""
    return weight.detach().cpu().numpy().transpose(2, 3, 1, 0).copy()


def conv_bias_to_torch(b: np.ndarray) -> torch.Tensor:
    """Course biases (1, 1, 1, n_C) -> ``nn.Conv2d.bias`` (n_C,)."""
    return torch.from_numpy(b.reshape(-1).copy())


def conv_bias_to_course(bias: torch.Tensor) -> np.ndarray:
    """``nn.Conv2d.bias`` (n_C,) -> course biases (1, 1, 1, n_C)."""
    return bias.detach().cpu().numpy().reshape(1, 1, 1, -1).copy()


def flattened_weights_to_torch(W: np.ndarray, image_shape: tuple[int, int, int]) -> torch.Tensor:
    """The weights of the dense layer after a flatten of (n_H, n_W, n_C) images: the course's
    (n, n_H n_W n_C), columns in (h, w, c) order -> ``nn.Linear.weight`` (n, C H W), columns
    in ``nn.Flatten``'s (c, h, w) order."""
    n_H, n_W, n_C = image_shape
    columns = W.reshape(W.shape[0], n_H, n_W, n_C).transpose(0, 3, 1, 2)
    return torch.from_numpy(columns.copy().reshape(W.shape[0], -1))


def flattened_weights_to_course(
    weight: torch.Tensor, image_shape: tuple[int, int, int]
) -> np.ndarray:
    """The inverse of ``flattened_weights_to_torch``: (n, C H W) -> (n, n_H n_W n_C)."""
    n_H, n_W, n_C = image_shape
    columns = weight.detach().cpu().numpy().reshape(-1, n_C, n_H, n_W).transpose(0, 2, 3, 1)
    return columns.copy().reshape(columns.shape[0], -1)


def flattened_to_course(tensor: torch.Tensor, image_shape: tuple[int, int, int]) -> np.ndarray:
    """``nn.Flatten``'s output (m, C H W), each row in (c, h, w) order, as the course's flatten
    gives it: columns (n_H n_W n_C, m) in (h, w, c) order (a NumPy copy on the CPU)."""
    n_H, n_W, n_C = image_shape
    images = tensor.detach().cpu().numpy().reshape(-1, n_C, n_H, n_W).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images.reshape(images.shape[0], -1).T)


CONV_WEIGHTS = Layout(conv_weights_to_torch, conv_weights_to_course)
CONV_BIAS = Layout(conv_bias_to_torch, conv_bias_to_course)


def flattened_layout(image_shape: tuple[int, int, int]) -> Layout:
    """The ``Layout`` of the dense weights after a flatten of (n_H, n_W, n_C) images: their
    columns permuted (``flattened_weights_to_torch``)."""
    return Layout(
        partial(flattened_weights_to_torch, image_shape=image_shape),
        partial(flattened_weights_to_course, image_shape=image_shape),
    )


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


def load_recurrent_params(module: nn.Module, parameters: Mapping[str, np.ndarray]) -> None:
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


def export_recurrent_params(module: nn.Module) -> dict[str, np.ndarray]:
    """The module's weights as the course's parameters dict (``recurrent_params_to_course``)."""
    arrays = {key: value.detach().cpu().numpy() for key, value in module.named_parameters()}
    return recurrent_params_to_course(arrays, module.cell)


def export_recurrent_grads(module: nn.Module) -> dict[str, np.ndarray]:
    """The gradients autograd left in the module's parameters as the course's ``dWax, ...``
    (``recurrent_params_to_course(..., gradients=True)``)."""
    arrays = {
        key: value.grad.detach().cpu().numpy()
        for key, value in module.named_parameters()
        if value.grad is not None
    }
    return recurrent_params_to_course(arrays, module.cell, gradients=True)


def recurrent_crossing(module: nn.Module) -> Crossing:
    """A ``RecurrentNet``'s parameters as one group: the course's ``PARAMETERS[cell]`` and the
    module's ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` (frozen at -0.0) and its
    output layer's ``weight`` and ``bias``, by ``recurrent_params_to_torch`` and
    ``recurrent_params_to_course``."""
    parameters = tuple(module.get_parameter(name) for name in recurrent_params_names())

    def to_torch(arrays: Mapping[str, np.ndarray]) -> list[torch.Tensor]:
        crossed = recurrent_params_to_torch(arrays, module.cell)
        return [torch.from_numpy(crossed[name]) for name in recurrent_params_names()]

    def to_course(tensors: Sequence[torch.Tensor]) -> dict[str, np.ndarray]:
        arrays = {
            name: tensor.detach().cpu().numpy()
            for name, tensor in zip(recurrent_params_names(), tensors, strict=True)
        }
        return recurrent_params_to_course(arrays, module.cell)

    return Crossing(PARAMETERS[module.cell], parameters, to_torch, to_course)


def recurrent_params_names() -> tuple[str, ...]:
    """``RecurrentNet``'s parameter names, in ``recurrent_params_to_torch``'s order."""
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    return (*(_RECURRENT.format(name) for name in names), "output.weight", "output.bias")
