"""Checking one week's functions of a loaded learner file, bottom-up: each function in the
course's order, a function's callees first, and while a function is checked every course
function it calls that is wrong, raised or is missing runs as nn-check's own in its place, so
that what is reported is the function's own mistake."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scratch.course.catalogue import LATER, WEEKS, NothingToCheckError
from scratch.grading import (
    cases,
    convolution,
    deep,
    gradient_checking,
    initialization,
    language_model,
    logistic_regression,
    optimization,
    planar,
    recurrent,
    regularization,
)
from scratch.grading.findings import Verdict
from scratch.grading.outcomes import Loaded
from scratch.grading.trial import Learner, Trial

CASES: dict[str, Callable[[cases.Truth], cases.Cases]] = {
    "2": cases.week2,
    "3": cases.week3,
    "4": cases.week4,
    "initialization": cases.three_layers,  # its calls draw no network: they need the truth
    "regularization": cases.three_layers,
    "gradient_checking": cases.gradient_checking,
    "optimizers": cases.week4,
    "convolution": cases.judged_by,  # each call's layers are its own (scratch.grading.convolution)
    "recurrent": cases.judged_by,
    "language_model": cases.judged_by,
}
# the weeks whose truth takes optimizer steps (Truth.gradient_descent, momentum, adam,
# decayed_rate, descent_run, language_model_step): nn-check makes ready torch's optimizers while
# it checks the others
STEPPING = ("2", "3", "4", "optimizers", "language_model")
CHECKS: dict[str, dict[str, Callable]] = {
    "2": logistic_regression.CHECKS,
    "3": {**deep.CHECKS, **planar.CHECKS},
    "4": deep.CHECKS,
    "initialization": initialization.CHECKS,
    "regularization": regularization.CHECKS,
    "gradient_checking": gradient_checking.CHECKS,
    "optimizers": optimization.CHECKS,
    "convolution": convolution.CHECKS,
    "recurrent": recurrent.CHECKS,
    "language_model": language_model.CHECKS,
}


@dataclass
class Report:
    """A file's verdicts, in the order checked, and what concerns the whole file."""

    solution: str
    week: str
    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        title = WEEKS[self.week].title
        return f"week {self.week} ({title})" if self.week.isdigit() else title

    @property
    def checked(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.status != "not checked"]

    @property
    def passed(self) -> bool:
        """Every function checked is right."""
        return all(verdict.status == "ok" for verdict in self.checked)

    def to_json(self, **extra: Any) -> dict[str, Any]:
        """The report as JSON's types; ``extra`` (the command's exit code) after the title."""
        return {
            "solution": self.solution,
            "week": self.week,
            "title": self.title,
            **extra,
            "notes": self.notes,
            "functions": [verdict.to_json() for verdict in self.verdicts],
        }


def check_week(
    learner: Learner,
    loaded: Loaded,
    week: str,
    truth: cases.Truth,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda name: None,
) -> Report:
    """Every function of ``week``: checked if the file defines it (and ``only`` names it),
    else not checked, with the reason; each quantity judged against ``truth``.
    ``progress(name)`` is told each function checked. ``NothingToCheckError`` when nothing is."""
    course = WEEKS[week]
    unknown = sorted(set(only or ()) - set(course.checked))
    if unknown:
        raise NothingToCheckError(
            f"--only {', '.join(unknown)}: week {week} checks {', '.join(course.checked)}"
        )
    defined = loaded.functions
    if not any(name in defined for name in course.checked):
        raise NothingToCheckError(
            f"{learner.solution} defines none of week {week}'s functions "
            f"({', '.join(course.checked)})"
        )
    report = Report(learner.solution, week)
    output = loaded.output
    if output.printed:
        report.notes.append(_printed("loading the file", output.printed, output.first_line))
    by_name: dict[str, Verdict] = {}
    for name in course.checked:
        if name not in defined:
            verdict = Verdict(name, "not checked", reason="not defined")
        elif only and name not in only:
            verdict = Verdict(name, "not checked", reason="not in --only")
        else:
            progress(name)
            substitutes = _substitutes(name, defined, by_name, course.checked)
            trial = Trial(learner, week, name, substitutes)
            for key in substitutes:
                trial.verdict.substituted_why[key] = _why(by_name.get(key))
            verdict = trial.run(CHECKS[week][name](CASES[week](truth), defined[name][0]))
            if verdict.printed:
                verdict.note(_printed("it", verdict.printed, verdict.first_printed))
        by_name[name] = verdict
        report.verdicts.append(verdict)
    if not report.checked:
        raise NothingToCheckError(
            f"--only {', '.join(only or ())}: not defined in {learner.solution}"
        )
    for name, reason in course.unchecked:
        if name in defined:
            report.verdicts.append(Verdict(name, "not checked", reason=reason))
    for name in LATER:
        if name in defined:
            report.verdicts.append(Verdict(name, "not checked", reason="not yet: a later issue"))
    return report


def _substitutes(
    name: str, defined: dict, by_name: dict[str, Verdict], course: Sequence[str]
) -> tuple[str, ...]:
    """The course functions ``name``'s code reaches (it calls them, or calls what calls
    them) that are missing or not right."""
    reached, todo = set(), [name]
    while todo:
        for other in defined.get(todo.pop(), ((), frozenset()))[1] & set(course):
            if other not in reached and other != name:
                reached.add(other)
                todo.append(other)
    return tuple(
        other
        for other in course
        if other in reached
        and (other not in defined or by_name.get(other, Verdict(other)).status != "ok")
    )


def _why(verdict: Verdict | None) -> str:
    if verdict is None or verdict.reason == "not defined":
        return "not defined"
    return verdict.status if verdict.status != "not checked" else verdict.reason


def _printed(who: str, count: int, first: str) -> str:
    lines = "1 line" if count == 1 else f"{count} lines"
    return f"{who} printed {lines} (the first: {first!r})" if first else f"{who} printed {lines}"
