"""The spec of a recurrent network: an ``rnn`` or ``lstm`` layer first, its output layer at every
step, the course's parameter names in the course's order, the clipping fields; every refusal one
line naming the layer and the field; and the files written before recurrent networks entered the
spec read, write back and compute as they did."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from recurrent_network_cases import EXAMPLE_SPEC, N_CHARACTERS, recurrent_spec

import scratch
from scratch import Layer, Lstm, NetworkSpec, Rnn, SpecError, load_spec

SHARED = Path(__file__).parent.parent / "shared"
LSTM = {"kind": "lstm", "units": 5}
OUTPUT = {"units": 4, "activation": "softmax"}


def spec_dict(*layers, **fields) -> dict:
    return {"input_size": 3, "layers": list(layers), "loss": "cross_entropy", **fields}


def test_the_example_spec_is_the_courses_lstm_language_model():
    spec = load_spec(EXAMPLE_SPEC)
    assert spec.sequences and spec.cell == "lstm" and spec.sizes == (27, 50, 27)
    assert (spec.clip, spec.clip_by) == (5.0, "value")
    assert spec.describe() == (
        "sequences of 27 -> lstm 50 -> dense 27 softmax at every step, cross_entropy summed over "
        "time, small_random init, clip 5 by value, float64, seed 0"
    )
    assert spec.to_dict() == yaml.safe_load(EXAMPLE_SPEC.read_text())


@pytest.mark.parametrize(
    ("cell", "keys"),
    [
        ("rnn", ["Wax", "Waa", "Wya", "ba", "by"]),
        ("lstm", ["Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"]),
    ],
)
def test_the_parameters_carry_the_courses_names_in_the_courses_order(cell, keys):
    spec = NetworkSpec.from_dict(spec_dict({"kind": cell, "units": 5}, OUTPUT))
    shapes = spec.param_shapes()
    assert list(shapes) == keys
    gate = (5, 5 + 3) if cell == "lstm" else None
    expected = {"Wax": (5, 3), "Waa": (5, 5), "ba": (5, 1), "Wya": (4, 5), "Wy": (4, 5)}
    expected |= {"by": (4, 1)} | {f"W{g}": gate for g in "fico"} | {f"b{g}": (5, 1) for g in "fico"}
    assert shapes == {key: expected[key] for key in keys}
    output = {key for key in keys if key in ("Wya", "Wy", "by")}
    assert {key: spec.parameter_layer(key) for key in keys} == {
        key: 2 if key in output else 1 for key in keys
    }


def test_a_layer_of_either_cell_writes_and_reads_back_as_the_same_network():
    for cell, layer in (("rnn", Rnn(5)), ("lstm", Lstm(5))):
        spec = NetworkSpec(input_size=3, layers=(layer, Layer(4, "softmax")), loss="cross_entropy")
        assert NetworkSpec.from_dict(spec.to_dict()) == spec
        assert spec.to_dict()["layers"][0] == {"kind": cell, "units": 5} | (
            {"activation": "tanh"} if cell == "rnn" else {}
        )
        assert NetworkSpec.from_json(spec.to_json()) == spec


def test_initialisation_draws_the_weights_in_the_courses_order_with_their_own_fans():
    """The RNN's ``Wax``, ``Waa``, ``Wya`` (the order of the course's ``initialize_parameters``)
    then zero biases; xavier's fans are each weight's own: n_x or n_a in, n_a out."""
    spec = NetworkSpec.from_dict(spec_dict({"kind": "rnn", "units": 5}, OUTPUT, init="xavier"))
    params = scratch.initialize_parameters(spec)
    rng = np.random.default_rng(spec.seed)
    for key, (fan_in, fan_out) in {"Wax": (3, 5), "Waa": (5, 5), "Wya": (5, 4)}.items():
        drawn = rng.standard_normal(params[key].shape) * np.sqrt(2 / (fan_in + fan_out))
        np.testing.assert_array_equal(params[key], drawn)
    assert not params["ba"].any() and not params["by"].any()
    small = scratch.initialize_parameters(spec.replace(init="small_random"))
    course_rule = np.random.default_rng(spec.seed).standard_normal((5, 3)) * 0.01
    np.testing.assert_array_equal(small["Wax"], course_rule)  # the course's randn * 0.01
    assert spec.fans("Waa") == (5, 5)
    lstm = NetworkSpec.from_dict(spec_dict(LSTM, OUTPUT))
    assert lstm.fans("Wf") == (8, 5) and lstm.fans("Wy") == (5, 4)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            spec_dict({"kind": "rnn", "units": 5, "activation": "relu"}, OUTPUT),
            "layer 1 (rnn): activation 'relu' is not built; the course's RNN cell is tanh",
        ),
        (
            spec_dict({"units": 3, "activation": "tanh"}, LSTM, OUTPUT),
            "layer 2 (lstm): a recurrent layer must be the first layer",
        ),
        (
            spec_dict(LSTM, {"units": 3, "activation": "tanh"}, OUTPUT),
            "layer 1 (lstm): a recurrent network is its lstm layer and the output layer it feeds "
            "at every time step; this spec gives it 2 layers after it",
        ),
        (spec_dict(LSTM), "layer 1 (lstm): a recurrent network is its lstm layer and the output"),
        (
            {"input_shape": [4, 4, 1], "layers": [LSTM, OUTPUT], "loss": "cross_entropy"},
            "layer 1 (lstm): reads sequences of vectors, not images",
        ),
        (
            spec_dict(LSTM, {"units": 4, "activation": "identity"}, loss="mse"),
            "spec: loss 'mse': a recurrent network's cost is the course's",
        ),
        (spec_dict(LSTM, OUTPUT, l2=0.5), "spec: l2 0.5: an L2 term is not built for recurrent"),
        (
            spec_dict({"kind": "lstm", "units": 5, "keep_prob": 0.5}, OUTPUT),
            "layer 1 (lstm): keep_prob 0.5: dropout is built for dense layers only",
        ),
        (
            spec_dict({"kind": "rnn", "units": 5, "batch_norm": True}, OUTPUT),
            "layer 1 (rnn): batch_norm True: batch norm is built for dense layers only",
        ),
        (spec_dict({"kind": "lstm", "units": 0}, OUTPUT), "layer 1 (lstm): units must be a"),
        (spec_dict({"kind": "lstm"}, OUTPUT), "layer 1 (lstm): field 'units' is missing"),
        (
            spec_dict({"kind": "lstm", "units": 5, "f": 3}, OUTPUT),
            "layer 1 (lstm): unknown field(s) 'f'",
        ),
        (
            spec_dict(LSTM, {"units": 4, "activation": "tanh"}),
            "layer 2 (output): loss 'cross_entropy' needs a softmax output layer",
        ),
        (spec_dict(LSTM, OUTPUT, clip=0), "spec: clip must be a positive finite number"),
        (spec_dict(LSTM, OUTPUT, clip=float("inf")), "spec: clip must be a positive finite"),
        (spec_dict(LSTM, OUTPUT, clip=5, clip_by="max"), "spec: clip_by 'max' is unknown"),
        (spec_dict(LSTM, OUTPUT, clip_by="norm"), "spec: clip_by 'norm' does nothing without clip"),
    ],
)
def test_an_invalid_recurrent_spec_names_the_layer_and_the_field(data, message):
    with pytest.raises(SpecError) as err:
        NetworkSpec.from_dict(data)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_dropout_and_batch_norm_settings_are_refused_for_a_recurrent_network():
    spec = recurrent_spec("lstm")
    for setting in ({"keep_prob": 0.8}, {"batch_norm": True}):
        with pytest.raises(SpecError, match="a recurrent network has none"):
            spec.with_hidden_layers(**setting)


def test_clipping_is_a_field_of_any_network_written_only_when_given():
    dense = scratch.build_spec([2, 3, 1], "tanh")
    clipped = dense.replace(clip=1.5, clip_by="norm")
    assert clipped.to_dict() == dense.to_dict() | {"clip": 1.5, "clip_by": "norm"}
    assert "clip" not in dense.to_dict() and "clip_by" not in dense.to_dict()
    assert clipped.describe().endswith("clip 1.5 by norm, float64, seed 0")
    assert recurrent_spec("rnn", clip=5).to_dict()["clip"] == 5 and N_CHARACTERS == 26


def digest(array: np.ndarray) -> str:
    array = np.ascontiguousarray(array)
    return f"{array.dtype.str} {list(array.shape)} {hashlib.sha256(array.tobytes()).hexdigest()}"


def test_files_written_before_recurrent_networks_read_and_compute_as_they_did():
    """The dense specs of ``written_before_layer_kinds`` and the conv example spec as commit
    4ba08ba wrote them write back the very dicts (no clipping field appears), and the conv
    spec's initial weights and one pass's every quantity are those 4ba08ba computed, bit for bit
    (their SHA-256 digests, ``written_before_recurrent/conv-digests.json``), but for the conv
    backward's from conv layer 3's ``db`` on, whose sums commit c28b758 takes in another order
    (the file's ``conv backward since c28b758``; its equality to the loop forms is the
    convolution tests')."""
    for path in (
        "written_before_layer_kinds/dense-spec.yaml",
        "written_before_recurrent/conv-spec.yaml",
    ):
        spec = load_spec(SHARED / path)
        assert spec.to_dict() == yaml.safe_load((SHARED / path).read_text())
        assert not spec.sequences and spec.clip is None
    then = json.loads((SHARED / "written_before_recurrent" / "conv-digests.json").read_text())
    spec = load_spec(SHARED / "written_before_recurrent" / "conv-spec.yaml")
    params = scratch.initialize_parameters(spec)
    assert {key: digest(value) for key, value in params.items()} == then["initial weights"]
    X, Y = scratch.load_dataset("shapes", m=12, seed=4)
    internals = scratch.layer_internals(X[:2], Y[:, :2], params, spec)
    since = then["conv backward since c28b758"]["internals"]
    assert list(since) == ["db3", "dA2", "dA1", "dZ1", "dW1", "db1", "dA0"]
    assert {key: digest(value) for key, value in internals.items()} == then["internals"] | since
