"""A learner's functions judged in the test's own process: called as nn-check's child process
calls them (``scripts.learner.child.call``: nn-check's own functions in place of the ones named
wrong, the arguments changed in place noted, the value made plain data), and judged by the
grading against ``torch_impl.course``, so a test of the grading needs no child process."""

from __future__ import annotations

import copy
import types
from collections.abc import Callable

from scratch.course.catalogue import REFERENCE
from scratch.grading.findings import Verdict
from scratch.grading.outcomes import Loaded, Result
from scratch.grading.trial import Trial
from scratch.grading.weeks import CASES, CHECKS, Report, check_week
from scripts.learner.child import call
from torch_impl import course as truth


class InProcess:
    """The learner's file: ``functions`` by name."""

    solution = "in process"

    def __init__(self, **functions: Callable):
        self.module = types.SimpleNamespace(**functions)

    def call(self, name: str, args: tuple, substitutes: tuple = ()) -> Result:
        """The call on copies of ``args``, as the child's come from the wire: the cases'
        arrays stay as they are whatever the function does to its arguments."""
        return call(self.module, REFERENCE, name, copy.deepcopy(args), substitutes)


def verdict(week: str, name: str, function: Callable, substitutes: tuple[str, ...] = ()) -> Verdict:
    """The verdict on ``function`` as the learner's ``name`` of ``week``, on every call."""
    trial = Trial(InProcess(**{name: function}), week, name, substitutes)
    return trial.run(CHECKS[week][name](CASES[week](truth), ()))


def report(week: str, **functions: Callable) -> Report:
    """``check_week`` of a file that defines ``functions``."""
    loaded = Loaded(functions={name: ((), frozenset()) for name in functions})
    return check_week(InProcess(**functions), loaded, week, truth)
