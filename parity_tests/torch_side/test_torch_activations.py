"""``torch_impl.activations``: every activation the spec can name is torch's own module, and
autograd's derivative at the kinks is the one the scratch side follows (``relu'(0) = 0``,
``leaky_relu'(0) = slope``); softmax acts on each row, one example."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from scratch import ACTIVATION_TABLE, Layer
from scratch import get_activation as scratch_activation
from torch_impl.activations import ACTIVATION_MODULES, get_activation

pytestmark = pytest.mark.usefixtures("one_torch_thread")
OWN = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
    "softmax": nn.Softmax,
}


def test_every_activation_the_spec_can_name_is_torchs_own_module():
    assert ACTIVATION_MODULES.keys() == ACTIVATION_TABLE.keys() == OWN.keys()
    for name, module in OWN.items():
        assert type(get_activation(Layer(3, name))) is module


def test_leaky_relu_carries_the_layers_slope():
    assert get_activation(Layer(3, "leaky_relu")).negative_slope == 0.01
    assert get_activation(Layer(3, "leaky_relu", negative_slope=0.2)).negative_slope == 0.2


@pytest.mark.parametrize(
    "layer", [Layer(3, "relu"), Layer(3, "leaky_relu"), Layer(3, "leaky_relu", negative_slope=0.2)]
)
def test_autograds_derivative_at_the_kink_is_the_one_scratch_takes(layer):
    Z = np.array([[-1.0, 0.0, 1.0]])
    z = torch.tensor(Z, requires_grad=True)
    get_activation(layer)(z).sum().backward()
    np.testing.assert_array_equal(z.grad.numpy(), scratch_activation(layer).derivative(Z))


def test_softmax_takes_each_row_one_example_where_scratch_takes_each_column(rng):
    Z = rng.standard_normal((4, 3))  # course layout: 4 classes, 3 examples
    torch_rows = get_activation(Layer(4, "softmax"))(torch.from_numpy(Z.T)).numpy()
    np.testing.assert_allclose(torch_rows.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(torch_rows.T, ACTIVATION_TABLE["softmax"].forward(Z), rtol=1e-14)
