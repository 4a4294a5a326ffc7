"""Settings (flags over config file over defaults, with one-line errors), the spec they resolve
to for a data set, and run folders that never lose a finished run."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scripts.config import TRAIN, parse_config, resolve_spec
from scripts.data import Data, load_data
from scripts.errors import UserError
from scripts.run_folder import RunFolder


def parse(*argv: str):
    return parse_config(list(argv), TRAIN, "train", "test")


def labelled(n_x: int, labels: list[int]) -> Data:
    X = np.zeros((n_x, len(labels)))
    Y = np.array([labels])
    return Data("toy", X, Y, X, Y)


def test_defaults_are_the_main_job():
    config = parse()
    assert (config.impl, config.dataset, config.learning_rate, config.iterations) == (
        "both",
        "planar",
        1.2,
        2_000,
    )
    spec = resolve_spec(config, load_data("planar"), None)
    assert spec.sizes == (2, 4, 1) and spec.activations == ("tanh", "sigmoid")
    assert spec.init == "small_random" and spec.loss == "binary_cross_entropy"


@pytest.mark.parametrize(
    ("labels", "loss", "sizes"),
    [([0, 1, 1], "binary_cross_entropy", (5, 4, 1)), ([0, 2, 1], "cross_entropy", (5, 4, 3))],
)
def test_without_a_spec_the_network_fits_the_data(labels, loss, sizes):
    spec = resolve_spec(parse(), labelled(5, labels), None)
    assert spec.loss == loss and spec.sizes == sizes


def test_regression_targets_get_an_mse_output():
    data = Data("toy", np.zeros((3, 4)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((2, 4)))
    spec = resolve_spec(parse(), data, None)
    assert spec.loss == "mse" and spec.sizes == (3, 4, 2) and spec.activations[-1] == "identity"


def test_a_spec_file_is_the_base_and_flags_change_its_fields(tmp_path):
    spec = scratch.build_spec([2, 6, 3, 1], "leaky_relu", init="he", seed=9)
    scratch.save_spec(spec, tmp_path / "net.json")
    data = labelled(2, [0, 1])
    assert resolve_spec(parse("--spec", str(tmp_path / "net.json")), data, None) == spec
    reseeded = resolve_spec(parse("--spec", str(tmp_path / "net.json"), "--seed", "2"), data, None)
    assert reseeded == spec.replace(seed=2)
    relu = parse("--spec", str(tmp_path / "net.json"), "--activation", "relu", "tanh")
    assert resolve_spec(relu, data, None).activations == ("relu", "tanh", "sigmoid")
    assert resolve_spec(relu, data, None).init == "he"


def test_one_activation_per_hidden_layer_or_one_for_all():
    with pytest.raises(UserError, match="names 2 activations for 1 hidden layer"):
        resolve_spec(parse("--activation", "relu", "tanh"), labelled(2, [0, 1]), None)


def test_flags_beat_the_config_file_which_beats_the_defaults(tmp_path):
    (tmp_path / "run.yaml").write_text("learning_rate: 0.5\niterations: 30\nimpl: scratch\n")
    config = parse("--config", str(tmp_path / "run.yaml"), "--iterations", "40")
    assert (config.learning_rate, config.iterations, config.impl) == (0.5, 40, "scratch")
    assert config.batch_size is None


def test_a_json_config_works_too(tmp_path):
    (tmp_path / "run.json").write_text('{"layers": [2, 8, 1], "activation": "relu"}')
    config = parse("--config", str(tmp_path / "run.json"))
    assert config.layers == [2, 8, 1] and config.activation == "relu"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lr: 0.5\n", "unknown setting 'lr'"),
        ("iterations: 2.5\n", "iterations must be a positive integer, got 2.5"),
        ("quiet: yes please\n", "quiet must be true or false"),
        ("impl: jax\n", "impl must be one of both, scratch, torch"),
        ("[1, 2]\n", "must hold a mapping of setting: value"),
        ("learning_rate: [\n", "cannot be read"),
    ],
)
def test_a_bad_config_file_is_one_clear_error(tmp_path, text, message):
    (tmp_path / "run.yaml").write_text(text)
    with pytest.raises(UserError, match=message.replace("[", r"\[")) as caught:
        parse("--config", str(tmp_path / "run.yaml"))
    assert "\n" not in str(caught.value)


def test_bad_flags_are_one_clear_error():
    with pytest.raises(UserError, match=r"unrecognized arguments: --learning-rat 2 \(see --help\)"):
        parse("--learning-rat", "2")
    with pytest.raises(UserError, match="argument --iterations: invalid int value: 'many'"):
        parse("--iterations", "many")


def test_an_unfinished_run_leaves_no_folder_behind(tmp_path):
    with pytest.raises(KeyboardInterrupt), RunFolder(tmp_path, None, "run", False) as folder:
        folder.file("costs.csv").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_an_earlier_run_only_once_the_new_one_is_complete(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "costs.csv").write_text("old")
    (tmp_path / "mine" / "torch.ckpt").write_text("old")
    with RunFolder(tmp_path, "mine", "unused", True) as folder:
        folder.file("costs.csv").write_text("new")
        assert (tmp_path / "mine" / "costs.csv").read_text() == "old"
        folder.publish()
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["costs.csv"]
    assert (tmp_path / "mine" / "costs.csv").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_a_name_taken_while_the_run_was_going_is_not_overwritten(tmp_path):
    with RunFolder(tmp_path, "mine", "unused", False) as folder:
        (tmp_path / "mine").mkdir()
        (tmp_path / "mine" / "theirs").write_text("keep")
        assert folder.publish() == tmp_path / "mine-2"
    assert (tmp_path / "mine" / "theirs").read_text() == "keep"


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", ".."])
def test_a_run_name_must_be_a_plain_folder_name(tmp_path, name):
    with pytest.raises(UserError, match="must be a plain folder name"):
        RunFolder(tmp_path, name, "unused", False)
