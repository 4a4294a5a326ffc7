"""The spec the network settings resolve to for a data set (``scripts.inputs.network``): the
network that fits the data by default, a spec file as the base whose fields the flags change,
each its own field and never the rest (issue 25)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import yaml

import scratch
from scratch.spec import spec_differences
from scripts.cli import settings
from scripts.cli.errors import UserError
from scripts.cli.settings import NetworkSettings
from scripts.inputs.data import Data, load_data
from scripts.inputs.network import resolve_spec
from scripts.train import main


def parse(*argv: str) -> NetworkSettings:
    _, network, *_ = settings.parse("train", "test", list(argv))
    return network


def labelled(n_x: int, labels: list[int]) -> Data:
    X = np.zeros((n_x, len(labels)))
    Y = np.array([labels])
    return Data("toy", X, Y, X, Y)


def test_the_default_network_is_the_courses_shallow_one():
    spec = resolve_spec(parse(), load_data("planar"), None)
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


def test_a_saved_spec_mapping_is_the_spec(tmp_path):
    spec = scratch.build_spec([2, 3, 1], "relu", seed=4)
    (tmp_path / "run.yaml").write_text(f"spec: {spec.to_dict()}\n")
    assert (
        resolve_spec(parse("--config", str(tmp_path / "run.yaml")), labelled(2, [0, 1]), None)
        == spec
    )


def test_one_activation_per_hidden_layer_or_one_for_all():
    with pytest.raises(UserError, match="names 2 activations for 1 hidden layer"):
        resolve_spec(parse("--activation", "relu", "tanh"), labelled(2, [0, 1]), None)


# Issue 25: a setting over a spec changes its own field, never the rest.

BN = scratch.NetworkSpec.from_dict(  # the issue's bn.json: batch norm, dropout 0.8, momentum 0.3
    {
        "input_size": 2,
        "layers": [
            {"units": 6, "activation": "leaky_relu", "negative_slope": 0.2, "keep_prob": 0.8},
            {"units": 1, "activation": "sigmoid"},
        ],
        "batch_norm_momentum": 0.3,
        "batch_norm_eps": 1e-3,
        "init": "he",
        "seed": 4,
    }
).with_hidden_layers(batch_norm=True)
CHANGED = {  # flags -> the fields of BN they change (spec_differences' names), every other kept
    ("--activation", "tanh"): ["layer 1 activation", "layer 1 negative_slope"],
    ("--activation", "leaky_relu"): [],
    ("--layers", "2", "9", "1"): ["layers"],
    ("--layers", "3", "6", "1"): ["layers"],
    ("--init", "xavier"): ["init"],
    ("--l2", "0.3"): ["l2"],
    ("--dtype", "float32"): ["dtype"],
    ("--seed", "8"): ["seed"],
    ("--keep-prob", "0.5"): ["layer 1 keep_prob"],
    ("--loss", "mse"): ["loss", "layer 2 activation"],
}


@pytest.mark.parametrize("flags", list(CHANGED), ids=[" ".join(f) for f in CHANGED])
def test_a_flag_over_a_spec_file_changes_its_own_field_and_keeps_every_other(tmp_path, flags):
    scratch.save_spec(BN, tmp_path / "bn.json")
    spec = resolve_spec(
        parse("--spec", str(tmp_path / "bn.json"), *flags), labelled(2, [0, 1]), None
    )
    assert [field for field, *_ in spec_differences(BN, spec)] == CHANGED[flags]


def test_layers_of_another_depth_carry_the_hidden_layers_fields_they_share(tmp_path):
    """The issue's case: ``--layers`` reset a spec's negative_slope from 0.2 to 0.01."""
    scratch.save_spec(BN, tmp_path / "bn.json")
    network = parse("--spec", str(tmp_path / "bn.json"), "--layers", "2", "8", "8", "1")
    spec = resolve_spec(network, labelled(2, [0, 1]), None)
    assert spec.sizes == (2, 8, 8, 1)
    assert all(layer == replace(BN.layers[0], units=8) for layer in spec.layers[:-1])
    assert (spec.batch_norm_momentum, spec.batch_norm_eps, spec.init) == (0.3, 1e-3, "he")


def test_layers_that_cannot_be_combined_with_a_spec_are_refused_naming_both(tmp_path):
    mixed = scratch.NetworkSpec.from_dict(
        {
            "input_size": 2,
            "layers": [
                {"units": 4, "activation": "relu", "batch_norm": True},
                {"units": 3, "activation": "tanh", "keep_prob": 0.8},
                {"units": 1, "activation": "sigmoid"},
            ],
        }
    )
    scratch.save_spec(mixed, tmp_path / "mixed.json")
    network = parse("--spec", str(tmp_path / "mixed.json"), "--layers", "2", "5", "1")
    with pytest.raises(UserError) as caught:
        resolve_spec(network, labelled(2, [0, 1]), None)
    message = str(caught.value)
    assert "layers [2, 5, 1] gives 1 hidden layer(s)" in message, message
    assert f"spec file {tmp_path / 'mixed.json'} 2 that differ" in message, message
    assert "change the depth in the spec itself" in message, message
    assert "1: relu batch norm; 2: tanh keep_prob 0.8" in message, message
    same_depth = parse("--spec", str(tmp_path / "mixed.json"), "--layers", "2", "5", "6", "1")
    kept = resolve_spec(same_depth, labelled(2, [0, 1]), None)
    assert [field for field, *_ in spec_differences(mixed, kept)] == ["layers"]


def test_the_weights_spec_is_a_base_like_a_spec_file(tmp_path):
    data = labelled(2, [0, 1])
    spec = resolve_spec(parse("--weights", "w.npz", "--activation", "leaky_relu"), data, BN)
    assert spec_differences(BN, spec) == []
    spec = resolve_spec(parse("--weights", "w.npz", "--dtype", "float32"), data, BN)
    assert spec == BN.replace(dtype="float32")


def test_the_issues_bn_spec_with_another_activation_trains_what_its_spec_line_says(
    tmp_path, capsys
):
    """``nn-train --spec bn.json --activation tanh`` keeps the spec's batch norm, dropout 0.8 and
    momentum 0.3, and its ``spec:`` line says so."""
    scratch.save_spec(BN, tmp_path / "bn.json")
    flags = ["--spec", str(tmp_path / "bn.json"), "--activation", "tanh", "--impl", "scratch"]
    flags += ["--iterations", "2", "--batch-size", "64", "--quiet"]
    assert main([*flags, "--runs-dir", str(tmp_path / "runs"), "--name", "bn"]) == 0
    spec_line = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("spec:")
    )
    assert spec_line == (
        "spec: [2, 6, 1] tanh/sigmoid, binary_cross_entropy, he init, batch norm on layer(s) 1 "
        "(momentum 0.3, eps 0.001), keep_prob {1: 0.8}, float64, seed 4"
    )
    saved = scratch.load_weights(tmp_path / "runs" / "bn" / "weights-scratch.npz")[1]
    assert saved == BN.replace(
        layers=[
            {"units": 6, "activation": "tanh", "keep_prob": 0.8, "batch_norm": True},
            {"units": 1, "activation": "sigmoid"},
        ]
    )


def test_a_saved_config_with_one_flag_changed_keeps_the_rest_of_the_file(tmp_path):
    """The README's "repeat a run, changing one flag" over a run with batch norm, dropout, a
    leaky slope and Adam: the one setting changes, and nothing else does."""
    scratch.save_spec(BN, tmp_path / "bn.json")
    flags = ["--spec", str(tmp_path / "bn.json"), "--impl", "scratch", "--quiet"]
    flags += ["--optimizer", "adam", "--beta1", "0.8", "--lr", "0.01", "--batch-size", "64"]
    runs = tmp_path / "runs"
    assert main([*flags, "--iterations", "2", "--runs-dir", str(runs), "--name", "first"]) == 0
    config = str(runs / "first" / "config.yaml")
    assert main(["--config", config, "--activation", "relu", "--name", "relu"]) == 0
    first = yaml.safe_load((runs / "first" / "config.yaml").read_text())
    relu = yaml.safe_load((runs / "relu" / "config.yaml").read_text())
    spec = first["spec"]
    spec["layers"][0] = {**spec["layers"][0], "activation": "relu"}
    del spec["layers"][0]["negative_slope"]
    assert relu == first
