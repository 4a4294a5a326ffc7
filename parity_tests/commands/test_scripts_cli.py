"""The commands' settings (``scripts.cli.parser`` and ``scripts.cli.settings``): flags over the
config file over the defaults, alias and dashed keys, one config file for every command,
``--print_config`` read back by ``--config``, and one-line errors that name the setting and the
value."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import typing
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from scripts import check, compare, gradcheck, measure_tolerances, train
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


# Issue 25: every setting counts or is refused, one line each, naming them.


def refusal(*argv: str, prog: str = "train") -> str:
    with pytest.raises(UserError) as caught:
        parse(*argv, prog=prog)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


def test_two_config_files_are_refused_naming_both(tmp_path):
    a, b = write(tmp_path, "lr: 0.5\n", "a.yaml"), write(tmp_path, "lr: 0.7\n", "b.yaml")
    message = refusal("--config", a, f"--config={b}")
    assert f"--config is given 2 times ({a}, {b})" in message, message


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("lr: 0.5\nlearning_rate: 0.7\n", "'lr' and 'learning_rate' are the same setting"),
        ("batch_size: 8\nbatch-size: 16\n", "'batch_size' and 'batch-size' are the same setting"),
    ],
)
def test_two_names_of_one_setting_in_a_file_are_refused(tmp_path, text, names):
    path = write(tmp_path, text)
    message = refusal("--config", path)
    assert message.startswith(f"config file {path}: {names}"), message


def test_a_config_file_naming_another_is_refused(tmp_path):
    path = write(tmp_path, "config: other.yaml\nlr: 0.5\n")
    message = refusal("--config", path)
    assert (
        f"config file {path}: a config file cannot name another (config: 'other.yaml')" in message
    )


def test_iterations_and_epochs_from_one_source_are_refused(tmp_path):
    assert refusal("--iterations", "3", "--epochs", "1") == (
        "--iterations and --epochs both give the length of the run; give one"
    )
    path = write(tmp_path, "iterations: 3\nepochs: 1\n")
    assert refusal("--config", path) == (
        f"config file {path}: --iterations and --epochs both give the length of the run; give one"
    )


def test_of_iterations_and_epochs_the_higher_source_decides(tmp_path):
    epochs = write(tmp_path, "epochs: 2\n", "epochs.yaml")
    flag_wins = parse("--config", epochs, "--iterations", "5")
    assert (flag_wins.epochs, flag_wins.iterations) == (None, 5)
    iterations = write(tmp_path, "iterations: 5\n", "iterations.yaml")
    assert parse("--config", iterations, "--epochs", "2").epochs == 2


def test_print_config_with_epochs_reads_back(tmp_path, capsys):
    with pytest.raises(SystemExit):
        train.main(["--print_config", "--epochs", "3"])
    printed = capsys.readouterr().out
    assert "epochs: 3" in printed and "iterations:" not in printed
    assert parse("--config", write(tmp_path, printed)).epochs == 3


USED = {"gd": (), "momentum": ("beta",), "rmsprop": ("beta2", "epsilon")}
USED |= {"adam": ("beta1", "beta2", "epsilon")}
HYPERPARAMETERS = {"beta": "0.5", "beta1": "0.5", "beta2": "0.5", "epsilon": "0.001"}


@pytest.mark.parametrize(
    ("optimizer", "name"),
    [(o, n) for o in USED for n in HYPERPARAMETERS if n not in USED[o]],
)
def test_a_hyperparameter_the_optimizer_does_not_read_is_refused(tmp_path, capsys, optimizer, name):
    flags = ["--impl", "scratch", "--runs-dir", str(tmp_path / "runs"), "--optimizer", optimizer]
    flag = "--" + name
    assert train.main([*flags, flag, HYPERPARAMETERS[name]]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"train: error: {flag} {float(HYPERPARAMETERS[name])} does nothing: it is "
    )
    assert f"and the optimizer is {optimizer!r}" in err and err.count("\n") == 1, err
    path = write(tmp_path, f"{name}: {HYPERPARAMETERS[name]}\n")
    assert train.main([*flags, "--config", path]) == 2
    assert (
        f"config file {path}: {name} {float(HYPERPARAMETERS[name])} does nothing"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "runs").exists()


def test_a_file_holding_every_hyperparameter_at_its_default_serves_every_optimizer(tmp_path):
    path = write(
        tmp_path, "beta: 0.9\nbeta1: 0.9\nbeta2: 0.999\nepsilon: 1.0e-08\ndecay_interval: 1\n"
    )
    for optimizer in USED:
        assert parse("--config", path, "--optimizer", optimizer).optimizer == optimizer


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--decay-interval", "3"],
            "--decay-interval 3 does nothing: the learning rate does not decay",
        ),
        (
            ["--impl", "scratch", "--accelerator", "gpu"],
            "--accelerator gpu does nothing: --impl scratch",
        ),
        (
            ["--impl", "scratch", "--devices", "1"],
            "--devices 1 does nothing: --impl scratch trains no",
        ),
    ],
)
def test_a_setting_that_does_nothing_for_the_run_is_refused(tmp_path, capsys, flags, message):
    assert train.main([*flags, "--runs-dir", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


@pytest.mark.parametrize("command", [train, compare, gradcheck])
@pytest.mark.parametrize(
    "flags, message",
    [
        (
            ["--data-dir", "elsewhere"],
            "--data-dir elsewhere does nothing: planar is not read from a folder (only mnist, "
            "fashion-mnist, cat and signs are)",
        ),
        (["--dataset", "names", "--data-dir", "d"], "--data-dir d does nothing: names is not"),
        (["--dataset", "mnist", "--test-fraction", "0.3"], "mnist comes with its own test set"),
        (["--dataset", "signs", "--test-fraction", "0.3"], "signs comes with its own test set"),
    ],
)
def test_a_data_setting_the_data_set_does_not_read_is_refused(
    tmp_path, capsys, command, flags, message
):
    argv = [*flags, "--runs-dir", str(tmp_path)] if command is train else flags
    assert command.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_a_data_folder_in_a_config_file_is_refused_unless_at_its_default(tmp_path, capsys):
    path = write(tmp_path, "data_dir: elsewhere\n")
    assert train.main(["--config", path]) == 2
    assert f"config file {path}: data_dir elsewhere does nothing" in capsys.readouterr().err
    path = write(tmp_path, "data_dir: data\ntest_fraction: 0.2\n", name="defaults.yaml")
    assert parse("--config", path).data_dir == "data"
    assert parse("--config", path, "--dataset", "mnist").dataset == "mnist"


def test_a_data_folder_is_read_for_the_sets_kept_there(tmp_path, capsys):
    """Not refused as unused: read, and its missing files named."""
    assert train.main(["--dataset", "cat", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "does nothing" not in err and str(tmp_path) in err, err


SHARED = {  # one key of each command, and the value each command reads from it
    "learning_rate": ("train", 0.5),
    "explain": ("compare", True),
    "examples": ("gradcheck", 9),
    "time_limit": ("nn-check", 3.0),
    "no_memory": ("bench", True),
    "rounds": ("bench load", 2),
    "workloads": ("bench modes", ["planar"]),
    "networks": ("measure_tolerances", 7),
}


def test_one_file_holds_the_settings_of_every_command_and_each_reads_its_own(tmp_path):
    """The README's claim, false for nn-check before: ``time_limit:`` was refused by the
    others, ``lr:`` by nn-check."""
    path = write(
        tmp_path, "".join(f"{key}: {json.dumps(value)}\n" for key, (_, value) in SHARED.items())
    )
    for prog in settings.COMMANDS:
        read = vars(parse("--config", path, prog=prog))
        for key, (owner, value) in SHARED.items():
            assert key not in read or read[key] == value, (prog, key)
            assert (key in read) == (owner == prog or key in settings.keys(settings.COMMANDS[prog]))


@pytest.mark.parametrize("prog", list(settings.COMMANDS))
def test_a_key_no_command_knows_is_refused_by_each_with_the_nearest_of_any(tmp_path, prog):
    path = write(tmp_path, "time_limt: 3\n")
    message = refusal("--config", path, prog=prog)
    assert message == f"config file {path}: unknown setting 'time_limt'; did you mean 'time_limit'?"


def test_nn_check_reads_a_file_holding_trains_settings(tmp_path, capsys):
    path = write(tmp_path, "lr: 0.5\niterations: 3\nsolution: mine.py\n")
    with pytest.raises(SystemExit):
        check.main(["--config", path, "--print_config"])
    assert yaml.safe_load(capsys.readouterr().out)["solution"] == "mine.py"


def test_a_key_two_commands_share_means_the_same_to_both():
    """The same type of value (one command may leave it unset, ``None``: ``seed``, ``dtype``)."""

    def types(groups: tuple[type, ...]) -> dict[str, set]:
        return {
            key: set(typing.get_args(hint) or (hint,)) - {type(None)}
            for group in groups
            for key, hint in typing.get_type_hints(group).items()
        }

    every = {prog: types(groups) for prog, groups in settings.COMMANDS.items()}
    for prog, mine in every.items():
        for other, theirs in every.items():
            for key in mine.keys() & theirs.keys():
                assert mine[key] == theirs[key], (prog, other, key)
