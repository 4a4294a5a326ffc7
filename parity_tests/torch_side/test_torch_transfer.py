"""``torch_impl.transfer``: weights cross between course layout and the module bit for bit, as
copies, and weights that do not fit the spec are refused naming the layer."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from parity_cases import MIXED_SPEC

import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_weights_round_trip_bit_exact(dtype):
    spec = MIXED_SPEC.replace(dtype=dtype)
    rng = np.random.default_rng(7)
    params = {k: rng.standard_normal(s).astype(dtype) for k, s in spec.param_shapes().items()}
    net = torch_impl.build_module(spec, params)
    exported = torch_impl.export_params(net)

    assert list(exported) == list(params)
    for key, value in params.items():
        assert exported[key].dtype == value.dtype and exported[key].shape == value.shape
        assert exported[key].tobytes() == value.tobytes(), f"{key} changed in the round trip"
    with torch.no_grad():
        net.linears[0].weight.add_(1)
    assert np.array_equal(exported["W1"], params["W1"]), "export must copy, not alias"


def test_loading_params_that_do_not_fit_the_spec_names_the_layer(planar):
    spec, _, _, params = planar
    net = torch_impl.build_module(spec)
    with pytest.raises(ValueError, match=r"params\['W2'\] has shape \(4, 1\); layer 2"):
        torch_impl.load_params(net, {**params, "W2": params["W2"].T.copy()})


@pytest.mark.parametrize("shape", [(1, 5), (3, 1), (1, 1), (3, 4)])
def test_data_crosses_as_a_copy_with_standard_strides(shape):
    X = np.arange(float(np.prod(shape))).reshape(shape)
    tensor = torch_impl.to_torch(X)

    assert tensor.shape == shape[::-1] and tensor.dtype == torch.float64
    assert tensor.stride() == (shape[0], 1), "the strides of a fresh (m, n) array"
    assert not np.shares_memory(tensor.numpy(), X), "a copy, never a view of the caller's array"
    assert np.array_equal(torch_impl.to_course(tensor), X)
