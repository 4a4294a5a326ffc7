"""``nn-train`` with an optimizer: its flags, the parity lines of both sides, the learning rate in
costs.csv, the state kept in the run's weights files, and resuming a run with its state."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from test_scripts_train import column, read_costs, run_folder, train

import scratch
import scratch.weights

MOONS = ["--dataset", "moons", "--layers", "2", "5", "2", "1", "--batch-size", "64"]


@pytest.mark.parametrize(
    ("optimizer", "rate"),
    [
        pytest.param("momentum", "0.05", marks=pytest.mark.slow),
        pytest.param("rmsprop", "0.005", marks=pytest.mark.slow),
        ("adam", "0.0007"),
    ],
)
def test_both_sides_agree_at_every_step_for_every_optimizer_with_decay(
    tmp_path, capsys, optimizer, rate
):
    flags = [*MOONS, "--optimizer", optimizer, "--lr", rate, "--decay-rate", "0.05"]
    assert train(tmp_path, *flags, "--epochs", "20") == 0
    out = capsys.readouterr().out
    assert "parity (float64): all 100 costs agree" in out
    assert "optimizer state agrees" in out and "training scratch and torch" in out
    folder = run_folder(tmp_path, "moons-both")
    rows = read_costs(folder)
    rates = column(rows, "learning_rate")
    assert rates[0] == float(rate) and rates[-1] == float(rate) / (1 + 0.05 * 19)
    saved = yaml.safe_load((folder / "config.yaml").read_text())
    assert saved["optimizer"] == optimizer and saved["decay_rate"] == 0.05
    for side in ("scratch", "torch"):
        name, state = scratch.weights.load_optimizer_state(folder / f"weights-{side}.npz")
        assert name == optimizer and state


def test_a_constant_learning_rate_adds_no_column(tmp_path):
    assert train(tmp_path, *MOONS, "--optimizer", "adam", "--lr", "0.001", "--iterations", "3") == 0
    assert "learning_rate" not in read_costs(run_folder(tmp_path, "moons-both"))[0]


@pytest.mark.slow
def test_resuming_an_adam_run_with_its_state_equals_the_run_in_one_go(tmp_path):
    common = [*MOONS, "--optimizer", "adam", "--lr", "0.01", "--decay-rate", "0.1"]
    assert train(tmp_path, *common, "--iterations", "12", "--name", "straight") == 0
    assert train(tmp_path, *common, "--iterations", "7", "--name", "first") == 0
    first = str(run_folder(tmp_path, "first"))
    assert train(tmp_path, "--resume", first, "--iterations", "5", "--name", "rest") == 0
    straight, rest = run_folder(tmp_path, "straight"), run_folder(tmp_path, "rest")
    for side in ("scratch", "torch"):
        np.testing.assert_array_equal(
            column(read_costs(rest), side), column(read_costs(straight), side)[7:]
        )
        _, resumed = scratch.weights.load_optimizer_state(rest / f"weights-{side}.npz")
        _, in_one_go = scratch.weights.load_optimizer_state(straight / f"weights-{side}.npz")
        assert resumed.keys() == in_one_go.keys() and int(resumed["t"]) == 12
        for key in in_one_go:
            np.testing.assert_array_equal(resumed[key], in_one_go[key])


def test_resuming_with_another_optimizer_is_refused_by_name(tmp_path, capsys):
    assert train(tmp_path, *MOONS, "--optimizer", "adam", "--iterations", "2", "--name", "a") == 0
    capsys.readouterr()
    first = str(run_folder(tmp_path, "a"))
    assert train(tmp_path, "--resume", first, "--optimizer", "momentum", "--name", "b") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "optimizer is 'adam' there, 'momentum' here" in err[0], err
    assert "--weights" in err[0]
    assert not run_folder(tmp_path, "b").exists()


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--beta", "1", "beta must be a number in [0, 1), got 1"),
        ("--beta2", "-0.1", "beta2 must be a number in [0, 1), got -0.1"),
        ("--epsilon", "0", "epsilon must be a positive number, got 0"),
        ("--decay-rate", "-1", "decay_rate must be a number >= 0, got -1"),
        ("--decay-interval", "0", "decay_interval must be a positive integer, got 0"),
        ("--optimizer", "adagrad", "optimizer must be one of gd, momentum, rmsprop, adam"),
    ],
)
def test_a_bad_optimizer_setting_is_one_line_naming_it(tmp_path, capsys, flag, value, words):
    assert train(tmp_path, flag, value) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
    assert not (tmp_path / "runs").exists()
