"""A learner's functions judged in the test's own process: loaded as nn-check's loader reads a
learner's file (``scripts.learner.loading.course_functions``: each function's parameter names
and the course functions its code calls), called as nn-check's child process calls them
(``scripts.learner.child.call``: nn-check's own functions in place of the ones named wrong, the
arguments changed in place noted, the value made plain data, an exception placed at the
learner's line), and judged by the grading against ``torch_impl.course``, so a test of the
grading needs no child process."""

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
from scripts.learner.loading import course_functions
from torch_impl import course as truth


class InProcess:
    """The learner's file: ``functions`` by name, in the folder of the file that defines the
    first of them (a test's functions are the learner's own there, the course's are not)."""

    solution = "in process"

    def __init__(self, **functions: Callable):
        self.module = types.ModuleType("learner")
        self.module.__dict__.update(functions)
        files = [f.__code__.co_filename for f in functions.values() if hasattr(f, "__code__")]
        self.module.__file__ = files[0] if files else None

    def loaded(self) -> Loaded:
        """The file as nn-check's loader reports it: each course function it defines, with its
        parameter names and the course functions of the file's that its code calls."""
        return Loaded(functions=course_functions(self.module))

    def call(self, name: str, args: tuple, substitutes: tuple = ()) -> Result:
        """The call on copies of ``args``, as the child's come from the wire: the cases'
        arrays stay as they are whatever the function does to its arguments."""
        return call(self.module, REFERENCE, name, copy.deepcopy(args), substitutes)


def verdict(week: str, name: str, function: Callable) -> Verdict:
    """The verdict on ``function`` as the learner's ``name`` of ``week``, on every call, with
    nothing in place of the course functions it calls."""
    learner = InProcess(**{name: function})
    parameters = learner.loaded().functions[name][0]
    trial = Trial(learner, week, name, ())
    return trial.run(CHECKS[week][name](CASES[week](truth), parameters))


def report(week: str, **functions: Callable) -> Report:
    """``check_week`` of a file that defines ``functions``."""
    learner = InProcess(**functions)
    return check_week(learner, learner.loaded(), week, truth)
