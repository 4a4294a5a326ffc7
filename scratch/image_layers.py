"""No torch twin (torch's own ``nn.Conv2d``, pools and ``nn.Flatten`` make up these layers in
``torch_impl.network``): the conv, pool and flatten layers as steps of a network, in the entries
of ``scratch.network.LAYER_STEPS``, each calling the vectorised forms of ``scratch.convolution``,
and their caches.

The gradients follow the dense layers' convention (``scratch.network``): ``dZ`` and ``dA`` are
derivatives of the summed loss m J, ``dW`` and ``db`` of the cost J. ``conv_backward`` is the
adjoint of the convolution, a sum over the examples with no 1/m (the course's): fed ``dZ = m
dJ/dZ``, it returns m dJ/dW, so a conv layer's

    dZ[l] = dA[l] * g'(Z[l]),   dW[l] = conv_backward(dZ[l])_W / m + (l2/m) W[l],
    db[l] = conv_backward(dZ[l])_b / m,   dA[l-1] = conv_backward(dZ[l])_A

(the L2 term penalises every ``W``, conv filters among them: ``scratch.losses.l2_penalty``). A
pool layer's ``dA[l-1]`` is ``pool_backward(dA[l])`` and a flatten's the inverse reshape: both
are linear in ``dA``, so they pass the m on as they find it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from scratch.activations import Activation
from scratch.convolution import (
    conv_backward,
    conv_forward,
    flatten_backward,
    flatten_forward,
    pool_backward,
    pool_forward,
)
from scratch.course.convolution import ConvCache, PoolCache
from scratch.layers import ActivationCache
from scratch.spec import NetworkSpec

Array = np.ndarray
Grads = dict[str, Array]


class ConvLayerCache(NamedTuple):
    """``conv_cache`` (the course's ``(A_prev, W, b, hparameters)``) and ``activation_cache``
    (``Z``, ``A = g(Z)``)."""

    conv_cache: ConvCache
    activation_cache: ActivationCache


class PoolLayerCache(NamedTuple):
    """``pool_cache`` (the course's ``(A_prev, hparameters)``) and the layer's output ``A``."""

    pool_cache: PoolCache
    A: Array


class FlattenCache(NamedTuple):
    """The shape of the images flattened, (m, n_H, n_W, n_C), and the output ``A`` (n, m)."""

    shape: tuple[int, ...]
    A: Array


def conv_layer_forward(
    A_prev: Array, parameters: Mapping[str, Array], l: int, spec: NetworkSpec, g: Activation, **_
) -> tuple[Array, ConvLayerCache]:
    """``Z[l] = conv_forward(A[l-1], W[l], b[l], {"stride", "pad"})``, ``A[l] = g(Z[l])``:
    images (m, n_H, n_W, n_C) in and out."""
    hparameters = spec.layers[l - 1].hparameters
    Z, conv_cache = conv_forward(A_prev, parameters[f"W{l}"], parameters[f"b{l}"], hparameters)
    A = g.forward(Z)
    return A, ConvLayerCache(conv_cache, ActivationCache(Z, A))


def conv_layer_backward(
    grads: Grads, cache: ConvLayerCache, g: Activation, l: int, spec: NetworkSpec, **options: Any
) -> None:
    """Add ``dZ{l}``, ``dW{l}``, ``db{l}`` and (unless ``input_grad=False``) ``dA{l-1}`` to
    ``grads``, from its ``dA{l}`` (module docstring)."""
    Z, A = cache.activation_cache
    dZ = grads[f"dZ{l}"] = g.backward(grads[f"dA{l}"], Z, A)
    dA_prev, dW, db = conv_backward(dZ, cache.conv_cache, input_grad=options["input_grad"])
    W, m = cache.conv_cache[1], Z.shape[0]
    dW *= 1 / m
    if spec.l2:
        dW += (spec.l2 / m) * W
    db *= 1 / m
    grads[f"dW{l}"], grads[f"db{l}"] = dW, db
    if dA_prev is not None:
        grads[f"dA{l - 1}"] = dA_prev


def conv_quantities(l: int, cache: ConvLayerCache) -> dict[str, Array]:
    return {f"Z{l}": cache.activation_cache.Z, f"A{l}": cache.activation_cache.A}


def pool_layer_forward(
    A_prev: Array, parameters: Mapping[str, Array], l: int, spec: NetworkSpec, g: None, **_
) -> tuple[Array, PoolLayerCache]:
    """``A[l] = pool_forward(A[l-1], {"f", "stride"}, mode)``: images in and out."""
    layer = spec.layers[l - 1]
    A, pool_cache = pool_forward(A_prev, layer.hparameters, layer.mode)
    return A, PoolLayerCache(pool_cache, A)


def pool_layer_backward(
    grads: Grads, cache: PoolLayerCache, g: None, l: int, spec: NetworkSpec, **options: Any
) -> None:
    """Add ``dA{l-1} = pool_backward(dA{l})`` to ``grads`` (unless ``input_grad=False``)."""
    if options["input_grad"]:
        mode = spec.layers[l - 1].mode
        grads[f"dA{l - 1}"] = pool_backward(grads[f"dA{l}"], cache.pool_cache, mode)


def output_quantity(l: int, cache: PoolLayerCache | FlattenCache) -> dict[str, Array]:
    return {f"A{l}": cache.A}


def flatten_layer_forward(
    A_prev: Array, parameters: Mapping[str, Array], l: int, spec: NetworkSpec, g: None, **_
) -> tuple[Array, FlattenCache]:
    """``A[l] = flatten_forward(A[l-1])``: images (m, n_H, n_W, n_C) in, columns (n, m) out."""
    A, shape = flatten_forward(A_prev)
    return A, FlattenCache(shape, A)


def flatten_layer_backward(
    grads: Grads, cache: FlattenCache, g: None, l: int, spec: NetworkSpec, **options: Any
) -> None:
    """Add ``dA{l-1}``, ``dA{l}`` reshaped to the images, to ``grads`` (unless
    ``input_grad=False``)."""
    if options["input_grad"]:
        grads[f"dA{l - 1}"] = flatten_backward(grads[f"dA{l}"], cache.shape)
