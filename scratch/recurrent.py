"""Recurrent networks trained end to end: what the training path needs beyond the course's
step-by-step functions (``scratch.course.recurrent``), and the character sampling of the
language model. ``torch_impl.recurrent`` is the twin: the same with ``nn.RNN`` / ``nn.LSTM``,
``nn.Linear``, ``nn.CrossEntropyLoss`` and autograd.

A sequence-to-sequence network reads ``x`` (n_x, m, T_x) and predicts, at every step t, a class
``Y[0, i, t]`` (``Y`` (1, m, T_x) integer labels, as course 1's ``Y`` (1, m); ``PAD`` after a
sequence's end) through the output layer ``y_pred<t> = softmax(W_y a<t> + by)`` (``Wya`` for
the RNN, ``Wy`` for the LSTM: the course's names) that the course's cells already compute. Its
cost sums the cross-entropy over the time steps and averages it over the examples
(``scratch.losses.sequence_cross_entropy``):

    J = -(1/m) sum_i sum_t log y_pred<t>[Y<t>_i, i]

For one example (m = 1) this is the language model's loss, ``-sum_t log y_hat<t>[Y<t>]``, and
with one step (T_x = 1) course 1's softmax cost. Its backward pass starts at the output layer's
pre-activation, ``dy<t> = (y_pred<t> - onehot(Y<t>)) / m`` (0 at a ``PAD`` step);
``dW_y = sum_t dy<t> a<t>^T``, ``dby = sum_t sum_i dy<t>``, and ``da<t> = W_y^T dy<t>`` is what
the course's ``rnn_backward`` and ``lstm_backward`` take. Every gradient of a recurrent network
is of J itself (``da`` already holds the 1/m, as the notebook's "loss adjusted for batch size"
note has it), where a dense layer's ``dZ`` and ``dA`` are of the summed loss m J.

In a network of a spec (``scratch.network``), the recurrent layer and the output layer over time
are steps of its table (``scratch.sequence_layers``).

Sampling draws uniforms once, here (``sample_uniforms``), and inverts each step's cumulative
distribution (``inverse_cdf``, as ``np.random.choice`` does), so both sides can take the same
draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scratch.activations import softmax
from scratch.course.recurrent import (
    OUTPUT_WEIGHT,
    lstm_backward,
    lstm_forward,
    lstm_step,
    recurrent_sizes,
    rnn_backward,
    rnn_forward,
    rnn_step,
)
from scratch.losses import PAD, sequence_output_grad
from scratch.rules import check_count

Array = np.ndarray
Grads = dict[str, Array]
CELLS = ("rnn", "lstm")
SAMPLE_LENGTH = 50  # the notebook's longest name; a newline is appended after it
GATE_NAMES = ("ft", "it", "cct", "ot")  # the LSTM cache's gates, at the cache's positions 4-7
BACKWARD = {"rnn": rnn_backward, "lstm": lstm_backward}


def sequence_cost(y_pred: Array, Y: Array) -> float:
    """``J = -(1/m) sum_i sum_t log y_pred<t>[Y<t>_i, i]``: ``y_pred`` (n_y, m, T_x), ``Y``
    (1, m, T_x) integer labels; a ``PAD`` step adds nothing."""
    real = Y != PAD
    labels = np.where(real, Y, 0)
    check_labels(labels, y_pred.shape, "sequence_cost")
    picked = np.take_along_axis(y_pred, labels, axis=0)
    return float(-np.log(picked[real]).sum() / y_pred.shape[1])


def output_backward(dy: Array, a: Array, W_y: Array) -> tuple[Array, Array, Array]:
    """The output layer's backward pass over every step, from ``dy`` (n_y, m, T_x) = dJ/dz:
    ``dW_y = sum_t dy<t> a<t>^T`` (n_y, n_a), ``dby = sum_t sum_i dy<t>`` (n_y, 1) and
    ``da<t> = W_y^T dy<t>`` (n_a, m, T_x)."""
    n_y, m, T_x = dy.shape
    flat = dy.reshape(n_y, m * T_x)
    dW_y = flat @ a.reshape(a.shape[0], m * T_x).T
    da = (W_y.T @ flat).reshape(a.shape)
    return dW_y, flat.sum(axis=1, keepdims=True), da


def sequence_internals(
    x: Array, a0: Array, Y: Array, parameters: Mapping[str, Array], cell: str
) -> dict[str, Array]:
    """One forward and backward pass of a ``cell`` (``"rnn"``, ``"lstm"``) network by the
    course's functions, every quantity over every time step, in the course's names and layouts:

    - forward: ``a`` (n_a, m, T_x), ``y_pred`` (n_y, m, T_x), and for the LSTM ``c`` and the
      gates ``ft``, ``it``, ``cct``, ``ot`` (n_a, m, T_x); ``cost`` (0-d, ``sequence_cost``);
    - backward: ``dy`` (n_y, m, T_x), the output layer's ``dWya`` or ``dWy`` and ``dby``,
      ``da`` (n_a, m, T_x), the gradient each a<t> receives from its own output
      (``output_backward``), and what the course's ``rnn_backward`` / ``lstm_backward`` return:
      ``dx``, ``da0`` and the cell's weight gradients (``dWax``, ``dWaa``, ``dba``; ``dWf``,
      ``dbf``, ...)."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}")
    if cell == "rnn":
        a, y_pred, caches = rnn_forward(x, a0, parameters)
        out = {"a": a, "y_pred": y_pred}
    else:
        a, y_pred, c, caches = lstm_forward(x, a0, parameters)
        out = {"a": a, "c": c, **gates_of(caches), "y_pred": y_pred}
    out["cost"] = np.asarray(sequence_cost(y_pred, Y), dtype=y_pred.dtype)
    W_y = OUTPUT_WEIGHT[cell]
    dy = sequence_output_grad(y_pred, Y)
    dW_y, dby, da = output_backward(dy, a, parameters[W_y])
    return out | {"dy": dy, f"d{W_y}": dW_y, "dby": dby, "da": da} | BACKWARD[cell](da, caches)


def gates_of(caches: tuple[list, Array]) -> dict[str, Array]:
    """The LSTM's gates ``ft``, ``it``, ``cct``, ``ot`` (n_a, m, T_x) from its step caches."""
    steps = caches[0]
    return {
        name: np.stack([step[4 + k] for step in steps], axis=2) for k, name in enumerate(GATE_NAMES)
    }


def longest(Y: Array) -> int:
    """The steps a batch of sequences needs: up to the last step where any of them has a label
    (``Y`` (1, m, T_x)); the steps after it are padding in every sequence."""
    labelled = np.flatnonzero((Y != PAD).any(axis=(0, 1)))
    return int(labelled[-1]) + 1 if labelled.size else 0


def one_hot_sequences(
    X: Sequence[Sequence[int | None]], vocab_size: int, dtype: str = "float64"
) -> Array:
    """m index sequences (the language model's ``X`` lists) as inputs ``x`` (vocab_size, m, T),
    T the longest: x<t> one-hot of ``X[i][t]``, the zero vector where it is ``None`` (the first
    input of a name) and after a shorter sequence's end."""
    vocab_size = check_count("vocab_size", vocab_size, 1)
    rows = _index_rows(X, "X", none=True)
    x = np.zeros((vocab_size, *rows.shape), dtype)
    i, t = np.nonzero(rows >= 0)
    if (rows >= vocab_size).any():
        raise ValueError(f"X holds {rows.max()}; an index must be in [0, {vocab_size})")
    x[rows[i, t], i, t] = 1
    return x


def label_sequences(Y: Sequence[Sequence[int]]) -> Array:
    """m label sequences (the language model's ``Y`` lists) as ``Y`` (1, m, T) int64, T the
    longest, ``PAD`` after a shorter sequence's end: the layout ``sequence_cost`` and a
    recurrent network's training take."""
    return _index_rows(Y, "Y", none=False)[np.newaxis]


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


def sample_indices(
    parameters: Mapping[str, Array], newline: int, uniforms: Array, cell: str = "rnn"
) -> list[int]:
    """The language model's sampling from the ``parameters`` of ``cell`` (the course's names:
    ``Wax``, ``Waa``, ``ba``, ``Wya``, ``by``; an LSTM's ``Wf``, ..., ``Wy``, ``by``): from
    x<1> = 0 and a<0> = 0 (c<0> = 0), each step's ``y = softmax(W_y a + by)`` gives the next
    index, ``inverse_cdf(y, uniforms[t])``, fed back one-hot, until the index ``newline``;
    after ``len(uniforms)`` draws, ``newline`` is appended (even after a drawn one, as the
    notebook does). Returns the indices."""
    sizes = recurrent_sizes(parameters, cell, "sample_indices")
    dtype = parameters["by"].dtype
    x = np.zeros((sizes["n_x"], 1), dtype)
    a = np.zeros((sizes["n_a"], 1), dtype)
    c = np.zeros_like(a)
    W_y, by = parameters[OUTPUT_WEIGHT[cell]], parameters["by"]
    indices: list[int] = []
    for u in uniforms:
        if cell == "rnn":
            a, _ = rnn_step(x, a, parameters)
        else:
            a, c, _ = lstm_step(x, a, c, parameters)
        y = softmax(W_y @ a + by)
        indices.append(inverse_cdf(y[:, 0], u))
        if indices[-1] == newline:
            break
        x = np.zeros_like(x)
        x[indices[-1]] = 1
    if len(indices) == len(uniforms):
        indices.append(newline)
    return indices


def _index_rows(sequences: Any, name: str, *, none: bool) -> Array:
    """(m, T) int64 of m index lists, T the longest, -1 (``PAD``; for inputs, the zero vector)
    after a shorter list's end and, where ``none``, for ``None``."""
    if not isinstance(sequences, Sequence) or not sequences:
        raise ValueError(f"{name} must be a list of m >= 1 index lists")
    if not all(isinstance(row, Sequence) and row for row in sequences):
        raise ValueError(f"{name} must hold m non-empty index lists")
    flat = [i for row in sequences for i in row]
    bad = next(
        (i for i in flat if (i is not None or not none) and not isinstance(i, int | np.integer)),
        None,
    )
    if bad is not None or any(i is not None and i < 0 for i in flat) or (not none and None in flat):
        what = (
            "an integer >= 0 (or None, no input)"
            if none
            else "an integer >= 0: every step needs a label"
        )
        raise ValueError(f"{name} holds {bad!r}; an index is {what}")
    rows = np.full((len(sequences), max(map(len, sequences))), PAD, np.int64)
    for row, indices in zip(rows, sequences, strict=True):
        row[: len(indices)] = [PAD if i is None else i for i in indices]
    return rows
