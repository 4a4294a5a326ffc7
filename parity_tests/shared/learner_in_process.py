"""A learner's functions called in this process, for the tests of ``scratch.grading``: the
``scratch.grading.trial.Learner`` protocol without nn-check's child process (the real one is
``scripts.learner.runner``). Each call gets copies of its arguments and reports, as the child
does, the exception it raised and NumPy's warnings as plain data (``scratch.grading.outcomes``);
``judge`` runs one function through a week's calls."""

from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Callable, Mapping

from scratch.grading.findings import Verdict
from scratch.grading.outcomes import Failure, Loaded, Output, Result
from scratch.grading.trial import Trial


class InProcess:
    """``functions``: the learner's, by name; ``calls``: the course functions each calls."""

    solution = "in-process"

    def __init__(
        self,
        functions: Mapping[str, Callable],
        calls: Mapping[str, tuple[str, ...]] | None = None,
    ):
        self.functions, self.calls = dict(functions), dict(calls or {})

    def call(self, name: str, args: tuple, substitutes: tuple = ()) -> Result:
        output = Output()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = self.functions[name](*copy.deepcopy(args))
            except Exception as err:  # the learner's exception, as the child reports it
                return Result(failure=Failure(type(err).__name__, str(err)), output=output)
        for warning in caught:
            text = f"{warning.category.__name__}: {warning.message}"
            if text not in output.warnings:
                output.warnings.append(text)
        return Result(value=value, output=output)

    def loaded(self) -> Loaded:
        """The file as nn-check's loader reports it: each function's parameter names and the
        course functions it calls."""
        return Loaded(
            {
                name: (tuple(inspect.signature(f).parameters), frozenset(self.calls.get(name, ())))
                for name, f in self.functions.items()
            }
        )


def judge(week: str, name: str, function: Callable, truth: object) -> Verdict:
    """``function`` checked as the learner's ``name`` of ``week`` on every case, judged by
    ``truth``, with nothing in place of the course functions it calls."""
    from scratch.grading.weeks import CASES, CHECKS

    parameters = tuple(inspect.signature(function).parameters)
    calls = CHECKS[week][name](CASES[week](truth), parameters)
    return Trial(InProcess({name: function}), week, name, ()).run(calls)
