"""No torch twin (torch's own ``nn.Linear``, ``nn.BatchNorm1d`` and activations make up a layer in
``torch_impl.network``): one layer's forward and backward step, the course's per-layer functions
and their caches, which ``scratch.network`` chains into the L-layer passes.

A plain layer is ``Z = W A_prev + b``, ``A = g(Z)``, cached as ``(linear_cache,
activation_cache)``. A layer with batch norm and/or dropout (``norm_dropout_forward``) is
``Z = W A_prev`` (no bias with batch norm), ``Z_tilde = batchnorm(Z)``, ``A = g(Z_tilde)``,
``A = A * D / keep_prob``, cached as ``NormDropoutCache``; its backward
(``norm_dropout_backward``) runs the same steps in reverse to ``dZ``, and ``linear_backward``
does the rest for both kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from scratch.activations import ACTIVATION_TABLE, Activation
from scratch.batchnorm import (
    BatchNormCache,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
)
from scratch.dropout import dropout_backward, dropout_forward
from scratch.spec import NetworkSpec
from scratch.validation import check_array, check_non_negative, kind_of, named_by

Array = np.ndarray


class LinearCache(NamedTuple):
    """``b`` is ``None`` in a batch-norm layer, which has no bias."""

    A_prev: Array
    W: Array
    b: Array | None


class ActivationCache(NamedTuple):
    """``Z`` as in the course, and ``A`` too: sigmoid' and tanh' are cheapest from ``A``."""

    Z: Array
    A: Array


class LayerCache(NamedTuple):
    linear_cache: LinearCache
    activation_cache: ActivationCache


class DropoutCache(NamedTuple):
    """The mask ``D`` (n, m), ``keep_prob``, and the layer's output ``A = g(...) * D /
    keep_prob`` (the activation's own output stays in the activation cache, for ``g'``)."""

    D: Array
    keep_prob: float
    A: Array


class NormDropoutCache(NamedTuple):
    """A layer with batch norm or dropout, in the order it computes: ``linear_cache`` (``Z = W
    A_prev``), ``norm_cache`` (``None`` without batch norm), ``activation_cache`` (``g``'s input,
    ``Z_tilde`` with batch norm, and its output) and ``dropout_cache`` (``None`` without
    dropout, and at inference)."""

    linear_cache: LinearCache
    norm_cache: BatchNormCache | None
    activation_cache: ActivationCache
    dropout_cache: DropoutCache | None


def layer_output(cache: LayerCache | NormDropoutCache) -> Array:
    """A layer's ``A[l]``, what the next layer takes: after the dropout mask where there is one."""
    dropout = getattr(cache, "dropout_cache", None)
    return cache.activation_cache.A if dropout is None else dropout.A


def linear_forward(
    A_prev: Array, W: Array, b: Array | None, out: Array | None = None, *, check: bool = True
) -> tuple[Array, LinearCache]:
    """``Z = W A_prev + b``: (n[l], n[l-1]) @ (n[l-1], m) + (n[l], 1) -> (n[l], m), written into
    ``out`` when given; ``b=None`` (a batch-norm layer) adds nothing. The shapes are checked
    (``check_linear``) unless ``check=False`` (the L-layer passes, which check the weights once)."""
    if check:
        with named_by("linear_forward"):
            check_linear(A_prev, W, b)
    Z = np.matmul(W, A_prev, out=out)
    if b is not None:
        Z += b
    return Z, LinearCache(A_prev, W, b)


def linear_activation_forward(
    A_prev: Array,
    W: Array,
    b: Array,
    activation: Activation | str,
    out: ActivationCache | None = None,
    *,
    check: bool = True,
) -> tuple[Array, LayerCache]:
    """``A = g(W A_prev + b)``; returns ``A`` (n[l], m) and the cache ``(linear, activation)``.
    ``out``: an earlier pass's ``(Z, A)`` of this layer, overwritten. ``check``: as
    ``linear_forward``'s."""
    if check:
        with named_by("linear_activation_forward"):
            g = _resolve(activation)
            check_linear(A_prev, W, b)
    else:
        g = _resolve(activation)
    Z_out, A_out = (None, None) if out is None else out
    Z, linear_cache = linear_forward(A_prev, W, b, out=Z_out, check=False)
    A = g.forward(Z, out=A_out)
    return A, LayerCache(linear_cache, ActivationCache(Z, A))


def norm_dropout_forward(
    A_prev: Array,
    parameters: Mapping[str, Array],
    l: int,
    spec: NetworkSpec,
    g: Activation,
    *,
    training: bool = True,
    D: Array | None = None,
    out: NormDropoutCache | None = None,
) -> tuple[Array, NormDropoutCache]:
    """Layer l of ``spec`` with batch norm and/or dropout: ``Z = W A_prev`` (``+ b`` without
    batch norm), ``Z_tilde`` by ``batchnorm_forward`` (training) or ``batchnorm_inference``,
    ``A = g(...)``, then ``A * D / keep_prob`` in training. Returns the layer's output and its
    cache. ``out``: this layer's cache of an earlier pass with the same m, written over."""
    layer, P = spec.layers[l - 1], parameters
    bias = None if layer.batch_norm else P[f"b{l}"]
    Z_out = None if out is None else (out.norm_cache or out.activation_cache).Z
    Z, linear_cache = linear_forward(A_prev, P[f"W{l}"], bias, out=Z_out, check=False)
    Z_act, norm_cache, eps = Z, None, spec.batch_norm_eps
    if layer.batch_norm and training:
        reuse = (
            {} if out is None else {"out": out.norm_cache, "Z_tilde_out": out.activation_cache.Z}
        )
        Z_act, norm_cache = batchnorm_forward(
            Z, P[f"gamma{l}"], P[f"beta{l}"], eps, layer=l, **reuse
        )
    elif layer.batch_norm:
        running = (P[f"running_mean{l}"], P[f"running_var{l}"], eps)
        Z_act, norm_cache = batchnorm_inference(Z, P[f"gamma{l}"], P[f"beta{l}"], *running)
    A = g.forward(Z_act, out=None if out is None else out.activation_cache.A)
    dropout_cache = None
    if layer.dropout and training:
        A_out = None if out is None or out.dropout_cache is None else out.dropout_cache.A
        A_kept = dropout_forward(A, D, layer.keep_prob, out=A_out)
        dropout_cache = DropoutCache(D, layer.keep_prob, A_kept)
    cache = NormDropoutCache(linear_cache, norm_cache, ActivationCache(Z_act, A), dropout_cache)
    return layer_output(cache), cache


def norm_dropout_backward(
    dA: Array,
    cache: NormDropoutCache,
    g: Activation,
    out: Mapping[str, Array | None] | None = None,
) -> dict[str, Array]:
    """From ``dA`` (the gradient of the layer's output) to ``dZ``: through the mask
    (``dA * D / keep_prob``), the activation (``dZ_tilde``, or ``dZ`` without batch norm) and
    ``batchnorm_backward`` (``dZ``, ``dgamma``, ``dbeta``). Returns those, keyed without the
    layer number, in that order. ``out``: arrays for ``dZ_tilde`` (may be ``dA`` itself) and
    ``dZ``, written over."""
    _, norm, (Z_act, A_act), drop = cache
    out = out or {}
    act_out = out.get("dZ_tilde") if norm is not None else out.get("dZ")
    if drop is not None:
        dA = dropout_backward(dA, drop.D, drop.keep_prob, out=act_out)
    dZ_act = g.backward(dA, Z_act, A_act, out=act_out)
    if norm is None:
        return {"dZ": dZ_act}
    dZ, dgamma, dbeta = batchnorm_backward(dZ_act, norm, out=out.get("dZ"))
    return {"dZ_tilde": dZ_act, "dgamma": dgamma, "dbeta": dbeta, "dZ": dZ}


def linear_backward(
    dZ: Array,
    cache: LinearCache,
    l2: float = 0.0,
    *,
    input_grad: bool = True,
    out: tuple[Array | None, Array, Array | None] | None = None,
    check: bool = True,
) -> tuple[Array | None, Array, Array | None]:
    """From ``dZ`` (n[l], m): ``dA_prev = W^T dZ``, ``dW = dZ A_prev^T / m + (l2/m) W``,
    ``db = sum(dZ, axis=1) / m`` (``None`` in a layer without a bias). ``input_grad=False``
    skips ``dA_prev`` (returned as ``None``), which the first layer's update never needs.
    ``out``: arrays ``(dA_prev, dW, db)`` of an earlier pass, overwritten. ``check``: the
    cache, ``dZ`` and ``l2`` checked (``check_linear_backward``); the L-layer pass skips it."""
    if check:
        with named_by("linear_backward"):
            cache = check_linear_backward(dZ, cache, l2)
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_out, dW_out, db_out = (None, None, None) if out is None else out
    db = None
    if b is not None:
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
    with named_by("linear_activation_backward"):
        g = _resolve(activation)
        if not isinstance(cache, tuple | list) or len(cache) != 2:
            raise TypeError(
                f"cache must be (linear_cache, activation_cache), as linear_activation_forward "
                f"returns it; got {kind_of(cache)}"
            )
        linear_cache, activation_cache = cache
        if not isinstance(activation_cache, tuple | list) or len(activation_cache) != 2:
            raise TypeError(
                f"cache's activation_cache must be (Z, A), got {kind_of(activation_cache)}"
            )
        Z, A = activation_cache
        check_array("Z", Z)
        check_array("dA", dA)
        if dA.shape != Z.shape:
            raise ValueError(
                f"dA has shape {dA.shape}; the cache's Z, which it goes with, is {Z.shape}"
            )
        linear_cache = check_linear_backward(dA, linear_cache, l2)
    dZ = g.backward(dA, Z, A)
    return linear_backward(dZ, linear_cache, l2, check=False)


def check_linear(A_prev: object, W: object, b: object) -> None:
    """``W`` (n[l], n[l-1]), ``A_prev`` (n[l-1], m) and ``b`` (n[l], 1) or ``None``, NumPy arrays
    of real numbers: the shapes ``Z = W A_prev + b`` needs, named before NumPy's matmul or
    broadcast would fail (or, for ``b`` (n[l],), quietly broadcast along the examples)."""
    W = check_array("W", W)
    A_prev = check_array("A_prev", A_prev)
    n, n_prev = W.shape
    if A_prev.shape[0] != n_prev:
        raise ValueError(
            f"A_prev has shape {A_prev.shape}; W {W.shape} takes (n[l-1], m) = ({n_prev}, m): "
            "one column per example"
        )
    if b is not None:
        if not isinstance(b, np.ndarray):
            raise TypeError(f"b must be a NumPy array, got {type(b).__name__}")
        if b.shape != (n, 1):
            raise ValueError(f"b has shape {b.shape}; W {W.shape} needs (n[l], 1) = ({n}, 1)")


def check_linear_backward(
    dZ: object, cache: object, l2: object, name: str = "the linear cache"
) -> LinearCache:
    """``cache`` (called ``name``) an ``(A_prev, W, b)`` that ``check_linear`` accepts, ``dZ``
    (n[l], m) of the ``Z`` it gives, ``l2`` a finite number >= 0; returns the cache as a
    ``LinearCache``."""
    if not isinstance(cache, tuple | list) or len(cache) != 3:
        raise TypeError(
            f"{name} must be (A_prev, W, b), as linear_forward returns it; got {kind_of(cache)}"
        )
    A_prev, W, b = cache
    check_linear(A_prev, W, b)
    dZ = check_array("dZ", dZ)
    Z = (W.shape[0], A_prev.shape[1])
    if dZ.shape != Z:
        raise ValueError(
            f"dZ has shape {dZ.shape}; the cache's W {W.shape} and A_prev {A_prev.shape} give Z "
            f"of shape (n[l], m) = {Z}"
        )
    check_non_negative("l2", l2)
    return LinearCache(*cache)


def _resolve(activation: Activation | str) -> Activation:
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATION_TABLE[activation]
    except KeyError:
        raise ValueError(
            f"activation {activation!r} is unknown; choose one of {', '.join(ACTIVATION_TABLE)}"
        ) from None
