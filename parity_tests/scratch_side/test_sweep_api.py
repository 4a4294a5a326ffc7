"""The API sweep of issue 11: every bad input at the public functions is refused with one line
that names the problem (the array, key, layer, value or file), writes nothing, and never advises
unpickling; every documented acceptance succeeds. The cases are in ``sweep_cases`` and
``sweep_spec_cases``, each with the issue's cause number in its id's table."""

from __future__ import annotations

import re

import pytest
from sweep_file_cases import all_cases

CASES = all_cases()
UNSAFE = re.compile(r"allow_pickle|weights_only|unpickl|traceback", re.IGNORECASE)
SLOW = ("checkpoint_to_weights", "deep_yaml")  # Lightning's import; PyYAML's pure-Python parser
# Functions whose cases repeat another's checks: the fast lane takes one case of each kind.
REPEATS = ("train_torch_plain", "gradient_check-X", "accuracy-", "predict-X")


def representatives(cases) -> set[str]:
    """The first case of each function, input and cause; the other repeats run slow."""
    first: dict[tuple, str] = {}
    for case in cases:
        where, _, rest = case.id.partition("-")
        first.setdefault((where, rest.split("-")[0], case.cause), case.id)
    return set(first.values())


FAST = representatives(CASES)


def marked(case):
    slow = any(part in case.id for part in SLOW) or (
        any(case.id.startswith(part) for part in REPEATS) and case.id not in FAST
    )
    return pytest.param(case, id=case.id, marks=[pytest.mark.slow] if slow else [])


def assert_one_clear_line(message: str, pattern: str) -> None:
    """The message a user sees: one non-empty line, naming the problem, never unsafe advice."""
    assert message.strip(), "the error has no message"
    assert "\n" not in message.strip(), f"more than one line:\n{message}"
    assert re.search(pattern, message, re.IGNORECASE | re.DOTALL), (pattern, message)
    assert not UNSAFE.search(message), message


def assert_nothing_written(tmp_path) -> None:
    """No output file and no hidden temporary file left in the case's folder."""
    left = sorted(p.name for p in tmp_path.rglob("*") if p.name.startswith((".", "out")))
    assert left == [], left


@pytest.mark.parametrize("case", [marked(case) for case in CASES if case.match is not None])
def test_a_bad_input_is_one_line_naming_it(case, tmp_path):
    with pytest.raises(case.errors) as caught:
        case.call(tmp_path)
    assert_one_clear_line(str(caught.value), case.match)
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("case", [marked(case) for case in CASES if case.match is None])
def test_a_documented_acceptance_succeeds(case, tmp_path):
    case.call(tmp_path)


def test_the_sweep_covers_the_issues_scale_and_causes():
    """About the 169 inputs the issue tried through the API, and the API's causes."""
    assert len(CASES) >= 169, len(CASES)
    assert len({case.id for case in CASES}) == len(CASES), "two cases share an id"
    api_causes = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 17}
    assert api_causes <= {case.cause for case in CASES}
