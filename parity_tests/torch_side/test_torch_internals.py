"""``torch_impl.internals``: the quantities of one pass captured from autograd in scratch's keys,
shapes, dtypes and values, and the autograd nodes beside scratch's backward formulas."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import MIXED_SPEC, relative_error

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.mark.parametrize(
    "spec", [MIXED_SPEC.replace(dtype="float64", l2=0.1), None], ids=["mixed", "planar"]
)
def test_internals_have_the_keys_shapes_and_values_of_scratch(planar, spec):
    if spec is None:
        spec, X, Y, params = planar
    else:
        rng = np.random.default_rng(1)
        X, Y = rng.standard_normal((5, 30)), rng.integers(0, 3, (1, 30))
        params = scratch.initialize_parameters(spec)
    expected = scratch.layer_internals(X, Y, params, spec)
    actual = torch_impl.layer_internals(X, Y, params, spec)
    assert list(actual) == list(expected)
    for key, value in expected.items():
        assert actual[key].shape == value.shape, key
        assert actual[key].dtype == value.dtype, key
        assert relative_error(actual[key], value) < 1e-9, key


def test_autograd_nodes_stand_beside_the_backward_formulas(rng):
    spec = scratch.NetworkSpec(
        3, (scratch.Layer(5, "tanh"), scratch.Layer(4, "relu"), scratch.Layer(1, "sigmoid")), l2=0.7
    )
    X, Y = rng.standard_normal((3, 6)), rng.integers(0, 2, (1, 6))
    formulas = scratch.backward_formulas(spec)
    nodes = torch_impl.autograd_nodes(X, Y, scratch.initialize_parameters(spec), spec)
    assert len(nodes) == len(formulas) == 4 * spec.L
    beside = dict(zip(formulas, nodes, strict=True))
    assert beside["dZ1 = dA1 * (1 - A1^2)"] == "TanhBackward0"
    assert beside["dZ2 = dA2 * (Z2 > 0)"] == "ReluBackward0"
    assert beside["dZ3 = A3 - Y"].endswith("BinaryCrossEntropyWithLogitsBackward0")
    for l in (1, 2, 3):
        weight = beside[f"dW{l} = dZ{l} A{l - 1}^T / m + (l2/m) W{l}"]
        assert weight.startswith("AddmmBackward0 -> TBackward0 -> AccumulateGrad;  penalty: ")
        assert weight.endswith("PowBackward0 -> AccumulateGrad")
        assert beside[f"db{l} = sum(dZ{l}, axis=1) / m"] == "AddmmBackward0 -> AccumulateGrad"
        assert beside[f"dA{l - 1} = W{l}^T dZ{l}"] == "AddmmBackward0"


def test_autograd_nodes_of_batch_norm_and_dropout_stand_beside_their_formulas(rng):
    """``NativeBatchNormBackward0`` for dZ, dgamma and dbeta; the mask's ``MulBackward0`` before
    the activation's node; a layer without bias has ``mm``, not ``addmm``."""
    spec = scratch.NetworkSpec(
        3,
        (
            scratch.Layer(5, "tanh", keep_prob=0.8, batch_norm=True),
            scratch.Layer(4, "relu", keep_prob=0.5),
            scratch.Layer(1, "sigmoid"),
        ),
    )
    X, Y = rng.standard_normal((3, 6)), rng.integers(0, 2, (1, 6))
    formulas = scratch.backward_formulas(spec)
    nodes = torch_impl.autograd_nodes(X, Y, scratch.initialize_parameters(spec), spec)
    beside = dict(zip(formulas, nodes, strict=True))
    assert beside["dZ2 = (dA2 * D2 / 0.5) * (Z2 > 0)"] == "MulBackward0 -> ReluBackward0"
    assert beside["dZ_tilde1 = (dA1 * D1 / 0.8) * (1 - tanh(Z_tilde1)^2)"] == (
        "MulBackward0 -> TanhBackward0"
    )
    norm = "NativeBatchNormBackward0"
    assert beside["dgamma1 = sum(dZ_tilde1 * Z_norm1, axis=1) / m"] == f"{norm} -> AccumulateGrad"
    assert beside["dbeta1 = sum(dZ_tilde1, axis=1) / m"] == f"{norm} -> AccumulateGrad"
    assert beside[formulas[formulas.index("dbeta1 = sum(dZ_tilde1, axis=1) / m") + 1]] == norm
    assert beside["dW1 = dZ1 A0^T / m"] == "MmBackward0 -> TBackward0 -> AccumulateGrad"
    assert beside["dA0 = W1^T dZ1"] == "MmBackward0"


def test_the_mask_torch_applied_is_read_off_its_graph_not_copied(rng, monkeypatch):
    """``D{l}`` on the torch side is what its ``MulBackward0`` multiplied by: a module that
    applied another mask shows that mask."""
    spec = scratch.build_spec([3, 5, 1], "tanh").with_hidden_layers(keep_prob=0.6)
    X, Y = rng.standard_normal((3, 8)), rng.integers(0, 2, (1, 8))
    params = scratch.initialize_parameters(spec)
    applied = torch_impl.layer_internals(X, Y, params, spec)["D1"]
    assert np.array_equal(applied, scratch.layer_internals(X, Y, params, spec)["D1"])
    real = torch_impl.MaskedDropout.forward
    monkeypatch.setattr(
        torch_impl.MaskedDropout,
        "forward",
        lambda self, A, masks=None: real(self, A, {k: 1 - v for k, v in masks.items()}),
    )
    assert np.array_equal(torch_impl.layer_internals(X, Y, params, spec)["D1"], 1 - applied)
