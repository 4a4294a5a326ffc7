"""Batch norm and dropout, one pass, every quantity of every layer on both sides: the forward pass
in training mode (``Z``, ``Z_norm``, ``Z_tilde``, ``A`` after the mask, the mask ``D`` torch
applied, the running statistics the pass leaves) and at inference (by the running statistics,
nothing dropped); the backward pass (``dA``, ``dZ_tilde``, ``dgamma``, ``dbeta``, ``dZ``, ``dW``,
``db``); every hidden activation, float64 and float32. And the gradient three ways, backprop,
autograd and centred differences, the masks and the batch statistics held as the pass has them.

The batch is 8 examples: batch norm's bounds hold from 3 (``scratch.tolerances``: with 2, its
gradient is a residual of cancelling terms, shown here too)."""

from __future__ import annotations

import numpy as np
import pytest
from norm_dropout_cases import NORM_DROPOUT, norm_dropout_network
from parity_cases import HIDDEN_LAYERS, PRECISIONS, make_case, only

from scratch import gradient_check
from scratch.parity import assert_parity, compare_all
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance

FORWARD = ("Z", "Z_norm", "Z_tilde", "A", "D", "running_mean", "running_var", "cost")
BACKWARD = ("dA", "dZ_tilde", "dgamma", "dbeta", "dZ", "dW", "db")
HIDDEN = [name for name in HIDDEN_LAYERS if name not in ("no-hidden-layer", "mixed")]
CASES = [
    pytest.param(hidden, layers, id=f"{hidden}-{layers}")
    for layers in ("batch-norm", "dropout", "both")
    for hidden in HIDDEN
] + [pytest.param("mixed", "mixed", id="mixed-mixed")]


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize(("hidden", "layers"), CASES)
def test_every_quantity_of_a_training_pass_matches_torch(hidden, layers, dtype, device):
    case = make_case(norm_dropout_network(hidden, layers, dtype=dtype))
    np_side, pt_side = case.internals(device)
    if case.spec.dropout:
        assert any(key.startswith("D") for key in np_side), "no mask was compared"
    assert_parity(compare_all(only(FORWARD, np_side), only(FORWARD, pt_side)))
    assert_parity(compare_all(only(BACKWARD, np_side), only(BACKWARD, pt_side)))
    assert list(np_side) == list(pt_side)


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("loss", ["binary_cross_entropy", "cross_entropy", "mse"])
@pytest.mark.parametrize("layers", list(NORM_DROPOUT))
def test_inference_is_the_same_network_on_both_sides(layers, loss, dtype, device):
    """Batch norm by the running statistics (drawn away from 0 and 1), nothing dropped."""
    case = make_case(norm_dropout_network("mixed", layers, loss, dtype, l2=0.3))
    np_side, pt_side = case.internals(device, training=False)
    assert not any(key.startswith(("D", "d")) for key in np_side), "inference has no backward"
    assert_parity(compare_all(np_side, pt_side))


@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize(("hidden", "layers"), CASES)
def test_backprop_autograd_and_centred_differences_agree_with_the_masks_held(hidden, layers, l2):
    case = make_case(norm_dropout_network(hidden, layers, l2=l2), m=6)
    np_side, pt_side = case.internals()
    names = tuple(f"d{key.rstrip('0123456789')}" for key in case.spec.param_shapes())
    numeric = gradient_check(case.params, case.X, case.Y, case.spec).numeric
    backprop, autograd = only(names, np_side), only(names, pt_side)
    assert backprop.keys() == numeric.keys()
    assert_parity(compare_all(backprop, autograd, names=("backprop", "autograd")))
    tol = centred_difference_tolerance(np_side["cost"])
    for name, analytic in (("backprop", backprop), ("autograd", autograd)):
        names = (name, "centred difference")
        assert_parity(compare_all(analytic, numeric, kind=CENTRED_DIFFERENCE, tol=tol, names=names))


def test_two_examples_leave_batch_norm_a_gradient_of_cancelling_terms():
    """With m = 2 each unit's Z_norm is +-r with r^2 = var / (var + eps), and
    ``dZ = gamma / sigma (dZ_tilde - dbeta - Z_norm dgamma)`` cancels to ``eps / (var + eps)``
    of its terms: a difference of round-off size in the terms is a relative one of ``(var +
    eps) / eps`` in dZ (1e5 for a unit variance), which no round-off bound holds. Both sides
    compute the forward pass alike and the exact cancellation of the terms."""
    case = make_case(norm_dropout_network("relu", "batch-norm"), m=2)
    np_side, pt_side = case.internals()
    Z_norm, dZ_tilde = np_side["Z_norm1"], np_side["dZ_tilde1"]
    np.testing.assert_allclose(np.abs(Z_norm[:, 0]), np.abs(Z_norm[:, 1]), rtol=1e-12)
    forward = ("Z", "Z_norm", "Z_tilde", "A")
    assert_parity(compare_all(only(forward, np_side), only(forward, pt_side)))
    var = np_side["Z1"].var(axis=1, keepdims=True) + 1e-5  # sigma^2
    gamma = np.abs(case.params["gamma1"])
    terms = gamma * np.abs(dZ_tilde).max(axis=1, keepdims=True) / np.sqrt(var)
    assert (np.abs(np_side["dZ1"]) <= terms * 1e-5 / var * (1 + 1e-9)).all()
    assert (np.abs(pt_side["dZ1"]) <= terms * 1e-5 / var * (1 + 1e-6)).all()
