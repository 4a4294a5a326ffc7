"""What travels between nn-check and its child process (``scripts.learner.child``): a learner's
return value made plain data (``portable``; ``scripts.learner.wire`` carries it), and large arrays
sent once.

An array of a megabyte or more (the assignment's 12288 x 209 inputs) goes to the child once and
is named by a ``Shared`` key after that; each call gets a fresh copy of it, so the stored one
stays as sent, and a returned array that is that copy, unchanged (a cache holding ``A_prev``),
comes back as its key instead of its bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch.grading.outcomes import Change, Failure, Loaded, Opaque, Output, Result, Stopped

MAX_DEPTH = 6
MAX_ITEMS = 10_000  # items in one list or dict


@dataclass(frozen=True)
class Shared:
    """A large array that travels once: ``key`` names it in the child's store, and a call's
    value that is that very array, unchanged, travels back as this too."""

    key: int


# the records a message may hold (``scripts.learner.wire``): the outcomes, and ``Shared``
RECORDS = {
    cls.__name__: cls for cls in (Change, Failure, Loaded, Opaque, Output, Result, Stopped, Shared)
}


def replace(value: Any, kind: type, how: Any) -> Any:
    """``value`` with every ``kind`` in it, through tuples, lists and dicts, replaced by
    ``how(item)``."""
    if isinstance(value, kind):
        return how(value)
    if isinstance(value, list | tuple):
        items = [replace(item, kind, how) for item in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {key: replace(item, kind, how) for key, item in value.items()}
    return value


def shared_copy(store: dict[int, np.ndarray], given: dict[int, int], shared: Shared) -> np.ndarray:
    """A fresh copy of the stored array ``shared`` names, for one call; ``given`` remembers
    which copy came from which key."""
    array = store[shared.key].copy()  # the learner's own: the store's stays as sent
    given[id(array)] = shared.key
    return array


def shared_key(store: dict, given: dict[int, int], array: np.ndarray) -> Any:
    """A returned array as its ``Shared`` key when it is a call's copy, unchanged."""
    key = given.get(id(array))
    if key is not None and np.array_equal(array, store[key], equal_nan=True):
        return Shared(key)
    return array


def portable(value: Any, depth: int = 0) -> Any:
    """``value`` as plain data that travels (``scripts.learner.wire``): numbers, NumPy arrays
    and scalars of numbers, strings, and lists, tuples and dicts of them, each of its exact
    built-in type (a subclass of one is converted); anything else an ``Opaque``. Runs in the
    learner's process, where their objects' methods may run."""
    if value is None or type(value) in (bool, int, float, complex, str):
        return value
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype.kind in "biufc":
            return np.asarray(value) if isinstance(value, np.ndarray) else value
        return Opaque(f"array of dtype {value.dtype}", repr(value)[:80])
    for kind in (bool, int, float, complex, str):
        if isinstance(value, kind):
            return kind(value)
    if depth < MAX_DEPTH and isinstance(value, list | tuple):
        items = [portable(item, depth + 1) for item in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            return Opaque(type(value).__name__, f"{len(value)} items, more than nn-check reads")
        return items if isinstance(value, list) else tuple(items)
    if depth < MAX_DEPTH and isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return Opaque(type(value).__name__, f"{len(value)} items, more than nn-check reads")
        return {_key(key): portable(item, depth + 1) for key, item in value.items()}
    return Opaque(type(value).__name__, repr(value)[:80])


def _key(key: Any) -> Any:
    plain = portable(key, MAX_DEPTH)
    return plain if not isinstance(plain, np.ndarray) else Opaque("ndarray", repr(key)[:80])
