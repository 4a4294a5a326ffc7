"""The layer spec: validation names the layer and field; files round-trip exactly."""

from __future__ import annotations

import json

import pytest

from scratch import Layer, NetworkSpec, SpecError, build_spec, load_spec, save_spec

PLANAR = {
    "input_size": 2,
    "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
    "init": "small_random",
    "loss": "binary_cross_entropy",
    "l2": 0.0,
    "dtype": "float64",
    "seed": 1,
}


def with_changes(**changes):
    return {**PLANAR, **changes}


def hidden(**layer):
    return with_changes(layers=[layer, {"units": 1, "activation": "sigmoid"}])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hidden(units=4, activation="relux"), "layer 1: activation 'relux' is unknown"),
        (hidden(units=0, activation="tanh"), "layer 1: units must be a positive integer, got 0"),
        (hidden(units=2.5, activation="tanh"), "layer 1: units must be a positive integer"),
        (hidden(units=True, activation="tanh"), "layer 1: units must be a positive integer"),
        (hidden(units=3, activation="softmax"), "layer 1: activation 'softmax' is only allowed"),
        (hidden(units=3, activation="leaky_relu", negative_slope=-1), "layer 1: negative_slope"),
        (hidden(units=3, activation="tanh", size=3), "layer 1: unknown field(s) 'size'"),
        (hidden(activation="tanh"), "layer 1: field 'units' is missing"),
        (with_changes(init="glorot"), "spec: init 'glorot' is unknown"),
        (with_changes(loss="hinge"), "spec: loss 'hinge' is unknown"),
        (with_changes(dtype="float16"), "spec: dtype 'float16' is unknown"),
        (with_changes(input_size=-2), "spec: input_size must be a positive integer, got -2"),
        (with_changes(l2=-0.1), "spec: l2 must be a finite number >= 0"),
        (with_changes(seed=1.5), "spec: seed must be a non-negative integer"),
        (with_changes(layers=[]), "spec: 'layers' is empty"),
        (with_changes(optimizer="adam"), "spec: unknown field(s) 'optimizer'"),
        (
            with_changes(layers=[{"units": 2, "activation": "sigmoid"}]),
            "layer 1 (output): loss 'binary_cross_entropy' needs a sigmoid output layer with "
            "exactly 1 unit, got 2 sigmoid unit(s)",
        ),
        (
            with_changes(layers=[{"units": 1, "activation": "tanh"}]),
            "layer 1 (output): loss 'binary_cross_entropy' needs a sigmoid output layer",
        ),
        (
            with_changes(loss="cross_entropy", layers=[{"units": 1, "activation": "softmax"}]),
            "loss 'cross_entropy' needs a softmax output layer with at least 2 units",
        ),
        (
            with_changes(loss="mse", layers=[{"units": 1, "activation": "sigmoid"}]),
            "loss 'mse' needs a identity output layer",
        ),
    ],
)
def test_invalid_spec_error_names_layer_and_field(data, message):
    with pytest.raises(SpecError) as err:
        NetworkSpec.from_dict(data)
    assert message in str(err.value)


def test_construction_validates_like_loading():
    with pytest.raises(SpecError, match="layer 2: activation 'swish' is unknown"):
        NetworkSpec(2, (Layer(3, "tanh"), Layer(3, "swish"), Layer(1, "sigmoid")))


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_spec_file_round_trip(tmp_path, suffix):
    spec = NetworkSpec.from_dict(
        with_changes(
            layers=[
                {"units": 5, "activation": "leaky_relu", "negative_slope": 0.2},
                {"units": 3, "activation": "relu"},
                {"units": 1, "activation": "sigmoid"},
            ],
            l2=0.7,
            init="he",
            dtype="float32",
        )
    )
    path = tmp_path / f"spec{suffix}"
    save_spec(spec, path)
    assert load_spec(path) == spec
    assert load_spec(path).layers[0].negative_slope == 0.2


def test_file_format_is_the_documented_json(tmp_path):
    path = tmp_path / "planar.json"
    path.write_text(json.dumps(PLANAR))
    spec = load_spec(path)
    assert spec.sizes == (2, 4, 1)
    assert spec.activations == ("tanh", "sigmoid")
    assert spec.param_shapes() == {"W1": (4, 2), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}
    assert json.loads(spec.to_json()) == PLANAR


def test_unreadable_spec_files_say_which_file(tmp_path):
    with pytest.raises(SpecError, match=r"missing\.json"):
        load_spec(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SpecError, match="not valid JSON"):
        load_spec(bad)


def test_build_spec_picks_the_output_layer_the_loss_needs():
    assert build_spec([2, 4, 1], "tanh").activations == ("tanh", "sigmoid")
    assert build_spec([2, 8, 3], loss="cross_entropy").activations == ("relu", "softmax")
    assert build_spec([4, 1], loss="mse").activations == ("identity",)
    assert build_spec([2, 1]).L == 1


def test_replace_revalidates():
    spec = build_spec([2, 4, 1], "tanh")
    assert spec.replace(dtype="float32").dtype == "float32"
    with pytest.raises(SpecError, match="dtype 'int8' is unknown"):
        spec.replace(dtype="int8")
