"""``scratch.image_layers``: the conv, pool and flatten layers as steps of a network, each the
vectorised form of ``scratch.convolution`` with the layer's own settings; a conv layer's ``dW``
and ``db`` are of the cost J (``conv_backward``'s sums over the examples over m, the L2 term on
the filters), its ``dZ`` and ``dA`` of m J; pool and flatten pass ``dA`` on as they find it; and
``input_grad=False`` leaves ``dA[l-1]`` out."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch import Conv, Flatten, Layer, NetworkSpec, Pool
from scratch.activations import ACTIVATION_TABLE
from scratch.convolution import conv_backward, conv_forward, pool_backward, pool_forward
from scratch.image_layers import (
    conv_layer_backward,
    conv_layer_forward,
    conv_quantities,
    flatten_layer_backward,
    flatten_layer_forward,
    output_quantity,
    pool_layer_backward,
    pool_layer_forward,
)

M = 5
RELU = ACTIVATION_TABLE["relu"]


def network(mode: str = "max", l2: float = 0.0) -> tuple[NetworkSpec, dict, np.ndarray]:
    """conv 3@3x3 pad 1 stride 1 relu -> pool 2x2 -> flatten -> dense 1, on images (6, 6, 2)."""
    spec = NetworkSpec(
        layers=(Conv(3, 3, "relu", pad=1), Pool(2, mode=mode), Flatten(), Layer(1, "sigmoid")),
        input_shape=(6, 6, 2),
        loss="binary_cross_entropy",
        l2=l2,
    )
    images = np.random.default_rng(0).standard_normal((M, 6, 6, 2))
    return spec, scratch.initialize_parameters(spec), images


def test_a_conv_layer_is_conv_forward_with_its_own_settings_then_its_activation():
    spec, params, X = network()
    A, cache = conv_layer_forward(X, params, 1, spec, RELU)
    Z, _ = conv_forward(X, params["W1"], params["b1"], {"stride": 1, "pad": 1})
    np.testing.assert_array_equal(cache.activation_cache.Z, Z)
    np.testing.assert_array_equal(A, np.maximum(Z, 0))
    assert A.shape == (M, 6, 6, 3)
    assert set(conv_quantities(1, cache)) == {"Z1", "A1"}


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_a_conv_layers_dW_and_db_are_of_the_cost_and_its_dA_of_the_summed_loss(l2):
    spec, params, X = network(l2=l2)
    _, cache = conv_layer_forward(X, params, 1, spec, RELU)
    dA = np.random.default_rng(1).standard_normal((M, 6, 6, 3))
    grads = {"dA1": dA}
    conv_layer_backward(grads, cache, RELU, 1, spec, input_grad=True)
    dZ = dA * (cache.activation_cache.Z > 0)
    summed_dA, summed_dW, summed_db = conv_backward(dZ, cache.conv_cache, input_grad=True)
    np.testing.assert_array_equal(grads["dZ1"], dZ)
    np.testing.assert_allclose(grads["dW1"], summed_dW / M + (l2 / M) * params["W1"], rtol=1e-15)
    np.testing.assert_allclose(grads["db1"], summed_db / M, rtol=1e-15)
    np.testing.assert_array_equal(grads["dA0"], summed_dA)  # no 1/m: of m J, as a dense dA
    without = {"dA1": dA}
    conv_layer_backward(without, cache, RELU, 1, spec, input_grad=False)
    assert "dA0" not in without and {"dZ1", "dW1", "db1"} <= set(without)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_a_pool_layer_is_pool_forward_and_backward_in_its_mode(mode):
    spec, params, X = network(mode)
    A1, _ = conv_layer_forward(X, params, 1, spec, RELU)
    A2, cache = pool_layer_forward(A1, params, 2, spec, None)
    expected, pool_cache = pool_forward(A1, {"f": 2, "stride": 2}, mode)
    np.testing.assert_array_equal(A2, expected)
    assert output_quantity(2, cache) == {"A2": A2}
    dA2 = np.random.default_rng(2).standard_normal(A2.shape)
    grads = {"dA2": dA2}
    pool_layer_backward(grads, cache, None, 2, spec, input_grad=True)
    np.testing.assert_array_equal(grads["dA1"], pool_backward(dA2, pool_cache, mode))
    without = {"dA2": dA2}
    pool_layer_backward(without, cache, None, 2, spec, input_grad=False)
    assert set(without) == {"dA2"}


def test_flatten_makes_each_image_a_column_in_c_order_and_its_backward_the_inverse():
    spec, _, X = network()
    A, cache = flatten_layer_forward(X, {}, 3, spec, None)
    assert A.shape == (6 * 6 * 2, M)
    for i in range(M):
        np.testing.assert_array_equal(A[:, i], X[i].ravel(order="C"))
    grads = {"dA3": A.copy()}
    flatten_layer_backward(grads, cache, None, 3, spec, input_grad=True)
    np.testing.assert_array_equal(grads["dA2"], X)
    without = {"dA3": A}
    flatten_layer_backward(without, cache, None, 3, spec, input_grad=False)
    assert set(without) == {"dA3"}
