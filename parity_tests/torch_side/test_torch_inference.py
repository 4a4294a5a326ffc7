"""``torch_impl.inference``: the module's predictions in ``eval()`` mode, decided by torch, are
scratch's, in course layout, and the module is left in the mode it was in."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import make_case

import scratch
import torch_impl
from scratch import build_spec

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "cross_entropy", "mse"])
def test_predictions_are_scratchs_from_the_same_running_statistics(loss):
    units = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}[loss]
    spec = build_spec([4, 6, 5, units], "relu", loss=loss).with_hidden_layers(
        keep_prob=0.6, batch_norm=True
    )
    case = make_case(spec, m=30)
    ours = scratch.predict(case.X, case.params, spec)
    theirs = torch_impl.predict(case.X, case.params, spec)
    assert theirs.shape == ours.shape and theirs.dtype == ours.dtype
    if loss == "mse":
        np.testing.assert_allclose(theirs, ours, rtol=1e-12)
    else:
        assert np.array_equal(theirs, ours)


def test_predict_with_leaves_the_module_in_its_mode(planar):
    spec, X, _, params = planar
    net = torch_impl.build_module(spec, params)
    torch_impl.predict_with(net, torch_impl.to_torch(X))
    assert net.training
    net.eval()
    torch_impl.predict_with(net, torch_impl.to_torch(X))
    assert not net.training
