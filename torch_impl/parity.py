"""Parity: the one comparison every check between the two implementations goes through, and the
one tolerance table.

``compare(quantity, a, b)`` checks shape, then dtype, then values, and returns a ``Comparison``
that names the quantity (``Z3``, ``dW2``, ``cost``) and its layer, the largest absolute and
relative difference, the entry that matters (``dW2[1, 0]``, the worst; ``cost[417]``, the step
where two curves part) and both sides' values there. ``compare_all`` does that key by key for
two dicts (``layer_internals``, parameters) in the order the network computes them, so its first
failure is where the two computations part; ``compare_training`` does it for two training runs.
``assert_parity`` turns a failure into a ``ParityError`` whose message says all of that.

What "relative" means. Two arrays agree when, for every entry,

    |a_i - b_i| <= rtol * s + atol,   s = max(max_j |a_j|, max_j |b_j|)   (the array's scale).

The scale is the array's, not the entry's: an entry of ``Z = W A + b`` summed in another order
differs by about ``n eps sum_k |W_ik A_kj|``, set by the size of the terms rather than of the
result, so an entry that cancels to nearly 0 would have an unbounded elementwise relative error
while nothing is wrong. ``atol`` covers the arrays that cancel as a whole: ``dZ[L] = A[L] - T``
when the network is right, ``db = mean(dZ)`` when the examples' gradients balance. Their error
is the round-off of terms of order 1, so a pass's ``atol`` is 50 to 250 eps: the suite feeds
both sides inputs and weights of order 1. The price: an array far smaller than 1 (the gradients
of a deep ``small_random`` network) is held to ``atol``, not to ``rtol`` of its own size; pass a
``Tolerance`` of your own for data of another scale. A training curve is compared entry by entry
(``s_t = max(|a_t|, |b_t|)``): a late, small cost must agree as closely as an early, large one,
and a cost (a sum of non-negative losses) does not cancel. Equal infinities agree; NaN never does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from scratch.training import TrainResult

FORWARD = "forward"
GRADIENT = "gradient"
CURVE = "curve"
TRAINED = "trained"
CENTRED_DIFFERENCE = "centred difference"


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """Two arrays agree when ``|a_i - b_i| <= rtol * s_i + atol`` for every i, where ``s_i`` is
    the array's scale ``max(max|a|, max|b|)``, or ``max(|a_i|, |b_i|)`` when ``elementwise``."""

    rtol: float
    atol: float = 0.0
    elementwise: bool = False

    def __str__(self) -> str:
        where = "per entry" if self.elementwise else "of the scale"
        return f"rtol {self.rtol:.0e} {where} + atol {self.atol:.0e}"


EXACT = Tolerance(0.0)

# THE tolerance table: TOLERANCES[dtype][kind]. Each bound is a measured worst case with its
# headroom (the bound over the largest share of it one comparison used), from
#     python scripts/measure_tolerances.py --networks 10000 --centred 300 --runs 100 --seed 1
# and the same with --seed 2, and the default run (seed 0): 21,000 random networks a dtype
# (0-4 hidden layers of 1-16 units, every activation, init and loss, L2 or not, m = 1-64), 800
# against centred differences, 240 random 1,000-step runs on the built-in data sets.
#
# forward (Z, A, cost of one pass) and gradient (dZ, dA, dW, db): the two sides do the same
#   arithmetic, but BLAS and torch sum matrix products in other orders and libm's exp and tanh
#   differ from torch's by an ulp. The worst cases are single examples (m = 1) through width-1
#   layers, whose few entries cancel. float64: none of 400,000 arrays outside; at most 3.0e-14
#   (forward) and 3.7e-13 (gradients) of the scale, 56x and 29x inside, and both bounds are 20
#   to 100 times inside the contract's 1e-10. float32: none of 400,000 outside; 39x and 12x.
# curve (the cost at every step) and trained (the weights after the last one): each step's
#   round-off feeds the next, and gradient descent below the edge of stability damps it. The
#   suite's runs, all stable (a test checks), agree to 4e-15 a step and in their weights in
#   float64, to 1e-6 and 2e-6 in float32: 100x or more inside these bounds. Random runs are
#   not all stable. At the edge of stability a step multiplies any difference (float64: 6 of
#   133 curves parted; of the rest, the worst came to 5e-13, 19x inside); in float32 a ReLU
#   pre-activation within round-off of 0 also takes another branch on each side, and so can the
#   exact symmetry of a `zeros` start on balanced data (16 of 155 curves parted, others came close).
#   No bound can hold for such runs between any two implementations. The `trained` atol is what
#   a weight whose gradient cancels (an output bias at the base rate) gathers over a run: about
#   steps x learning rate x eps.
# centred difference (float64 only: scratch.gradient_check always runs in float64): backprop
#   against (J(θ + ε) - J(θ - ε)) / 2ε, ε = 1e-7, whose own error is truncation O(ε² J''') plus
#   round-off O(eps |J| / ε) ~ 2e-9 |J|, so its atol is per unit of |J| (see
#   centred_difference_tolerance). None of 4,200 arrays outside; 20x inside.
TOLERANCES: dict[str, dict[str, Tolerance]] = {
    "float64": {
        FORWARD: Tolerance(1e-12, 1e-14),
        GRADIENT: Tolerance(5e-12, 5e-14),
        CURVE: Tolerance(1e-11, 1e-14, elementwise=True),
        TRAINED: Tolerance(1e-11, 1e-12),
        CENTRED_DIFFERENCE: Tolerance(1e-6, 1e-7),  # atol per unit of |J|: see above
    },
    "float32": {
        FORWARD: Tolerance(1e-3, 1e-5),
        GRADIENT: Tolerance(1e-3, 1e-5),
        CURVE: Tolerance(1e-4, 1e-5, elementwise=True),
        TRAINED: Tolerance(1e-4, 1e-4),
    },
}

# Quantity names: the keys of ``layer_internals`` and of a parameters dict, and their layer.
_QUANTITY = re.compile(r"(?P<name>cost|dZ|dA|dW|db|Z|A|W|b)(?P<layer>\d*)")
_KIND = {"Z": FORWARD, "A": FORWARD, "cost": FORWARD, "W": TRAINED, "b": TRAINED}


def _parse(quantity: str) -> tuple[str, int | None]:
    match = _QUANTITY.fullmatch(quantity)
    if match is None:
        raise ValueError(
            f"quantity {quantity!r} is not one of cost, Z<l>, A<l>, dZ<l>, dA<l>, dW<l>, db<l>, "
            "W<l>, b<l>"
        )
    return match["name"], int(match["layer"]) if match["layer"] else None


def kind_of(quantity: str) -> str:
    """The row of the tolerance table a quantity falls in when none is named: ``Z``, ``A`` and
    ``cost`` are forward, ``dZ``, ``dA``, ``dW``, ``db`` gradients, ``W``, ``b`` trained."""
    return _KIND.get(_parse(quantity)[0], GRADIENT)


def tolerance(dtype: str | np.dtype, kind: str) -> Tolerance:
    """``TOLERANCES[dtype][kind]``, with an error that lists what the table holds."""
    name = np.dtype(dtype).name
    try:
        return TOLERANCES[name][kind]
    except KeyError:
        rows = "; ".join(f"{d}: {', '.join(kinds)}" for d, kinds in TOLERANCES.items())
        raise KeyError(f"no tolerance for {name} {kind!r}; the table holds {rows}") from None


def centred_difference_tolerance(cost: float) -> Tolerance:
    """The table's centred-difference row for a network whose cost is ``J``: its ``atol`` is per
    unit of ``|J|`` (at least 1), because ``(J(θ + ε) - J(θ - ε)) / 2ε`` carries the round-off
    of J, about ``eps |J| / ε``, whatever the size of the gradient."""
    row = TOLERANCES["float64"][CENTRED_DIFFERENCE]
    return dataclasses.replace(row, atol=row.atol * max(1.0, abs(float(cost))))


@dataclasses.dataclass(frozen=True)
class Comparison:
    """One quantity on both sides. ``problem`` is ``None`` when they agree, else ``"shape"``,
    ``"dtype"`` or ``"values"``. ``max_abs`` and ``max_rel`` are the largest differences
    (relative to the scale, or per entry, as ``tolerance`` measures); ``used`` is the largest
    ``|a_i - b_i| / (rtol s_i + atol)``, the share of the tolerance taken (over 1: they differ).
    ``index`` is the entry reported, with ``values`` both sides' entries there: the one that
    takes the most of the tolerance or, in a curve (compared per entry), the first step outside
    it, where the two runs part (every later step inherits the difference)."""

    quantity: str
    kind: str
    dtype: str
    tolerance: Tolerance
    names: tuple[str, str]
    shapes: tuple[tuple[int, ...], tuple[int, ...]]
    dtypes: tuple[str, str]
    max_abs: float = float("nan")
    max_rel: float = float("nan")
    used: float = float("nan")
    index: tuple[int, ...] = ()
    values: tuple[float, float] = (float("nan"), float("nan"))
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def layer(self) -> int | None:
        """The l of ``Z3``, ``dW2``, ``dA0`` (0: the input); ``None`` for the cost."""
        return _parse(self.quantity)[1]

    @property
    def where(self) -> str:
        """The quantity and the index reported: ``dW2[1, 0]``, ``cost[417]``."""
        if not self.index:
            return self.quantity
        return f"{self.quantity}[{', '.join(map(str, self.index))}]"

    def message(self) -> str:
        """One line: what was compared, whether it agrees, by how much, where, and what the
        table allows."""
        left, right = self.names
        layer = {None: "", 0: " (layer 0, the input)"}.get(self.layer, f" (layer {self.layer})")
        head = f"{self.quantity}{layer}, {self.dtype} {self.kind}"
        if self.problem == "shape":
            return f"{head}: shape {left} {self.shapes[0]} != {right} {self.shapes[1]}"
        if self.problem == "dtype":
            return f"{head}: dtype {left} {self.dtypes[0]} != {right} {self.dtypes[1]}"
        digits = 17 if self.dtypes[0] == "float64" else 9  # enough to tell any two apart
        a, b = (f"{value:.{digits}g}" for value in self.values)
        return (
            f"{head} {'differs' if self.problem else 'agrees'}: max abs diff {self.max_abs:.3e}, "
            f"max rel diff {self.max_rel:.3e}; at {self.where}: {left} {a}, {right} {b}; "
            f"{self.used:.3g} of the tolerance at most ({self.tolerance})"
        )


class ParityError(AssertionError):
    """The two sides disagree; ``comparisons`` holds what was compared."""

    def __init__(self, message: str, comparisons: tuple[Comparison, ...] = ()):
        super().__init__(message)
        self.comparisons = comparisons


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
    same = {
        "quantity": quantity,
        "kind": kind,
        "dtype": dtype,
        "tolerance": tol,
        "names": names,
        "shapes": (a.shape, b.shape),
        "dtypes": (a.dtype.name, b.dtype.name),
    }
    if a.shape != b.shape:
        return Comparison(**same, problem="shape")
    if a.dtype != b.dtype:
        return Comparison(**same, problem="dtype")
    if a.size == 0:
        return Comparison(**same, max_abs=0.0, max_rel=0.0, used=0.0)
    a64, b64 = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()  # exact for float32
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
        furthest = np.flatnonzero(used == used.max())
        at = furthest[np.argmax(diff[furthest])]  # of those, the largest difference
    return Comparison(
        **same,
        max_abs=float(diff.max()),
        max_rel=float(rel.max()),
        used=float(used.max()),
        index=tuple(int(i) for i in np.unravel_index(at, a.shape)),
        values=(float(a64[at]), float(b64[at])),
        problem="values" if outside.size else None,
    )


def _order(quantity: str) -> tuple[int, int, int]:
    """Where a quantity is computed: the forward pass layer by layer (``W``, ``b``, ``Z``,
    ``A``), the cost, then the backward pass from layer L down (``dZ``, ``dW``, ``db``, and the
    ``dA`` of the layer before)."""
    name, layer = _parse(quantity)
    if name == "cost":
        return 1, 0, 0
    if name in ("W", "b", "Z", "A"):
        return 0, layer, ("W", "b", "Z", "A").index(name)
    if name == "dA":  # dA[l-1] comes out of layer l's backward step
        return 2, -(layer + 1), 3
    return 2, -layer, ("dZ", "dW", "db").index(name)


@dataclasses.dataclass(frozen=True)
class Comparisons:
    """Several quantities, in the order the network computes them."""

    results: tuple[Comparison, ...]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def failures(self) -> tuple[Comparison, ...]:
        return tuple(result for result in self.results if not result.ok)

    @property
    def first_failure(self) -> Comparison | None:
        """The first quantity, in computation order, where the two sides part."""
        return next(iter(self.failures), None)

    def __getitem__(self, quantity: str) -> Comparison:
        for result in self.results:
            if result.quantity == quantity:
                return result
        raise KeyError(quantity)

    def message(self) -> str:
        """The first failure in full, then every quantity that differs."""
        first = self.first_failure
        if first is None:
            return f"all {len(self.results)} quantities agree"
        every = ", ".join(result.where for result in self.failures)
        return f"the two sides part at {first.message()}\n  every quantity that differs: {every}"


def compare_all(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    *,
    kind: str | None = None,
    dtype: str | np.dtype | None = None,
    tol: Tolerance | None = None,
    names: tuple[str, str] = ("scratch", "torch"),
) -> Comparisons:
    """``compare`` every key of two dicts (``layer_internals``, parameters) in computation
    order, with ``compare``'s options. Both must hold the same keys; a key on one side only is
    a ``ParityError``."""
    only = [(names[0], sorted(a.keys() - b.keys())), (names[1], sorted(b.keys() - a.keys()))]
    if any(keys for _, keys in only):
        listed = "; ".join(f"only {name} has {', '.join(keys)}" for name, keys in only if keys)
        raise ParityError(f"the two sides hold different quantities: {listed}")
    return Comparisons(
        tuple(
            compare(key, a[key], b[key], kind=kind, dtype=dtype, tol=tol, names=names)
            for key in sorted(a, key=_order)
        )
    )


def compare_training(
    a: TrainResult,
    b: TrainResult,
    *,
    tol: Tolerance | None = None,
    names: tuple[str, str] = ("scratch", "torch"),
) -> Comparisons:
    """Two runs of the same spec: the cost at every step (``cost[t]``, entry by entry), then
    the final weights, against the spec's dtype's rows of the table, or ``tol`` for both."""
    same = {"dtype": a.spec.dtype, "names": names}
    per_step = None if tol is None else dataclasses.replace(tol, elementwise=True)
    curve = compare("cost", a.costs, b.costs, kind=CURVE, tol=per_step, **same)
    weights = compare_all(a.params, b.params, kind=TRAINED, tol=tol, **same)
    return Comparisons((curve, *weights.results))


def assert_parity(result: Comparison | Comparisons) -> None:
    """Raise ``ParityError`` with the result's message unless everything in it agrees."""
    if not result.ok:
        comparisons = result.results if isinstance(result, Comparisons) else (result,)
        raise ParityError(result.message(), comparisons)
