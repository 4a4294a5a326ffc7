"""No torch twin (the torch side calls these very checks): the shapes a convolution or pooling
layer takes and gives, and the one-line refusal of arguments that cannot work, for the course's
loop forms (``scratch.course.convolution``), the vectorised forms (``scratch.convolution``) and
torch's layers built from course weights (``torch_impl.convolution``) alike.

The output size of a window of f x f moved by ``stride`` over an input of n rows padded by
``pad`` on each side is the number of window positions that fit:

    n_out = floor((n + 2 pad - f) / stride) + 1,

so the last ``(n + 2 pad - f) mod stride`` rows (and columns) of the padded input are in no
window: they get no gradient. Every message names the function, the argument and its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from scratch.rules import is_int

POOL_MODES = ("max", "average")


def output_size(n: int, f: int, stride: int, pad: int = 0) -> int:
    """``floor((n + 2 pad - f) / stride) + 1``: window positions along one axis."""
    return (n + 2 * pad - f) // stride + 1


def check_images(function: str, name: str, A: Any) -> tuple[int, int, int, int]:
    """``A`` must be a 4-D array of real numbers ``(m, n_H, n_W, n_C)``; returns its shape."""
    if not isinstance(A, np.ndarray):
        raise TypeError(f"{function}: {name} must be a NumPy array, got {type(A).__name__}")
    if A.ndim != 4 or 0 in A.shape:
        raise ValueError(
            f"{function}: {name} has shape {A.shape}; expected (m, n_H, n_W, n_C), four axes, "
            "none of them empty"
        )
    if A.dtype.kind not in "biuf":
        raise TypeError(f"{function}: {name} must hold real numbers, got dtype {A.dtype}")
    return A.shape


def float_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype a layer computes in: its inputs' common float type (float64 for integers)."""
    dtype = np.result_type(*arrays)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def integer_argument(function: str, name: str, value: Any, minimum: int) -> int:
    """``value`` must be an integer (not a bool, not ``2.0``) of at least ``minimum`` (0 or 1)."""
    if not is_int(value) or value < minimum:
        what = "a positive integer" if minimum == 1 else "a non-negative integer"
        raise ValueError(f"{function}: {name} must be {what}, got {value!r}")
    return int(value)


def hyperparameter(function: str, hparameters: Any, key: str, minimum: int) -> int:
    """``hparameters[key]``: an integer (not a bool) of at least ``minimum``."""
    if not isinstance(hparameters, Mapping):
        raise TypeError(f"{function}: hparameters must be a dict, got {type(hparameters).__name__}")
    if key not in hparameters:
        raise ValueError(f"{function}: hparameters has no {key!r} (it holds {dict(hparameters)})")
    return integer_argument(function, f"hparameters[{key!r}]", hparameters[key], minimum)


def check_window(function: str, name: str, shape: tuple[int, ...], f: int, pad: int) -> None:
    """The f x f window must fit in the padded ``n_H`` x ``n_W`` of ``shape``."""
    for axis, n in (("n_H_prev", shape[1]), ("n_W_prev", shape[2])):
        if f > n + 2 * pad:
            raise ValueError(
                f"{function}: the window f = {f} is larger than {name}'s padded {axis} "
                f"= {n} + 2 * {pad} = {n + 2 * pad}"
            )


def filter_hyperparameters(function: str, W: Any, b: Any, hparameters: Any) -> tuple[int, int, int]:
    """Check a convolution's own arguments: ``W`` (f, f, n_C_prev, n_C), ``b`` (1, 1, 1, n_C)
    and ``hparameters`` with ``stride`` >= 1 and ``pad`` >= 0; returns ``(f, stride, pad)``."""
    for name, array in (("W", W), ("b", b)):
        if not isinstance(array, np.ndarray):
            raise TypeError(f"{function}: {name} must be a NumPy array, got {type(array).__name__}")
    if W.ndim != 4 or W.shape[0] != W.shape[1] or 0 in W.shape:
        raise ValueError(
            f"{function}: W has shape {W.shape}; expected (f, f, n_C_prev, n_C), f x f filters"
        )
    if b.shape != (1, 1, 1, W.shape[3]):
        raise ValueError(
            f"{function}: b has shape {b.shape}; expected (1, 1, 1, n_C) = (1, 1, 1, {W.shape[3]})"
        )
    stride = hyperparameter(function, hparameters, "stride", 1)
    pad = hyperparameter(function, hparameters, "pad", 0)
    return W.shape[0], stride, pad


def conv_hyperparameters(
    function: str, A_prev: Any, W: Any, b: Any, hparameters: Any
) -> tuple[int, int, int]:
    """Check a convolution's arguments: ``A_prev`` (m, n_H_prev, n_W_prev, n_C_prev), the
    filters' (``filter_hyperparameters``), the same n_C_prev on both, and a window that fits;
    returns ``(f, stride, pad)``."""
    shape = check_images(function, "A_prev", A_prev)
    f, stride, pad = filter_hyperparameters(function, W, b, hparameters)
    if W.shape[2] != shape[3]:
        raise ValueError(
            f"{function}: W has shape {W.shape}, n_C_prev = {W.shape[2]} channels in, but "
            f"A_prev {shape} has n_C_prev = {shape[3]}"
        )
    check_window(function, "A_prev", shape, f, pad)
    return f, stride, pad


def pool_settings(function: str, hparameters: Any, mode: Any) -> tuple[int, int]:
    """Check a pooling layer's own arguments: ``hparameters`` with ``f`` >= 1 and ``stride``
    >= 1 (the course's pool has no padding) and ``mode`` ``"max"`` or ``"average"``; returns
    ``(f, stride)``."""
    f = hyperparameter(function, hparameters, "f", 1)
    stride = hyperparameter(function, hparameters, "stride", 1)
    if mode not in POOL_MODES:
        raise ValueError(f"{function}: mode must be 'max' or 'average', got {mode!r}")
    return f, stride


def pool_hyperparameters(
    function: str, A_prev: Any, hparameters: Any, mode: Any
) -> tuple[int, int]:
    """Check a pooling layer's arguments: ``A_prev`` (m, n_H_prev, n_W_prev, n_C), its own
    (``pool_settings``) and a window that fits; returns ``(f, stride)``."""
    shape = check_images(function, "A_prev", A_prev)
    f, stride = pool_settings(function, hparameters, mode)
    check_window(function, "A_prev", shape, f, 0)
    return f, stride


def check_gradient(function: str, name: str, gradient: Any, expected: tuple[int, ...]) -> None:
    """A backward step's incoming gradient must have its forward output's shape."""
    if not isinstance(gradient, np.ndarray):
        raise TypeError(f"{function}: {name} must be a NumPy array, got {type(gradient).__name__}")
    if gradient.shape != expected:
        raise ValueError(
            f"{function}: {name} has shape {gradient.shape}; the forward pass's output "
            f"(its cache's) has shape {expected}"
        )
