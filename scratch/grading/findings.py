"""What nn-check finds about one learner function: a ``Verdict`` (ok, wrong, error, not
checked) holding the first ``Finding`` (the case, the layer, the quantity, the worst entry, both
values, the likely cause), the notes, and what the function printed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from scratch import parity
from scratch.grading.cases import Case
from scratch.grading.outcomes import Change, Output


class LayoutError(Exception):
    """The learner's return value is not in the course's layout; ``cause``: the likely why."""

    def __init__(self, message: str, cause: str | None = None):
        super().__init__(message)
        self.cause = cause


@dataclass
class Finding:
    """Where a function parts from the torch side. ``kind``: ``values``, ``shape``, ``dtype``,
    ``layout`` (wrong), ``raised`` or ``stopped`` (an error)."""

    case: str
    about: str
    kind: str
    quantity: str = ""
    key: str = ""
    layer: int | None = None
    where: str = ""
    yours: float | None = None
    expected: float | None = None
    max_abs: float | None = None
    max_rel: float | None = None
    tolerance: str = ""
    message: str = ""
    cause: str | None = None

    @property
    def label(self) -> str:
        """The quantity as the report names it: ``db2``, ``A1 (caches[1][0][0])``."""
        if self.layer is None or not self.key:
            return self.quantity
        if self.key in self.quantity or self.quantity == self.key.rstrip("0123456789"):
            return self.key if self.quantity == self.key.rstrip("0123456789") else self.quantity
        return f"{self.key} ({self.quantity})"

    @property
    def status(self) -> str:
        return "error" if self.kind in ("raised", "stopped") else "wrong"

    @classmethod
    def of(cls, case: Case, expect: Any, result: parity.Comparison, cause: str | None) -> Finding:
        """A failed comparison of ``expect`` (a ``check_trial.Expect``)."""
        shown = expect.shown
        same = {"quantity": shown, "key": expect.key, "layer": expect.layer, "cause": cause}
        same["tolerance"] = str(result.tolerance)
        if result.problem == "shape":
            yours, theirs = result.shapes
            message = f"{shown} has shape {yours}; the course's is {theirs}"
            return cls(case.name, case.about, "shape", message=message, **same)
        if result.problem == "dtype":
            message = f"{shown} is {result.dtypes[0]}; the course computes in float64"
            return cls(case.name, case.about, "dtype", message=message, **same)
        index = f"[{', '.join(map(str, result.index))}]" if result.index else ""
        where = f"{shown}{index}"
        yours, theirs = result.values
        message = (
            f"{where} is {yours:.6g} where {result.names[1]} has {theirs:.6g} "
            f"(max abs diff {result.max_abs:.1e})"
        )
        return cls(
            case.name,
            case.about,
            "values",
            where=where,
            yours=yours,
            expected=theirs,
            max_abs=result.max_abs,
            max_rel=result.max_rel,
            message=message,
            **same,
        )


@dataclass
class Verdict:
    """One function: ``status`` ok, wrong, error or not checked (``reason``); ``failure``, the
    first finding; ``also``, a wrong value in a later case after an exception; ``substituted``,
    the course functions it calls that ran as nn-check's own."""

    name: str
    status: str = "ok"
    reason: str = ""
    failure: Finding | None = None
    also: Finding | None = None
    notes: list[str] = field(default_factory=list)
    printed: int = 0
    first_printed: str = ""
    substituted: list[str] = field(default_factory=list)
    substituted_why: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _fragile: dict[str, list] = field(default_factory=dict, repr=False)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def absorb(self, output: Output, case: str) -> None:
        """A call's output: the lines it printed counted, NumPy's warnings kept by case."""
        self.printed += output.printed
        self.first_printed = self.first_printed or output.first_line
        for warning in output.warnings:
            self.warnings.setdefault(case, [])
            if warning not in self.warnings[case]:
                self.warnings[case].append(warning)

    def fragile(self, case: Case, what: tuple[str, str], where: str, values: tuple) -> None:
        """A difference in a case where the course's formula loses the quantity: a note,
        once per case, naming the first such quantity."""
        if case.name in self._fragile:
            self._fragile[case.name][1] += 1
            return
        yours, exact = values
        text = (
            f"case {case.name!r} ({case.about}), not counted: {what[0]}; your {where} is "
            f"{yours:.6g} where the exact value is {exact:.6g}"
        )
        self._fragile[case.name] = [text, 1, what[1]]

    def finish(self) -> None:
        """The notes of the fragile cases and of NumPy's warnings, composed."""
        for case, (text, count, stable) in self._fragile.items():
            more = f", and {count - 1} more quantities differ there" if count > 1 else ""
            warned = ", ".join(warning.split(": ", 1)[1] for warning in self.warnings.pop(case, []))
            also = f" (NumPy warned: {warned})" if warned else ""
            self.note(f"{text}{more}{also}. {stable}")
        for case, warned in self.warnings.items():
            for warning in warned:
                self.note(f"NumPy warned in case {case!r}: {warning}{_explained(warning)}")
        self.warnings.clear()

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out.pop("warnings"), out.pop("_fragile")
        return {key: value for key, value in out.items() if value not in (None, "", [], {})}


def in_place_note(change: Change) -> str:
    """A note on an argument the learner's function changed: what changed, and why it can
    bite (a right result is still right; the caller's array is not what it was)."""
    root = change.path.split("[", 1)[0]
    copy = f"copy.deepcopy({root})" if "[" in change.path else f"np.array({root}, copy=True)"
    if change.how == "in place":
        at = f"{change.path}[{', '.join(map(str, change.index))}]"
        what = f"{change.path} in place ({at} was {change.before:.6g}, is now {change.after:.6g})"
    else:
        what = f"{change.path}: {change.how}"
    return (
        f"it changes its argument {what}: the caller's copy changes too, which bites where the "
        f"caller uses it again; {copy} first keeps it as it was"
    )


def _explained(warning: str) -> str:
    if "overflow encountered in exp" in warning:
        return (
            " (exp(-z) of a large negative z is inf, and 1 / (1 + inf) the right 0: harmless "
            "here; exp(min(z, 0)) / (1 + exp(-|z|)) never overflows)"
        )
    if "Conversion of an array with ndim > 0 to a scalar" in warning:
        return (
            " (float() of an array of one number, as float(b) of b (1, 1, 1): a later NumPy "
            "refuses it; b.item() or np.squeeze(b) takes the number on every NumPy)"
        )
    return ""
