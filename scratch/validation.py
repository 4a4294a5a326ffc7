"""No torch twin (the torch side calls these very checks): checks on what a user hands in,
with errors that name the array, the layer and the value.

Shape checks are cheap and run on every call of the course functions; value checks (finiteness,
label ranges) run once where data enters (``train``, ``compute_cost``, ``predict``, ...).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from scratch.spec import NetworkSpec


def check_X(X: Any, spec: NetworkSpec, *, name: str = "X") -> None:
    """``X`` must be a 2-D array of the spec's dtype with ``spec.input_size`` rows."""
    if not isinstance(X, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(X).__name__}")
    if X.ndim != 2 or X.shape[0] != spec.input_size:
        raise ValueError(
            f"{name} has shape {X.shape}; expected (n_x, m) = ({spec.input_size}, m): one column "
            f"per example and input_size={spec.input_size} rows (features)"
        )
    if X.shape[1] < 1:
        raise ValueError(f"{name} has no examples (shape {X.shape})")
    if X.dtype != spec.dtype:
        raise TypeError(
            f"{name} is {X.dtype} but the spec's dtype is {spec.dtype}; "
            f"convert it with {name}.astype(np.{spec.dtype})"
        )


def as_input(X: Any, spec: NetworkSpec, *, name: str = "X") -> np.ndarray:
    """``X`` converted once to the spec's dtype (no copy when it already is), checked for shape
    and for NaN/inf."""
    if not isinstance(X, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(X).__name__}")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
    X = np.asarray(X, dtype=spec.dtype)
    check_X(X, spec, name=name)
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} holds {int(bad.sum())} NaN/inf value(s); the first is {X[row, col]} at "
            f"row {row}, column (example) {col}"
        )
    return X


def as_targets(Y: Any, spec: NetworkSpec, m: int, *, name: str = "Y") -> np.ndarray:
    """Targets in training form, of the spec's dtype, checked against the loss:

    - ``binary_cross_entropy``: ``Y`` (1, m) with values in [0, 1];
    - ``cross_entropy``: integer labels (1, m) in ``[0, C)``, or one-hot / probability columns
      (C, m); labels are turned into one-hot columns here;
    - ``mse``: ``Y`` (n[L], m), finite.
    """
    if not isinstance(Y, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(Y).__name__}")
    n_out = spec.layers[-1].units
    if spec.loss == "cross_entropy" and Y.shape == (1, m):
        return _one_hot(Y, n_out, name, spec.dtype)
    expected = (n_out, m)
    if Y.shape != expected:
        hint = " or (1, m) integer labels" if spec.loss == "cross_entropy" else ""
        raise ValueError(
            f"{name} has shape {Y.shape}; loss {spec.loss!r} expects {expected}{hint} "
            f"(one column per example, m={m})"
        )
    T = np.asarray(Y, dtype=spec.dtype)
    if not np.isfinite(T).all():
        raise ValueError(f"{name} holds NaN/inf values")
    if spec.loss != "mse":
        low, high = T.min(), T.max()
        if low < 0 or high > 1:
            bad = low if low < 0 else high
            raise ValueError(f"{name} holds {bad}; loss {spec.loss!r} needs targets in [0, 1]")
    if spec.loss == "cross_entropy":
        sums = T.sum(axis=0)
        col = int(np.argmax(np.abs(sums - 1)))
        if abs(sums[col] - 1) > 1e-6:
            raise ValueError(
                f"{name} column (example) {col} sums to {sums[col]}; cross-entropy targets "
                "must be one-hot (or probability) columns summing to 1"
            )
    return T


def _one_hot(labels: np.ndarray, classes: int, name: str, dtype: str) -> np.ndarray:
    values = labels.ravel()
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{name} labels must be integers, got dtype {labels.dtype}")
    if values.dtype.kind == "f" and not (
        np.isfinite(values).all() and np.array_equal(values, np.round(values))
    ):
        raise ValueError(f"{name} labels must be whole numbers (class indices)")
    index = values.astype(np.int64)
    outside = (index < 0) | (index >= classes)
    if outside.any():
        col = int(np.argmax(outside))
        raise ValueError(
            f"{name} label {index[col]} at column (example) {col} is outside [0, {classes}) "
            f"for a {classes}-class softmax output"
        )
    T = np.zeros((classes, values.size), dtype=dtype)
    T[index, np.arange(values.size)] = 1
    return T


def check_params(parameters: Any, spec: NetworkSpec, *, name: str = "parameters") -> None:
    """``parameters`` must hold exactly the spec's keys in its shapes and dtype: ``W1, b1, ...,
    WL, bL``, and for a batch-norm layer ``gamma{l}``, ``beta{l}`` (no ``b{l}``) and its state
    ``running_mean{l}``, ``running_var{l}`` (a variance >= 0)."""
    if not isinstance(parameters, Mapping):
        raise TypeError(f"{name} must be a dict of arrays, got {type(parameters).__name__}")
    shapes = spec.param_shapes() | spec.buffer_shapes()
    if parameters.keys() != shapes.keys():
        _refuse_keys(parameters, shapes, spec, name)
    for key, shape in shapes.items():
        value = parameters[key]
        if not isinstance(value, np.ndarray):
            raise TypeError(f"{name}[{key!r}] must be a NumPy array, got {type(value).__name__}")
        if value.shape != shape:
            l = int(re.fullmatch(r"\D+(\d+)", key)[1])
            layout = f"(n[{l}], n[{l - 1}])" if key[0] == "W" else f"(n[{l}], 1)"
            raise ValueError(
                f"{name}[{key!r}] has shape {value.shape}; layer {l} of the spec needs "
                f"{shape} = {layout}"
            )
        if value.dtype != spec.dtype:
            raise TypeError(
                f"{name}[{key!r}] is {value.dtype} but the spec's dtype is {spec.dtype}"
            )
        if key.startswith("running_var") and not (value >= 0).all():
            raise ValueError(f"{name}[{key!r}] holds {value.min()}: a variance is >= 0")


def _refuse_keys(parameters: Mapping, shapes: Mapping, spec: NetworkSpec, name: str) -> None:
    for l, layer in enumerate(spec.layers, start=1):
        if layer.batch_norm and f"b{l}" in parameters:
            raise ValueError(
                f"{name} give a bias b{l}, but layer {l} has batch norm, which has none: b[{l}] "
                f"would be subtracted again with the batch mean (beta{l} is its shift)"
            )
    missing = [k for k in shapes if k not in parameters]
    extra = [str(k) for k in parameters if k not in shapes]
    problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
        [f"unexpected {', '.join(extra)}"] if extra else []
    )
    state = " (the batch-norm state)" if any(k.startswith("running_") for k in missing) else ""
    raise ValueError(f"{name} do not fit the spec (L={spec.L}): {'; '.join(problems)}{state}")


def check_positive(name: str, value: Any, *, integer: bool = False) -> None:
    """A hyperparameter that must be a positive (integer) number."""
    kind = numbers.Integral if integer else numbers.Real
    if (
        not isinstance(value, kind)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value <= 0
    ):
        what = "a positive integer" if integer else "a positive finite number"
        raise ValueError(f"{name} must be {what}, got {value!r}")
