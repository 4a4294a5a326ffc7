"""``torch_impl.clipping``: a spec's ``clip`` and ``clip_by`` are the ``lightning.Trainer``'s own
``gradient_clip_val`` and ``gradient_clip_algorithm`` (the algorithm always by name; both
``None`` without a ``clip``), and the plain loop clips the trainable parameters' gradients with
torch's function of the same name, which is ``scratch.clipping``'s rule on the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch
from scratch import Layer, Lstm, NetworkSpec
from scratch.clipping import clip_gradients as scratch_clip
from torch_impl import build_module
from torch_impl.clipping import CLIP_FUNCTIONS, clip_gradients, trainer_clipping
from torch_impl.transfer import trainable


def dense_spec(**clipping) -> NetworkSpec:
    return NetworkSpec(
        input_size=3,
        layers=(Layer(4, "tanh"), Layer(1, "sigmoid")),
        loss="binary_cross_entropy",
        **clipping,
    )


def with_gradients(spec: NetworkSpec, scale: float = 10.0) -> torch.nn.Module:
    """``spec``'s module with a gradient on every trainable parameter, entries up to ``scale``."""
    net = build_module(spec, scratch.initialize_parameters(spec))
    generator = torch.Generator().manual_seed(0)
    for p in trainable(net):
        p.grad = scale * torch.randn(p.shape, generator=generator, dtype=p.dtype)
    return net


def test_without_clip_the_trainer_keeps_its_defaults_and_nothing_is_clipped():
    spec = dense_spec()
    assert trainer_clipping(spec) == {"gradient_clip_val": None, "gradient_clip_algorithm": None}
    net = with_gradients(spec)
    before = [p.grad.clone() for p in trainable(net)]
    clip_gradients(net, spec)
    assert all(torch.equal(p.grad, g) for p, g in zip(trainable(net), before, strict=True))


@pytest.mark.parametrize("clip_by", ["value", "norm"])
def test_the_trainer_is_given_the_bound_and_the_algorithm_by_name(clip_by):
    assert trainer_clipping(dense_spec(clip=5.0, clip_by=clip_by)) == {
        "gradient_clip_val": 5.0,
        "gradient_clip_algorithm": clip_by,
    }
    assert trainer_clipping(dense_spec(clip=5.0))["gradient_clip_algorithm"] == "value"
    assert {
        "value": torch.nn.utils.clip_grad_value_,
        "norm": torch.nn.utils.clip_grad_norm_,
    } == CLIP_FUNCTIONS


@pytest.mark.parametrize("clip_by", ["value", "norm"])
def test_the_plain_loops_clipping_is_scratchs_rule_on_the_same_gradients(clip_by):
    spec = dense_spec(clip=1.0, clip_by=clip_by)
    net = with_gradients(spec)
    grads = {str(i): p.grad.numpy().copy() for i, p in enumerate(trainable(net))}
    clip_gradients(net, spec)
    scratch_clip(grads, list(grads), 1.0, clip_by)
    for i, p in enumerate(trainable(net)):
        np.testing.assert_allclose(p.grad.numpy(), grads[str(i)], rtol=1e-15, atol=0)
    clipped = torch.cat([p.grad.flatten() for p in trainable(net)])
    if clip_by == "value":
        assert clipped.abs().max() == 1.0
    else:
        assert abs(float(clipped.norm()) - 1.0) < 1e-5  # the bound, less torch's 1e-6 of the norm


def test_a_frozen_parameter_is_not_clipped_only_the_trainable_ones():
    spec = NetworkSpec(
        input_size=5, layers=(Lstm(3), Layer(5, "softmax")), loss="cross_entropy", clip=1.0
    )
    net = with_gradients(spec)
    frozen = [p for p in net.parameters() if not p.requires_grad]
    assert frozen and all(p.grad is None for p in frozen)  # bias_hh: -0.0, never stepped
    clip_gradients(net, spec)
    assert all(p.grad is None for p in frozen)
    assert all(p.grad.abs().max() <= 1.0 for p in trainable(net))
