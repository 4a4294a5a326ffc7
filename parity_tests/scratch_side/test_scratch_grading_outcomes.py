"""``scratch.grading.outcomes``: what a learner's code did, as plain data: an exception in one
line with the learner's own file and line, a call that did not come back, a file's load."""

from __future__ import annotations

import dataclasses

from scratch.grading.outcomes import Failure, Loaded, Opaque, Output, Result, Stopped


def test_an_exception_is_one_line_with_the_learners_own_file_and_line():
    failure = Failure(
        "KeyError", "'W4'", "/home/me/week4/my_week4.py", 57, "W = parameters['W' + str(l)]"
    )
    assert failure.where == "my_week4.py line 57: W = parameters['W' + str(l)]"
    assert (
        failure.one_line() == "KeyError: 'W4' (my_week4.py line 57: W = parameters['W' + str(l)])"
    )


def test_an_exception_without_a_message_or_a_line_is_its_type():
    assert Failure("StopIteration", "").one_line() == "StopIteration"
    assert Failure("ValueError", "bad").one_line() == "ValueError: bad"


def test_every_outcome_is_plain_data():
    for outcome in (
        Failure("E", "m"),
        Output(),
        Result(value=Opaque("Tensor", "tensor([1.])")),
        Loaded(),
        Stopped("x"),
    ):
        assert dataclasses.is_dataclass(outcome)
    assert Result().output == Output() and Result().changes == []
    assert Loaded().functions == {}


def test_a_call_that_did_not_come_back_says_why():
    assert Stopped("took longer than 10 s").one_line() == "took longer than 10 s"
