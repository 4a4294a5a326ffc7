"""No torch twin (the torch side calls these very checks): checks on what a user hands in,
with errors that name the array, the layer and the value.

Shape checks are cheap and run on every call of the course functions; value checks (finiteness,
label ranges) run once where data enters (``train``, ``compute_cost``, ``predict``, ...).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from scratch.batches import count_examples
from scratch.losses import PAD
from scratch.memory import check_allocation
from scratch.rules import is_finite_real
from scratch.spec import NetworkSpec, is_buffer


def check_spec(spec: Any) -> None:
    """``spec`` must be a ``NetworkSpec`` (a dict is a spec file's contents, not yet a spec)."""
    if not isinstance(spec, NetworkSpec):
        hint = "; build one with NetworkSpec.from_dict(...)" if isinstance(spec, Mapping) else ""
        raise TypeError(f"spec must be a NetworkSpec, got {type(spec).__name__}{hint}")


@contextmanager
def named_by(function: str) -> Iterator[None]:
    """The checks made inside, their ``ValueError`` or ``TypeError`` prefixed by ``function``
    (``update_lr: epoch_num must be ...``): a learner calls the course's functions by hand, and
    the one line says which call it was."""
    try:
        yield
    except (ValueError, TypeError) as err:
        raise type(err)(f"{function}: {err}") from None


def check_finite(name: str, value: np.ndarray, what: str, where: str = "") -> None:
    """Every entry of ``value`` finite; otherwise the first NaN/inf, named by its index (after
    ``where``, the collection ``name`` is in)."""
    if np.isfinite(value).all():
        return
    bad = ~np.isfinite(value)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    count = int(bad.sum())
    raise ValueError(
        f"{where}{name}[{', '.join(map(str, index))}] is {value[index]}: {what} must be finite "
        f"({count} NaN/inf entr{'y' if count == 1 else 'ies'} in {name})"
    )


def check_X(X: Any, spec: NetworkSpec, *, name: str = "X") -> None:
    """``X`` must be a 2-D array of the spec's dtype with ``spec.input_size`` rows, or for a
    network of images (m, n_H, n_W, n_C) with the spec's ``input_shape``, or for a recurrent
    network sequences (n_x, m, T_x) of ``input_size`` features a step, T_x >= 1."""
    check_spec(spec)
    if not isinstance(X, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(X).__name__}")
    if spec.sequences:
        if X.ndim != 3 or X.shape[0] != spec.input_size or X.shape[2] < 1:
            raise ValueError(
                f"{name} has shape {X.shape}; expected sequences (n_x, m, T_x) = "
                f"({spec.input_size}, m, T_x): input_size={spec.input_size} features at each of "
                f"T_x >= 1 steps of each of m examples"
            )
    elif spec.images:
        if X.shape[1:] != spec.input_shape or X.ndim != 4:
            n_H, n_W, n_C = spec.input_shape
            raise ValueError(
                f"{name} has shape {X.shape}; expected images (m, n_H, n_W, n_C) = (m, {n_H}, "
                f"{n_W}, {n_C}): one per example, the spec's input_shape after the examples' axis"
            )
    elif X.ndim != 2 or X.shape[0] != spec.input_size:
        raise ValueError(
            f"{name} has shape {X.shape}; expected (n_x, m) = ({spec.input_size}, m): one column "
            f"per example and input_size={spec.input_size} rows (features)"
        )
    if count_examples(X) < 1:
        raise ValueError(f"{name} has no examples (shape {X.shape})")
    if X.dtype != spec.dtype:
        raise TypeError(
            f"{name} is {X.dtype} but the spec's dtype is {spec.dtype}; "
            f"convert it with {name}.astype(np.{spec.dtype})"
        )


def check_real(array: np.ndarray, name: str) -> None:
    """``array`` must hold real numbers (or bools): not complex, text or Python objects."""
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")


def as_input(X: Any, spec: NetworkSpec, *, name: str = "X") -> np.ndarray:
    """``X`` converted once to the spec's dtype (no copy when it already is), checked for shape
    and for NaN/inf."""
    check_spec(spec)
    if not isinstance(X, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(X).__name__}")
    check_real(X, name)
    if X.dtype != spec.dtype:  # a copy: 8 bytes an entry from a uint8 image's 1
        check_allocation(
            f"{name} in {spec.dtype} {X.shape}", X.size * np.dtype(spec.dtype).itemsize
        )
    X = np.asarray(X, dtype=spec.dtype)
    check_X(X, spec, name=name)
    bad = ~np.isfinite(X)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = (
            f"{name}[{', '.join(map(str, index))}] (example {index[0]})"
            if spec.images
            else f"{name}[{', '.join(map(str, index))}] (example {index[1]}, step {index[2]})"
            if spec.sequences
            else f"row {index[0]}, column (example) {index[1]}"
        )
        raise ValueError(
            f"{name} holds {int(bad.sum())} NaN/inf value(s); the first is {X[index]} at {where}"
        )
    return X


def as_targets(Y: Any, spec: NetworkSpec, m: int, *, name: str = "Y") -> np.ndarray:
    """Targets in training form, of the spec's dtype, checked against the loss:

    - ``binary_cross_entropy``: ``Y`` (1, m) with values in [0, 1];
    - ``cross_entropy``: integer labels (1, m) in ``[0, C)``, or one-hot / probability columns
      (C, m); labels are turned into one-hot columns here;
    - ``mse``: ``Y`` (n[L], m), finite, and small enough that the summed squared error of the
      targets, ``sum Y^2 <= Y.size max |Y|^2``, stays within the dtype's range;
    - a recurrent network: labels ``Y`` (1, m, T_x), each in [0, n_y) or ``PAD`` (-1) after
      its sequence's end, returned as int64 (``_sequence_labels``).
    """
    check_spec(spec)
    if not isinstance(Y, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(Y).__name__}")
    check_real(Y, name)
    n_out = spec.layers[-1].units
    if spec.sequences:
        return _sequence_labels(Y, n_out, m, name)
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
    check_finite(name, T, "the targets")
    if spec.loss == "mse":
        _check_squares(name, T)
    else:
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


def _sequence_labels(Y: np.ndarray, classes: int, m: int, name: str) -> np.ndarray:
    """A recurrent network's targets: ``Y`` (1, m, T_x) whole numbers, each a class in [0,
    ``classes``) or ``PAD`` (-1), the padding after a sequence's end, which ends it: a label
    after a ``PAD`` would read a state run on through the padding. Every sequence has a label at
    its first step. Returned as int64."""
    if Y.ndim != 3 or Y.shape[:2] != (1, m):
        raise ValueError(
            f"{name} has shape {Y.shape}; a recurrent network takes labels (1, m, T_x) = (1, {m}, "
            "T_x): a class at every step of each of the m sequences, -1 after its end"
        )
    if Y.dtype.kind == "f" and not (np.isfinite(Y).all() and np.array_equal(Y, np.round(Y))):
        raise ValueError(f"{name} labels must be whole numbers (class indices, -1 for padding)")
    labels = Y.astype(np.int64)
    outside = (labels < PAD) | (labels >= classes)
    if outside.any():
        _, i, t = (int(k) for k in np.argwhere(outside)[0])
        raise ValueError(
            f"{name}[0, {i}, {t}] is {Y[0, i, t]}: outside [0, {classes}) for a {classes}-class "
            f"softmax output (and not {PAD}, padding)"
        )
    padded = labels[0] == PAD
    resumed = padded[:, :-1] & ~padded[:, 1:]
    if resumed.any():
        i, t = (int(k) for k in np.argwhere(resumed)[0])
        raise ValueError(
            f"{name}[0, {i}, {t + 1}] is a label after padding at step {t}: padding ({PAD}) "
            "ends a sequence; put each sequence's steps first"
        )
    if padded[:, 0].any():
        i = int(np.argmax(padded[:, 0]))
        raise ValueError(f"{name}[0, {i}, 0] is {PAD}: sequence {i} has no step with a label")
    return labels


def _check_squares(name: str, T: np.ndarray) -> None:
    limit = math.sqrt(float(np.finfo(T.dtype).max) / T.size)
    index = np.unravel_index(int(np.argmax(np.abs(T))), T.shape)
    if abs(float(T[index])) > limit:
        where = ", ".join(str(int(i)) for i in index)
        raise ValueError(
            f"{name}[{where}] is {T[index]:g}: the squared error of targets this large overflows "
            f"{T.dtype} (loss 'mse' on {T.size} target(s) needs every |{name}| <= {limit:.3g})"
        )


def _one_hot(labels: np.ndarray, classes: int, name: str, dtype: str) -> np.ndarray:
    values = labels.ravel()
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{name} labels must be integers, got dtype {labels.dtype}")
    if values.dtype.kind == "f" and not (
        np.isfinite(values).all() and np.array_equal(values, np.round(values))
    ):
        raise ValueError(f"{name} labels must be whole numbers (class indices)")
    outside = (values < 0) | (values >= classes)  # in the labels' own type: no wrap-around
    if outside.any():
        col = int(np.argmax(outside))
        raise ValueError(
            f"{name} label {values[col]} at column (example) {col} is outside [0, {classes}) "
            f"for a {classes}-class softmax output"
        )
    index = values.astype(np.int64)
    entries = classes * values.size
    what = f"{name}'s one-hot targets ({classes} classes x {values.size} examples, {dtype}"
    what += f"; its largest label {index.max()})"
    check_allocation(what, entries * np.dtype(dtype).itemsize)
    T = np.zeros((classes, values.size), dtype=dtype)
    T[index, np.arange(values.size)] = 1
    return T


def check_params(
    parameters: Any, spec: NetworkSpec, *, name: str = "parameters", finite: bool = True
) -> None:
    """``parameters`` must hold exactly the spec's keys in its shapes and dtype: ``W1, b1, ...,
    WL, bL``, and for a batch-norm layer ``gamma{l}``, ``beta{l}`` (no ``b{l}``) and its state
    ``running_mean{l}``, ``running_var{l}`` (a variance >= 0); with ``finite``, every entry
    finite (a pass over every entry: the course functions' per-call check leaves it out)."""
    check_spec(spec)
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
            raise ValueError(
                f"{name}[{key!r}] has shape {value.shape}; layer {spec.parameter_layer(key)} of "
                f"the spec needs {shape} = {spec.layout(key)}"
            )
        if value.dtype != spec.dtype:
            raise TypeError(
                f"{name}[{key!r}] is {value.dtype} but the spec's dtype is {spec.dtype}"
            )
        if finite:
            check_finite(key, value, "the weights", where=f"{name}: ")
        if key.startswith("running_var") and not (value >= 0).all():
            raise ValueError(f"{name}[{key!r}] holds {value.min()}: a variance is >= 0")


def check_grads(parameters: Any, grads: Any) -> None:
    """``grads`` must hold ``d{key}``, shaped like it, for every learned array of ``parameters``
    (shapes only: cheap enough for every step of the course's update functions)."""
    check_arrays("parameters", parameters)
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    for key, value in parameters.items():
        if is_buffer(key):
            continue
        grad = grads.get(f"d{key}")
        if grad is None:
            raise ValueError(
                f"grads has no 'd{key}' for parameters[{key!r}] (it holds "
                f"{', '.join(map(str, grads)) or 'nothing'})"
            )
        if not isinstance(grad, np.ndarray):
            kind = type(grad).__name__
            raise TypeError(f"grads['d{key}'] must be a NumPy array, got {kind}")
        if grad.shape != value.shape:
            raise ValueError(
                f"grads['d{key}'] has shape {np.shape(grad)}; parameters[{key!r}] is {value.shape}"
            )


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


def check_positive(name: str, value: Any) -> None:
    """A hyperparameter that must be a positive finite number (a count: ``check_count``)."""
    if not is_finite_real(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def check_non_negative(name: str, value: Any) -> None:
    """A hyperparameter that must be a finite number >= 0 (an L2 strength, a decay rate)."""
    if not is_finite_real(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def check_decay(name: str, value: Any) -> None:
    """The weight ``beta`` of an exponential average ``beta v + (1 - beta) x``: in [0, 1), since
    ``beta = 1`` never lets a gradient in (and Adam's correction ``1 - beta^t`` divides by 0)."""
    if not is_finite_real(value) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")


def check_array(name: str, value: Any, ndim: int = 2) -> np.ndarray:
    """``value`` must be a NumPy array of real numbers with ``ndim`` axes; returned as is."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(value).__name__}")
    check_real(value, name)
    if value.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {value.shape}")
    return value


def kind_of(value: Any) -> str:
    """What a cache-like ``value`` is, for an error: ``a tuple of 3``, ``list of 2``, ``dict``."""
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__


def check_arrays(name: str, value: Any) -> None:
    """``value`` must be a dict of NumPy arrays (``parameters``, ``grads``, ``v``)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict of arrays, got {type(value).__name__}")
    for key, item in value.items():
        if not isinstance(item, np.ndarray):
            raise TypeError(f"{name}[{key!r}] must be a NumPy array, got {type(item).__name__}")
