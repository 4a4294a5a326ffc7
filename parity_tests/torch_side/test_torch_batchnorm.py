"""``torch_impl.batchnorm`` and the module it builds: a batch-norm layer is torch's own
``nn.Linear(bias=False)`` then ``nn.BatchNorm1d`` with the spec's momentum and eps; gamma, beta and
the running statistics cross between the course's (n, 1) arrays and the module bit for bit, and
live in its state dict; a spec without batch norm builds the module and state dict it always
did."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

SPEC = scratch.build_spec([3, 5, 4, 2], "relu", loss="cross_entropy").with_hidden_layers(
    batch_norm=[True, False], keep_prob=[1.0, 0.8]
)


def test_a_batch_norm_layer_is_linear_without_bias_then_torchs_batchnorm1d():
    net = torch_impl.build_module(SPEC.replace(batch_norm_momentum=0.3, batch_norm_eps=1e-3))
    assert net.linears[0].bias is None and net.linears[1].bias is not None
    norm = net.norms[0]
    assert type(norm) is nn.BatchNorm1d and isinstance(net.norms[1], nn.Identity)
    assert (norm.num_features, norm.momentum, norm.eps) == (5, 0.3, 1e-3)
    assert norm.affine and norm.track_running_stats and norm.weight.dtype == torch.float64
    assert [type(d).__name__ for d in net.dropouts] == ["MaskedDropout", "MaskedDropout"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gamma_beta_and_the_running_statistics_round_trip_bit_for_bit(rng, dtype):
    spec = SPEC.replace(dtype=dtype)
    params = {
        key: rng.uniform(0.5, 2, shape).astype(dtype)
        for key, shape in (spec.param_shapes() | spec.buffer_shapes()).items()
    }
    net = torch_impl.build_module(spec, params)
    exported = torch_impl.export_params(net)
    assert list(exported) == list(scratch.initialize_parameters(spec))
    for key, value in params.items():
        assert exported[key].tobytes() == value.tobytes() and exported[key].shape == value.shape
    state = net.state_dict()
    assert np.array_equal(state["norms.0.running_var"].numpy(), params["running_var1"][:, 0])
    assert np.array_equal(state["norms.0.weight"].numpy(), params["gamma1"][:, 0])


def test_a_spec_without_batch_norm_or_dropout_builds_the_state_dict_it_always_did():
    net = torch_impl.build_module(scratch.build_spec([3, 5, 1], "tanh"))
    assert list(net.state_dict()) == [
        "linears.0.weight",
        "linears.0.bias",
        "linears.1.weight",
        "linears.1.bias",
    ]
    assert len(net.norms) == len(net.dropouts) == 0 and net.plain


def test_the_module_starts_where_scratch_starts_without_a_random_draw():
    state = torch.random.get_rng_state()
    net = torch_impl.build_module(SPEC)
    assert torch.equal(torch.random.get_rng_state(), state)
    start = scratch.initialize_parameters(SPEC)
    assert all(np.array_equal(v, start[k]) for k, v in torch_impl.export_params(net).items())
    assert np.array_equal(start["running_var1"], np.ones((5, 1)))
    assert np.array_equal(start["gamma1"], np.ones((5, 1)))
