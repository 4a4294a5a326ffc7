"""The L-layer network, written out with the course's functions, names and shapes.

Notation: ``X = A[0]`` is (n[0], m), one column per example; ``W[l]`` is (n[l], n[l-1]),
``b[l]`` is (n[l], 1); parameters are keyed ``W1, b1, ..., WL, bL``.

Forward, for l = 1..L:   ``Z[l] = W[l] A[l-1] + b[l]``,   ``A[l] = g[l](Z[l])``.
Backward, for l = L..1:  ``dZ[L] = dLoss/dZ[L]`` (from the loss),  ``dZ[l] = dA[l] * g[l]'(Z[l])``,
                         ``dW[l] = dZ[l] A[l-1]^T / m + (l2/m) W[l]``,  ``db[l] = sum_i dZ[l] / m``,
                         ``dA[l-1] = W[l]^T dZ[l]``.

As in the course, ``dZ`` and ``dA`` are derivatives of the *summed* loss ``m J`` (one column per
example) and ``dW``, ``db`` are derivatives of the cost ``J`` itself. Every operation acts on whole
matrices: there is no loop over examples.

Memory: the forward and backward passes take ``out``, the caches or grads of an earlier pass on a
batch of the same size, and write into those arrays (NumPy's ``out=``) instead of allocating new
ones. The training loop hands each step the arrays of the step before, so that a step allocates
nothing large: a fresh array costs a page fault per 4 KiB page the first time it is written, which
for the (1024, 4096) arrays of a wide network took longer than the arithmetic that fills them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from scratch.activations import ACTIVATION_TABLE, Activation, get_activation
from scratch.losses import LOSS_TABLE, cost_from_targets
from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets, check_params, check_X

Array = np.ndarray
Params = dict[str, Array]


class LinearCache(NamedTuple):
    A_prev: Array
    W: Array
    b: Array


class ActivationCache(NamedTuple):
    """``Z`` as in the course, and ``A`` too: sigmoid' and tanh' are cheapest from ``A``."""

    Z: Array
    A: Array


class LayerCache(NamedTuple):
    linear_cache: LinearCache
    activation_cache: ActivationCache


@lru_cache(maxsize=64)
def layer_activations(spec: NetworkSpec) -> tuple[Activation, ...]:
    """``g[1], ..., g[L]`` for a spec, resolved once."""
    return tuple(get_activation(layer) for layer in spec.layers)


def linear_forward(
    A_prev: Array, W: Array, b: Array, out: Array | None = None
) -> tuple[Array, LinearCache]:
    """``Z = W A_prev + b``: (n[l], n[l-1]) @ (n[l-1], m) + (n[l], 1) -> (n[l], m), written into
    ``out`` when given."""
    Z = np.matmul(W, A_prev, out=out)
    Z += b
    return Z, LinearCache(A_prev, W, b)


def linear_activation_forward(
    A_prev: Array,
    W: Array,
    b: Array,
    activation: Activation | str,
    out: ActivationCache | None = None,
) -> tuple[Array, LayerCache]:
    """``A = g(W A_prev + b)``; returns ``A`` (n[l], m) and the cache ``(linear, activation)``.
    ``out``: an earlier pass's ``(Z, A)`` of this layer, overwritten."""
    g = _resolve(activation)
    Z_out, A_out = (None, None) if out is None else out
    Z, linear_cache = linear_forward(A_prev, W, b, out=Z_out)
    A = g.forward(Z, out=A_out)
    return A, LayerCache(linear_cache, ActivationCache(Z, A))


def L_model_forward(
    X: Array,
    parameters: Mapping[str, Array],
    spec: NetworkSpec,
    out: list[LayerCache] | None = None,
    *,
    check: bool = True,
) -> tuple[Array, list[LayerCache]]:
    """Forward pass through all L layers: returns ``AL`` (n[L], m) and the L caches.
    ``out``: the caches of an earlier pass with the same m, their ``Z`` and ``A`` overwritten
    (where a layer's ``A`` is its ``Z``, ``A`` is computed in place).
    ``check=False`` skips the checks of ``X`` and the parameters (the training loop has made
    them once, before its first step)."""
    if check:
        check_X(X, spec)
        check_params(parameters, spec)
    A = X
    caches = []
    for l, g in enumerate(layer_activations(spec), start=1):
        reuse = None if out is None else out[l - 1].activation_cache
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], g, out=reuse
        )
        caches.append(cache)
    return A, caches


def compute_cost(
    ZL: Array, Y: Array, spec: NetworkSpec, parameters: Mapping[str, Array] | None = None
) -> float:
    """``J = (1/m) sum_i loss(ZL_i, Y_i)`` plus ``(l2/2m) sum_l ||W[l]||^2`` when ``spec.l2 > 0``.

    Takes the output layer's pre-activation ``ZL = caches[-1].activation_cache.Z``, not ``AL``:
    ``log(AL)`` is -inf once a sigmoid or softmax unit saturates, while the loss written in
    terms of ``ZL`` is finite everywhere (see ``scratch.losses``).
    """
    m = ZL.shape[1]
    return cost_from_targets(ZL, as_targets(Y, spec, m), spec, parameters)


def cost_of(
    X: Array, Y: Array, parameters: Mapping[str, Array], spec: NetworkSpec, *, check: bool = True
) -> float:
    """The cost ``J`` of ``parameters`` on the examples ``X``, ``Y``: a forward pass, then
    ``compute_cost`` of its ``ZL``. ``check=False``: ``X`` and ``Y`` are already checked and in
    training form (``as_input``, ``as_targets``), as a loop that calls this often holds them."""
    if check:
        X = as_input(X, spec)
        Y = as_targets(Y, spec, X.shape[1])
    _, caches = L_model_forward(X, parameters, spec, check=check)
    return cost_from_targets(caches[-1].activation_cache.Z, Y, spec, parameters)


def linear_backward(
    dZ: Array,
    cache: LinearCache,
    l2: float = 0.0,
    *,
    input_grad: bool = True,
    out: tuple[Array | None, Array, Array] | None = None,
) -> tuple[Array | None, Array, Array]:
    """From ``dZ`` (n[l], m): ``dA_prev = W^T dZ``, ``dW = dZ A_prev^T / m + (l2/m) W``,
    ``db = sum(dZ, axis=1) / m``. ``input_grad=False`` skips ``dA_prev`` (returned as ``None``),
    which the first layer's update never needs. ``out``: arrays ``(dA_prev, dW, db)`` of an
    earlier pass, overwritten."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dA_out, dW_out, db_out = (None, None, None) if out is None else out
    db = np.sum(dZ, axis=1, keepdims=True, out=db_out)  # first, while dZ is still in cache
    db *= 1 / m
    dW = np.matmul(dZ, A_prev.T, out=dW_out)
    dW *= 1 / m
    if l2:
        dW += (l2 / m) * W
    if not input_grad:
        dA_prev = None
    elif W.shape[0] == 1:  # one unit: W^T dZ is an outer product, 7x faster broadcast than in BLAS
        dA_prev = np.multiply(W.T, dZ, out=dA_out)
    else:
        dA_prev = np.matmul(W.T, dZ, out=dA_out)
    return dA_prev, dW, db


def linear_activation_backward(
    dA: Array, cache: LayerCache, activation: Activation | str, l2: float = 0.0
) -> tuple[Array, Array, Array]:
    """``dZ = dA * g'(Z)``, then ``linear_backward``; returns ``dA_prev, dW, db``."""
    linear_cache, (Z, A) = cache
    dZ = _resolve(activation).backward(dA, Z, A)
    return linear_backward(dZ, linear_cache, l2)


def L_model_backward(
    AL: Array,
    Y: Array,
    caches: list[LayerCache],
    spec: NetworkSpec,
    *,
    input_grad: bool = True,
    out: Mapping[str, Array] | None = None,
    check: bool = True,
) -> dict[str, Array]:
    """Backward pass through all L layers by the chain rule.

    Returns ``grads`` keyed ``dW1, db1, ..., dWL, dbL`` (derivatives of J), ``dZ1, ..., dZL`` and
    ``dA0, ..., dA{L-1}`` (derivatives of the summed loss, as in the course). ``dZ[L]`` comes
    from the loss in closed form, so it stays exact when the output unit saturates.
    ``input_grad=False`` leaves out ``dA0``, the one quantity an update never uses.
    ``out``: the grads of an earlier pass with the same m, whose arrays are overwritten (where
    ``dZ{l}`` is ``dA{l}``, ``dZ`` is computed in place).
    ``check=False``: ``Y`` is already in training form and checked (``as_targets``), as the
    training loop holds it.
    """
    T = as_targets(Y, spec, AL.shape[1]) if check else Y
    L = len(caches)
    grads: dict[str, Array] = {}
    dZ = LOSS_TABLE[spec.loss].output_grad(AL, T)
    activations = layer_activations(spec)
    for l in range(L, 0, -1):
        linear_cache, (Z, A) = caches[l - 1]
        if l < L:
            dZ_out = None if out is None else out[f"dZ{l}"]
            dZ = activations[l - 1].backward(grads[f"dA{l}"], Z, A, out=dZ_out)
        grads[f"dZ{l}"] = dZ
        reuse = None if out is None else (out.get(f"dA{l - 1}"), out[f"dW{l}"], out[f"db{l}"])
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(
            dZ, linear_cache, spec.l2, input_grad=input_grad or l > 1, out=reuse
        )
        if dA_prev is not None:
            grads[f"dA{l - 1}"] = dA_prev
    return grads


def predict(X: Array, parameters: Mapping[str, Array], spec: NetworkSpec) -> Array:
    """Predictions (1, m) or (n[L], m): class 1 where ``AL > 0.5`` (binary), the arg-max class
    (softmax), or ``AL`` itself (regression)."""
    AL, _ = L_model_forward(as_input(X, spec), parameters, spec)
    if spec.loss == "binary_cross_entropy":
        return (AL > 0.5).astype(np.int64)
    if spec.loss == "cross_entropy":
        return AL.argmax(axis=0)[np.newaxis, :]
    return AL


def accuracy(X: Array, Y: Array, parameters: Mapping[str, Array], spec: NetworkSpec) -> float:
    """Fraction of examples classified correctly (classification losses only)."""
    if spec.loss == "mse":
        raise ValueError("accuracy is defined for classification; loss 'mse' is a regression")
    predicted = predict(X, parameters, spec)
    T = as_targets(Y, spec, predicted.shape[1])
    labels = (T > 0.5).astype(np.int64) if spec.loss == "binary_cross_entropy" else T.argmax(0)
    return float(np.mean(predicted == labels))


def _resolve(activation: Activation | str) -> Activation:
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATION_TABLE[activation]
    except KeyError:
        raise ValueError(
            f"activation {activation!r} is unknown; choose one of {', '.join(ACTIVATION_TABLE)}"
        ) from None
