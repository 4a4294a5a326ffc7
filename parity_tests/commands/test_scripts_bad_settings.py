"""A bad setting, through any command's ``main(argv)``: one line on stderr naming the setting
and the value, exit code 2, nothing on stdout, and nothing written (no run folder)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from scripts import compare, gradcheck, measure_tolerances, train


class Mistakes(NamedTuple):
    """A command's mistakes: a misspelled flag and the flag meant, a misspelled config key and
    the key meant, and a number flag (its setting's name) with a value below its range."""

    command: ModuleType
    flag: str
    meant_flag: str
    key: str
    meant_key: str
    number: str
    setting: str
    below: str


COMMANDS = {
    "train": Mistakes(
        train, "--datset", "--dataset", "learning_rat", "learning_rate", "--lr", "learning_rate",
        "-0.5",
    ),
    "compare": Mistakes(compare, "--explian", "--explain", "datset", "dataset", "--l2", "l2", "-1"),
    "gradcheck": Mistakes(gradcheck, "--exampels", "--examples", "sed", "seed", "--l2", "l2", "-1"),
    "measure_tolerances": Mistakes(
        measure_tolerances, "--network", "--networks", "iteratons", "iterations", "--iterations",
        "iterations", "-5",
    ),
}  # fmt: skip


def cases(tmp_path: Path, name: str) -> list[tuple[list[str], list[str]]]:
    """(argv, what stderr must name) for each kind of bad setting."""
    m = COMMANDS[name]
    config = tmp_path / "settings.yaml"
    return [
        ([m.flag, "3"], [f"unknown flag {m.flag}", f"did you mean {m.meant_flag}?"]),
        ([m.number, m.below], [f"{m.setting} must be", f"got {m.below}"]),
        ([m.number, "many"], [f"{m.setting} must be", "got 'many'"]),
        (["--config", str(config)], [str(config), f"unknown setting {m.key!r}", repr(m.meant_key)]),
    ]


FILES = {  # config file text -> what stderr must name
    b"seed: many\n": ["seed must be", "got 'many'"],
    b"seed: -3\n": ["seed must be an integer >= 0", "got -3"],
    b"seed: [1,\n": ["cannot be read", "line 2, column 1"],
    b"dataset: caf\xe9\n": ["is not UTF-8 text", "byte 12"],
}


def assert_one_line_and_nothing_written(
    capsys, tmp_path: Path, prog: str, code: int, wanted: list[str]
):
    printed = capsys.readouterr()
    assert code == 2, printed
    assert printed.out == ""
    lines = printed.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), printed.err
    for part in wanted:
        assert part in lines[0], (part, lines[0])
    assert [p.name for p in tmp_path.iterdir()] == ["settings.yaml"]  # no runs/ folder


@pytest.mark.parametrize("case", range(4), ids=["flag", "negative", "string", "key"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_bad_flag_or_key_is_one_line_naming_it(tmp_path, monkeypatch, capsys, name, case):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.yaml").write_text(f"{COMMANDS[name].key}: 1\n")
    argv, wanted = cases(tmp_path, name)[case]
    code = COMMANDS[name].command.main(argv)
    assert_one_line_and_nothing_written(capsys, tmp_path, name, code, wanted)


@pytest.mark.parametrize("text", list(FILES), ids=["string", "negative", "yaml", "utf8"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_bad_config_file_is_one_line_naming_it(tmp_path, monkeypatch, capsys, name, text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.yaml").write_bytes(text)
    code = COMMANDS[name].command.main(["--config", "settings.yaml"])
    wanted = ["config file settings.yaml", *FILES[text]]
    assert_one_line_and_nothing_written(capsys, tmp_path, name, code, wanted)
