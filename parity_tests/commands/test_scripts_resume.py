"""``nn-train --resume RUN_DIR`` (``scripts.runs.resumed``): a resumed run repeats its run or is
refused. It goes on from the run's weights, iteration count and optimizer state into a folder of
its own, leaving the run as it was; it may change how long it goes on and where and how it runs;
any other change is one line naming the setting and both values; its folder's files are read
once, every key of ``config.yaml`` read or refused (an unknown key, a file cut short), a file of
an earlier version read as the settings its run had.

The README's other claims about resuming have their tests beside the runs they need:
``test_scripts_train.py::test_resuming_4_then_3_iterations_equals_7_in_one_go``,
``test_scripts_train_optimizers.py::test_resuming_an_adam_run_with_its_state_equals_the_run_in_one_go``
and ``::test_resuming_with_another_optimizer_is_refused_by_name``."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from scripts.train import main

QUICK = ["--impl", "scratch", "--quiet"]
ADAM = [*QUICK, "--dataset", "moons", "--layers", "2", "5", "1", "--optimizer", "adam"]
ADAM += ["--lr", "0.01", "--batch-size", "64", "--decay-rate", "0.1", "--decay-interval", "2"]
MOMENTUM = [*QUICK, "--optimizer", "momentum", "--beta", "0.8", "--lr", "0.5"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> dict[str, Path]:
    """Three finished runs: ``adam`` (moons, [2, 5, 1], mini-batches, a decay), ``momentum``
    and ``plain`` (gradient descent on planar), each a few iterations."""
    runs = tmp_path_factory.mktemp("finished")
    for name, flags in (("adam", ADAM), ("momentum", MOMENTUM), ("plain", QUICK)):
        assert main([*flags, "--iterations", "4", "--runs-dir", str(runs), "--name", name]) == 0
    return {name: runs / name for name in ("adam", "momentum", "plain")}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


def refused(capsys, tmp_path: Path, *flags: str) -> str:
    """``train *flags`` into ``tmp_path / "runs"``: exit 2, its one line, nothing written."""
    capsys.readouterr()
    code = main(["--runs-dir", str(tmp_path / "runs"), *flags])
    printed = capsys.readouterr()
    lines = printed.err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("train: error: "), printed.err
    assert printed.out == ""
    assert not (tmp_path / "runs").exists()
    return lines[0]


def iterations(folder: Path) -> list[int]:
    with open(folder / "costs.csv", newline="") as file:
        return [int(row["iteration"]) for row in csv.DictReader(file)]


def test_resuming_goes_on_from_the_runs_weights_and_count_into_a_folder_of_its_own(
    tmp_path, finished
):
    """README: ``--resume RUN_DIR`` goes on from that run's weights and iteration count, with
    its settings, into a new run folder of its own; the run it resumes stays as it was."""
    before = snapshot(finished["adam"])
    runs = tmp_path / "runs"
    assert main(["--resume", str(finished["adam"]), "--runs-dir", str(runs), "--quiet"]) == 0
    assert snapshot(finished["adam"]) == before
    [resumed] = list(runs.iterdir())
    assert iterations(resumed) == [4, 5, 6, 7]  # its settings: 4 iterations more
    saved = yaml.safe_load((resumed / "config.yaml").read_text())
    earlier = yaml.safe_load((finished["adam"] / "config.yaml").read_text())
    assert saved == earlier | {"resume": str(finished["adam"]), "runs_dir": str(runs)}


def test_a_resumed_run_may_change_how_long_and_where_and_how_it_runs(tmp_path, finished):
    flags = ["--resume", str(finished["adam"]), "--iterations", "2", "--print-every", "1"]
    flags += ["--runs-dir", str(tmp_path / "other")]
    assert main([*flags, "--name", "longer"]) == 0
    assert iterations(tmp_path / "other" / "longer") == [4, 5]
    flags = ["--resume", str(finished["adam"]), "--epochs", "1", "--quiet"]
    assert main([*flags, "--runs-dir", str(tmp_path / "other"), "--name", "epoch"]) == 0
    assert iterations(tmp_path / "other" / "epoch") == [4, 5, 6, 7, 8]  # moons: 5 batches of 64


CHANGES = {  # a setting changed on resuming the adam run: flags, what the one line must say
    "dtype": (["--dtype", "float32"], "dtype is 'float64' there, 'float32' here (--dtype)"),
    "batch_norm": (["--batch-norm"], "layer 1 batch_norm is False there, True here"),
    "dropout": (["--keep-prob", "0.8"], "layer 1 keep_prob is 1.0 there, 0.8 here (--keep-prob)"),
    "activation": (["--activation", "relu"], "layer 1 activation is 'tanh' there, 'relu' here"),
    "layers": (["--layers", "2", "6", "1"], "layers is [2, 5, 1] there, [2, 6, 1] here"),
    "seed": (["--seed", "3"], "seed is 0 there, 3 here (--seed)"),
    "init": (["--init", "he"], "init is 'small_random' there, 'he' here (--init)"),
    "l2": (["--l2", "0.1"], "l2 is 0.0 there, 0.1 here (--l2)"),
    "loss": (["--loss", "mse"], "loss is 'binary_cross_entropy' there, 'mse' here (--loss)"),
    "dataset": (["--dataset", "blobs"], "dataset is 'moons' there, 'blobs' here (--dataset)"),
    "test_fraction": (["--test-fraction", "0.3"], "test_fraction is 0.2 there, 0.3 here"),
    "learning_rate": (["--lr", "0.02"], "learning_rate is 0.01 there, 0.02 here"),
    "batch_size": (["--batch-size", "32"], "batch_size is 64 there, 32 here (--batch-size)"),
    "optimizer": (["--optimizer", "rmsprop"], "optimizer is 'adam' there, 'rmsprop' here"),
    "beta1": (["--beta1", "0.8"], "beta1 is 0.9 there, 0.8 here (--beta1)"),
    "beta2": (["--beta2", "0.99"], "beta2 is 0.999 there, 0.99 here (--beta2)"),
    "epsilon": (["--epsilon", "1e-6"], "epsilon is 1e-08 there, 1e-06 here (--epsilon)"),
    "decay_rate": (["--decay-rate", "0.2"], "decay_rate is 0.1 there, 0.2 here"),
    "decay_interval": (["--decay-interval", "3"], "decay_interval is 2 there, 3 here"),
    "precision": (["--precision", "bf16-mixed"], "precision is None there, 'bf16-mixed' here"),
}


@pytest.mark.parametrize("setting", list(CHANGES))
def test_a_change_that_makes_another_run_is_refused_naming_the_setting_and_both_values(
    capsys, tmp_path, finished, setting
):
    flags, words = CHANGES[setting]
    line = refused(capsys, tmp_path, "--resume", str(finished["adam"]), *flags)
    assert words in line and f"--resume {finished['adam']}" in line, line


def test_momentums_beta_and_a_config_files_change_are_named_with_where_they_came_from(
    capsys, tmp_path, finished
):
    line = refused(capsys, tmp_path, "--resume", str(finished["momentum"]), "--beta", "0.9")
    assert "beta is 0.8 there, 0.9 here (--beta)" in line, line
    config = tmp_path / "changes.yaml"
    config.write_text("learning_rate: 0.7\n")
    line = refused(capsys, tmp_path, "--resume", str(finished["momentum"]), "--config", str(config))
    assert f"learning_rate is 0.5 there, 0.7 here (config file {config})" in line, line


def test_a_gradient_descent_run_resumed_with_adam_is_refused(capsys, tmp_path, finished):
    """The issue's case: accepted before, with Adam's state starting from zero."""
    line = refused(capsys, tmp_path, "--resume", str(finished["plain"]), "--optimizer", "adam")
    assert "optimizer is 'gd' there, 'adam' here (--optimizer)" in line, line
    assert f"--weights {finished['plain'] / 'weights-scratch.npz'}" in line, line


def test_the_same_settings_given_again_are_no_change(tmp_path, finished):
    config = str(finished["adam"] / "config.yaml")
    flags = ["--resume", str(finished["adam"]), "--config", config, "--lr", "0.01"]
    assert main([*flags, "--runs-dir", str(tmp_path / "runs"), "--name", "same"]) == 0


def test_resume_with_weights_is_refused_its_own_weights_are_where_it_goes_on(
    capsys, tmp_path, finished
):
    weights = str(finished["plain"] / "weights-scratch.npz")
    line = refused(capsys, tmp_path, "--resume", str(finished["plain"]), "--weights", weights)
    assert "--resume continues from the run's own weights; leave out --weights" in line


def copy_with_config(finished: Path, tmp_path: Path, text: str) -> Path:
    run = tmp_path / "edited"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(finished, run)
    (run / "config.yaml").write_text(text)
    return run


def test_a_config_cut_short_at_any_line_is_refused_naming_the_file_and_a_missing_key(
    capsys, tmp_path, finished
):
    """The issue's case: a config.yaml cut at a line boundary resumed with defaults."""
    lines = (finished["adam"] / "config.yaml").read_text().splitlines(keepends=True)
    for cut in range(1, len(lines)):
        run = copy_with_config(finished["adam"], tmp_path, "".join(lines[:cut]))
        line = refused(capsys, tmp_path, "--resume", str(run))
        assert f"{run / 'config.yaml'}" in line, (cut, line)
        assert "lacks the setting" in line or "cannot be read" in line, (cut, line)


def test_an_unknown_key_in_a_runs_config_is_refused_naming_it(capsys, tmp_path, finished):
    text = (finished["plain"] / "config.yaml").read_text() + "learning_rat: 0.3\n"
    run = copy_with_config(finished["plain"], tmp_path, text)
    line = refused(capsys, tmp_path, "--resume", str(run))
    assert f"{run / 'config.yaml'}: unknown setting 'learning_rat'" in line, line
    assert "did you mean 'learning_rate'?" in line, line


def test_a_value_of_the_wrong_kind_in_a_runs_config_is_refused_naming_it(
    capsys, tmp_path, finished
):
    text = (finished["plain"] / "config.yaml").read_text().replace("impl: scratch", "impl: jax")
    run = copy_with_config(finished["plain"], tmp_path, text)
    line = refused(capsys, tmp_path, "--resume", str(run))
    assert f"run {run}: impl must be one of both, scratch, torch, got 'jax'" in line, line


def test_a_config_of_an_earlier_version_resumes_with_the_settings_its_run_had(tmp_path, finished):
    """A config.yaml written before the optimizer, the layers' and the modes' settings existed
    lacks each group whole: its run had them at their defaults, and resumes with them."""
    saved = yaml.safe_load((finished["plain"] / "config.yaml").read_text())
    added = ("optimizer", "beta", "beta1", "beta2", "epsilon", "decay_rate", "decay_interval")
    added += ("keep_prob", "batch_norm", "compile", "precision")
    earlier = {key: value for key, value in saved.items() if key not in added}
    run = copy_with_config(finished["plain"], tmp_path, yaml.safe_dump(earlier, sort_keys=False))
    runs = tmp_path / "runs"
    assert main(["--resume", str(run), "--runs-dir", str(runs), "--name", "on"]) == 0
    again = yaml.safe_load((runs / "on" / "config.yaml").read_text())
    assert again == saved | {"resume": str(run), "runs_dir": str(runs)}


def test_part_of_a_group_missing_is_a_file_cut_short_not_an_earlier_version(
    capsys, tmp_path, finished
):
    saved = yaml.safe_load((finished["plain"] / "config.yaml").read_text())
    del saved["beta2"]
    run = copy_with_config(finished["plain"], tmp_path, yaml.safe_dump(saved, sort_keys=False))
    line = refused(capsys, tmp_path, "--resume", str(run))
    assert f"{run / 'config.yaml'} lacks the setting 'beta2'" in line, line


def test_weights_holding_another_optimizers_state_than_the_config_says_are_refused(
    capsys, tmp_path, finished
):
    text = (
        (finished["adam"] / "config.yaml").read_text().replace("optimizer: adam", "optimizer: gd")
    )
    run = copy_with_config(finished["adam"], tmp_path, text)
    line = refused(capsys, tmp_path, "--resume", str(run))
    assert "holds the state of adam" in line and "trained with gd" in line, line
