"""No torch twin: the number rules every check of the scratch side applies. A count (a size, a
step, a seed) is an integer of any integer type and never a bool; a real setting is a finite
number and never a bool; a checked field is kept as a plain Python number, so that it writes to
JSON and reads back as the same value."""

from __future__ import annotations

import math
import numbers
from typing import Any


def is_int(value: Any) -> bool:
    """An integer, and not a bool (``True`` is not a layer size)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_finite_real(value: Any) -> bool:
    """A finite real number, and not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_count(
    name: str, value: Any, minimum: int = 0, error: type[Exception] = ValueError
) -> int:
    """The one rule for every count (sizes, steps, seeds): an integer of any type (``np.int64(3)``
    as well as ``3``; not a bool, not ``3.0``) of at least ``minimum``, returned as a plain
    ``int``; otherwise ``error`` naming ``name`` and the value."""
    if not is_int(value) or value < minimum:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        raise error(f"{name} must be {what}, got {value!r}")
    return int(value)


def plain_numbers(obj: Any, names: tuple[str, ...]) -> None:
    """Set the fields ``names`` of a frozen dataclass ``obj`` that hold NumPy numbers to plain
    Python ones (``np.int64(4)`` to ``4``), so its JSON writes and reads back as the same value.
    Runs after the checks, on values they accepted."""
    for name in names:
        value = getattr(obj, name)
        if is_int(value):
            object.__setattr__(obj, name, int(value))
        elif is_finite_real(value):
            object.__setattr__(obj, name, float(value))
