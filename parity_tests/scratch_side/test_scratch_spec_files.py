"""Spec files (JSON or YAML): they round-trip exactly, hold the documented format, and an
unreadable one says which file."""

from __future__ import annotations

import json

import pytest
from parity_cases import PLANAR_DICT, with_changes

from scratch import NetworkSpec, SpecError, load_spec, save_spec


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
    path.write_text(json.dumps(PLANAR_DICT))
    spec = load_spec(path)
    assert spec.sizes == (2, 4, 1)
    assert spec.activations == ("tanh", "sigmoid")
    assert spec.param_shapes() == {"W1": (4, 2), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}
    assert json.loads(spec.to_json()) == PLANAR_DICT


def test_unreadable_spec_files_say_which_file(tmp_path):
    with pytest.raises(SpecError, match=r"missing\.json"):
        load_spec(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SpecError, match="not valid JSON"):
        load_spec(bad)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_batch_norm_and_dropout_round_trip_with_their_settings(tmp_path, suffix):
    layers = [
        {"units": 5, "activation": "relu", "keep_prob": 0.8, "batch_norm": True},
        {"units": 3, "activation": "tanh", "keep_prob": 0.5},
        {"units": 1, "activation": "sigmoid"},
    ]
    data = with_changes(layers=layers, batch_norm_momentum=0.3, batch_norm_eps=1e-3)
    spec = NetworkSpec.from_dict(data)
    save_spec(spec, tmp_path / f"spec{suffix}")
    assert load_spec(tmp_path / f"spec{suffix}") == spec
    assert spec.to_dict() == data  # the fields at their defaults are left out, the rest kept
    assert (spec.batch_norm_momentum, spec.batch_norm_eps) == (0.3, 1e-3)
