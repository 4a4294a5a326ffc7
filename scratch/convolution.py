"""Convolution, pooling and flatten layers, vectorised for the training path: the twin of
``torch_impl.convolution``. The course's names, signatures, shapes and caches
(``scratch.course.convolution`` holds its loop forms, which these are proven equal to), so a
cache of either form serves the other's backward step.

No Python loop over examples or positions: every f x f window of every example is a view of the
padded input (NumPy's ``sliding_window_view``, taken every ``stride`` rows and columns), and each
of the convolution's sums is one matrix product, the windows laid out as the rows of a matrix
(im2col) and the product handed to BLAS. A backward step sends each window's gradient back to
the entries it was taken from (``add_windows``, the adjoint of taking the windows) by one
strided sum per position (a, b) inside the window, f^2 in all: the entries at (a, b) of all the
windows are a strided view of the input in which no entry repeats. A pool's max or mean is
taken the same way, over the f^2 views. The max pool's backward step adds each window's ``dA``
at its maximum's flat index with one ``bincount``.

Max pooling's gradient at ties. The course's mask ``x == max(x)`` sends ``dA`` to every entry
that equals its window's maximum; torch's max pool sends it to one, the first in the window's
row-major order, and so do these (``np.argmax``). The two part exactly where a window holds two
or more entries equal to its maximum and its ``dA`` is not 0: there the course's ``dA_prev``
gets ``dA`` at each of the k tied entries, k ``dA`` in all, which is no derivative of the max
(its subgradients at a tie put weights >= 0 summing to 1 on the tied entries; torch's
choice, all on the first, is one of them). Real-valued inputs tie with probability 0, except
where values are equal by construction: after a ReLU, every window of dead units ties at 0. That
difference dies one step down, since ``dZ = dA_prev relu'(Z)`` and ``relu'(Z) = 0`` at each of
those entries (Z <= 0): conv, ReLU, max pool give the same ``dZ``, ``dW``, ``db`` under either
rule, and part only in the pool's ``dA_prev``. Whole-number inputs (pixel values) tie for
real, and there the gradients themselves differ. The course's own loop form keeps its mask.

Flatten. The course flattens an example's (n_H, n_W, n_C) volume in C order, h then w then c
(course 1's ``X.reshape(X.shape[0], -1).T`` of an image batch, and Keras's ``Flatten`` on the
channels-last tensors of course 4's application), into one column of the dense layers' ``(n,
m)`` layout: entry ``h n_W n_C + w n_C + c``. Torch's ``nn.Flatten`` on (m, C, H, W) takes c
then h then w: ``torch_impl.transfer`` permutes the first dense layer's columns to match.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from scratch.conv_shapes import (
    check_gradient,
    check_images,
    conv_hyperparameters,
    float_dtype,
    output_size,
    pool_hyperparameters,
)
from scratch.course.convolution import ConvCache, PoolCache, zero_pad

Array = np.ndarray


def windows(A: Array, f: int, stride: int, *, writeable: bool = False) -> Array:
    """Every f x f window of ``A`` (m, n_H, n_W, n_C) whose corner is a multiple of
    ``stride``: a view (m, n_H_out, n_W_out, f, f, n_C) with ``view[i, h, w, a, b, c] = A[i,
    h stride + a, w stride + b, c]``, each window laid out as the filters ``W`` (f, f,
    n_C_prev, n_C) are; read-only unless ``writeable`` (``add_windows`` writes through it)."""
    view = sliding_window_view(A, (f, f), axis=(1, 2), writeable=writeable)[:, ::stride, ::stride]
    return view.transpose(0, 1, 2, 4, 5, 3)


def window_positions(f: int) -> Iterator[tuple[int, int]]:
    """The positions (a, b) inside an f x f window, in row-major order."""
    return product(range(f), repeat=2)


def add_windows(G: Array, shape: tuple[int, ...], f: int, stride: int) -> Array:
    """The adjoint of ``windows``: an array of ``shape`` whose every entry is the sum of the
    entries of ``G`` (the shape of ``windows``' view) taken from it, ``out[i, h stride + a,
    w stride + b, c] += G[i, h, w, a, b, c]``, as f^2 strided sums, one per position (a, b) in
    the window: ``windows(out)[:, :, :, a, b, :]`` is a view of ``out`` in which no entry
    repeats, so each sum adds every window's (a, b) entry at once."""
    out = np.zeros(shape, G.dtype)
    target = windows(out, f, stride, writeable=True)
    for a, b in window_positions(f):
        target[:, :, :, a, b, :] += G[:, :, :, a, b, :]
    return out


def conv_forward(A_prev: Array, W: Array, b: Array, hparameters: dict) -> tuple[Array, ConvCache]:
    """The convolution layer's forward pass (a cross-correlation), as one matrix product of the
    windows of ``A_pad = zero_pad(A_prev, pad)`` and the filters:

        Z[i, h, w, c] = sum_{a, b', k} windows(A_pad)[i, h, w, a, b', k] W[a, b', k, c] + b[c].

    Shapes, hyperparameters and cache as the course's ``conv_forward``."""
    f, stride, pad = conv_hyperparameters("conv_forward", A_prev, W, b, hparameters)
    dtype = float_dtype(A_prev, W, b)
    view = windows(zero_pad(A_prev.astype(dtype, copy=False), pad), f, stride)
    Z = np.tensordot(view, W.astype(dtype, copy=False), axes=3)
    Z += b
    return Z, (A_prev, W, b, hparameters)


def conv_backward(
    dZ: Array, cache: ConvCache, *, input_grad: bool = True
) -> tuple[Array | None, Array, Array]:
    """The convolution layer's backward pass, each sum of the course's loops one product, with
    ``dZ`` as rows (one per window, m n_H n_W of n_C) and the windows of ``A_pad`` as rows of
    f f n_C_prev (im2col):

        dW[a, b', k, c] = sum_{i, h, w} windows(A_pad)[i, h, w, a, b', k] dZ[i, h, w, c],
        db[0, 0, 0, c]  = sum_{i, h, w} dZ[i, h, w, c]   (a row of ones times dZ),
        dA_pad = add_windows(G),  G[i, h, w, a, b', k] = sum_c dZ[i, h, w, c] W[a, b', k, c]
                                  (for each (a, b'), dZ times W[a, b']^T),

    and ``dA_prev`` is ``dA_pad`` without its padding. Shapes as the course's
    ``conv_backward``; no division by m. ``input_grad=False`` (beyond the course's signature,
    as ``scratch.linear_backward``'s) skips ``dA_prev``, returned as ``None``: a network's first
    layer never needs it in training."""
    A_prev, W, b, hparameters = cache
    f, stride, pad = conv_hyperparameters("conv_backward", A_prev, W, b, hparameters)
    m, n_H_prev, n_W_prev = A_prev.shape[:3]
    n_H, n_W = (output_size(n, f, stride, pad) for n in (n_H_prev, n_W_prev))
    check_gradient("conv_backward", "dZ", dZ, (m, n_H, n_W, W.shape[3]))
    dtype = float_dtype(A_prev, W, b, dZ)
    dZ, W = dZ.astype(dtype, copy=False), W.astype(dtype, copy=False)
    A_prev_pad = zero_pad(A_prev.astype(dtype, copy=False), pad)
    rows = dZ.reshape(m * n_H * n_W, -1)
    cols = windows(A_prev_pad, f, stride).reshape(len(rows), -1)
    dW = (cols.T @ rows).reshape(W.shape)
    db = (np.ones(len(rows), dtype) @ rows).reshape(1, 1, 1, -1)
    if not input_grad:
        return None, dW, db
    G = np.matmul(rows, W.transpose(0, 1, 3, 2))  # (f, f, m n_H n_W, n_C_prev)
    G = G.reshape(f, f, m, n_H, n_W, -1).transpose(2, 3, 4, 0, 1, 5)
    dA_prev_pad = add_windows(G, A_prev_pad.shape, f, stride)
    dA_prev = dA_prev_pad[:, pad : pad + n_H_prev, pad : pad + n_W_prev, :]
    return dA_prev, dW, db


def pool_forward(A_prev: Array, hparameters: dict, mode: str = "max") -> tuple[Array, PoolCache]:
    """The pooling layer's forward pass: the max (or mean) of each window of ``windows(A_prev,
    f, stride)`` over its f x f entries, taken position by position in the window (the
    ``(m, n_H, n_W, n_C)`` views of ``add_windows``). Shapes, hyperparameters and cache as the
    course's ``pool_forward``."""
    f, stride = pool_hyperparameters("pool_forward", A_prev, hparameters, mode)
    view = windows(A_prev.astype(float_dtype(A_prev), copy=False), f, stride)
    A = view[:, :, :, 0, 0, :].copy()
    combine = np.maximum if mode == "max" else np.add
    for a, b in window_positions(f):
        if a or b:
            combine(A, view[:, :, :, a, b, :], out=A)
    if mode == "average":
        A /= f * f
    return A, (A_prev, hparameters)


def pool_backward(dA: Array, cache: PoolCache, mode: str = "max") -> Array:
    """The pooling layer's backward pass:

        max:      dA_prev[first maximum of window (i, h, w, c)] += dA[i, h, w, c]
                  (torch's rule at ties, not the course's mask: see the module docstring);
        average:  dA_prev = add_windows(dA / f^2, each window's f x f entries alike).

    Shapes as the course's ``pool_backward``."""
    A_prev, hparameters = cache
    f, stride = pool_hyperparameters("pool_backward", A_prev, hparameters, mode)
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H, n_W = (output_size(n, f, stride) for n in (n_H_prev, n_W_prev))
    check_gradient("pool_backward", "dA", dA, (m, n_H, n_W, n_C))
    dtype = float_dtype(A_prev, dA)
    dA = dA.astype(dtype, copy=False)
    if mode == "average":
        spread = np.broadcast_to((dA / (f * f))[:, :, :, None, None, :], (m, n_H, n_W, f, f, n_C))
        return add_windows(spread, A_prev.shape, f, stride)
    chosen = max_positions(A_prev, f, stride)
    dA_prev = np.bincount(chosen.ravel(), weights=dA.ravel(), minlength=A_prev.size)
    return dA_prev.reshape(A_prev.shape).astype(dtype, copy=False)


def max_positions(A_prev: Array, f: int, stride: int) -> Array:
    """The entry of ``A_prev`` (m, n_H_prev, n_W_prev, n_C) that each f x f window's maximum
    takes, as a flat index into ``A_prev``, (m, n_H, n_W, 1, n_C): the first maximum in the
    window's row-major order (torch's rule at ties, as ``pool_backward`` follows)."""
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H, n_W = (output_size(n, f, stride) for n in (n_H_prev, n_W_prev))
    flat = (m, n_H, n_W, f * f, n_C)  # each window's entries in row-major order, per channel
    a, b = np.divmod(windows(A_prev, f, stride).reshape(flat).argmax(axis=3), f)
    i, h, w, c = np.ogrid[:m, :n_H, :n_W, :n_C]
    index = np.ravel_multi_index((i, h * stride + a, w * stride + b, c), A_prev.shape)
    return index[:, :, :, None, :]


def flatten_forward(A: Array) -> tuple[Array, tuple[int, ...]]:
    """Each example's (n_H, n_W, n_C) volume as one column, in C order (h, then w, then c):
    ``A`` (m, n_H, n_W, n_C) -> ``A_flat`` (n_H n_W n_C, m), the dense layers' layout, with
    ``A_flat[h n_W n_C + w n_C + c, i] = A[i, h, w, c]``; the cache is ``A``'s shape."""
    shape = check_images("flatten_forward", "A", A)
    return A.reshape(shape[0], -1).T, shape


def flatten_backward(dA_flat: Array, cache: tuple[int, ...]) -> Array:
    """The inverse reshape: ``dA_flat`` (n_H n_W n_C, m) -> ``dA`` (m, n_H, n_W, n_C)."""
    m, n_H, n_W, n_C = cache
    check_gradient("flatten_backward", "dA_flat", dA_flat, (n_H * n_W * n_C, m))
    return dA_flat.T.reshape(cache)
