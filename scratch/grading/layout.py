"""Reading a learner's return value in the course's layout: a tuple of so many values, a dict
with the course's keys, a linear cache ``(A_prev, W, b)`` in that order, random initial
weights. Anything else is a ``LayoutError`` naming what was returned and what the course returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scratch.grading.causes import shape_of
from scratch.grading.findings import LayoutError
from scratch.grading.outcomes import Opaque

Array = np.ndarray
CACHE_ORDER = "a cache in another order: linear_backward unpacks A_prev, W, b = linear_cache"
SCALES = {
    "0.01": lambda n: 0.01,
    "1/sqrt(n[l-1])": lambda n: n**-0.5,
    "sqrt(2/n[l-1])": lambda n: (2 / n) ** 0.5,
}


def unpack(value: Any, names: Sequence[str], what: str) -> tuple:
    """``value`` as the tuple ``names``; ``what`` is the function's name."""
    if isinstance(value, tuple | list) and len(value) == len(names):
        return tuple(value)
    course = f"({', '.join(names)})" if len(names) > 1 else names[0]
    raise LayoutError(f"{what} returns {shape_of(value)}; the course's returns {course}")


def entry(mapping: Any, key: str, where: str) -> Any:
    if isinstance(mapping, Opaque) or not isinstance(mapping, Mapping):
        raise LayoutError(f"{where} is {shape_of(mapping)}; the course's is a dict")
    if key not in mapping:
        keys = ", ".join(map(str, mapping)) or "nothing"
        raise LayoutError(f"{where} has no {key!r} (it holds {keys})")
    return mapping[key]


def keyed(value: Any, keys: Sequence[str], where: str) -> dict[str, Any]:
    """The entries ``keys`` of the dict ``value``, keyed as the report shows them:
    ``parameters['W1']``."""
    return {f"{where}['{key}']": entry(value, key, where) for key in keys}


def scalar(value: Any, where: str) -> Array:
    """A number the course keeps as a number (week 2's ``b`` and ``db``): any size-1 value."""
    array = np.asarray(value) if not isinstance(value, Opaque) else np.array(None)
    if array.dtype.kind not in "biuf" or array.size != 1:
        raise LayoutError(f"{where} is {shape_of(value)}; the course's is a number")
    return array.reshape(())


def linear_cache(cache: Any, given: Mapping[str, Array], where: str, exact: bool = True) -> None:
    """``cache`` must be ``(A_prev, W, b)``, the arrays given (``exact``: the very values);
    the same three in another order is named as such. Each is told by its shape, and where
    shapes coincide by its values."""
    names = list(given)
    if not isinstance(cache, tuple | list) or len(cache) != 3:
        course = f"({', '.join(names)})"
        raise LayoutError(f"{where} is {shape_of(cache)}; the course's is {course}")
    found = [_which(item, given) for item in cache]
    if found != names and sorted(filter(None, found)) == sorted(names):
        shown = ", ".join(found)
        course = ", ".join(names)
        raise LayoutError(f"{where} is ({shown}); the course's is ({course})", CACHE_ORDER)
    for i, (name, item) in enumerate(zip(names, cache, strict=True)):
        if found[i] != name or (exact and not np.array_equal(item, given[name])):
            raise LayoutError(f"{where}[{i}] is not the {name} it was given ({shape_of(item)})")


def _which(item: Any, given: Mapping[str, Array]) -> str | None:
    if not isinstance(item, np.ndarray):
        return None
    same = [name for name, array in given.items() if array.shape == item.shape]
    if len(same) > 1:
        same = [name for name in same if np.allclose(item, given[name], rtol=1e-9)]
    return same[0] if same else None


def layer_cache(cache: Any, where: str) -> tuple[Any, Any]:
    """``(linear_cache, activation_cache)``: the linear cache is a tuple, the other an array."""
    first, second = unpack(cache, ("linear_cache", "activation_cache"), where)
    if isinstance(first, np.ndarray) and isinstance(second, tuple | list):
        raise LayoutError(
            f"{where} is (activation_cache, linear_cache); the course's is "
            "(linear_cache, activation_cache)",
            "a cache in another order: linear_activation_backward unpacks "
            "linear_cache, activation_cache = cache",
        )
    return first, second


def random_weights(W: Any, key: str, shape: tuple[int, int]) -> None:
    """Initial weights: of shape (n[l], n[l-1]), not all zero, rows not all equal, and (given
    enough entries to tell) of the course's scale."""
    W = np.asarray(W) if not isinstance(W, Opaque) else np.array(None)
    if W.dtype.kind not in "biuf":
        raise LayoutError(f"{key} is {shape_of(W)}; the course's is an array of shape {shape}")
    if W.shape != shape:
        cause = (
            "transposed: the course's W[l] is (n[l], n[l-1])" if W.shape == shape[::-1] else None
        )
        message = f"{key} has shape {W.shape}; the course's is (n[l], n[l-1]) = {shape}"
        raise LayoutError(message, cause)
    symmetric = (
        "every unit of the layer then computes the same thing (the symmetry is not broken); "
        "the course draws np.random.randn(n[l], n[l-1]) * 0.01"
    )
    if not W.any():
        raise LayoutError(f"{key} is all zeros", symmetric)
    if shape[0] > 1 and (W[0] == W).all():
        raise LayoutError(f"{key}'s rows are all equal", symmetric)
    if W.size < 400:
        return
    std = float(W.std())
    if not any(0.5 <= std / scale(shape[1]) <= 2 for scale in SCALES.values()):
        missing = "; is the * 0.01 missing?" if 0.8 <= std <= 1.25 else ""
        raise LayoutError(
            f"{key}'s entries have standard deviation {std:.3g}",
            f"the course draws np.random.randn(n[l], n[l-1]) * 0.01 (or, in the application, "
            f"/ np.sqrt(n[l-1])){missing}",
        )


def same(value: Any, given: Any) -> bool:
    """``value`` is ``given``: equal arrays, or a dict holding ``given``'s arrays."""
    if isinstance(given, Mapping):
        return isinstance(value, Mapping) and all(
            key in value and same(value[key], array) for key, array in given.items()
        )
    if isinstance(value, Opaque):
        return False
    try:
        return bool(np.array_equal(np.asarray(value), given))
    except (TypeError, ValueError):
        return False


def course_cache(cache: Any, given: Mapping[int, Any], names: Sequence[str], where: str) -> None:
    """``cache`` must be the tuple ``names`` (the course's order) holding ``given`` (position
    -> what it was given or returned: ``A_prev``, ``W``, a dict of parameters)."""
    course = f"({', '.join(names)})"
    if not isinstance(cache, tuple | list) or len(cache) != len(names):
        raise LayoutError(f"{where} is {shape_of(cache)}; the course's is {course}")
    for at, value in given.items():
        if not same(cache[at], value):
            raise LayoutError(
                f"{where}[{at}] is not the {names[at]} it was given or returned "
                f"({shape_of(cache[at])}); the course's {where} is {course}",
                "the backward pass unpacks the cache in that order",
            )
