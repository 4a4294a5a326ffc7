"""The cases random inputs never hit, on purpose: pre-activations exactly at the ReLU kink,
units saturated at +-30 and +-1e3, labels exactly 0 and 1 on saturated outputs, one example."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import PRECISIONS, Case, kink_case, make_case, network

from scratch import Layer, NetworkSpec
from scratch.parity import assert_parity, compare_all
from scratch.spec import LOSSES

KINKED = [
    pytest.param(Layer(4, "relu"), id="relu"),
    pytest.param(Layer(4, "leaky_relu"), id="leaky_relu"),
    pytest.param(Layer(4, "leaky_relu", negative_slope=0.2), id="leaky_relu-slope0.2"),
]
SATURATING = [30.0, 1e3]


def assert_finite_parity(np_side: dict, pt_side: dict) -> None:
    """Both sides agree on every quantity, and every one is finite: agreeing on an overflow
    would prove nothing."""
    for side, internals in (("scratch", np_side), ("torch", pt_side)):
        bad = [key for key, value in internals.items() if not np.isfinite(value).all()]
        assert not bad, f"{side} has NaN/inf in {', '.join(bad)}"
    assert_parity(compare_all(np_side, pt_side))


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("hidden", KINKED)
def test_pre_activation_exactly_at_the_kink_matches_torch(hidden, dtype, device):
    """relu'(0) = 0 and leaky_relu'(0) = slope on both sides: with Z1[i, i] = 0 exactly,
    dZ1[i, i] is 0 (or slope dA1[i, i]) and everything downstream of it agrees."""
    case = kink_case(hidden, dtype)
    np_side, pt_side = case.internals(device)
    for side, internals in (("scratch", np_side), ("torch", pt_side)):
        assert (np.diag(internals["Z1"]) == 0).all(), f"{side} missed the kink"
    assert_finite_parity(np_side, pt_side)


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("z", SATURATING)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_saturated_hidden_units_match_torch(activation, z, dtype, device):
    """Two hidden units at Z = +z and -z on every example: g'(Z) underflows towards 0."""
    spec = NetworkSpec(1, (Layer(2, activation), Layer(1, "sigmoid")), dtype=dtype)
    params = {
        "W1": np.array([[z], [-z]]),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[0.5, -0.5]]),
        "b2": np.array([[0.25]]),
    }
    params = {key: value.astype(dtype) for key, value in params.items()}
    X = np.array([[1.0, -1.0, 1.0, -1.0]], dtype=dtype)
    assert_finite_parity(*Case(spec, params, X, np.array([[1, 0, 0, 1]])).internals(device))


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("z", SATURATING)
@pytest.mark.parametrize("loss", ["binary_cross_entropy", "cross_entropy"])
def test_saturated_outputs_with_labels_0_and_1_match_torch(loss, z, dtype, device):
    """Logits of +-z, labels exactly 0 and 1, so examples are confidently right and confidently
    wrong: log(AL) is -inf there, the loss written on ZL is not, and dZ[L] = AL - Y is +-1 or 0."""
    if loss == "binary_cross_entropy":
        spec = NetworkSpec(1, (Layer(1, "sigmoid"),), loss=loss, dtype=dtype)
        W1, Y = np.array([[z]]), np.array([[1, 1, 0, 0]])  # right, wrong, wrong, right
    else:
        spec = NetworkSpec(1, (Layer(3, "softmax"),), loss=loss, dtype=dtype)
        W1, Y = np.array([[z], [-z], [0.0]]), np.array([[0, 0, 1, 2]])
    params = {"W1": W1.astype(dtype), "b1": np.zeros((len(W1), 1), dtype=dtype)}
    X = np.array([[1.0, -1.0, 1.0, -1.0]], dtype=dtype)
    assert_finite_parity(*Case(spec, params, X, Y).internals(device))


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_a_single_example_matches_torch(loss, dtype, device):
    """m = 1: every mean over examples is one term, every dZ a single column."""
    assert_finite_parity(*make_case(network("mixed", loss, dtype), m=1).internals(device))
