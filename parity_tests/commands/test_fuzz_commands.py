"""The fuzz half of issue 11's sweep at the commands: config files no command may accept and
malformed spec files (``fuzz_strategies``), and issue 20's archives with random headers and
documents with random aliases, exit 2 with one ``<prog>: error:`` line, no traceback, and
nothing written or lost (a finished run beside them stays byte-identical); and issue 25's: config
files one of whose settings would not count."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import pytest
from fuzz_strategies import (
    SHARED_KEYS,
    aliased_documents,
    bad_configs,
    bad_spec_dicts,
    configs_not_all_counted,
    hostile_archives,
)
from hypothesis import given, settings
from sweep_command_cases import TRAIN

from scripts import compare, gradcheck, train

PROGRAMS = {"train": train, "compare": compare, "gradcheck": gradcheck}


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def assert_refused(prog: str, flag: str, content: bytes, name: str) -> str:
    """``prog FLAG FILE`` with ``content`` in FILE: exit 2, one line, nothing written; returns
    the line."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "runs" / "kept").mkdir(parents=True)
        (folder / "runs" / "kept" / "results.json").write_text("{}\n")
        (folder / name).write_bytes(content)
        before = snapshot(folder)
        argv = [flag, str(folder / name)]
        if prog == "train":
            argv = [*TRAIN[:-1], str(folder / "runs"), *argv]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = PROGRAMS[prog].main(argv)
        lines = err.getvalue().splitlines()
        assert code == 2, (code, content[:200], err.getvalue()[-1000:])
        assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), err.getvalue()
        assert "Traceback" not in out.getvalue() + err.getvalue()
        assert snapshot(folder) == before
        return lines[0]


@settings(max_examples=8)
@given(bad_configs(deepest=1000))  # 100,000 deep takes seconds to parse: the slow lane's
def test_a_bad_config_file_is_one_line_and_exit_2(content):
    assert_refused("train", "--config", content, "settings.yaml")


@settings(max_examples=8)
@given(bad_spec_dicts())
def test_a_spec_file_with_a_bad_field_is_one_line_and_exit_2(drawn):
    spec, _ = drawn
    assert_refused("train", "--spec", json.dumps(spec, allow_nan=True).encode(), "spec.json")


@settings(max_examples=10)
@given(configs_not_all_counted())
def test_a_config_file_whose_settings_do_not_all_count_is_one_line_naming_them(drawn):
    """Issue 25: two names of one setting, a file naming another, both ways to give the run's
    length, a hyperparameter gradient descent does not read."""
    content, names = drawn
    line = assert_refused("train", "--config", content, "settings.json")
    assert all(name in line for name in names), (names, line)


@settings(max_examples=8, deadline=None)
@given(hostile_archives())
def test_an_archive_with_random_headers_as_weights_is_one_line_and_exit_2(drawn):
    """Never a weights file: none holds a spec and the parameters of one."""
    assert_refused("train", "--weights", drawn[0], "w.npz")


@settings(max_examples=8, deadline=None)
@given(aliased_documents())
def test_a_document_with_random_aliases_as_config_is_one_line_and_exit_2(drawn):
    """Refused for its aliases or keys, or else for its settings (``a0`` is none)."""
    assert_refused("train", "--config", drawn[0].encode(), "settings.yaml")


@pytest.mark.slow
@pytest.mark.parametrize("prog", list(PROGRAMS))
@settings(max_examples=40)
@given(content=bad_configs(keys=SHARED_KEYS))
def test_every_command_refuses_a_bad_config_file(prog, content):
    assert_refused(prog, "--config", content, "settings.json")


@pytest.mark.slow
@pytest.mark.parametrize("prog", list(PROGRAMS))
@settings(max_examples=40)
@given(drawn=bad_spec_dicts())
def test_every_command_refuses_a_spec_file_with_a_bad_field(prog, drawn):
    assert_refused(prog, "--spec", json.dumps(drawn[0], allow_nan=True).encode(), "spec.json")
