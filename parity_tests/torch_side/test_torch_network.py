"""``torch_impl.network``: the module built from a spec (object or file) has the layers it names
in torch's own classes, starts from the scratch initial weights, gives logits and
probabilities, and a spec file that cannot be built gets the scratch error."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from parity_cases import FLOAT64_RTOL, MIXED_SPEC, relative_error
from torch import nn

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

TORCH_ACTIVATIONS = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
    "softmax": nn.Softmax,
}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_module_built_from_a_spec_file_has_the_layers_it_names(tmp_path, suffix):
    path = tmp_path / f"spec{suffix}"
    scratch.save_spec(MIXED_SPEC, path)
    net = torch_impl.build_module(path)

    assert net.spec == MIXED_SPEC
    sizes = [(lin.in_features, lin.out_features) for lin in net.linears]
    assert sizes == list(zip(MIXED_SPEC.sizes, MIXED_SPEC.sizes[1:], strict=False))
    assert all(p.dtype == torch.float32 for p in net.parameters())
    names = [type(g) for g in net.activations]
    assert names == [TORCH_ACTIVATIONS[a] for a in MIXED_SPEC.activations]
    assert net.activations[1].negative_slope == 0.2
    assert net.activations[-1].dim == 1, "softmax must act on each example (row)"


def test_module_starts_from_the_scratch_initial_weights_without_touching_torch_rng():
    state = torch.random.get_rng_state()
    net = torch_impl.build_module(MIXED_SPEC)
    assert torch.equal(torch.random.get_rng_state(), state)
    expected = scratch.initialize_parameters(MIXED_SPEC)
    exported = torch_impl.export_params(net)
    assert all(np.array_equal(exported[key], expected[key]) for key in expected)


def test_module_forward_gives_logits_and_probabilities_in_float64(planar):
    spec, X, _, params = planar
    net = torch_impl.build_module(spec, params)
    ZL = net(torch_impl.to_torch(X))
    assert ZL.dtype == torch.float64 and ZL.shape == (X.shape[1], 1)
    AL, caches = scratch.L_model_forward(X, params, spec)
    AL_torch = net.probabilities(torch_impl.to_torch(X))
    assert AL_torch.dtype == torch.float64
    assert relative_error(torch_impl.to_course(AL_torch), AL) < FLOAT64_RTOL
    assert relative_error(torch_impl.to_course(ZL), caches[-1].activation_cache.Z) < FLOAT64_RTOL


def test_a_spec_file_that_cannot_be_built_gets_the_scratch_error(tmp_path):
    path = tmp_path / "bad.json"
    bad = MIXED_SPEC.to_dict()
    bad["layers"][1]["activation"] = "swish"
    path.write_text(json.dumps(bad))
    with pytest.raises(scratch.SpecError) as expected:
        scratch.load_spec(path)
    with pytest.raises(scratch.SpecError) as actual:
        torch_impl.build_module(path)
    assert str(actual.value) == str(expected.value)
    assert "layer 2: activation 'swish' is unknown" in str(actual.value)
