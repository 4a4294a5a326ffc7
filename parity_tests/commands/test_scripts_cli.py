"""The commands' settings (``scripts.cli.parser`` and ``scripts.cli.settings``): flags over the
config file over the defaults, alias and dashed keys, one config file for every command,
``--print_config`` read back by ``--config``, and one-line errors that name the setting and the
value."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from scripts import compare, gradcheck, measure_tolerances, train
from scripts.cli import settings
from scripts.cli.errors import UserError

REPO = Path(__file__).resolve().parents[2]


def parse(*argv: str, prog: str = "train") -> SimpleNamespace:
    """Every setting of the command ``prog`` as one namespace."""
    parsed = settings.parse(prog, "test", list(argv))
    return SimpleNamespace(
        **{k: v for group in parsed for k, v in dataclasses.asdict(group).items()}
    )


def write(tmp_path: Path, text: str, name: str = "run.yaml") -> str:
    (tmp_path / name).write_text(text)
    return str(tmp_path / name)


def test_defaults_are_the_main_job():
    config = parse()
    assert (config.impl, config.dataset, config.learning_rate, config.iterations) == (
        "both",
        "planar",
        1.2,
        2_000,
    )


def test_flags_beat_the_config_file_which_beats_the_defaults(tmp_path):
    path = write(tmp_path, "learning_rate: 0.5\niterations: 30\nimpl: scratch\n")
    config = parse("--iterations", "40", "--config", path)  # a flag wins wherever it stands
    assert (config.learning_rate, config.iterations, config.impl) == (0.5, 40, "scratch")
    assert config.batch_size is None


def test_a_json_config_works_too(tmp_path):
    config = parse("--config", write(tmp_path, '{"layers": [2, 8, 1], "activation": "relu"}'))
    assert config.layers == [2, 8, 1] and config.activation == "relu"


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [("lr: 0.5\n", "learning_rate", 0.5), ("batch-size: 16\n", "batch_size", 16)],
)
def test_a_flags_alias_or_dashed_name_is_a_config_key_too(tmp_path, text, field, value):
    assert getattr(parse("--config", write(tmp_path, text)), field) == value


def test_an_activation_is_one_name_or_one_per_hidden_layer_from_flags_and_files(tmp_path):
    assert parse("--activation", "relu").activation == "relu"
    assert parse("--activation", "relu", "tanh").activation == ["relu", "tanh"]
    path = write(tmp_path, "activation: [relu, tanh]\n")
    assert parse("--config", path).activation == ["relu", "tanh"]


def test_one_config_file_serves_every_command(tmp_path):
    path = write(tmp_path, "dataset: moons\nlr: 0.5\niterations: 4\nexplain: true\nexamples: 9\n")
    assert parse("--config", path).learning_rate == 0.5
    assert parse("--config", path, prog="compare").explain is True
    assert parse("--config", path, prog="gradcheck").examples == 9
    assert parse("--config", path, prog="gradcheck").dataset == "moons"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("iterations: 2.5\n", "iterations must be a positive integer, got 2.5"),
        ("quiet: yes please\n", "quiet must be true or false, got 'yes please'"),
        ("impl: jax\n", "impl must be one of both, scratch, torch, got 'jax'"),
        ("learning_rate: null\n", "learning_rate must be a positive number, got null"),
        ("learning_rate: .inf\n", "learning_rate must be a positive number, got inf"),
        ("positive: 3\n", "positive must be a list of class labels (integers >= 0), got 3"),
        ("layers: [2, 0, 1]\n", "layers must be a list of positive integers, got [2, 0, 1]"),
        ("spec: 3\n", "spec must be a string or a mapping, got 3"),
        ("[1, 2]\n", "must hold a mapping of setting: value"),
        ("learning_rate: [\n", "cannot be read: expected the node content"),
        ("learning_rat: 1\n", "unknown setting 'learning_rat'; did you mean 'learning_rate'?"),
    ],
)
def test_a_bad_config_file_is_one_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as caught:
        parse("--config", path)
    assert message in str(caught.value) and path in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--learning-rat", "2"], "unknown flag --learning-rat; did you mean --learning-rate?"),
        (["--iterations", "many"], "iterations must be a positive integer, got 'many'"),
        (["--lr", "-1"], "learning_rate must be a positive number, got -1"),
        (["--impl", "jax"], "impl must be one of both, scratch, torch, got 'jax'"),
        (["--layers", "2", "x", "1"], "layers must be a list of positive integers, got 'x'"),
        (["--quiet", "yes"], "'yes' follows no flag that takes it"),
    ],
)
def test_bad_flags_are_one_clear_error(flags, message):
    with pytest.raises(UserError) as caught:
        parse(*flags)
    assert str(caught.value).startswith(message)


def test_a_setting_has_its_field_name_as_a_flag_too():
    assert parse("--batch_size", "8").batch_size == 8


def test_print_config_prints_a_config_that_config_reads_back(tmp_path):
    flags = ["--layers", "2", "8", "1", "--activation", "relu", "--lr", "0.5", "--quiet"]
    printed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "train.py"), "--print_config", *flags],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert yaml.safe_load(printed)["learning_rate"] == 0.5
    assert parse("--config", write(tmp_path, printed)) == parse(*flags)


@pytest.mark.parametrize("command", [train, compare, gradcheck, measure_tolerances])
def test_every_command_prints_its_config_and_reads_it_back(tmp_path, capsys, command):
    with pytest.raises(SystemExit) as done:
        command.main(["--print_config", "--seed", "3"])
    assert done.value.code == 0
    printed = capsys.readouterr().out
    assert yaml.safe_load(printed)["seed"] == 3
    with pytest.raises(SystemExit):
        command.main(["--config", write(tmp_path, printed), "--print_config"])
    assert capsys.readouterr().out == printed


def test_help_says_what_resume_and_overwrite_do(capsys):
    with pytest.raises(SystemExit):
        train.main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "iteration count of the run in this folder" in help_text
    assert "into a new run folder of its own" in help_text
    assert "(--name, or <dataset>-<impl> without it)" in help_text
