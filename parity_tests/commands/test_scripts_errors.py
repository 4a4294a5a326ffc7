"""scripts.cli.errors: a command run as the program freezes what it made out of the garbage
collector when it returns, so that the interpreter's exit does not search it all for cycles;
a command called with its arguments (from Python, as the tests do) leaves the collector alone.
A command whose output's reader went away (``nn-train | head``) ends quietly with 141, what it
had finished kept."""

from __future__ import annotations

import gc
import subprocess
import sys

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


def train_piped(tmp_path, *flags: str) -> subprocess.Popen:
    runs = str(tmp_path / "runs")
    argv = [sys.executable, "-m", "scripts.train", "--impl", "scratch", "--quiet", *flags]
    command = [*argv, "--runs-dir", runs, "--name", "piped"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_reader_gone_before_the_first_line_ends_the_command_quietly(tmp_path):
    process = train_piped(tmp_path, "--iterations", "5")
    process.stdout.close()
    assert (process.wait(timeout=120), process.stderr.read()) == (errors.EXIT_READER_GONE, b"")
    assert not (tmp_path / "runs").exists()  # it ended at its first line: the plan


def test_a_reader_gone_mid_report_keeps_the_run_it_saved(tmp_path):
    """2,000 rows of costs fill the pipe (64 KiB) before the report ends: the command blocks
    writing the table, long after the run was published, until the reader leaves."""
    process = train_piped(tmp_path, "--iterations", "2000", "--print-every", "1")
    assert process.stdout.readline().startswith(b"data: planar")
    process.stdout.close()
    assert (process.wait(timeout=120), process.stderr.read()) == (errors.EXIT_READER_GONE, b"")
    assert (tmp_path / "runs" / "piped" / "weights-scratch.npz").is_file()


def test_a_broken_pipe_other_than_the_output_is_not_taken_for_a_reader_gone():
    @errors.reports_user_errors("demo")
    def writes_to_a_closed_pipe(argv):
        raise BrokenPipeError(32, "a child's pipe")

    with pytest.raises(BrokenPipeError, match="a child's pipe"):
        writes_to_a_closed_pipe([])
