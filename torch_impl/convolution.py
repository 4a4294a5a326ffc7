"""Convolution, pooling and flatten layers on the torch side: torch's own ``nn.Conv2d``,
``nn.MaxPool2d``, ``nn.AvgPool2d``, ``nn.Flatten`` and the ``nn.Linear`` after it, built from
the course's weights: the twin of ``scratch.convolution``.

The course's hyperparameters are the modules' arguments as they stand, and torch's defaults for
the rest are the course's rules:

    conv  W (f, f, n_C_prev, n_C), {"stride": s, "pad": p}
                     -> nn.Conv2d(n_C_prev, n_C, f, stride=s, padding=p)
    pool  {"f": f, "stride": s}, mode "max"      -> nn.MaxPool2d(f, stride=s)
                                 mode "average"  -> nn.AvgPool2d(f, stride=s)

``nn.Conv2d`` computes a cross-correlation, as the course does (no flipped kernel); its
``padding_mode="zeros"`` is ``zero_pad``; ``ceil_mode=False`` (the pools) and the convolution's
own rule give the course's ``floor((n + 2 pad - f) / s) + 1``; the pools have no padding, as
the course's, so ``AvgPool2d``'s ``count_include_pad`` changes nothing. The flatten is
``nn.Flatten()`` itself (from dim 1: each example's (C, H, W) in (c, h, w) order), and the dense
layer after it takes its columns permuted (``linear_after_flatten``). At a tie in a max-pool
window torch's backward passes the gradient to one entry, the first in the window's row-major
order, where the course's mask passes it to each (``scratch.convolution`` says when they part).

The modules are built with ``nn.utils.skip_init`` in the weights' dtype, so torch's random
generator is never drawn; the weights cross through ``torch_impl.transfer``, bit for bit. A
network's conv, pool and flatten layers are built from its spec by ``conv_block``,
``pool_block`` and ``flatten_block`` (the entries of ``torch_impl.network.LAYER_MODULES``), their
weights loaded afterwards.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from scratch.conv_shapes import filter_hyperparameters, pool_settings
from scratch.layer_kinds import Conv, Flatten, Pool, Shape
from torch_impl.activations import get_activation
from torch_impl.transfer import (
    TORCH_DTYPES,
    conv_bias_to_course,
    conv_bias_to_torch,
    conv_weights_to_course,
    conv_weights_to_torch,
    flattened_weights_to_course,
    flattened_weights_to_torch,
)

Array = np.ndarray
POOLS: dict[str, type[nn.Module]] = {"max": nn.MaxPool2d, "average": nn.AvgPool2d}


def conv2d(W: Array, b: Array, hparameters: dict) -> nn.Conv2d:
    """``nn.Conv2d`` holding the course's filters ``W`` (f, f, n_C_prev, n_C) and biases ``b``
    (1, 1, 1, n_C), with the course's ``{"stride": s, "pad": p}``, in ``W``'s dtype."""
    f, stride, pad = filter_hyperparameters("conv2d", W, b, hparameters)
    _, _, n_C_prev, n_C = W.shape
    conv = nn.utils.skip_init(
        nn.Conv2d, n_C_prev, n_C, f, stride=stride, padding=pad, dtype=_dtype("conv2d", W, b)
    )
    with torch.no_grad():
        conv.weight.copy_(conv_weights_to_torch(W))
        conv.bias.copy_(conv_bias_to_torch(b))
    return conv


def export_conv2d(conv: nn.Conv2d) -> tuple[Array, Array]:
    """The course's ``W`` (f, f, n_C_prev, n_C) and ``b`` (1, 1, 1, n_C) of ``conv``."""
    return conv_weights_to_course(conv.weight), conv_bias_to_course(conv.bias)


def pool2d(hparameters: dict, mode: str = "max") -> nn.Module:
    """``nn.MaxPool2d`` or ``nn.AvgPool2d`` (``mode`` ``"max"`` or ``"average"``) of the
    course's ``{"f": f, "stride": s}``; no weights."""
    f, stride = pool_settings("pool2d", hparameters, mode)
    return POOLS[mode](f, stride=stride)


def linear_after_flatten(W: Array, b: Array, image_shape: tuple[int, int, int]) -> nn.Linear:
    """``nn.Linear`` holding the course's dense layer ``W`` (n, n_H n_W n_C), ``b`` (n, 1)
    that follows a flatten of (n_H, n_W, n_C) images, its columns permuted from the course's
    (h, w, c) order to ``nn.Flatten``'s (c, h, w), in ``W``'s dtype."""
    size = int(np.prod(image_shape))
    if W.ndim != 2 or W.shape[1] != size or b.shape != (W.shape[0], 1):
        raise ValueError(
            f"linear_after_flatten: W has shape {W.shape} and b {b.shape}; after a flatten of "
            f"{tuple(image_shape)} images expected W (n, {size}) and b (n, 1)"
        )
    linear = nn.utils.skip_init(
        nn.Linear, size, W.shape[0], dtype=_dtype("linear_after_flatten", W, b)
    )
    with torch.no_grad():
        linear.weight.copy_(flattened_weights_to_torch(W, image_shape))
        linear.bias.copy_(torch.from_numpy(b[:, 0]))
    return linear


def export_linear_after_flatten(
    linear: nn.Linear, image_shape: tuple[int, int, int]
) -> tuple[Array, Array]:
    """The course's ``W`` (n, n_H n_W n_C), columns in (h, w, c) order, and ``b`` (n, 1)."""
    W = flattened_weights_to_course(linear.weight, image_shape)
    return W, linear.bias.detach().cpu().numpy()[:, np.newaxis].copy()


def _dtype(function: str, W: Array, b: Array) -> torch.dtype:
    if W.dtype != b.dtype or W.dtype.name not in TORCH_DTYPES:
        raise TypeError(
            f"{function}: W is {W.dtype} and b {b.dtype}; both must be float64 or float32"
        )
    return TORCH_DTYPES[W.dtype.name]


def conv_block(layer: Conv, shape: Shape, dtype: torch.dtype) -> nn.Sequential:
    """A spec's conv layer on images of ``shape`` (n_H, n_W, n_C_prev): ``nn.Conv2d`` (its
    ``Z``), then the activation module (its ``A``), uninitialised in ``dtype``."""
    conv = nn.utils.skip_init(
        nn.Conv2d,
        shape[2],
        layer.filters,
        layer.f,
        stride=layer.stride,
        padding=layer.pad,
        dtype=dtype,
    )
    return nn.Sequential(conv, get_activation(layer))


def pool_block(layer: Pool, shape: Shape, dtype: torch.dtype) -> nn.Module:
    """A spec's pool layer: ``pool2d`` of its ``{"f", "stride"}`` and mode."""
    return pool2d(layer.hparameters, layer.mode)


def flatten_block(layer: Flatten, shape: Shape, dtype: torch.dtype) -> nn.Flatten:
    """A spec's flatten layer: ``nn.Flatten()``, each example's (C, H, W) in (c, h, w) order."""
    return nn.Flatten()
