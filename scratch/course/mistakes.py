"""Known learner mistakes, each as the values it gives: when a learner's quantity equals one of
them, that mistake is the likely cause. Computed with scratch's own pieces (its activations'
derivatives, ``linear_backward``, ``linear_activation_forward``) given the mistake, so each
model is the course's computation with one thing changed.

Each function returns ``(cause, {quantity: value})`` pairs, quantities keyed as the referee
names them (``dW2``, ``db2``, ``dA1``, ``A1``, ``cost``). A mistake in one line of a loop (the
convolution's ``h`` for ``h * stride``, ``dW =`` for ``dW +=``) is the course's own function
with that line changed (``planted``).
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Sequence

import numpy as np

import scratch
from scratch.activations import ACTIVATION_TABLE
from scratch.network import LinearCache

Array = np.ndarray
Mistakes = list[tuple[str, dict[str, Array]]]
ACTIVATIONS = ("sigmoid", "tanh", "relu")
KINK = "ReLU's derivative at exactly 0 taken as 1: the course's is 0 (dZ[Z <= 0] = 0)"


def layer_backward(dZ: Array, A_prev: Array, W: Array, l: int) -> dict[str, Array]:
    """``dW[l]``, ``db[l]``, ``dA[l-1]`` of ``dZ`` by scratch's ``linear_backward`` (of a layer
    with a bias: its value is not used)."""
    bias = np.zeros((W.shape[0], 1))
    dA_prev, dW, db = scratch.linear_backward(dZ, LinearCache(A_prev, W, bias))
    return {f"dW{l}": dW, f"db{l}": db, f"dA{l - 1}": dA_prev}


def derivatives(dA: Array, Z: Array, A: Array, actual: str, l: int) -> list[tuple[str, Array]]:
    """``dZ[l]`` with another activation's derivative in place of ``actual``'s, taken from Z
    (``sigmoid_backward``, ``relu_backward``) and from A (``A (1 - A)``, ``1 - A^2``), and
    ReLU's with 1 at 0."""
    out = []
    for other in ACTIVATIONS:
        if other == actual:
            continue
        cause = (
            f"the derivative of another activation: {other}' where {actual}' belongs "
            f"(dZ{l} = dA{l} * {actual}'(Z{l}))"
        )
        g = ACTIVATION_TABLE[other]
        out.append((cause, dA * g.derivative(Z)))
        out.append((cause, g.backward(dA, Z, A)))
    if actual == "relu":
        out.append((KINK, dA * (Z >= 0)))
    return out


def backward_layer(dA: Array, Z: Array, A: Array, A_prev: Array, W: Array, actual: str, l: int):
    """One layer's backward step, ``linear_activation_backward``, under each mistake of
    ``derivatives`` and of ``bias_sums``."""
    out = [
        (cause, layer_backward(dZ, A_prev, W, l)) for cause, dZ in derivatives(dA, Z, A, actual, l)
    ]
    return out + bias_sums(ACTIVATION_TABLE[actual].backward(dA, Z, A), l)


def bias_sums(dZ: Array, l: int) -> Mistakes:
    """``db[l]`` squeezed (``np.squeeze`` leaves ``(n,)``, or ``()`` for one unit), summed over
    every entry, or over axis 0 (the units), with and without keepdims."""
    m = dZ.shape[1]
    right = "the course sums each unit's row: np.sum(dZ, axis=1, keepdims=True) / m"
    every = np.sum(dZ) / m
    across = np.sum(dZ, axis=0) / m
    squeezed = np.squeeze(np.sum(dZ, axis=1, keepdims=True) / m)
    squeeze = (
        f"db squeezed: np.squeeze leaves shape {squeezed.shape}, which the course does not "
        f"allow (db{l} keeps its column, {(dZ.shape[0], 1)}); {right}"
    )
    if dZ.shape[0] == 1:  # one unit: its row is every entry, and a squeeze gives the same number
        squeeze = (
            f"db summed over every entry or squeezed (np.sum(dZ) / m, np.squeeze): shape (), "
            f"which the course does not allow (db{l} keeps its column, (1, 1)); {right}"
        )
    return [
        (squeeze, {f"db{l}": squeezed}),
        (f"db summed over every entry: np.sum(dZ) / m; {right}", {f"db{l}": every}),
        (f"db summed over every entry: np.sum(dZ) / m; {right}", {f"db{l}": every.reshape(1, 1)}),
        (f"db summed over axis 0 (the units); {right}", {f"db{l}": across}),
        (f"db summed over axis 0 (the units); {right}", {f"db{l}": across[np.newaxis]}),
    ]


def costs(AL: Array, Y: Array) -> Mistakes:
    """The cost with a term left out, summed over one axis only, or averaged over every entry."""
    m, n_y = AL.shape[1], AL.shape[0]
    with np.errstate(all="ignore"):
        positive = Y * np.log(AL)
        losses = -(positive + (1 - Y) * np.log(1 - AL))
    out = [
        ("only the Y log(AL) term: (1 - Y) log(1 - AL) is missing", {"cost": -positive.sum() / m}),
    ]
    per_example = "summed over axis 0 only, one cost per example: sum over every entry"
    out += [
        (per_example, {"cost": value})
        for value in (losses.sum(0) / m, losses.sum(0, keepdims=True) / m)
    ]
    if n_y > 1:
        per_unit = "summed over axis 1 only, one cost per output unit: sum over every entry"
        out += [
            (per_unit, {"cost": value})
            for value in (losses.sum(1) / m, losses.sum(1, keepdims=True) / m)
        ]
        out.append(
            (
                "averaged over every entry (np.mean over m n_y of them): the course divides by m",
                {"cost": np.asarray(losses.mean())},
            )
        )
    return out


def forward(X: Array, params: dict[str, Array], activations: Sequence[str]) -> dict[str, Array]:
    """``Z[l]``, ``A[l]`` of a forward pass with the given activation per layer."""
    out, A = {}, X
    for l, activation in enumerate(activations, start=1):
        A, (_, (Z, _)) = scratch.linear_activation_forward(
            A, params[f"W{l}"], params[f"b{l}"], activation
        )
        out[f"Z{l}"], out[f"A{l}"] = Z, A
    return out


def forward_swaps(X: Array, params: dict[str, Array], actual: Sequence[str]) -> Mistakes:
    """A forward pass with another activation in the hidden layers, or at the output."""
    L, out = len(actual), []
    for other in ACTIVATIONS:
        if other != actual[0] and L > 1:
            cause = f"the hidden layers apply {other} where the course's apply {actual[0]}"
            out.append((cause, forward(X, params, [other] * (L - 1) + [actual[-1]])))
        if other != actual[-1]:
            cause = f"the output layer applies {other} where the course's applies {actual[-1]}"
            out.append((cause, forward(X, params, [*actual[:-1], other])))
    return out


def activation_swaps(Z: Array, actual: str, l: int) -> Mistakes:
    """One layer's ``A[l]`` under another activation."""
    return [
        (
            f"A{l} = {other}(Z{l}) where activation {actual!r} asks for {actual}(Z{l})",
            {f"A{l}": ACTIVATION_TABLE[other].forward(Z.copy())},
        )
        for other in ACTIVATIONS
        if other != actual
    ]


def backprop(
    caches: list, dZL: Array, hidden: Sequence[str], output_dZ: Array | None = None
) -> dict:
    """The backward pass of ``L_model_backward`` from ``dZ[L]`` with ``hidden[l - 1]``'s
    derivative in hidden layer l (``"kink"``: ReLU's with 1 at 0); ``caches``: ``(A_prev, W,
    Z)`` per layer."""
    L, out = len(caches), {}
    dZ = dZL if output_dZ is None else output_dZ
    for l in range(L, 0, -1):
        A_prev, W, Z = caches[l - 1]
        if l < L:
            dA, g = out[f"dA{l}"], hidden[l - 1]
            dZ = dA * (Z >= 0) if g == "kink" else dA * ACTIVATION_TABLE[g].derivative(Z)
        out.update(layer_backward(dZ, A_prev, W, l))
    return out


def planted(function: Callable, *changes: tuple[str, str]) -> Callable:
    """``function`` (one of ``scratch.course``'s) with each ``(line, wrong)`` of ``changes``
    made in its source, in order, compiled in its module's namespace (so that it calls the
    course's helpers as they are now): the course's computation with that one mistake.
    ``ValueError`` when a ``line`` is not in it exactly once."""
    source = textwrap.dedent(inspect.getsource(function))
    for line, wrong in changes:
        if source.count(line) != 1:
            raise ValueError(f"{function.__name__} has no single line {line!r}")
        source = source.replace(line, wrong)
    namespace = dict(function.__globals__)
    exec(compile(source, f"<{function.__name__}, planted>", "exec"), namespace)
    return namespace[function.__name__]


def runnable(*models: tuple[str, Callable[[], dict[str, Array]]]) -> Mistakes:
    """``(cause, values)`` of each ``(cause, compute)`` whose ``compute()`` runs: a model
    whose shapes cannot hold in a case (``Wax`` for ``Waa`` where n_x != n_a), or a planted
    loop that fails as the learner's does (a window past the input), is no model of it."""
    out = []
    for cause, compute in models:
        try:
            out.append((cause, compute()))
        except (ValueError, IndexError):
            continue
    return out
