"""Convolution, pooling and flatten, layer by layer: scratch's forms against torch's own layers
(``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d``, ``nn.Flatten`` and ``nn.Linear``, built from
the same weights through ``torch_impl.transfer``), forward and backward, held to the one
tolerance table's rows; every gradient three ways, scratch's backward, autograd and centred
differences of scratch's forward pass (float64); and a small conv net, every quantity."""

from __future__ import annotations

import numpy as np
import pytest
from conv_cases import (
    ConvCase,
    ConvNet,
    PoolCase,
    centred_differences,
    conv_cases,
    pool_cases,
    scratch_conv,
    scratch_pool,
    torch_conv,
    torch_pool,
)
from hypothesis import given

import scratch.convolution as vectorised
import scratch.course.convolution as course
from scratch.gradcheck import DEFAULT_THRESHOLD, relative_difference
from scratch.parity import assert_parity, compare_all
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

Array = np.ndarray
# (input shape, f, n_C, stride, pad): a "same" convolution, strides with and without a
# remainder, a 1 x 1 filter, and a window as large as the padded input.
CONV_SETTINGS = {
    "same-3x3": ((2, 5, 5, 3), 3, 4, 1, 1),
    "stride-2-remainder": ((2, 6, 7, 2), 3, 3, 2, 1),
    "stride-3-no-pad": ((3, 7, 5, 2), 2, 2, 3, 0),
    "1x1": ((2, 4, 3, 3), 1, 2, 1, 0),
    "window-the-padded-input": ((1, 3, 3, 2), 5, 2, 1, 1),
}
# (input shape, f, stride): non-overlapping windows, overlapping ones, and a remainder.
POOL_SETTINGS = {
    "2x2-stride-2": ((2, 6, 6, 3), 2, 2),
    "overlapping-3x3-stride-1": ((2, 5, 4, 2), 3, 1),
    "3x3-stride-2-remainder": ((2, 6, 7, 2), 3, 2),
}


def conv_case(name: str, dtype: str = "float64") -> ConvCase:
    shape, f, n_C, stride, pad = CONV_SETTINGS[name]
    return ConvCase.draw(shape, f, n_C, stride, pad, seed=3, dtype=dtype)


def pool_case(name: str, mode: str, dtype: str = "float64") -> PoolCase:
    shape, f, stride = POOL_SETTINGS[name]
    return PoolCase.draw(shape, f, stride, mode, seed=3, dtype=dtype)


@pytest.mark.parametrize("module", [vectorised, course], ids=["vectorised", "loop"])
@pytest.mark.parametrize("name", CONV_SETTINGS)
def test_conv_layer_matches_conv2d_float64(name, module):
    case = conv_case(name)
    assert_parity(compare_all(scratch_conv(case, module), torch_conv(case)))


@pytest.mark.parametrize("module", [vectorised, course], ids=["vectorised", "loop"])
@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("name", POOL_SETTINGS)
def test_pool_layer_matches_torchs_pool_float64(name, mode, module):
    case = pool_case(name, mode)
    assert_parity(compare_all(scratch_pool(case, module), torch_pool(case)))


@given(case=conv_cases())
def test_conv_layer_matches_conv2d_on_any_small_shape(case: ConvCase):
    assert_parity(compare_all(scratch_conv(case), torch_conv(case)))


@given(case=pool_cases())
def test_pool_layer_matches_torchs_pool_on_any_small_shape(case: PoolCase):
    assert_parity(compare_all(scratch_pool(case), torch_pool(case)))


def test_layers_match_torch_float32():
    """The float32 rows: the vectorised forms compute in float32, as torch does. One input
    channel too, the case whose tensors once kept NumPy's strides (see the transfer)."""
    for case in (
        conv_case("stride-2-remainder", "float32"),
        ConvCase.draw((8, 10, 2, 1), 1, 5, 2, 0, dtype="float32"),
    ):
        assert_parity(compare_all(scratch_conv(case), torch_conv(case)))
    for mode in ("max", "average"):
        case = pool_case("overlapping-3x3-stride-1", mode, "float32")
        assert_parity(compare_all(scratch_pool(case), torch_pool(case)))


def assert_three_ways_agree(backprop: dict, autograd: dict, numeric: dict, J: float) -> None:
    """Backprop and autograd agree within the gradient row; each agrees with the centred
    differences within the centred-difference row (per unit of |J|) and by the course's
    relative difference ``||g - g_num|| / (||g|| + ||g_num||) < 2e-7``."""
    assert_parity(compare_all(backprop, autograd))
    tol = centred_difference_tolerance(J)
    for name, grads in (("scratch", backprop), ("torch", autograd)):
        names = (name, "centred differences")
        assert_parity(compare_all(grads, numeric, kind=CENTRED_DIFFERENCE, tol=tol, names=names))
        flat = [np.concatenate([g[key].ravel() for key in numeric]) for g in (grads, numeric)]
        assert relative_difference(*flat) < DEFAULT_THRESHOLD


@pytest.mark.parametrize("name", ["same-3x3", "stride-2-remainder"])
def test_conv_gradients_three_ways_float64(name):
    """J = sum(dZ * Z): a linear functional whose gradient in Z is the case's ``dZ``."""
    case = conv_case(name)
    A_prev, W, b, hparameters = case.args

    def J() -> float:
        return float(np.vdot(case.upstream, vectorised.conv_forward(A_prev, W, b, hparameters)[0]))

    numeric = {
        "dA0": centred_differences(J, A_prev),
        "dW1": centred_differences(J, W),
        "db1": centred_differences(J, b),
    }
    backprop = {key: value for key, value in scratch_conv(case).items() if key != "Z1"}
    autograd = {key: value for key, value in torch_conv(case).items() if key != "Z1"}
    assert_three_ways_agree(backprop, autograd, numeric, J())


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_gradients_three_ways_float64(mode):
    """Random inputs: no window ties, and no maximum within eps of another, so max pooling is
    differentiable at every input drawn."""
    case = pool_case("overlapping-3x3-stride-1", mode)

    def J() -> float:
        A, _ = vectorised.pool_forward(case.A_prev, case.hparameters, mode)
        return float(np.vdot(case.upstream, A))

    numeric = {"dA0": centred_differences(J, case.A_prev)}
    backprop = {"dA0": scratch_pool(case)["dA0"]}
    assert_three_ways_agree(backprop, {"dA0": torch_pool(case)["dA0"]}, numeric, J())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_conv_net_matches_torch_in_every_quantity(dtype):
    """Conv and ReLU, max pool, flatten, dense softmax: every Z, A, the cost and every gradient
    agree, the flatten's order mapped by the dense weights' column permutation."""
    net = ConvNet.draw(dtype=dtype)
    result = compare_all(net.scratch(), net.torch())
    assert_parity(result)
    assert len(result.results) == 14


def test_conv_net_weight_gradients_three_ways_float64():
    """The weights' gradients of the net's cost J (dW, db of J; the net's dZ and dA are of m J,
    the dense layers' convention), against centred differences of scratch's own pass."""
    net = ConvNet.draw(m=2, side=4)
    grads = ("dW1", "db1", "dW3", "db3")
    backprop = {key: net.scratch()[key] for key in grads}
    autograd = {key: net.torch()[key] for key in grads}

    def J() -> float:
        return float(net.scratch()["cost"])

    numeric = {
        f"d{key}": centred_differences(J, getattr(net, key)) for key in ("W1", "b1", "W3", "b3")
    }
    assert_three_ways_agree(backprop, autograd, numeric, J())
