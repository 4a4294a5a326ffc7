"""No twin, the referee between the two: the one comparison every check between the two
implementations goes through.
NumPy only, like its tolerance table (``scratch.tolerances``, which judges two arrays): it
imports without torch, so a NumPy-only user and ``nn-compare`` can use it.

``compare(quantity, a, b)`` checks shape, then dtype, then values, and returns a ``Comparison``
that names the quantity (``Z3``, ``dW2``, ``cost``) and its layer, the largest absolute and
relative difference, the entry that matters (``dW2[1, 0]``, the worst; ``cost[417]``, the step
where two curves part) and both sides' values there. ``compare_all`` does that key by key for
two dicts (``layer_internals``, parameters) in the order the network computes them, so its first
failure is where they part; ``compare_training`` does it for two training runs, and
``assert_parity`` turns a failure into a ``ParityError`` whose message says all of that."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from scratch.bands import mode_tolerance
from scratch.comparisons import Comparison, Comparisons, ParityError
from scratch.tolerances import (
    ADAPTIVE,
    CURVE,
    MODES,
    TRAINED,
    Tolerance,
    computation_order,
    has_batch_norm,
    kind_of,
    tolerance,
)
from scratch.training import TrainResult


def compare(
    quantity: str,
    a: Any,
    b: Any,
    *,
    kind: str | None = None,
    dtype: str | np.dtype | None = None,
    tol: Tolerance | None = None,
    names: tuple[str, str] = ("scratch", "torch"),
) -> Comparison:
    """Compare one quantity of two sides: shape, then dtype, then values.

    ``a`` and ``b`` are arrays or numbers. ``kind`` (default ``kind_of(quantity)``) and
    ``dtype`` (the network's; default ``a``'s) pick the row ``TOLERANCES[dtype][kind]``, unless
    ``tol`` is given. A cost curve is ``compare("cost", costs_a, costs_b, kind=CURVE, ...)``.
    """
    a, b = np.asarray(a), np.asarray(b)
    kind = kind or kind_of(quantity)
    dtype = np.dtype(a.dtype if dtype is None else dtype).name
    tol = tolerance(dtype, kind) if tol is None else tol
    same = {"quantity": quantity, "kind": kind, "dtype": dtype, "tolerance": tol, "names": names}
    same |= {"shapes": (a.shape, b.shape), "dtypes": (a.dtype.name, b.dtype.name)}
    if a.shape != b.shape:
        return Comparison(**same, problem="shape")
    if a.dtype != b.dtype:
        return Comparison(**same, problem="dtype")
    if a.size == 0:
        return Comparison(**same, max_abs=0.0, max_rel=0.0, used=0.0)
    a64 = a.astype(np.float64, copy=False).ravel()  # exact for float32
    b64 = b.astype(np.float64, copy=False).ravel()
    if not tol.elementwise:
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(a64 - b64)
            finite = np.isfinite(diff.sum())
        if finite:
            return _finite(same, tol, a64, b64, diff, a.shape)
    with np.errstate(invalid="ignore"):
        diff = np.where(a64 == b64, 0.0, np.abs(a64 - b64))  # equal infinities agree
    diff[np.isnan(diff)] = np.inf
    magnitude = np.fmax(np.abs(a64), np.abs(b64))
    magnitude[~np.isfinite(magnitude)] = 0.0  # an infinity or NaN gives no scale
    scale = magnitude if tol.elementwise else magnitude.max()
    allowed = tol.rtol * scale + tol.atol
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / scale)
        used = np.where(diff == 0, 0.0, diff / allowed)
    rel[np.isinf(diff)] = used[np.isinf(diff)] = np.inf  # NaN, or inf against a number
    outside = np.flatnonzero(used > 1)
    if tol.elementwise and outside.size:
        at = outside[0]
    else:
        furthest = np.flatnonzero(used == used.max())  # and of those, the largest difference
        at = furthest[np.argmax(diff[furthest])]
    return Comparison(
        **same,
        max_abs=float(diff.max()),
        max_rel=float(rel.max()),
        used=float(used.max()),
        index=tuple(int(i) for i in np.unravel_index(at, a.shape)),
        values=(float(a64[at]), float(b64[at])),
        problem="values" if outside.size else None,
    )


def _finite(
    same: dict, tol: Tolerance, a64: np.ndarray, b64: np.ndarray, diff: np.ndarray, shape: tuple
) -> Comparison:
    """``compare``'s result where every entry of both sides and of ``diff = |a - b|`` is
    finite and the tolerance is of the array's scale: the same numbers in a few passes (the
    share of the tolerance is ``diff / allowed`` with one ``allowed``, so the worst entry is the
    first of the largest difference)."""
    at = int(np.argmax(diff))
    largest = float(diff[at])
    scale = max(float(a64.max()), -float(a64.min()), float(b64.max()), -float(b64.min()))
    allowed = tol.rtol * scale + tol.atol
    used = 0.0 if largest == 0 else largest / allowed if allowed else np.inf
    return Comparison(
        **same,
        max_abs=largest,
        max_rel=largest / scale if largest else 0.0,
        used=used,
        index=tuple(int(i) for i in np.unravel_index(at, shape)),
        values=(float(a64[at]), float(b64[at])),
        problem="values" if used > 1 else None,
    )


def compare_all(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    *,
    kind: str | None = None,
    dtype: str | np.dtype | None = None,
    tol: Tolerance | None = None,
    names: tuple[str, str] = ("scratch", "torch"),
    mode: str | None = None,
) -> Comparisons:
    """``compare`` every key of two dicts (``layer_internals``, parameters) in computation
    order, with ``compare``'s options. Both must hold the same keys; a key on one side only is
    a ``ParityError``. Without ``kind``, the quantities of a network with batch norm fall in
    the table's batch-norm rows (``kind_of(key, batch_norm=True)``), and those of a pass in a
    ``mode`` of the torch side (``"compiled"``) in that mode's rows."""
    only = [(names[0], sorted(a.keys() - b.keys())), (names[1], sorted(b.keys() - a.keys()))]
    if any(keys for _, keys in only):
        listed = "; ".join(f"only {name} has {', '.join(keys)}" for name, keys in only if keys)
        raise ParityError(f"the two sides hold different quantities: {listed}")
    same = {"dtype": dtype, "tol": tol, "names": names}
    norm, suffix = has_batch_norm(a), "" if mode is None else MODES[mode]
    return Comparisons(
        tuple(
            compare(
                key, a[key], b[key], kind=kind or kind_of(key, batch_norm=norm) + suffix, **same
            )
            for key in sorted(a, key=computation_order)
        )
    )


def compare_training(
    a: TrainResult,
    b: TrainResult,
    *,
    tol: Tolerance | None = None,
    names: tuple[str, str] = ("scratch", "torch"),
    mode: str | None = None,
) -> Comparisons:
    """Two runs of the same spec: the cost at every step (``cost[t]``, entry by entry) and the
    learning rate each step used, then the final weights and the optimizer's final state,
    against the spec's dtype's rows of the table, or ``tol`` for all. A run of an adaptive
    step (RMSprop, Adam: its state holds ``s``) is held to the table's adaptive rows; ``b``
    run in a ``mode`` of the torch side (``"compiled"``, ``"bf16-mixed"``, ...) to that mode's
    rows (``mode_tolerance``: a mixed precision's band grows with the depth; the optimizer
    state keeps its plain row). Where a curve leaves its band, ``result["cost"].index`` is the
    first step outside it (``scratch.bands.first_step_outside``)."""
    same = {"dtype": a.spec.dtype, "names": names}
    per_step = None if tol is None else dataclasses.replace(tol, elementwise=True)
    adaptive = ADAPTIVE if any(key.startswith("s_") for key in a.state) else ""
    curve, trained = CURVE + adaptive, TRAINED + adaptive
    weights_tol = tol
    if mode is not None:
        if tol is None:
            per_step = mode_tolerance(a.spec.dtype, curve, mode, a.spec.L)
            weights_tol = mode_tolerance(a.spec.dtype, trained, mode, a.spec.L)
        curve, trained = curve + MODES[mode], trained + MODES[mode]
    curves = [compare("cost", a.costs, b.costs, kind=curve, tol=per_step, **same)]
    if a.learning_rates is not None and b.learning_rates is not None:
        rates = (a.learning_rates, b.learning_rates)
        curves.append(compare("learning_rate", *rates, kind=curve, tol=per_step, **same))
    weights = compare_all(a.params, b.params, kind=trained, tol=weights_tol, **same)
    state = compare_all(a.state, b.state, tol=tol, **same)
    return Comparisons((*curves, *weights.results, *state.results))


def assert_parity(result: Comparison | Comparisons) -> None:
    """Raise ``ParityError`` with the result's message unless everything in it agrees."""
    if not result.ok:
        comparisons = result.results if isinstance(result, Comparisons) else (result,)
        raise ParityError(result.message(), comparisons)
