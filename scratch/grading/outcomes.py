"""What a learner's code did, as plain data that crosses from the learner's process to the
checker's: a call's value (numbers, arrays, strings and containers of them; an ``Opaque`` for
anything else), the exception it raised (``Failure``), what it printed and warned (``Output``),
which of its arguments it changed (``Change``), or that it did not come back (``Stopped``); and a
file's load (``Loaded``). The grading (``scratch.grading``) reads only these."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Failure:
    """An exception of the learner's code: its type, first line, and the learner's own line
    (``file``, ``line``, ``code``) where it was raised or, below their code, called from;
    ``missing`` is the module an import did not find."""

    kind: str
    message: str
    file: str | None = None
    line: int | None = None
    code: str = ""
    missing: str | None = None

    @property
    def where(self) -> str:
        if self.line is None:
            return ""
        code = f": {self.code}" if self.code else ""
        return f"{Path(self.file or '?').name} line {self.line}{code}"

    def one_line(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.kind}: {self.message}{where}" if self.message else f"{self.kind}{where}"


@dataclass
class Output:
    """What a load or a call printed and warned."""

    printed: int = 0
    first_line: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """An argument the call changed: ``path`` (``dA``, ``parameters['W1']``), ``how`` (``in
    place``, ``replaced``, ``added``, ``removed``), and for an array the first changed entry
    and its ``value`` after the call (what a function that updates its argument, as the
    language model's ``optimize`` does, is judged by)."""

    path: str
    how: str
    index: tuple[int, ...] = ()
    before: float = float("nan")
    after: float = float("nan")
    value: Any = None


@dataclass(frozen=True)
class Opaque:
    """A returned object that is not a number, an array or a container of them."""

    type_name: str
    text: str


@dataclass
class Result:
    """One call: its value, or the ``Failure`` it raised; what it printed; what it changed."""

    value: Any = None
    failure: Failure | None = None
    output: Output = field(default_factory=Output)
    changes: list[Change] = field(default_factory=list)


@dataclass
class Loaded:
    """The file loaded: its course functions (name -> parameter names, the course functions
    each calls), or the ``Failure`` that stopped it; ``notes``: what loading it took (nn-check's
    stand-ins for the course's helpers, packages that are not installed, cells left out)."""

    functions: dict[str, tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=dict)
    failure: Failure | None = None
    output: Output = field(default_factory=Output)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Stopped:
    """A call that did not come back: over the time limit, or the child process ended."""

    reason: str

    def one_line(self) -> str:
        return self.reason
