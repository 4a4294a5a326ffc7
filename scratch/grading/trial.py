"""One learner function on every case: call it in the child process, read its return value in
the course's layout, compare each quantity with the torch side's through the referee
(``scratch.parity``) in the order the network computes them, and turn the first difference into
a ``Finding`` with its likely cause (``scratch.grading.causes``).

Where a case is one in which the course's own formula loses the quantity (``log(AL)`` once
``AL`` rounds to 1), a difference there is a note, not a mistake: ``Expect.fragile`` says what
happens, with the stable form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from scratch import parity
from scratch.course.catalogue import signature_of
from scratch.grading.cases import Case
from scratch.grading.causes import SHAPES, explain_exception, likely_cause, shape_of
from scratch.grading.findings import Finding, LayoutError, Verdict, in_place_note
from scratch.grading.outcomes import Failure, Result, Stopped
from scratch.tolerances import Tolerance

Array = np.ndarray


class Learner(Protocol):
    """The learner's file, loaded where their code cannot take the checker down
    (``scripts.learner.runner``): ``call`` runs one of its functions, with the course
    functions ``substitutes`` names (``(week, name)``) as nn-check's own."""

    solution: str

    def call(self, name: str, args: tuple, substitutes: tuple = ()) -> Result | Stopped: ...


@dataclass(frozen=True)
class Expect:
    """One quantity a call must return: ``key`` is the referee's name for it (``Z1``, ``dW2``,
    ``cost``, ``W1``, ``v_dW1``: it picks the tolerance row and the layer), ``shown`` the
    learner's (``cache['Z1']``, ``grads['dw']``), ``value`` the torch side's.

    ``fragile``: in this case the course's own formula loses it (what happens, the stable
    form); ``cast``: compare as float64 whatever the learner's dtype (predictions, integer
    zeros); ``formula``: the course's, for a likely cause; ``optional``: a part of the course's
    layout that older versions leave out (Adam's corrected moments); ``oracle``: what gave
    ``value``, where it is not what gave the call's others (a dropout mask: the course's own
    draws, among autograd's quantities)."""

    key: str
    shown: str
    value: Array
    layer: int | None = None
    tol: Tolerance | None = None
    kind: str | None = None
    fragile: tuple[str, str] | None = None
    cast: bool = False
    formula: str = ""
    optional: bool = False
    oracle: str | None = None


@dataclass
class Call:
    """One call of a learner's function: its arguments; how to read what it returns (a dict
    keyed by ``Expect.shown``, or a ``LayoutError`` when it is not the course's layout); what it
    must return; and for the likely cause: the arrays it was given (``inputs``), the values a
    known mistake would give (``mistakes()``: ``(cause, {key: value})`` pairs), the values
    before an update (``before``), and a last word on a difference no model or factor names
    (``explain(key, yours)``: random draws from another seed, a bias that is not zero), or on
    an exception (``raised(failure)``: the notebook's own hint that fails at pad 0).
    ``oracle``: what computed the values it must return, as a finding names it. ``updated``:
    ``(position, name)`` of the argument the course's function updates in place (a dict of
    arrays: the language model's ``optimize`` and its ``parameters``); its entries after the
    call are read too, as ``name['key']``, and changing it is no note."""

    case: Case
    args: tuple
    read: Callable[[Any], dict[str, Any]]
    expect: list[Expect]
    inputs: dict[str, Array] = field(default_factory=dict)
    mistakes: Callable[[], list[tuple[str, dict[str, Array]]]] = list
    before: dict[str, Array] = field(default_factory=dict)
    learning_rate: float | None = None
    explain: Callable[[str, Array], str | None] | None = None
    raised: Callable[[Failure], str | None] | None = None
    oracle: str = "autograd"
    updated: tuple[int, str] | None = None


class Trial:
    """Runs calls of one function of the learner's; ``substitutes``: the course functions it
    calls that are wrong or missing, nn-check's own in their place."""

    def __init__(self, learner: Learner, week: str, name: str, substitutes: tuple[str, ...]):
        self.learner, self.name = learner, name
        self.signature = signature_of(week, name)
        self.substitutes = tuple((week, key) for key in substitutes)
        self.verdict = Verdict(name, substituted=list(substitutes))
        self.changed: set[str] = set()  # the arguments a note already names

    def run(self, calls: Iterable[Call]) -> Verdict:
        """The calls in order, up to the first wrong quantity. After an exception about shapes
        the later cases still run, for a wrong value where the shapes happen to fit (``also``)."""
        verdict = self.verdict
        for call in calls:
            found = self._one(call)
            if found is None:
                continue
            if verdict.failure is None:
                verdict.failure = found
                if found.kind != "raised" or not SHAPES.search(found.message):
                    break
            elif found.kind == "stopped":
                break
            elif found.kind != "raised":
                verdict.also = found
                break
        verdict.status = verdict.failure.status if verdict.failure else "ok"
        verdict.finish()
        return verdict

    def _one(self, call: Call) -> Finding | None:
        case = call.case
        result = self.learner.call(self.name, call.args, self.substitutes)
        if isinstance(result, Stopped):
            return Finding(case.name, case.about, "stopped", message=result.one_line())
        self.verdict.absorb(result.output, case.name)
        if result.failure is not None:
            failure = result.failure
            cause = explain_exception(failure, call)
            if failure.line is None and failure.kind == "TypeError":
                cause = f"the course's signature is {self.signature}"
            return Finding(case.name, case.about, "raised", message=failure.one_line(), cause=cause)
        try:
            got = call.read(result.value)
        except LayoutError as err:
            return Finding(case.name, case.about, "layout", message=str(err), cause=err.cause)
        note = got.pop("note", None)
        if note:
            self.verdict.note(note)
        if call.updated is not None:
            got |= _updated(call, result)
        for expect in call.expect:
            if expect.optional and expect.shown not in got:
                continue
            found = self._compare(call, expect, got[expect.shown])
            if found is not None:
                return found
        self._changes(call, result)
        return None

    def _compare(self, call: Call, expect: Expect, yours: Any) -> Finding | None:
        case = call.case
        try:
            mine = np.asarray(yours)
        except ValueError:  # a ragged list
            mine = np.array(None)
        if expect.cast and mine.dtype.kind in "biuf":
            mine = mine.astype(np.float64)
        if mine.dtype.kind not in "biuf":
            return Finding(
                case.name,
                case.about,
                "layout",
                quantity=expect.shown,
                layer=expect.layer,
                message=f"{expect.shown} is {shape_of(yours)}, not an array of numbers",
            )
        result = parity.compare(
            expect.key,
            mine,
            expect.value,
            kind=expect.kind,
            dtype="float64",
            tol=expect.tol,
            names=("yours", expect.oracle or call.oracle),
        )
        if result.ok:
            return None
        if expect.fragile:
            where = result.where.replace(expect.key, expect.shown, 1)
            self.verdict.fragile(case, expect.fragile, where, result.values)
            return None
        return Finding.of(case, expect, result, likely_cause(expect, mine, result, call))

    def _changes(self, call: Call, result: Result) -> None:
        """Every argument the call changed is a note, whatever the function: the values it
        returned are what is judged."""
        updated = f"{call.updated[1]}[" if call.updated else None
        for change in result.changes:
            if updated and change.path.startswith(updated):
                continue  # the course's function updates it: judged, not noted
            if change.path not in self.changed:
                self.changed.add(change.path)
                self.verdict.note(in_place_note(change))


def _updated(call: Call, result: Result) -> dict[str, Any]:
    """The entries of the argument ``call.updated`` names after the call: as it was given,
    but for the arrays the call changed."""
    at, name = call.updated
    after = {f"{name}[{key!r}]": value for key, value in call.args[at].items()}
    for change in result.changes:
        if change.path in after and change.value is not None:
            after[change.path] = change.value
    return after
