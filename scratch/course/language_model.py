"""No torch twin (``torch_impl.recurrent`` trains and samples the same network with ``nn.RNN``,
``nn.Linear`` and the same uniforms): the course's character-level language model (course 5,
week 1, "Dinosaur Island") in the assignment's signatures: ``clip``, ``sample``, ``optimize``,
and the helpers it imports from its ``utils.py`` (``initialize_parameters``,
``rnn_step_forward``, ``rnn_step_backward``, ``rnn_forward``, ``rnn_backward``,
``update_parameters``, ``smooth``, ``get_initial_loss``; ``softmax`` is
``scratch.activations.softmax``).

One example is one name: ``X`` is a list of T character indices whose first entry is ``None``
(the input x<1> is the zero vector), ``Y`` the same list shifted by one, ending in the newline's
index. The parameters are the RNN's ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a),
``b`` (n_a, 1) (the step-by-step assignment's ``ba``) and ``by`` (n_y, 1).

The loss of one name is the cross-entropy summed over its T time steps, not averaged:

    L = -sum_t log y_hat<t>[Y<t>]

(m = 1: ``scratch.recurrent.sequence_cost``, which averages over m examples, is this for one.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scratch.activations import softmax
from scratch.course.recurrent import rnn_cell_backward, rnn_cell_forward
from scratch.recurrent import SAMPLE_LENGTH, sample_indices, sample_uniforms
from scratch.rules import check_count, is_finite_real

Array = np.ndarray
KEYS = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_KEYS = tuple(f"d{key}" for key in KEYS)

__all__ = [
    "as_step_by_step",
    "clip",
    "get_initial_loss",
    "initialize_parameters",
    "optimize",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
    "rnn_step_forward",
    "sample",
    "smooth",
    "softmax",
    "update_parameters",
]


def clip(gradients: Mapping[str, Array], maxValue: float) -> dict[str, Array]:
    """Clip every entry of ``dWaa``, ``dWax``, ``dWya``, ``db``, ``dby`` to
    ``[-maxValue, maxValue]``, entry by entry (by value, not by the gradient's norm): an entry
    above maxValue becomes maxValue, one below -maxValue becomes -maxValue, the others stay.

    Returns a new dict of new arrays and leaves ``gradients`` as it was, as the newest notebook
    does (it deep-copies first; v3a clipped the caller's arrays in place): ``optimize`` returns
    the clipped gradients beside the loss, and the caller's own gradients stay what backprop
    computed. Like the notebook, only these five are returned (not ``da_next``)."""
    if not is_finite_real(maxValue) or maxValue <= 0:
        raise ValueError(f"clip: maxValue must be a positive finite number, got {maxValue!r}")
    _check_keys(gradients, GRADIENT_KEYS, "clip", "gradients")
    order = ("dWaa", "dWax", "dWya", "db", "dby")  # the notebook's
    return {key: np.clip(gradients[key], -maxValue, maxValue) for key in order}


def sample(parameters: Mapping[str, Array], char_to_ix: Mapping[str, int], seed: int) -> list[int]:
    """Sample a name one character at a time: x<1> = 0 and a<0> = 0, then at every step
    ``a<t+1> = tanh(Wax x<t+1> + Waa a<t> + b)``, ``y<t+1> = softmax(Wya a<t+1> + by)``, the
    next index drawn from y<t+1> and fed back as a one-hot x, until the newline or 50
    characters (then a newline is appended).

    The draws are the notebook's, with no global seeding: its step t seeds NumPy's global
    generator with ``seed + 2t`` and calls ``np.random.choice``, which takes the first uniform
    of that stream and inverts the cumulative distribution. Here the 50 uniforms are drawn once
    (``scratch.recurrent.sample_uniforms``: ``RandomState(seed + 2t).random_sample()``) and
    inverted the same way (``sample_indices``), so a torch model fed the same uniforms draws
    the same characters. Returns the list of indices."""
    _check_keys(parameters, KEYS, "sample", "parameters")
    if not isinstance(char_to_ix, Mapping) or "\n" not in char_to_ix:
        raise ValueError("sample: char_to_ix must map the newline '\\n' (the end of a name)")
    uniforms = sample_uniforms(seed, SAMPLE_LENGTH)
    return sample_indices(as_step_by_step(parameters), char_to_ix["\n"], uniforms)


def optimize(
    X: Sequence[int | None],
    Y: Sequence[int],
    a_prev: Array,
    parameters: dict[str, Array],
    learning_rate: float = 0.01,
) -> tuple[float, dict[str, Array], Array]:
    """One step of stochastic gradient descent on one name: forward (``rnn_forward``), backward
    through time (``rnn_backward``), ``clip(gradients, 5)``, then the update
    ``W := W - learning_rate dW`` of every parameter, in place (``parameters`` is the caller's
    dict, as in the notebook). Clipping comes before the update: the step uses the clipped
    gradients. Returns the loss, the clipped gradients and the last hidden state
    ``a<T>`` (n_a, 1)."""
    if not is_finite_real(learning_rate) or learning_rate <= 0:
        raise ValueError(f"optimize: learning_rate must be a positive number, got {learning_rate}")
    loss, cache = rnn_forward(X, Y, a_prev, parameters, vocab_size=_vocab_size(parameters))
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


def initialize_parameters(n_a: int, n_x: int, n_y: int) -> dict[str, Array]:
    """The notebook's start: ``Wax``, ``Waa``, ``Wya`` drawn N(0, 1) times 0.01, in that order,
    from seed 1 (``RandomState(1)``: the numbers of ``np.random.seed(1)`` without setting the
    global generator), and zero biases ``b`` (n_a, 1), ``by`` (n_y, 1)."""
    n_a, n_x, n_y = (
        check_count(name, n, 1) for name, n in (("n_a", n_a), ("n_x", n_x), ("n_y", n_y))
    )
    rng = np.random.RandomState(1)
    Wax = rng.randn(n_a, n_x) * 0.01
    Waa = rng.randn(n_a, n_a) * 0.01
    Wya = rng.randn(n_y, n_a) * 0.01
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def rnn_step_forward(
    parameters: Mapping[str, Array], a_prev: Array, x: Array
) -> tuple[Array, Array]:
    """``a_next = tanh(Wax x + Waa a_prev + b)`` and ``p_t = softmax(Wya a_next + by)``: the
    step-by-step ``rnn_cell_forward`` with the bias named ``b``."""
    _check_keys(parameters, KEYS, "rnn_step_forward", "parameters")
    a_next, p_t, _ = rnn_cell_forward(x, a_prev, as_step_by_step(parameters))
    return a_next, p_t


def rnn_step_backward(
    dy: Array,
    gradients: dict[str, Array],
    parameters: Mapping[str, Array],
    x: Array,
    a: Array,
    a_prev: Array,
) -> dict[str, Array]:
    """One step back, from ``dy = y_hat<t> - onehot(Y<t>)``, the loss's gradient at the output's
    pre-activation: ``dWya += dy a^T``, ``dby += dy``, then ``da = Wya^T dy + da_next`` (this
    step's output and the steps after it) through the cell (``rnn_cell_backward``) into ``dWax``,
    ``dWaa``, ``db``; ``da_next`` becomes the gradient of a<t-1>. Adds to ``gradients`` in place
    and returns it, as the notebook's."""
    gradients["dWya"] += dy @ a.T
    gradients["dby"] += dy
    da = parameters["Wya"].T @ dy + gradients["da_next"]
    step = rnn_cell_backward(da, (a, a_prev, x, as_step_by_step(parameters)))
    gradients["db"] += step["dba"]
    gradients["dWax"] += step["dWax"]
    gradients["dWaa"] += step["dWaa"]
    gradients["da_next"] = step["da_prev"]
    return gradients


def rnn_forward(
    X: Sequence[int | None],
    Y: Sequence[int],
    a0: Array,
    parameters: Mapping[str, Array],
    vocab_size: int = 27,
) -> tuple[float, tuple[dict, dict, dict]]:
    """The name's forward pass and loss: x<t> one-hot of ``X[t]`` (the zero vector where it is
    ``None``), ``a[t], y_hat[t] = rnn_step_forward(parameters, a[t-1], x[t])`` from
    ``a[-1] = a0``, and ``loss = -sum_t log y_hat[t][Y[t]]``. Returns the loss and the cache
    ``(y_hat, a, x)``, dicts keyed by t (``a`` from -1)."""
    _check_keys(parameters, KEYS, "rnn_forward", "parameters")
    n_y = parameters["Wya"].shape[0]
    _check_example(X, Y, vocab_size, n_y, "rnn_forward")
    dtype = parameters["Wax"].dtype
    x, a, y_hat = {}, {-1: np.copy(a0)}, {}
    loss = 0.0
    for t, index in enumerate(X):
        x[t] = np.zeros((vocab_size, 1), dtype)
        if index is not None:
            x[t][index] = 1
        a[t], y_hat[t] = rnn_step_forward(parameters, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    return loss, (y_hat, a, x)


def rnn_backward(
    X: Sequence[int | None],
    Y: Sequence[int],
    parameters: Mapping[str, Array],
    cache: tuple[dict, dict, dict],
) -> tuple[dict[str, Array], dict]:
    """Backpropagation through time for one name: from the last step down, ``dy = y_hat[t]``
    with 1 subtracted at ``Y[t]`` (softmax and cross-entropy together), then
    ``rnn_step_backward``. Returns the gradients ``dWax``, ``dWaa``, ``dWya``, ``db``, ``dby``
    (sums over the steps) and ``da_next`` (that of a0), and the hidden states ``a``."""
    y_hat, a, x = cache
    gradients = {f"d{key}": np.zeros_like(parameters[key]) for key in KEYS}
    gradients["da_next"] = np.zeros_like(a[0])
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        gradients = rnn_step_backward(dy, gradients, parameters, x[t], a[t], a[t - 1])
    return gradients, a


def update_parameters(
    parameters: dict[str, Array], gradients: Mapping[str, Array], lr: float
) -> dict[str, Array]:
    """Gradient descent, in place: ``W := W - lr dW`` for ``Wax``, ``Waa``, ``Wya``, ``b``,
    ``by``. Returns ``parameters``."""
    _check_keys(gradients, GRADIENT_KEYS, "update_parameters", "gradients")
    for key in KEYS:
        parameters[key] += -lr * gradients[f"d{key}"]
    return parameters


def smooth(loss: float, cur_loss: float) -> float:
    """The notebook's running loss: ``0.999 loss + 0.001 cur_loss``."""
    return loss * 0.999 + cur_loss * 0.001


def get_initial_loss(vocab_size: int, seq_length: int) -> float:
    """The loss of a uniform guess over ``seq_length`` characters: ``seq_length log(vocab_size)``
    (the notebook computes ``-log(1/vocab_size) seq_length``)."""
    return -math.log(1.0 / vocab_size) * seq_length


def as_step_by_step(parameters: Mapping[str, Array]) -> dict[str, Array]:
    """The language model's parameters under the step-by-step assignment's names (``b`` is
    ``ba``), the same arrays: what ``scratch.course.recurrent``, ``scratch.recurrent`` and
    ``torch_impl.transfer`` take."""
    _check_keys(parameters, KEYS, "as_step_by_step", "parameters")
    return {
        "Wax": parameters["Wax"],
        "Waa": parameters["Waa"],
        "Wya": parameters["Wya"],
        "ba": parameters["b"],
        "by": parameters["by"],
    }


def _vocab_size(parameters: Mapping[str, Array]) -> int:
    _check_keys(parameters, KEYS, "optimize", "parameters")
    return parameters["Wax"].shape[1]


def _check_keys(given: Any, keys: Sequence[str], where: str, name: str) -> None:
    if not isinstance(given, Mapping):
        raise TypeError(f"{where}: {name} must be a dict of arrays, got {type(given).__name__}")
    missing = [key for key in keys if key not in given]
    if missing:
        raise ValueError(
            f"{where}: {name} has no {', '.join(missing)} (the language model's are "
            f"{', '.join(keys)}{'; the step-by-step ba is b here' if 'ba' in given else ''})"
        )


def _check_example(X: Any, Y: Any, vocab_size: int, n_y: int, where: str) -> None:
    if not isinstance(X, Sequence) or not isinstance(Y, Sequence) or len(X) != len(Y) or not X:
        raise ValueError(
            f"{where}: X and Y must be lists of the same length >= 1 (the name's input and "
            f"target indices), got lengths {_length(X)} and {_length(Y)}"
        )
    for name, indices, size, none in (("X", X, vocab_size, True), ("Y", Y, n_y, False)):
        for t, index in enumerate(indices):
            if index is None and none:
                continue
            if not isinstance(index, int | np.integer) or not 0 <= index < size:
                raise ValueError(
                    f"{where}: {name}[{t}] is {index!r}; a character index is an integer in "
                    f"[0, {size}){' or None (the zero input)' if none else ''}"
                )


def _length(value: Any) -> int | str:
    return len(value) if isinstance(value, Sequence) else type(value).__name__
