"""No twin (the referee's): what a comparison of the two sides found, ``Comparison`` for one
quantity and ``Comparisons`` for several in the order the network computes them, with the
one-line messages that name the quantity, its layer, the entry and both values; and
``ParityError``, raised when they disagree. NumPy only, like the referee (``scratch.parity``)
that makes them."""

from __future__ import annotations

import dataclasses

from scratch.tolerances import Tolerance, parse_quantity


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
        return parse_quantity(self.quantity)[1]

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
