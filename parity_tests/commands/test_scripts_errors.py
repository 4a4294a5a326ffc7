"""scripts.cli.errors: a command run as the program freezes what it made out of the garbage
collector when it returns, so that the interpreter's exit does not search it all for cycles;
a command called with its arguments (from Python, as the tests do) leaves the collector alone."""

from __future__ import annotations

import gc

import pytest

from scripts.cli import errors


@pytest.fixture
def freezes(monkeypatch) -> list[bool]:
    calls: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(True))
    return calls


@errors.reports_user_errors("demo")
def demo(argv):
    if argv == ["--bad"]:
        raise errors.UserError("a bad flag")
    return errors.EXIT_OK


def test_a_command_run_as_the_program_freezes_its_objects_when_it_returns(freezes):
    assert demo() == errors.EXIT_OK
    assert freezes == [True]


def test_a_command_run_as_the_program_freezes_them_when_it_fails_too(freezes):
    @errors.reports_user_errors("demo")
    def failing(argv):
        raise errors.UserError("a bad flag")

    assert failing() == errors.EXIT_USAGE
    assert freezes == [True]


def test_a_command_called_with_its_arguments_leaves_the_collector_alone(freezes):
    assert demo([]) == errors.EXIT_OK
    assert demo(["--bad"]) == errors.EXIT_USAGE
    assert freezes == []
