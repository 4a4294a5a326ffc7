"""The spec of a convolutional network: one file format for every kind of layer, each layer's shape
and parameters from the input's, validation that names the layer and the field, and files
written before the layer kinds existed reading (and computing) as they did."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from conv_network_cases import EXAMPLE_SPEC, SMALL

import scratch
from scratch import Layer, NetworkSpec, SpecError, load_spec, save_spec
from scratch.layer_kinds import LAYER_KINDS, Conv, Flatten, Pool

WRITTEN_BEFORE = Path(__file__).parent.parent / "shared" / "written_before_layer_kinds"
OUTPUT = {"units": 6, "activation": "softmax"}


def images(*layers, shape=(8, 8, 3)):
    return {"input_shape": list(shape), "layers": [*layers, OUTPUT], "loss": "cross_entropy"}


CONV = {"kind": "conv", "filters": 4, "f": 3, "pad": 1, "activation": "relu"}
POOL = {"kind": "pool", "f": 2}
FLAT = {"kind": "flatten"}


def test_the_example_spec_is_the_done_when_network():
    """conv, ReLU, max pool, conv, ReLU, max pool, flatten, softmax over 6 classes, numbered 1-6:
    every layer's output shape and every parameter in course layout."""
    spec = load_spec(EXAMPLE_SPEC)
    assert [layer.kind for layer in spec.layers] == [
        "conv",
        "pool",
        "conv",
        "pool",
        "flatten",
        "dense",
    ]
    assert spec.activations == ("relu", None, "relu", None, None, "softmax")
    assert spec.shapes == (
        (16, 16, 3),
        (16, 16, 8),
        (8, 8, 8),
        (8, 8, 16),
        (4, 4, 16),
        (256,),
        (6,),
    )
    assert spec.param_shapes() == {
        "W1": (3, 3, 3, 8),
        "b1": (1, 1, 1, 8),
        "W3": (3, 3, 8, 16),
        "b3": (1, 1, 1, 16),
        "W6": (6, 256),
        "b6": (6, 1),
    }
    assert spec.describe() == (
        "16x16x3 -> conv 8@3x3 pad 1 relu 16x16x8 -> max pool 2x2 8x8x8 -> conv 16@3x3 pad 1 "
        "relu 8x8x16 -> max pool 2x2 4x4x16 -> flatten 256 -> dense 6 softmax, cross_entropy, "
        "he init, float64, seed 0"
    )
    assert spec.to_dict() == yaml.safe_load(EXAMPLE_SPEC.read_text())


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_conv_spec_round_trips_through_its_file(tmp_path, suffix):
    save_spec(SMALL, tmp_path / f"spec{suffix}")
    assert load_spec(tmp_path / f"spec{suffix}") == SMALL
    assert NetworkSpec.from_dict(SMALL.to_dict()) == SMALL
    assert SMALL.to_dict()["layers"][1] == {"kind": "pool", "mode": "max", "f": 2, "stride": 2}


def test_a_pool_moves_by_its_window_unless_told_and_defaults_to_max():
    assert Pool(3) == Pool(3, 3, "max")
    assert NetworkSpec.from_dict(images(POOL, FLAT)).layers[0] == Pool(2, 2, "max")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            images({**CONV, "f": 11}, FLAT),
            "layer 1 (conv): the window f = 11 is larger than its input's n_H = 8 + 2 * 1 = 10",
        ),
        (
            images(CONV, {"kind": "pool", "f": 3}, FLAT),
            "layer 2 (pool): stride 3 does not tile its input's n_H: (n + 2 pad - f) / stride = "
            "(8 + 2 * 0 - 3) / 3 is not a whole number, so its last 2 row(s) would be in no window",
        ),
        (
            images(FLAT, CONV),
            "layer 2 (conv): takes images (n_H, n_W, n_C), but layer 1 (flatten) gives vectors of "
            "192 entries; conv and pool layers come before the flatten",
        ),
        (
            images(CONV, {"units": 5, "activation": "relu"}),
            "layer 2: takes a vector per example, but layer 1 (conv) gives images 8x8x4; put a "
            "flatten before the first dense layer",
        ),
        (
            {"input_size": 4, "layers": [CONV, FLAT, OUTPUT], "loss": "cross_entropy"},
            "layer 1 (conv): takes images (n_H, n_W, n_C), but the spec's input gives vectors of 4 "
            "entries; give the spec an input_shape [n_H, n_W, n_C] in place of its input_size",
        ),
        (
            images({**CONV, "keep_prob": 0.5}, FLAT),
            "layer 1 (conv): keep_prob 0.5: dropout is built for dense layers only",
        ),
        (
            images({**CONV, "batch_norm": True}, FLAT),
            "layer 1 (conv): batch_norm True: batch norm is built for dense layers only",
        ),
        (images({**POOL, "pad": 1}, FLAT), "layer 1 (pool): pad 1: a pool layer has no padding"),
        (
            {"input_shape": [4, 4, 1], "layers": [POOL], "loss": "cross_entropy"},
            "layer 1 (output): the output layer must be dense",
        ),
        (images({"kind": "gru"}, FLAT), "layer 1: kind 'gru' is unknown; choose one of dense"),
        (images({**CONV, "activation": "softmax"}, FLAT), "layer 1 (conv): activation 'softmax'"),
        (
            images({**CONV, "filters": 0}, FLAT),
            "layer 1 (conv): filters must be a positive integer",
        ),
        (images({**CONV, "stride": 0}, FLAT), "layer 1 (conv): stride must be a positive integer"),
        (images({**CONV, "pad": -1}, FLAT), "layer 1 (conv): pad must be a non-negative integer"),
        (images({**CONV, "size": 3}, FLAT), "layer 1 (conv): unknown field(s) 'size'"),
        (
            images({"kind": "conv", "f": 3, "activation": "relu"}, FLAT),
            "field 'filters' is missing",
        ),
        (images({**POOL, "mode": "min"}, FLAT), "layer 1 (pool): mode 'min' is unknown"),
        (images(FLAT, shape=(8, 0, 3)), "spec: input_shape [8, 0, 3]: n_W must be a positive"),
        (images(FLAT, shape=(8, 8)), "spec: input_shape must be [n_H, n_W, n_C], three sizes"),
        (
            {**images(FLAT), "input_size": 192},
            "spec: give input_size (features of a vector input) or input_shape",
        ),
    ],
)
def test_an_invalid_conv_spec_names_the_layer_and_the_field(data, message):
    with pytest.raises(SpecError) as err:
        NetworkSpec.from_dict(data)
    assert message in str(err.value)


def test_construction_validates_like_loading():
    layers = (Conv(4, 1, "relu"), Pool(4), Flatten(), Layer(2, "softmax"))
    with pytest.raises(SpecError, match=r"layer 2 \(pool\): the window f = 4 is larger"):
        NetworkSpec(layers=layers, input_shape=(2, 2, 1), loss="cross_entropy")


def test_the_layer_kinds_are_one_table():
    assert {kind: cls.kind for kind, cls in LAYER_KINDS.items()} == {
        "dense": "dense",
        "conv": "conv",
        "pool": "pool",
        "flatten": "flatten",
        "rnn": "rnn",
        "lstm": "lstm",
    }
    assert Conv(4, 3, "relu").to_dict()["kind"] == "conv"
    assert "kind" not in Layer(3, "tanh").to_dict()  # dense entries are written as they were


def test_dropout_and_batch_norm_reach_the_hidden_dense_layers_only():
    spec = SMALL.with_hidden_layers(keep_prob=0.8, batch_norm=True)
    assert [(x.dropout, x.batch_norm) for x in spec.layers] == [(False, False)] * 5 + [
        (True, True),
        (False, False),
    ]
    no_hidden = load_spec(EXAMPLE_SPEC)
    with pytest.raises(SpecError, match=r"keep_prob is for the hidden dense layers .* has none"):
        no_hidden.with_hidden_layers(keep_prob=0.8)


def test_initialisation_draws_each_conv_filter_bank_in_course_layout_from_the_seed():
    """He: N(0, 2 / fan_in) with fan_in = f f n_C_prev, the draws in layer order."""
    params = scratch.initialize_parameters(SMALL)
    rng = np.random.default_rng(SMALL.seed)
    np.testing.assert_array_equal(params["W1"], rng.standard_normal((3, 3, 2, 3)) * np.sqrt(2 / 18))
    np.testing.assert_array_equal(params["W3"], rng.standard_normal((2, 2, 3, 2)) * np.sqrt(2 / 12))
    np.testing.assert_array_equal(params["W6"], rng.standard_normal((4, 2)) * np.sqrt(2 / 2))
    assert not params["b1"].any() and params["b1"].shape == (1, 1, 1, 3)


def test_files_written_before_the_layer_kinds_read_and_compute_as_they_did():
    """A spec (JSON and YAML), a weights file with Adam's state and the internals of one pass,
    written by commit 2830688, before this change: the spec writes back the very dict, the
    initial weights are drawn as then, and one pass computes every quantity bit for bit."""
    spec = load_spec(WRITTEN_BEFORE / "dense-spec.yaml")
    assert load_spec(WRITTEN_BEFORE / "dense-spec.json") == spec
    assert spec.to_dict() == yaml.safe_load((WRITTEN_BEFORE / "dense-spec.yaml").read_text())
    then = dict(np.load(WRITTEN_BEFORE / "dense-internals.npz"))
    X, Y = then.pop("X"), then.pop("Y")
    initial = {
        key.removeprefix("initial_"): then.pop(key) for key in list(then) if "initial_" in key
    }
    now = scratch.initialize_parameters(spec)
    assert now.keys() == initial.keys()
    assert all(np.array_equal(now[key], initial[key]) for key in now)
    params, stored = scratch.load_weights(WRITTEN_BEFORE / "dense-weights.npz")
    assert stored == spec
    internals = scratch.layer_internals(X, Y, params, spec)
    assert internals.keys() == then.keys()
    assert all(np.array_equal(internals[key], then[key]) for key in then)
