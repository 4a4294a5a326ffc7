"""The commands with dropout and batch norm: ``--keep-prob`` and ``--batch-norm`` on ``nn-train``
and ``nn-compare`` build the spec's hidden layers, and both sides agree on them."""

from __future__ import annotations

import pytest
import yaml
from test_scripts_train import run_folder, train

from scripts.compare import main as compare

LAYERS = ["--dataset", "moons", "--layers", "2", "16", "16", "1", "--activation", "relu"]
BOTH = [*LAYERS, "--batch-norm", "--keep-prob", "0.8"]


def test_train_with_batch_norm_and_dropout_agrees_and_saves_the_layers_in_the_spec(
    tmp_path, capsys
):
    flags = [*BOTH, "--optimizer", "adam", "--lr", "0.01", "--batch-size", "64", "--epochs", "3"]
    assert train(tmp_path, *flags) == 0
    out = capsys.readouterr().out
    assert "parity (float64): all 15 costs agree" in out
    saved = yaml.safe_load((run_folder(tmp_path, "moons-both") / "config.yaml").read_text())
    hidden = saved["spec"]["layers"][:-1]
    assert all(layer["keep_prob"] == 0.8 and layer["batch_norm"] for layer in hidden)
    assert saved["keep_prob"] is None and saved["batch_norm"] is False  # the spec holds them


def test_one_keep_prob_per_hidden_layer(tmp_path):
    assert train(tmp_path, *LAYERS, "--keep-prob", "0.9", "0.5", "--iterations", "2") == 0
    saved = yaml.safe_load((run_folder(tmp_path, "moons-both") / "config.yaml").read_text())
    assert [layer.get("keep_prob", 1) for layer in saved["spec"]["layers"]] == [0.9, 0.5, 1]


def test_compare_explains_the_batch_norm_and_dropout_nodes(capsys):
    assert compare([*BOTH, "--explain"]) == 0
    out = capsys.readouterr().out
    assert "all 33 quantities agree" in out
    assert "NativeBatchNormBackward0" in out and "MulBackward0 -> ReluBackward0" in out


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (
            ["--keep-prob", "0"],
            "keep_prob must be a number in (0, 1] or a list of numbers in (0, 1], got 0",
        ),
        (["--keep-prob", "0.5", "0.5"], "keep_prob gives 2 value(s) for 1 hidden layer(s)"),
    ],
)
def test_a_bad_keep_prob_is_one_line(tmp_path, capsys, flags, words):
    assert train(tmp_path, *flags) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
