"""``scratch.grading.outcomes``: what a learner's code did, as plain data, says itself in one
line: the exception, and the learner's own file and line."""

from __future__ import annotations

from scratch.grading.outcomes import Failure, Stopped


def test_a_failure_is_one_line_with_the_learners_file_and_line():
    failure = Failure(
        "ValueError",
        "shapes (2,4) and (1,3) not aligned",
        "/a/b/w3.py",
        11,
        "dZ1 = np.dot(W1.T, dZ2)",
    )
    assert failure.where == "w3.py line 11: dZ1 = np.dot(W1.T, dZ2)"
    assert failure.one_line() == (
        "ValueError: shapes (2,4) and (1,3) not aligned (w3.py line 11: dZ1 = np.dot(W1.T, dZ2))"
    )
    assert Failure("KeyError", "").one_line() == "KeyError"


def test_a_call_that_did_not_come_back_says_why():
    assert Stopped("stopped after 3 s").one_line() == "stopped after 3 s"
