"""No torch twin (``torch_impl.recurrent`` runs the same networks with ``nn.RNN`` and ``nn.LSTM``,
and the parity tests compare them): the course's recurrent networks step by step (course 5,
week 1, "Building your Recurrent Neural Network: Step by Step") in the assignment's names,
shapes, caches and signatures, vectorised over the m examples; the loop over time is the
algorithm's.

Layouts: ``x`` (n_x, m, T_x); ``a``, ``c`` (n_a, m, T_x); ``y_pred`` (n_y, m, T_x); one step's
``xt`` (n_x, m) and ``a_prev``, ``c_prev`` (n_a, m). The RNN's parameters are ``Wax`` (n_a, n_x),
``Waa`` (n_a, n_a), ``ba`` (n_a, 1), ``Wya`` (n_y, n_a), ``by`` (n_y, 1); the LSTM's are ``Wf``,
``Wi``, ``Wc``, ``Wo`` (n_a, n_a + n_x), each applied to the concatenation ``[a_prev; xt]``
(a_prev's rows first), their biases ``bf``, ``bi``, ``bc``, ``bo`` (n_a, 1), and ``Wy``
(n_y, n_a), ``by`` (n_y, 1).

The backward functions stop at the hidden states, as the notebook's do: ``da`` is dJ/da from
the output layers (``scratch.recurrent`` computes it), already divided by m where the cost is a
mean over examples, so the weight gradients here are plain sums over examples and time steps.

Where the notebook's versions disagree, the newest (2021) is followed:
- the cell backward functions return the input's gradient as ``dxt`` (``rnn_cell_backward``'s
  docstring says ``dx``); the sequence functions return ``dx`` (n_x, m, T_x) and ``da0``;
- ``lstm_cell_backward``'s ``dc_prev`` is (n_a, m) (its docstring says (n_a, m, T_x));
- the LSTM cache is the 10-tuple ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt,
  parameters)`` (the docstring lists six of them);
- the example under ``lstm_backward`` hands ``da`` of 4 steps to the caches of 7; here ``da``
  must cover every cached step (zeros after the 4th give the same numbers: the gradient of a
  loss on the first 4 states);
- v3a's ``lstm_backward`` never carried ``da_prev`` and ``dc_prev`` from one step to the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scratch.activations import ACTIVATION_TABLE, sigmoid, softmax
from scratch.layer_kinds import GATES, OUTPUT_WEIGHT, RECURRENT_PARAMETERS, recurrent_shapes

Array = np.ndarray
Cache = tuple
Gradients = dict[str, Array]

PARAMETERS = RECURRENT_PARAMETERS  # the course's keys of each cell, in the course's order
_tanh_backward = ACTIVATION_TABLE["tanh"].backward  # dZ = dA (1 - A^2), A = tanh(Z)
_sigmoid_backward = ACTIVATION_TABLE["sigmoid"].backward  # dZ = dA A (1 - A), A = sigmoid(Z)


def recurrent_sizes(parameters: Any, cell: str, where: str) -> dict[str, int]:
    """``{"n_x", "n_a", "n_y"}`` of a course parameters dict of ``cell`` (``"rnn"``, ``"lstm"``),
    after checking that it holds the cell's keys in consistent 2-D shapes; otherwise one line
    naming ``where`` (the function), the key, its shape and the one expected."""
    if not isinstance(parameters, Mapping):
        raise TypeError(f"{where}: parameters must be a dict of arrays, got {type(parameters)}")
    missing = [key for key in PARAMETERS[cell] if key not in parameters]
    if missing:
        raise ValueError(
            f"{where}: parameters has no {', '.join(missing)} (an {cell.upper()} needs "
            f"{', '.join(PARAMETERS[cell])})"
        )
    for key in PARAMETERS[cell]:
        value = parameters[key]
        if not isinstance(value, np.ndarray) or value.ndim != 2 or value.dtype.kind != "f":
            what = getattr(value, "shape", type(value).__name__)
            raise ValueError(f"{where}: parameters[{key!r}] must be a 2-D float array, got {what}")
    first_key = "Waa" if cell == "rnn" else "Wf"
    first = parameters[first_key]
    n_a = first.shape[0]
    n_x = parameters["Wax"].shape[1] if cell == "rnn" else first.shape[1] - n_a
    if n_x < 1:
        raise ValueError(
            f"{where}: parameters['Wf'] has shape {first.shape}; expected (n_a, n_a + n_x) with "
            f"n_x >= 1 columns for the input after the n_a = {n_a} for a_prev"
        )
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": parameters[OUTPUT_WEIGHT[cell]].shape[0]}
    shapes = recurrent_shapes(cell, **sizes)
    for key in PARAMETERS[cell]:
        expected, layout = shapes[key]
        if parameters[key].shape != expected:
            raise ValueError(
                f"{where}: parameters[{key!r}] has shape {parameters[key].shape}; expected "
                f"{layout} = {expected} with n_a = {n_a} (from {first_key}), n_x = {n_x}, "
                f"n_y = {sizes['n_y']}"
            )
    return sizes


def check_shape(
    name: str, value: Any, shape: tuple[int | None, ...], layout: str, where: str
) -> None:
    """``value`` must be a float array of ``shape`` (``layout`` names its axes, ``"(n_x, m)"``;
    a size ``None`` is free, at least 1)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise TypeError(f"{where}: {name} must be a float NumPy array, got {type(value).__name__}")
    fits = value.ndim == len(shape) and all(
        size >= 1 if n is None else size == n for n, size in zip(shape, value.shape, strict=False)
    )
    if not fits:
        axes = layout.split(")")[0].strip("(").split(", ")
        shown = ", ".join(
            axis if n is None else str(n) for n, axis in zip(shape, axes, strict=False)
        )
        raise ValueError(f"{where}: {name} has shape {value.shape}; expected {layout} = ({shown})")


def rnn_cell_forward(xt: Array, a_prev: Array, parameters: Mapping[str, Array]):
    """One step of the basic RNN cell and its output layer:

        a_next = tanh(Waa a_prev + Wax xt + ba),    yt_pred = softmax(Wya a_next + by)

    ``xt`` (n_x, m), ``a_prev`` (n_a, m) -> ``a_next`` (n_a, m), ``yt_pred`` (n_y, m) and
    ``cache = (a_next, a_prev, xt, parameters)``."""
    s = recurrent_sizes(parameters, "rnn", "rnn_cell_forward")
    check_shape("xt", xt, (s["n_x"], None), "(n_x, m)", "rnn_cell_forward")
    check_shape("a_prev", a_prev, (s["n_a"], xt.shape[1]), "(n_a, m)", "rnn_cell_forward")
    a_next, cache = rnn_step(xt, a_prev, parameters)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, cache


def rnn_step(xt: Array, a_prev: Array, parameters: Mapping[str, Array]) -> tuple[Array, Cache]:
    """``rnn_cell_forward`` without its output layer and its checks (the training path checks
    once, then runs every step): ``a_next = tanh(Waa a_prev + Wax xt + ba)`` and the cell's
    cache ``(a_next, a_prev, xt, parameters)``."""
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    return a_next, (a_next, a_prev, xt, parameters)


def rnn_forward(x: Array, a0: Array, parameters: Mapping[str, Array]):
    """The RNN over T_x steps from ``a<0> = a0``: ``rnn_cell_forward`` at every step t.

    ``x`` (n_x, m, T_x), ``a0`` (n_a, m) -> ``a`` (n_a, m, T_x), ``y_pred`` (n_y, m, T_x) and
    ``caches = (list of the T_x step caches, x)``."""
    s = check_sequence(x, a0, parameters, "rnn", "rnn_forward")
    dtype = np.result_type(x, a0, *parameters.values())
    a = np.zeros((s["n_a"], *x.shape[1:]), dtype)
    y_pred = np.zeros((s["n_y"], *x.shape[1:]), dtype)
    caches = []
    a_next = a0
    for t in range(x.shape[2]):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def lstm_cell_forward(xt: Array, a_prev: Array, c_prev: Array, parameters: Mapping[str, Array]):
    """One step of the LSTM cell and its output layer, on ``concat = [a_prev; xt]``:

        ft = sigmoid(Wf concat + bf)      (forget gate)
        it = sigmoid(Wi concat + bi)      (update gate)
        cct = tanh(Wc concat + bc)        (candidate, c tilde)
        c_next = ft * c_prev + it * cct
        ot = sigmoid(Wo concat + bo)      (output gate)
        a_next = ot * tanh(c_next),       yt_pred = softmax(Wy a_next + by)

    ``xt`` (n_x, m), ``a_prev``, ``c_prev`` (n_a, m) -> ``a_next``, ``c_next`` (n_a, m),
    ``yt_pred`` (n_y, m) and ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt,
    parameters)``."""
    s = recurrent_sizes(parameters, "lstm", "lstm_cell_forward")
    check_shape("xt", xt, (s["n_x"], None), "(n_x, m)", "lstm_cell_forward")
    check_shape("a_prev", a_prev, (s["n_a"], xt.shape[1]), "(n_a, m)", "lstm_cell_forward")
    check_shape("c_prev", c_prev, (s["n_a"], xt.shape[1]), "(n_a, m)", "lstm_cell_forward")
    a_next, c_next, cache = lstm_step(xt, a_prev, c_prev, parameters)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, cache


def lstm_step(
    xt: Array, a_prev: Array, c_prev: Array, parameters: Mapping[str, Array]
) -> tuple[Array, Array, Cache]:
    """``lstm_cell_forward`` without its output layer and its checks (the training path checks
    once, then runs every step): ``a_next``, ``c_next`` and the cell's 10-tuple cache."""
    p = parameters
    concat = np.concatenate((a_prev, xt))
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    a_next = ot * np.tanh(c_next)
    return a_next, c_next, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)


def lstm_forward(x: Array, a0: Array, parameters: Mapping[str, Array]):
    """The LSTM over T_x steps from ``a<0> = a0`` and ``c<0> = 0``: ``lstm_cell_forward`` at every
    step t.

    ``x`` (n_x, m, T_x), ``a0`` (n_a, m) -> ``a`` (n_a, m, T_x), ``y`` (n_y, m, T_x), ``c``
    (n_a, m, T_x) and ``caches = (list of the T_x step caches, x)``."""
    s = check_sequence(x, a0, parameters, "lstm", "lstm_forward")
    dtype = np.result_type(x, a0, *parameters.values())
    a = np.zeros((s["n_a"], *x.shape[1:]), dtype)
    c = np.zeros_like(a)
    y = np.zeros((s["n_y"], *x.shape[1:]), dtype)
    caches = []
    a_next, c_next = a0, np.zeros(a0.shape, dtype)
    for t in range(x.shape[2]):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches, x)


def rnn_cell_backward(da_next: Array, cache: Cache) -> Gradients:
    """The RNN cell's backward step, from ``da_next`` = dJ/da<t> (n_a, m), everything that
    reaches a<t>: this step's output and the steps after it. With ``dtanh = da_next * (1 -
    a_next^2)`` (tanh'(z) = 1 - tanh(z)^2, and tanh(z) is a_next):

        dxt = Wax^T dtanh,    da_prev = Waa^T dtanh,
        dWax = dtanh xt^T,    dWaa = dtanh a_prev^T,    dba = sum over examples of dtanh

    Returns ``{"dxt", "da_prev", "dWax", "dWaa", "dba"}``."""
    a_next, a_prev, xt, parameters = _unpack(cache, 4, "rnn_cell_backward", "rnn_cell_forward")
    check_shape("da_next", da_next, a_next.shape, "(n_a, m)", "rnn_cell_backward")
    dtanh = _tanh_backward(da_next, None, a_next)
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": dtanh.sum(axis=1, keepdims=True),
    }


def rnn_backward(da: Array, caches: tuple[Sequence[Cache], Array]) -> Gradients:
    """Backpropagation through time for the RNN: from t = T_x - 1 down to 0, the gradient that
    reaches a<t> is ``da[:, :, t]`` (from its output) plus ``da_prev`` of step t + 1 (from the
    steps after it); the weight gradients add up over the steps.

    ``da`` (n_a, m, T_x), ``caches`` from ``rnn_forward`` -> ``{"dx" (n_x, m, T_x), "da0"
    (n_a, m), "dWax", "dWaa", "dba"}``."""
    steps, x = _unpack_caches(caches, da, "rnn_backward", "rnn_forward")
    n_a = da.shape[0]
    dx = np.zeros(x.shape, da.dtype)
    grads = {key: np.zeros(steps[0][3][key].shape, da.dtype) for key in ("Wax", "Waa", "ba")}
    da_prevt = np.zeros((n_a, x.shape[1]), da.dtype)
    for t in reversed(range(x.shape[2])):
        step = rnn_cell_backward(da[:, :, t] + da_prevt, steps[t])
        dx[:, :, t], da_prevt = step["dxt"], step["da_prev"]
        for key, total in grads.items():
            total += step[f"d{key}"]
    return {"dx": dx, "da0": da_prevt, **{f"d{key}": total for key, total in grads.items()}}


def lstm_cell_backward(da_next: Array, dc_next: Array, cache: Cache) -> Gradients:
    """The LSTM cell's backward step, from ``da_next`` = dJ/da<t> and ``dc_next`` = dJ/dc<t> from
    the steps after it (n_a, m). The cell state's whole gradient is its own and the one through
    ``a_next = ot * tanh(c_next)``:

        dc = dc_next + da_next * ot * (1 - tanh(c_next)^2)
        dot = da_next * tanh(c_next) * ot (1 - ot),      dcct = dc * it * (1 - cct^2)
        dit = dc * cct * it (1 - it),                    dft = dc * c_prev * ft (1 - ft)
        dW_g = d(gate g) [a_prev; xt]^T,  db_g = sum over examples of d(gate g)  (g = f, i, c, o)
        [da_prev; dxt] = Wf^T dft + Wi^T dit + Wc^T dcct + Wo^T dot,      dc_prev = dc * ft

    Returns ``{"dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo",
    "dbo"}``."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = _unpack(
        cache, 10, "lstm_cell_backward", "lstm_cell_forward"
    )
    check_shape("da_next", da_next, a_next.shape, "(n_a, m)", "lstm_cell_backward")
    check_shape("dc_next", dc_next, a_next.shape, "(n_a, m)", "lstm_cell_backward")
    tanh_c = np.tanh(c_next)
    dc = dc_next + _tanh_backward(da_next * ot, None, tanh_c)
    gate_grads = {
        "f": _sigmoid_backward(dc * c_prev, None, ft),
        "i": _sigmoid_backward(dc * cct, None, it),
        "c": _tanh_backward(dc * it, None, cct),
        "o": _sigmoid_backward(da_next * tanh_c, None, ot),
    }
    concat = np.concatenate((a_prev, xt))
    dconcat = sum(parameters[f"W{g}"].T @ gate_grads[g] for g in GATES)
    grads = {"dxt": dconcat[a_prev.shape[0] :], "da_prev": dconcat[: a_prev.shape[0]]}
    grads["dc_prev"] = dc * ft
    for g in GATES:
        grads[f"dW{g}"] = gate_grads[g] @ concat.T
        grads[f"db{g}"] = gate_grads[g].sum(axis=1, keepdims=True)
    return grads


def lstm_backward(da: Array, caches: tuple[Sequence[Cache], Array]) -> Gradients:
    """Backpropagation through time for the LSTM: from t = T_x - 1 down to 0,
    ``lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, caches[t])`` with ``da_prev`` and
    ``dc_prev`` of step t + 1 (zeros after the last step); the weight gradients add up.

    ``da`` (n_a, m, T_x), ``caches`` from ``lstm_forward`` -> ``{"dx" (n_x, m, T_x), "da0"
    (n_a, m), "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"}``."""
    steps, x = _unpack_caches(caches, da, "lstm_backward", "lstm_forward")
    parameters = steps[0][9]
    dx = np.zeros(x.shape, da.dtype)
    keys = PARAMETERS["lstm"][:-2]
    grads = {key: np.zeros(parameters[key].shape, da.dtype) for key in keys}
    da_prevt = np.zeros(da.shape[:2], da.dtype)
    dc_prevt = np.zeros_like(da_prevt)
    for t in reversed(range(x.shape[2])):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, steps[t])
        dx[:, :, t], da_prevt, dc_prevt = step["dxt"], step["da_prev"], step["dc_prev"]
        for key, total in grads.items():
            total += step[f"d{key}"]
    return {"dx": dx, "da0": da_prevt, **{f"d{key}": total for key, total in grads.items()}}


def check_sequence(x: Any, a0: Any, parameters: Any, cell: str, where: str) -> dict[str, int]:
    """``x`` (n_x, m, T_x) and ``a0`` (n_a, m) for ``parameters`` of ``cell``; returns the sizes."""
    sizes = recurrent_sizes(parameters, cell, where)
    check_shape("x", x, (sizes["n_x"], None, None), "(n_x, m, T_x)", where)
    check_shape("a0", a0, (sizes["n_a"], x.shape[1]), "(n_a, m)", where)
    return sizes


def _unpack(cache: Any, length: int, where: str, source: str) -> tuple:
    if not isinstance(cache, tuple) or len(cache) != length:
        raise ValueError(f"{where}: cache must be the {length}-tuple {source} returns")
    return cache


def _unpack_caches(caches: Any, da: Any, where: str, source: str) -> tuple[list, Array]:
    if not isinstance(caches, tuple) or len(caches) != 2 or not isinstance(caches[1], np.ndarray):
        raise ValueError(f"{where}: caches must be the pair (list of caches, x) {source} returns")
    steps, x = caches
    if x.ndim != 3 or len(steps) != x.shape[2]:
        raise ValueError(f"{where}: caches hold {len(steps)} steps but x has shape {x.shape}")
    n_a = steps[0][0].shape[0]
    check_shape("da", da, (n_a, *x.shape[1:]), "(n_a, m, T_x), one step per cache", where)
    return list(steps), x
