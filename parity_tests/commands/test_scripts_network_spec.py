"""The spec the network settings resolve to for a data set (``scripts.inputs.network``): the
network that fits the data by default, a spec file as the base whose fields the flags change."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scripts.cli import settings
from scripts.cli.errors import UserError
from scripts.cli.settings import NetworkSettings
from scripts.inputs.data import Data, load_data
from scripts.inputs.network import resolve_spec


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
