"""Gradient parity: scratch's ``L_model_backward`` against autograd for every ``dZ``, ``dA``,
``dW`` and ``db``, with and without L2; and, three ways, backprop, autograd and the centred
difference ``(J(θ + ε) - J(θ - ε)) / 2ε`` of ``scratch.gradient_check`` for every ``dW``, ``db``."""

from __future__ import annotations

import pytest
from parity_cases import DEVICES, HIDDEN_LAYERS, PRECISIONS, make_case, network, only

from scratch import gradient_check
from scratch.parity import assert_parity, compare_all
from scratch.spec import LOSSES
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance

GRADIENTS = ("dZ", "dA", "dW", "db")


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("hidden", HIDDEN_LAYERS)
def test_gradients_match_autograd(hidden, loss, l2, dtype, device):
    """``dZ[l]``, ``dA[l-1]`` (derivatives of the summed loss m J), ``dW[l]``, ``db[l]`` (of J)."""
    np_side, pt_side = make_case(network(hidden, loss, dtype, l2=l2)).internals(device)
    assert_parity(compare_all(only(GRADIENTS, np_side), only(GRADIENTS, pt_side)))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("hidden", HIDDEN_LAYERS)
def test_backprop_autograd_and_centred_differences_agree_float64(hidden, loss, l2, device):
    case = make_case(network(hidden, loss, "float64", l2=l2), m=5)
    np_side, pt_side = case.internals(device)
    numeric = gradient_check(case.params, case.X, case.Y, case.spec).numeric
    backprop, autograd = only(("dW", "db"), np_side), only(("dW", "db"), pt_side)
    assert_parity(compare_all(backprop, autograd, names=("backprop", "autograd")))
    tol = centred_difference_tolerance(np_side["cost"])
    for name, analytic in (("backprop", backprop), ("autograd", autograd)):
        names = (name, "centred difference")
        assert_parity(compare_all(analytic, numeric, kind=CENTRED_DIFFERENCE, tol=tol, names=names))
