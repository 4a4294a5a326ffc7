"""A convolutional network on the torch side: ``SpecNet`` is torch's own ``nn.Conv2d``, pools,
``nn.Flatten`` and ``nn.Linear`` built from the spec without a random draw, its weights cross the
one boundary and back bit for bit, its fans are torch's, and Lightning checkpoints of it convert
to the weights file and back exactly (Adam's state too)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conv_network_cases import SMALL, STRIDED, ConvCase
from torch import nn

import scratch
import torch_impl
from scratch import build_spec
from scratch.weights import load_optimizer_state
from torch_impl.network import SpecNet

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_the_module_is_torchs_own_layers_in_spec_order():
    net = SpecNet(SMALL)
    conv, pool, conv2, average, flatten = net.features
    assert isinstance(conv[0], nn.Conv2d) and isinstance(conv[1], nn.ReLU)
    assert (conv[0].in_channels, conv[0].out_channels, conv[0].kernel_size) == (2, 3, (3, 3))
    assert (conv[0].stride, conv[0].padding, conv[0].padding_mode) == ((1, 1), (1, 1), "zeros")
    assert isinstance(pool, nn.MaxPool2d) and (pool.kernel_size, pool.stride) == (2, 2)
    assert isinstance(conv2[1], nn.Tanh) and isinstance(average, nn.AvgPool2d)
    assert isinstance(flatten, nn.Flatten)
    assert [(x.in_features, x.out_features) for x in net.linears] == [(2, 4), (4, 3)]
    assert net.offset == 5 and net.weights[0] is conv[0].weight and len(net.weights) == 4
    strided = SpecNet(STRIDED).features[0][0]
    assert (strided.stride, strided.padding) == ((2, 2), (1, 1))
    assert SpecNet(STRIDED).features[0][1].negative_slope == 0.2


def test_building_draws_nothing_from_torchs_generator():
    before = torch.random.get_rng_state()
    SpecNet(SMALL)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_a_dense_spec_builds_the_module_it_did():
    """No features, and the state dict of before (``linears.0.weight``, ...)."""
    net = SpecNet(build_spec([3, 4, 1], "tanh"))
    assert len(net.features) == 0 and net.offset == 0
    assert list(net.state_dict()) == [
        "linears.0.weight",
        "linears.0.bias",
        "linears.1.weight",
        "linears.1.bias",
    ]


def test_the_weights_cross_to_the_modules_and_back_bit_for_bit():
    case = ConvCase.draw(STRIDED)
    net = SpecNet(STRIDED, case.params)
    torch.testing.assert_close(
        net.features[0][0].weight,
        torch.from_numpy(case.params["W1"]).permute(3, 2, 0, 1),
        rtol=0,
        atol=0,
    )
    exported = torch_impl.export_params(net)
    assert list(exported) == list(case.params)
    assert all(np.array_equal(exported[key], case.params[key]) for key in case.params)


def test_the_conv_fans_are_torchs():
    """The initialisation's (fan_in, fan_out) of conv filters are torch's own counts."""
    net = SpecNet(SMALL)
    for layer, block, shape in zip(SMALL.layers, net.features, SMALL.shapes, strict=False):
        if layer.kind == "conv":
            fans = nn.init._calculate_fan_in_and_fan_out(block[0].weight)
            assert fans == layer.fans(shape)


def test_a_lightning_checkpoint_converts_to_the_weights_file_and_back_exactly(tmp_path):
    case = ConvCase.draw(SMALL)
    run = torch_impl.train(
        SMALL,
        case.X,
        case.Y,
        learning_rate=0.01,
        num_iterations=3,
        optimizer="adam",
        checkpoint_path=tmp_path / "a.ckpt",
    )
    torch_impl.checkpoint_to_weights(tmp_path / "a.ckpt", tmp_path / "a.npz")
    params, spec = scratch.load_weights(tmp_path / "a.npz")
    name, state = load_optimizer_state(tmp_path / "a.npz")
    assert spec == SMALL and name == "adam"
    assert all(np.array_equal(params[key], run.params[key]) for key in run.params)
    assert all(np.array_equal(state[key], run.state[key]) for key in run.state)
    settings = scratch.TrainingSettings(0.01, 1, optimizer="adam")
    torch_impl.weights_to_checkpoint(tmp_path / "a.npz", tmp_path / "b.ckpt", settings=settings)
    torch_impl.checkpoint_to_weights(tmp_path / "b.ckpt", tmp_path / "b.npz")
    again, _ = scratch.load_weights(tmp_path / "b.npz")
    _, state_again = load_optimizer_state(tmp_path / "b.npz")
    assert all(np.array_equal(again[key], params[key]) for key in params)
    assert all(np.array_equal(state_again[key], state[key]) for key in state)


def test_predictions_are_decided_by_torch_on_images():
    case = ConvCase.draw(SMALL, m=8)
    predicted = torch_impl.predict(case.X, case.params, SMALL)
    assert predicted.shape == (1, 8)
    np.testing.assert_array_equal(predicted, scratch.predict(case.X, case.params, SMALL))
