"""``scratch.layer_kinds``: one table entry per kind of layer a spec names (``LAYER_KINDS``), each
giving its output shape from its input's, its parameters in course layout with their fans, and
its spec-file entry, which reads back as the same layer; errors name the layer by its number and
kind."""

from __future__ import annotations

import pytest

from scratch.layer_kinds import (
    LAYER_KINDS,
    Conv,
    Flatten,
    Layer,
    Lstm,
    Pool,
    Rnn,
    SpecError,
    layer_from_dict,
)

EXAMPLES = [Layer(4, "tanh"), Conv(8, 3, "relu", pad=1), Pool(2), Flatten(), Rnn(5), Lstm(5)]


def test_the_table_holds_each_kind_under_its_own_name():
    assert list(LAYER_KINDS) == ["dense", "conv", "pool", "flatten", "rnn", "lstm"]
    assert all(kind.kind == name for name, kind in LAYER_KINDS.items())


@pytest.mark.parametrize("layer", EXAMPLES, ids=lambda layer: layer.kind)
def test_a_layers_entry_reads_back_as_the_same_layer(layer):
    entry = layer.to_dict()
    assert entry.get("kind", "dense") == layer.kind  # a dense entry needs no kind
    assert layer_from_dict(1, entry) == layer


@pytest.mark.parametrize(
    ("layer", "shape", "output", "params"),
    [
        (Layer(4, "tanh"), (3,), (4,), {"W2": (4, 3), "b2": (4, 1)}),
        (
            Layer(4, "relu", batch_norm=True),
            (3,),
            (4,),
            {"W2": (4, 3), "gamma2": (4, 1), "beta2": (4, 1)},
        ),
        (
            Conv(8, 3, "relu", pad=1),
            (16, 16, 3),
            (16, 16, 8),
            {"W2": (3, 3, 3, 8), "b2": (1, 1, 1, 8)},
        ),
        (
            Conv(4, 3, "relu", stride=2),
            (7, 7, 2),
            (3, 3, 4),
            {"W2": (3, 3, 2, 4), "b2": (1, 1, 1, 4)},
        ),
        (Pool(2), (16, 16, 8), (8, 8, 8), {}),
        (Flatten(), (4, 4, 16), (256,), {}),
        (Rnn(5), (27,), (5,), {"Wax": (5, 27), "Waa": (5, 5), "ba": (5, 1)}),
        (
            Lstm(5),
            (27,),
            (5,),
            {f"{w}{g}": (5, 32) if w == "W" else (5, 1) for g in "fico" for w in "Wb"},
        ),
    ],
    ids=["dense", "dense-bn", "conv", "conv-stride", "pool", "flatten", "rnn", "lstm"],
)
def test_each_kind_gives_its_output_shape_and_its_parameters_in_course_layout(
    layer, shape, output, params
):
    assert layer.output_shape(shape, "layer 2") == output
    assert layer.param_shapes(2, shape) == params
    assert list(layer.param_shapes(2, shape)) == list(params)  # the course's order


def test_each_weights_fans_are_the_inputs_one_output_sums_and_the_outputs_one_input_feeds():
    assert Layer(4, "tanh").weight_fans((3,), (4, 3)) == (3, 4)
    assert Conv(8, 3, "relu", pad=1).weight_fans((16, 16, 3), (3, 3, 3, 8)) == (27, 72)
    assert Rnn(5).weight_fans((27,), (5, 27)) == (27, 5)  # Wax
    assert Rnn(5).weight_fans((27,), (5, 5)) == (5, 5)  # Waa
    assert Lstm(5).weight_fans((27,), (5, 32)) == (32, 5)  # a gate's, over [a_prev; x_t]


def test_each_kind_describes_itself_in_a_few_words():
    assert [layer.describe() for layer in EXAMPLES[4:]] == ["rnn 5 tanh", "lstm 5"]
    assert Flatten().describe() == "flatten"


def test_errors_name_the_layer_by_its_number_and_kind():
    assert Conv.where(3) == "layer 3 (conv)"
    with pytest.raises(SpecError, match=r"^layer 1: expected a mapping, got list$"):
        layer_from_dict(1, [])
    with pytest.raises(
        SpecError,
        match=r"^layer 2: kind 'gru' is unknown; choose one of dense, conv, pool, flatten, "
        r"rnn, lstm$",
    ):
        layer_from_dict(2, {"kind": "gru"})
    with pytest.raises(
        SpecError, match=r"^layer 1 \(lstm\): units must be a positive integer, got 0$"
    ):
        Lstm(0).check("layer 1 (lstm)", output=False)
