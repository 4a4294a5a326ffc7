"""Recurrent networks trained end to end: what the training path needs beyond the course's
step-by-step functions (``scratch.course.recurrent``), and the character sampling of the
language model. ``torch_impl.recurrent`` is the twin: the same with ``nn.RNN`` / ``nn.LSTM``,
``nn.Linear``, ``nn.CrossEntropyLoss`` and autograd.

A sequence-to-sequence network reads ``x`` (n_x, m, T_x) and predicts, at every step t, a class
``Y[0, i, t]`` (``Y`` (1, m, T_x) integer labels, as course 1's ``Y`` (1, m)) through the output
layer ``y_pred<t> = softmax(W_y a<t> + by)`` (``Wya`` for the RNN, ``Wy`` for the LSTM: the
course's names) that the course's cells already compute. Its cost sums the cross-entropy over
the time steps and averages it over the examples:

    J = -(1/m) sum_i sum_t log y_pred<t>[Y<t>_i, i]

For one example (m = 1) this is the language model's loss, ``-sum_t log y_hat<t>[Y<t>]``, and
with one step (T_x = 1) course 1's softmax cost. Its backward pass starts at the output layer's
pre-activation, ``dz<t> = (y_pred<t> - onehot(Y<t>)) / m``; ``dW_y = sum_t dz<t> a<t>^T``,
``dby = sum_t sum_i dz<t>``, and ``da<t> = W_y^T dz<t>`` is what the course's ``rnn_backward``
and ``lstm_backward`` take.

Sampling draws uniforms once, here (``sample_uniforms``), and inverts each step's cumulative
distribution (``inverse_cdf``, as ``np.random.choice`` does), so both sides can take the same
draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scratch.course.recurrent import (
    OUTPUT_WEIGHT,
    lstm_backward,
    lstm_forward,
    recurrent_sizes,
    rnn_backward,
    rnn_cell_forward,
    rnn_forward,
)
from scratch.rules import check_count

Array = np.ndarray
CELLS = ("rnn", "lstm")
SAMPLE_LENGTH = 50  # the notebook's longest name; a newline is appended after it
GATE_NAMES = ("ft", "it", "cct", "ot")  # the LSTM cache's gates, at the cache's positions 4-7


def sequence_cost(y_pred: Array, Y: Array) -> float:
    """``J = -(1/m) sum_i sum_t log y_pred<t>[Y<t>_i, i]``: ``y_pred`` (n_y, m, T_x), ``Y``
    (1, m, T_x) integer labels."""
    check_labels(Y, y_pred.shape, "sequence_cost")
    picked = np.take_along_axis(y_pred, Y, axis=0)
    return float(-np.log(picked).sum() / y_pred.shape[1])


def output_backward(y_pred: Array, Y: Array, a: Array, W_y: Array) -> tuple[Array, Array, Array]:
    """The output layer's backward pass over every step: with ``dz = (y_pred - onehot(Y)) / m``
    (softmax and cross-entropy together), ``dW_y = sum_t dz<t> a<t>^T`` (n_y, n_a),
    ``dby = sum_t sum_i dz<t>`` (n_y, 1) and ``da<t> = W_y^T dz<t>`` (n_a, m, T_x)."""
    check_labels(Y, y_pred.shape, "output_backward")
    n_y, m, T_x = y_pred.shape
    dz = y_pred.copy()
    np.put_along_axis(dz, Y, np.take_along_axis(dz, Y, axis=0) - 1, axis=0)
    dz /= m
    flat = dz.reshape(n_y, m * T_x)
    dW_y = flat @ a.reshape(a.shape[0], m * T_x).T
    da = (W_y.T @ flat).reshape(a.shape)
    return dW_y, flat.sum(axis=1, keepdims=True), da


def sequence_internals(
    x: Array, a0: Array, Y: Array, parameters: Mapping[str, Array], cell: str
) -> dict[str, Array]:
    """One forward and backward pass of a ``cell`` (``"rnn"``, ``"lstm"``) network, every
    quantity over every time step, in the course's names and layouts:

    - forward: ``a`` (n_a, m, T_x), ``y_pred`` (n_y, m, T_x), and for the LSTM ``c`` and the
      gates ``ft``, ``it``, ``cct``, ``ot`` (n_a, m, T_x); ``cost`` (0-d, ``sequence_cost``);
    - backward: ``da`` (n_a, m, T_x), the gradient each a<t> receives from its own output
      (``output_backward``), the output layer's ``dWya`` or ``dWy`` and ``dby``, and what the
      course's ``rnn_backward`` / ``lstm_backward`` return: ``dx``, ``da0`` and the cell's
      weight gradients (``dWax``, ``dWaa``, ``dba``; ``dWf``, ``dbf``, ...)."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}")
    if cell == "rnn":
        a, y_pred, caches = rnn_forward(x, a0, parameters)
        out = {"a": a, "y_pred": y_pred}
    else:
        a, y_pred, c, caches = lstm_forward(x, a0, parameters)
        steps = caches[0]
        gates = {
            name: np.stack([step[4 + k] for step in steps], axis=2)
            for k, name in enumerate(GATE_NAMES)
        }
        out = {"a": a, "c": c, **gates, "y_pred": y_pred}
    out["cost"] = np.asarray(sequence_cost(y_pred, Y), dtype=y_pred.dtype)
    W_y = OUTPUT_WEIGHT[cell]
    dW_y, dby, da = output_backward(y_pred, Y, a, parameters[W_y])
    backward = rnn_backward if cell == "rnn" else lstm_backward
    return out | {"da": da, f"d{W_y}": dW_y, "dby": dby} | backward(da, caches)


def one_hot_sequences(
    X: Sequence[Sequence[int | None]], vocab_size: int, dtype: str = "float64"
) -> Array:
    """m index sequences of one length T (the language model's ``X`` lists) as inputs
    ``x`` (vocab_size, m, T): x<t> one-hot of ``X[i][t]``, the zero vector where it is ``None``
    (the first input of a name)."""
    vocab_size = check_count("vocab_size", vocab_size, 1)
    rows = _index_rows(X, "X")
    x = np.zeros((vocab_size, *rows.shape), dtype)
    i, t = np.nonzero(rows >= 0)
    if (rows >= vocab_size).any():
        raise ValueError(f"X holds {rows.max()}; an index must be in [0, {vocab_size})")
    x[rows[i, t], i, t] = 1
    return x


def label_sequences(Y: Sequence[Sequence[int]]) -> Array:
    """m label sequences of one length T (the language model's ``Y`` lists) as ``Y`` (1, m, T)
    int64, the layout ``sequence_cost`` takes."""
    rows = _index_rows(Y, "Y")
    if (rows < 0).any():
        raise ValueError("Y holds None or a negative index; every step needs a label")
    return rows[np.newaxis]


def check_labels(Y: Any, shape: tuple[int, ...], where: str) -> None:
    """``Y`` must be (1, m, T_x) integer labels in [0, n_y) for predictions of ``shape``
    (n_y, m, T_x)."""
    if not isinstance(Y, np.ndarray) or Y.dtype.kind not in "iu":
        raise TypeError(f"{where}: Y must be an integer NumPy array of labels (1, m, T_x)")
    n_y, m, T_x = shape
    if Y.shape != (1, m, T_x):
        raise ValueError(f"{where}: Y has shape {Y.shape}; expected (1, m, T_x) = {(1, m, T_x)}")
    if Y.size and (Y.min() < 0 or Y.max() >= n_y):
        bad = Y.min() if Y.min() < 0 else Y.max()
        raise ValueError(f"{where}: Y holds label {bad}, outside [0, {n_y}) for {n_y} classes")


def sample_uniforms(seed: int, length: int = SAMPLE_LENGTH) -> Array:
    """The uniforms the notebook's ``sample`` draws, once and without touching NumPy's global
    generator: ``u[t] = RandomState(seed + 2t).random_sample()`` (its step t seeds the global
    generator with ``seed + 2t``, then ``np.random.choice`` takes that stream's first uniform)."""
    seed = check_count("seed", seed)
    length = check_count("length", length, 1)
    if seed + 2 * (length - 1) >= 2**32:
        raise ValueError(
            f"seed must be below 2**32 - {2 * (length - 1)} (NumPy's seeds are 32-bit)"
        )
    return np.array([np.random.RandomState(seed + 2 * t).random_sample() for t in range(length)])


def inverse_cdf(p: Array, u: float) -> int:
    """The index ``np.random.choice(len(p), p=p)`` picks for the uniform ``u``: the first k with
    ``u < F_k``, where ``F = cumsum(p) / sum(p)`` in float64."""
    cdf = np.cumsum(p, dtype=np.float64)
    cdf /= cdf[-1]
    return int(np.searchsorted(cdf, u, side="right"))


def sample_indices(parameters: Mapping[str, Array], newline: int, uniforms: Array) -> list[int]:
    """The language model's sampling from the RNN ``parameters`` (the step-by-step names
    ``Wax``, ``Waa``, ``ba``, ``Wya``, ``by``): from x<1> = 0 and a<0> = 0, each step's
    ``y = softmax(Wya a + by)`` (``rnn_cell_forward``) gives the next index,
    ``inverse_cdf(y, uniforms[t])``, fed back one-hot, until the index ``newline``; after
    ``len(uniforms)`` draws, ``newline`` is appended (even after a drawn one, as the notebook
    does). Returns the indices."""
    sizes = recurrent_sizes(parameters, "rnn", "sample_indices")
    dtype = parameters["Wax"].dtype
    x = np.zeros((sizes["n_x"], 1), dtype)
    a = np.zeros((sizes["n_a"], 1), dtype)
    indices: list[int] = []
    for u in uniforms:
        a, y, _ = rnn_cell_forward(x, a, parameters)
        indices.append(inverse_cdf(y[:, 0], u))
        if indices[-1] == newline:
            break
        x = np.zeros_like(x)
        x[indices[-1]] = 1
    if len(indices) == len(uniforms):
        indices.append(newline)
    return indices


def _index_rows(sequences: Any, name: str) -> Array:
    if not isinstance(sequences, Sequence) or not sequences:
        raise ValueError(f"{name} must be a list of m >= 1 index lists")
    lengths = {len(row) if isinstance(row, Sequence) else -1 for row in sequences}
    if len(lengths) != 1 or lengths == {-1} or lengths == {0}:
        raise ValueError(f"{name} must hold m lists of one length T >= 1, got lengths {lengths}")
    flat = [i for row in sequences for i in row]
    bad = next((i for i in flat if i is not None and not isinstance(i, int | np.integer)), None)
    if bad is not None or any(i is not None and i < 0 for i in flat):
        raise ValueError(f"{name} holds {bad!r}; an index is an integer >= 0 (or None, no input)")
    return np.array([[-1 if i is None else i for i in row] for row in sequences], np.int64)
