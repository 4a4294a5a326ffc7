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
        (hidden(units=3, activation="relu", keep_prob=0), "layer 1: keep_prob must be a number in"),
        (hidden(units=3, activation="relu", keep_prob=1.5), "(0, 1] (1: none), got 1.5"),
        (hidden(units=3, activation="relu", keep_prob=-0.2), "layer 1: keep_prob must be"),
        (hidden(units=3, activation="relu", keep_prob="0.5"), "layer 1: keep_prob must be"),
        (hidden(units=3, activation="relu", keep_prob=True), "layer 1: keep_prob must be"),
        (hidden(units=3, activation="relu", batch_norm="yes"), "layer 1: batch_norm must be true"),
        (
            with_changes(layers=[{"units": 1, "activation": "sigmoid", "keep_prob": 0.5}]),
            "layer 1 (output): keep_prob 0.5 is for hidden layers only: dropping an output unit",
        ),
        (
            with_changes(layers=[{"units": 1, "activation": "sigmoid", "batch_norm": True}]),
            "layer 1 (output): batch_norm is for hidden layers only: normalising the logits",
        ),
        (with_changes(batch_norm_momentum=1.5), "spec: batch_norm_momentum must be a number in"),
        (with_changes(batch_norm_eps=0), "spec: batch_norm_eps must be a finite number > 0"),
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


def test_a_file_without_the_new_fields_means_the_network_it_always_did():
    """A spec written before dropout and batch norm: no layer drops or normalises, the weights
    are W and b as before, and it writes back the very dict it was read from."""
    spec = NetworkSpec.from_dict(with_changes())
    assert not spec.dropout and not spec.batch_norm and spec.buffer_shapes() == {}
    assert all(layer.keep_prob == 1 and not layer.batch_norm for layer in spec.layers)
    assert list(spec.param_shapes()) == ["W1", "b1", "W2", "b2"]
    assert spec.to_dict() == with_changes()


def test_batch_norm_layers_learn_gamma_and_beta_instead_of_a_bias_and_keep_running_statistics():
    spec = build_spec([3, 5, 4, 1], "relu").with_hidden_layers(batch_norm=[True, False])
    assert spec.param_shapes() == {
        "W1": (5, 3),
        "gamma1": (5, 1),
        "beta1": (5, 1),
        "W2": (4, 5),
        "b2": (4, 1),
        "W3": (1, 4),
        "b3": (1, 1),
    }
    assert spec.buffer_shapes() == {"running_mean1": (5, 1), "running_var1": (5, 1)}


def test_the_hidden_layers_take_one_value_for_all_or_one_each():
    spec = build_spec([3, 5, 4, 1], "relu")
    assert [x.keep_prob for x in spec.with_hidden_layers(keep_prob=0.8).layers] == [0.8, 0.8, 1]
    both = spec.with_hidden_layers(keep_prob=[0.5, 1], batch_norm=True)
    assert [(x.keep_prob, x.batch_norm) for x in both.layers] == [
        (0.5, True),
        (1, True),
        (1, False),
    ]
    assert both.with_hidden_layers(batch_norm=False).layers[0].keep_prob == 0.5
    with pytest.raises(SpecError, match=r"keep_prob gives 3 value\(s\) for 2 hidden layer"):
        spec.with_hidden_layers(keep_prob=[0.5, 0.6, 0.7])
    with pytest.raises(SpecError, match="layer 2: keep_prob must be a number in"):
        spec.with_hidden_layers(keep_prob=[0.5, 0.0])


def test_describe_names_batch_norm_and_dropout():
    spec = build_spec([3, 5, 4, 1], "relu").with_hidden_layers(
        keep_prob=[0.8, 1], batch_norm=[False, True]
    )
    assert spec.describe() == (
        "[3, 5, 4, 1] relu/relu/sigmoid, binary_cross_entropy, small_random init, "
        "batch norm on layer(s) 2, keep_prob {1: 0.8}, float64, seed 0"
    )
