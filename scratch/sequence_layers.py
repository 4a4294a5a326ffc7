"""No torch twin (torch's own ``nn.RNN`` / ``nn.LSTM`` and ``nn.Linear`` make up these layers in
``torch_impl.recurrent.RecurrentNet``): a recurrent network's layers as steps of a network, in
the entries of ``scratch.network``'s table of steps, calling the course's functions
(``scratch.course.recurrent``), and their caches.

- The recurrent layer (``LAYER_STEPS["rnn"]``, ``["lstm"]``): the cell at every step from
  ``a<0> = 0`` (and ``c<0> = 0``), without the output layer the course's cells compute too
  (``cell_forward``: ``rnn_step`` / ``lstm_step``, checked once by the network, not at every
  step); backward by the course's ``rnn_backward`` / ``lstm_backward`` from ``da``.
- The output layer of a recurrent network (``OUTPUT_OVER_TIME``): the spec's dense softmax
  layer at every step, ``z<t> = W_y a<t> + by``, one product over the m T_x columns; backward
  from ``dy`` (``scratch.recurrent.output_backward``).

All its gradients are of J, as the course's recurrent backward functions take them
(``scratch.recurrent``'s docstring).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from scratch.activations import Activation
from scratch.course.recurrent import OUTPUT_WEIGHT, lstm_step, rnn_step
from scratch.layers import ActivationCache, LayerCache, LinearCache
from scratch.recurrent import BACKWARD, gates_of, output_backward
from scratch.spec import NetworkSpec

Array = np.ndarray
Grads = dict[str, Array]


class RecurrentCache(NamedTuple):
    """The course's ``caches`` of the cell over time (the list of step caches and ``x``, what
    ``rnn_backward`` / ``lstm_backward`` take), its states ``a`` and, for the LSTM, ``c``
    (n_a, m, T_x)."""

    caches: tuple[list, Array]
    a: Array
    c: Array | None


def cell_forward(
    x: Array, a0: Array, parameters: Mapping[str, Array], cell: str
) -> tuple[Array, Array | None, tuple[list, Array]]:
    """The cell over T_x steps from ``a<0> = a0`` (and c<0> = 0), without the output layer:
    ``rnn_forward`` / ``lstm_forward`` less their ``y_pred``, unchecked (the network checks
    once). Returns ``a``, ``c`` (``None`` for the RNN) and the course's caches."""
    n_a, (_, m, T_x) = a0.shape[0], x.shape
    a = np.empty((n_a, m, T_x), np.result_type(x, a0))
    c = np.empty_like(a) if cell == "lstm" else None
    steps = []
    a_next, c_next = a0, np.zeros_like(a0)
    for t in range(T_x):
        if c is None:
            a_next, step = rnn_step(x[:, :, t], a_next, parameters)
        else:
            a_next, c_next, step = lstm_step(x[:, :, t], a_next, c_next, parameters)
            c[:, :, t] = c_next
        a[:, :, t] = a_next
        steps.append(step)
    return a, c, (steps, x)


def recurrent_layer_forward(
    x: Array, parameters: Mapping[str, Array], l: int, spec: NetworkSpec, g: Any, **_: Any
) -> tuple[Array, RecurrentCache]:
    """The recurrent layer of ``spec`` on ``x`` (n_x, m, T_x) from ``a<0> = 0`` (``c<0> = 0``):
    its states ``a`` (n_a, m, T_x) and its cache. Every sequence starts from a zero state: no
    state carries from one sequence (or batch) to the next."""
    a0 = np.zeros((spec.layers[0].units, x.shape[1]), x.dtype)
    a, c, caches = cell_forward(x, a0, parameters, spec.cell)
    return a, RecurrentCache(caches, a, c)


def recurrent_layer_backward(
    grads: Grads, cache: RecurrentCache, g: Any, l: int, spec: NetworkSpec, **options: Any
) -> None:
    """Backpropagation through time from ``grads["da"]`` (n_a, m, T_x): the course's
    ``rnn_backward`` / ``lstm_backward`` add the cell's weight gradients (``dWax, dWaa, dba``;
    ``dWf, dbf, ...``), ``da0`` and (unless ``input_grad=False``) ``dx``."""
    found = BACKWARD[spec.cell](grads["da"], cache.caches)
    if not options.get("input_grad", True):
        del found["dx"]
    grads |= found


def recurrent_quantities(l: int, cache: RecurrentCache) -> dict[str, Array]:
    """``a`` and, for the LSTM, ``c`` and its gates ``ft``, ``it``, ``cct``, ``ot``."""
    if cache.c is None:
        return {"a": cache.a}
    return {"a": cache.a, "c": cache.c, **gates_of(cache.caches)}


def output_layer_forward(
    a: Array, parameters: Mapping[str, Array], l: int, spec: NetworkSpec, g: Activation, **_: Any
) -> tuple[Array, LayerCache]:
    """The output layer at every step: ``z<t> = W_y a<t> + by``, ``y_pred<t> = softmax(z<t>)``
    on ``a`` (n_a, m, T_x), as one product over the m T_x columns; its cache is a dense
    layer's, of arrays over time (``z``, ``y_pred`` (n_y, m, T_x))."""
    W_y, by = parameters[OUTPUT_WEIGHT[spec.cell]], parameters["by"]
    n_a, m, T_x = a.shape
    z = (W_y @ a.reshape(n_a, m * T_x) + by).reshape(W_y.shape[0], m, T_x)
    y_pred = g.forward(z.copy())
    return y_pred, LayerCache(LinearCache(a, W_y, by), ActivationCache(z, y_pred))


def output_layer_backward(
    grads: Grads, cache: LayerCache, g: Any, l: int, spec: NetworkSpec, **_: Any
) -> None:
    """``dWya`` (or ``dWy``), ``dby`` and ``da`` from ``grads["dy"]`` (``output_backward``)."""
    a, W_y, _ = cache.linear_cache
    dW_y, dby, da = output_backward(grads["dy"], a, W_y)
    grads |= {f"d{OUTPUT_WEIGHT[spec.cell]}": dW_y, "dby": dby, "da": da}


def output_quantities(l: int, cache: LayerCache) -> dict[str, Array]:
    """``y_pred`` (n_y, m, T_x)."""
    return {"y_pred": cache.activation_cache.A}
