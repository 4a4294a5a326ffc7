"""The layer spec: validation names the layer and field, on construction as on loading."""

from __future__ import annotations

import pytest
from parity_cases import with_changes

from scratch import Layer, NetworkSpec, SpecError, build_spec


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


def test_describe_is_one_line_naming_every_field():
    spec = NetworkSpec(3, (Layer(5, "tanh"), Layer(4, "relu"), Layer(1, "sigmoid")), l2=0.7)
    assert spec.describe() == (
        "[3, 5, 4, 1] tanh/relu/sigmoid, binary_cross_entropy, small_random init, l2 0.7, "
        "float64, seed 0"
    )
    assert "l2" not in spec.replace(l2=0.0).describe()
    assert spec.replace(dtype="float32", seed=4).describe().endswith("float32, seed 4")
