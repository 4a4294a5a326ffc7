"""No torch twin (``torch_impl.convolution`` is the twin of the vectorised forms): the course's
functions of "Convolutional Model: Step by Step" (course 4, week 1), in the assignment's names,
signatures, shapes and caches, written as its loops: the reference the vectorised forms
(``scratch.convolution``) and torch's layers are proven against.

Images are ``(m, n_H, n_W, n_C)``, one example per index of the first axis; a layer's filters
``W`` are ``(f, f, n_C_prev, n_C)`` and its biases ``b`` ``(1, 1, 1, n_C)``. A learner's calls
work as in the notebook::

    Z, cache = conv_forward(A_prev, W, b, {"stride": 2, "pad": 1})
    A, cache = pool_forward(A_prev, {"f": 2, "stride": 2}, mode="average")

Arguments that cannot work (a window larger than its padded input, a stride that is not a
positive integer, ``W`` whose n_C_prev is not ``A_prev``'s) are refused with one line naming the
function, the argument and its value (``scratch.conv_shapes``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.conv_shapes import (
    check_gradient,
    check_images,
    conv_hyperparameters,
    float_dtype,
    integer_argument,
    output_size,
    pool_hyperparameters,
)

Array = np.ndarray
ConvCache = tuple[Array, Array, Array, dict[str, Any]]
PoolCache = tuple[Array, dict[str, Any]]


def zero_pad(X: Array, pad: int) -> Array:
    """Pad every image of ``X`` (m, n_H, n_W, n_C) with ``pad`` rows and columns of zeros on
    each side: ``X_pad`` (m, n_H + 2 pad, n_W + 2 pad, n_C), ``X_pad[:, pad:pad + n_H,
    pad:pad + n_W, :] = X``; the examples and channels are not padded."""
    check_images("zero_pad", "X", X)
    pad = integer_argument("zero_pad", "pad", pad, 0)
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)


def conv_single_step(a_slice_prev: Array, W: Array, b: Array) -> np.floating:
    """One filter on one window: ``Z = sum(a_slice_prev * W) + b``, the entries of the
    (f, f, n_C_prev) window times the filter's, summed, plus the filter's bias ``b`` (1, 1, 1);
    returns a scalar."""
    if a_slice_prev.shape != W.shape:
        raise ValueError(
            f"conv_single_step: a_slice_prev has shape {a_slice_prev.shape} but W has shape "
            f"{W.shape}; both are (f, f, n_C_prev)"
        )
    s = a_slice_prev * W
    Z = np.sum(s)
    Z = Z + b.item()  # b holds one number: Z stays a scalar
    return Z


def conv_forward(A_prev: Array, W: Array, b: Array, hparameters: dict) -> tuple[Array, ConvCache]:
    """The convolution layer's forward pass, a cross-correlation (the filter is not flipped):

        Z[i, h, w, c] = sum_{a, b' < f, k < n_C_prev} A_pad[i, h s + a, w s + b', k] W[a, b', k, c]
                        + b[0, 0, 0, c],

    with ``A_pad = zero_pad(A_prev, pad)`` and ``s = stride``. ``A_prev`` (m, n_H_prev,
    n_W_prev, n_C_prev), ``W`` (f, f, n_C_prev, n_C), ``b`` (1, 1, 1, n_C), ``hparameters``
    ``{"stride": s, "pad": pad}``. Returns ``Z`` (m, n_H, n_W, n_C), ``n_H = floor((n_H_prev +
    2 pad - f) / s) + 1`` (and ``n_W`` alike), and the cache ``(A_prev, W, b, hparameters)``."""
    f, stride, pad = conv_hyperparameters("conv_forward", A_prev, W, b, hparameters)
    (m, n_H_prev, n_W_prev) = A_prev.shape[:3]
    n_C = W.shape[3]
    n_H = output_size(n_H_prev, f, stride, pad)
    n_W = output_size(n_W_prev, f, stride, pad)
    Z = np.zeros((m, n_H, n_W, n_C), dtype=float_dtype(A_prev, W, b))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    cache = (A_prev, W, b, hparameters)
    return Z, cache


def conv_backward(dZ: Array, cache: ConvCache) -> tuple[Array, Array, Array]:
    """The convolution layer's backward pass, from ``dZ`` (m, n_H, n_W, n_C), the gradient of
    the cost with respect to ``Z``. Every use of an entry in the forward sum sends its share
    back, so each gradient sums over the windows it was in:

        dA_pad[i, h s + a, w s + b', k] += W[a, b', k, c] dZ[i, h, w, c]   for every i, h, w, c,
        dW[a, b', k, c] = sum_{i, h, w} A_pad[i, h s + a, w s + b', k] dZ[i, h, w, c],
        db[0, 0, 0, c]  = sum_{i, h, w} dZ[i, h, w, c],

    and ``dA_prev`` is ``dA_pad`` with its padding removed. No division by m: ``dZ`` already is
    the cost's gradient. Returns ``dA_prev``, ``dW``, ``db`` in the shapes of ``A_prev``, ``W``
    and ``b``."""
    (A_prev, W, b, hparameters) = cache
    f, stride, pad = conv_hyperparameters("conv_backward", A_prev, W, b, hparameters)
    (m, n_H_prev, n_W_prev) = A_prev.shape[:3]
    n_C = W.shape[3]
    n_H = output_size(n_H_prev, f, stride, pad)
    n_W = output_size(n_W_prev, f, stride, pad)
    check_gradient("conv_backward", "dZ", dZ, (m, n_H, n_W, n_C))
    dtype = float_dtype(A_prev, W, b, dZ)
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = np.zeros(A_prev_pad.shape, dtype=dtype)
    dW = np.zeros(W.shape, dtype=dtype)
    db = np.zeros(b.shape, dtype=dtype)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                for c in range(n_C):
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += (
                        W[:, :, :, c] * dZ[i, h, w, c]
                    )
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad : pad + n_H_prev, pad : pad + n_W_prev, :]
    return dA_prev, dW, db


def pool_forward(A_prev: Array, hparameters: dict, mode: str = "max") -> tuple[Array, PoolCache]:
    """The pooling layer's forward pass, channel by channel, without padding:

        A[i, h, w, c] = max (or mean) over a, b' < f of A_prev[i, h s + a, w s + b', c].

    ``A_prev`` (m, n_H_prev, n_W_prev, n_C), ``hparameters`` ``{"f": f, "stride": s}``,
    ``mode`` ``"max"`` or ``"average"``. Returns ``A`` (m, n_H, n_W, n_C), ``n_H = floor((n_H_prev
    - f) / s) + 1``, and the cache ``(A_prev, hparameters)``."""
    f, stride = pool_hyperparameters("pool_forward", A_prev, hparameters, mode)
    (m, n_H_prev, n_W_prev, n_C) = A_prev.shape
    n_H = output_size(n_H_prev, f, stride)
    n_W = output_size(n_W_prev, f, stride)
    A = np.zeros((m, n_H, n_W, n_C), dtype=float_dtype(A_prev))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_prev_slice)
                    else:
                        A[i, h, w, c] = np.mean(a_prev_slice)
    cache = (A_prev, hparameters)
    return A, cache


def create_mask_from_window(x: Array) -> Array:
    """``mask = (x == max(x))``: True at the window's maximum, and at every entry that ties
    with it (the course's rule; torch's max pool passes the gradient to one of them)."""
    mask = x == np.max(x)
    return mask


def distribute_value(dz: float, shape: tuple[int, int]) -> Array:
    """Spread ``dz`` evenly over an (n_H, n_W) window: every entry ``dz / (n_H n_W)``, the
    gradient of the window's mean."""
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)
    a = np.full(shape, average)
    return a


def pool_backward(dA: Array, cache: PoolCache, mode: str = "max") -> Array:
    """The pooling layer's backward pass, from ``dA`` (m, n_H, n_W, n_C), the gradient of the
    cost with respect to its output, summed over the windows each entry is in:

        max:      dA_prev[i, h s + a, w s + b', c] += dA[i, h, w, c] mask[a, b'],
                  mask = create_mask_from_window(window): every entry equal to the maximum;
        average:  dA_prev[i, h s + a, w s + b', c] += dA[i, h, w, c] / f^2.

    Returns ``dA_prev`` in the shape of ``A_prev``."""
    (A_prev, hparameters) = cache
    f, stride = pool_hyperparameters("pool_backward", A_prev, hparameters, mode)
    (m, n_H_prev, n_W_prev, n_C) = A_prev.shape
    n_H = output_size(n_H_prev, f, stride)
    n_W = output_size(n_W_prev, f, stride)
    check_gradient("pool_backward", "dA", dA, (m, n_H, n_W, n_C))
    dA_prev = np.zeros(A_prev.shape, dtype=float_dtype(A_prev, dA))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    window = (i, slice(vert_start, vert_end), slice(horiz_start, horiz_end), c)
                    if mode == "max":
                        a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[window] += mask * dA[i, h, w, c]
                    else:
                        da = dA[i, h, w, c]
                        dA_prev[window] += distribute_value(da, (f, f))
    return dA_prev
