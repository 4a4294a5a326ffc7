"""What travels between nn-check and its child process (``scripts.learner.child``): a learner's
return value made portable, and large arrays sent once.

An array of a megabyte or more (the assignment's 12288 x 209 inputs) goes to the child once and
is named by a ``Shared`` key after that; each call gets a fresh copy of it, so the stored one
stays as sent, and a returned array that is that copy, unchanged (a cache holding ``A_prev``),
comes back as its key instead of its bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from scratch.grading.outcomes import Opaque

MAX_DEPTH = 6


@dataclass(frozen=True)
class Shared:
    """A large array that travels once: ``key`` names it in the child's store, and a call's
    value that is that very array, unchanged, travels back as this too."""

    key: int


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
    """``value`` as the parent can read it: numbers, arrays, strings and containers of them;
    anything else an ``Opaque``."""
    if isinstance(value, np.ndarray | np.generic | int | float | complex | str | type(None)):
        return value
    if depth < MAX_DEPTH and isinstance(value, list | tuple):
        items = [portable(item, depth + 1) for item in value]
        return items if isinstance(value, list) else tuple(items)
    if depth < MAX_DEPTH and isinstance(value, dict):
        return {key: portable(item, depth + 1) for key, item in value.items()}
    return Opaque(type(value).__name__, repr(value)[:80])
