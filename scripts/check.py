"""Check a learner's own implementation of the course's functions against autograd: each
function the file defines runs on several networks and data sets in a process of its own, each
quantity it returns is compared with the torch side's (float64) through the project's referee,
in the order the network computes them, and the first difference is named: the function, the
layer, the quantity, the worst entry, both values, and the likely mistake.

    nn-check my_assignment.ipynb               # a notebook as it is: its definitions run
    nn-check my_week4.py                       # the week is told from the names defined
    nn-check my_week3.py --week 3 --json       # for graders and CI
    nn-check notebook_export.py --definitions-only

Exit code 0 when every function checked is right, 1 when one is wrong or raised, 2 when the
file cannot be loaded; with ``--json`` the report is one JSON document whatever happened (a file
that cannot be loaded too: its ``error`` and ``exit_code`` inside).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    import scripts  # noqa: F401  (first: Ctrl-C is one line from here on, see its docstring)

import json
from collections.abc import Sequence

from scratch.course.catalogue import NothingToCheckError, detect_week
from scripts import PROGS
from scripts.cli import settings
from scripts.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UserError, reports_user_errors
from scripts.cli.parser import build_parser
from scripts.cli.settings import CheckSettings
from scripts.learner.loading import Source

PROG = PROGS["check"]


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nn-check``; returns its exit code."""
    argv = with_solution_flag(list(sys.argv[1:] if argv is None else argv))
    try:
        return _check(argv)
    except (UserError, NothingToCheckError) as err:
        if _wants_json(argv):
            print(json.dumps(failed_report(argv, str(err)), indent=1))
        raise


def _check(argv: list[str]) -> int:
    [options] = settings.parse(PROG, __doc__, argv)
    source = source_of(options)
    from scratch.grading.weeks import STEPPING, check_week
    from scripts.learner.report import render
    from scripts.learner.runner import Learner
    from scripts.learner.truth import Truth

    truth = Truth()  # imported while the learner's process starts: a load that fails is quick
    with Learner(source, options.time_limit) as learner:
        loaded = learner.load()
        week, note = options.week, None
        if week is None:
            week, note = detect_week({name: p for name, (p, _) in loaded.functions.items()})
        if week in STEPPING:
            truth.warm_optimizers()
        report = check_week(learner, loaded, week, truth.get(), options.only, _progress())
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    report.notes[:0] = [*loaded.notes, *([note] if note else [])]
    code = EXIT_OK if report.passed else EXIT_FAILED
    print(json.dumps(report.to_json(exit_code=code), indent=1) if options.json else render(report))
    return code


def _wants_json(argv: Sequence[str]) -> bool:
    """``--json`` was given (and not turned off by a later ``--json false``)."""
    wanted = False
    for i, item in enumerate(argv):
        if item == "--json":
            following = argv[i + 1].lower() if i + 1 < len(argv) else ""
            wanted = following not in ("false", "0", "no")
        elif item.startswith("--json="):
            wanted = item.split("=", 1)[1].lower() in ("true", "1", "yes")
    return wanted


def failed_report(argv: Sequence[str], error: str) -> dict:
    """The JSON report of a check that could not run: the file, the exit code (2), the reason."""
    solution = argv[argv.index("--solution") + 1] if "--solution" in argv[:-1] else None
    return {"solution": solution, "exit_code": EXIT_USAGE, "error": error, "functions": []}


def _progress():
    """On a terminal, the function being checked, on one line of stderr that the report
    replaces; elsewhere (a log, CI), nothing."""
    if not sys.stderr.isatty():
        return lambda name: None

    def show(name: str) -> None:
        print(f"\rchecking {name} ...\033[K", end="", file=sys.stderr, flush=True)

    return show


def with_solution_flag(argv: list[str]) -> list[str]:
    """``nn-check FILE ...``: the first argument that is not a flag nor a flag's value is the
    solution, given to the parser as ``--solution FILE``."""
    parser = build_parser(PROG, "", [CheckSettings])
    takes_value = {
        flag for action in parser._actions if action.nargs != 0 for flag in action.option_strings
    }
    previous = ""
    for i, item in enumerate(argv):
        if not item.startswith("-") and (previous not in takes_value or "=" in previous):
            return [*argv[:i], "--solution", item, *argv[i + 1 :]]
        previous = item
    return argv


def source_of(options: CheckSettings) -> Source:
    target = options.solution
    if target is None:
        raise UserError("give the learner's file: nn-check solution.py")
    path = Path(target)
    is_file = path.suffix in (".py", ".ipynb") or path.exists()
    if is_file and not path.is_file():
        raise UserError(f"{target} is not a file")
    if not is_file and not all(part.isidentifier() for part in target.split(".")):
        raise UserError(f"{target} is neither a .py file, a notebook nor a module name")
    notebook = is_file and path.suffix == ".ipynb"
    if options.definitions_only and not (is_file and not notebook):
        what = "a notebook's default" if notebook else "for a .py file; give the file's path"
        raise UserError(f"--definitions-only is {what}")
    if options.run_cells and not notebook:
        raise UserError("--run-cells is for a notebook (.ipynb); a .py file runs as a whole")
    return Source(target, is_file, options.definitions_only or (notebook and not options.run_cells))


if __name__ == "__main__":
    sys.exit(main())
