"""What a settings field's annotation and ``kind`` mean to the parser: the jsonargparse type of
one value, and the words an error uses for it ("a positive integer", "a list of strings")."""

from __future__ import annotations

import types
import typing
from typing import Any, NamedTuple, Optional, Union

from jsonargparse.typing import (
    NonNegativeInt,
    OpenUnitInterval,
    PositiveInt,
    restricted_number_type,
)

INF = float("inf")
FinitePositive = restricted_number_type("FinitePositive", float, [(">", 0), ("<", INF)])
FiniteNonNegative = restricted_number_type("FiniteNonNegative", float, [(">=", 0), ("<", INF)])
Decay = restricted_number_type("Decay", float, [(">=", 0), ("<", 1)])
Keep = restricted_number_type("Keep", float, [(">", 0), ("<=", 1)])
MAX_SECONDS = 86400.0  # a day: a wait any clock and select() can hold
Seconds = restricted_number_type("Seconds", float, [(">", 0), ("<=", MAX_SECONDS)])
# kind -> (jsonargparse type, what one value means, what several mean)
KINDS: dict[str, tuple[Any, str, str]] = {
    "count": (PositiveInt, "a positive integer", "positive integers"),
    "seed": (NonNegativeInt, "an integer >= 0", "integers >= 0"),
    "label": (NonNegativeInt, "a class label (an integer >= 0)", "class labels (integers >= 0)"),
    "rate": (FinitePositive, "a positive number", "positive numbers"),
    "nonnegative": (FiniteNonNegative, "a number >= 0", "numbers >= 0"),
    "fraction": (OpenUnitInterval, "a number between 0 and 1", "numbers between 0 and 1"),
    "decay": (Decay, "a number in [0, 1)", "numbers in [0, 1)"),
    "keep": (Keep, "a number in (0, 1]", "numbers in (0, 1]"),
    "seconds": (Seconds, "a number of seconds in (0, 86400]", "numbers of seconds in (0, 86400]"),
}
PLAIN: dict[Any, tuple[str, str]] = {
    int: ("an integer", "integers"),
    float: ("a number", "numbers"),
    str: ("a string", "strings"),
    dict: ("a mapping", "mappings"),
}
METAVARS = {
    "count": "N",
    "seed": "N",
    "label": "N",
    "rate": "X",
    "nonnegative": "X",
    "fraction": "X",
    "decay": "X",
    "keep": "P",
    "seconds": "S",
}
UNIONS = (Union, types.UnionType)


class Typed(NamedTuple):
    """A field as the parser sees it: the type of one value and what it means in words;
    ``several``: the flag takes one or more (``scalar_ok``: a lone value stays one value)."""

    one: Any
    means: str
    optional: bool
    several: bool = False
    scalar_ok: bool = False


def typed(hint: Any, kind: str | None) -> Typed:
    """How ``parse_settings`` reads a field annotated ``hint`` (``int``, ``list[int] | None``,
    ``str | list[str] | None``, ``str | dict | None``) of ``kind``."""
    args = typing.get_args(hint) if typing.get_origin(hint) in UNIONS else (hint,)
    optional = type(None) in args
    others = [arg for arg in args if arg is not type(None)]
    lists = [typing.get_args(arg)[0] for arg in others if typing.get_origin(arg) is list]
    scalars = [arg for arg in others if typing.get_origin(arg) is not list]
    if len(lists) == 1 and scalars in ([], lists):
        one, several, scalar_ok = lists[0], True, bool(scalars)
    elif len(others) == 1:
        one, several, scalar_ok = others[0], False, False
    else:  # a choice of types: a spec file, or its fields
        means = " or ".join(PLAIN.get(arg, (arg.__name__,))[0] for arg in others)
        return Typed(hint, means, optional)
    if kind is not None:
        one, means, plural = KINDS[kind]
    else:
        means, plural = PLAIN.get(one, ("valid", "valid values"))
    if several:
        means = f"{means} or a list of {plural}" if scalar_ok else f"a list of {plural}"
    one = Optional[one] if optional and not several else one  # noqa: UP045
    return Typed(one, means, optional, several, scalar_ok)


def plain(value: Any) -> Any:
    """jsonargparse's restricted numbers (``PositiveInt(3)``) as Python's own, for YAML."""
    if isinstance(value, bool) or value is None:
        return value
    for base in (int, float, str):
        if isinstance(value, base):
            return base(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
