"""``torch_impl.record``: a torch run's cost of every step, and the weights that gave the last
finite one, so that a diverging run ends as ``scratch.train`` does."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch
import torch_impl
from scratch.training import DivergenceError
from torch_impl.record import CostRecord

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def net(planar):
    spec, _, _, params = planar
    return torch_impl.build_module(spec, params)


def _step(net, by: float) -> None:
    with torch.no_grad():
        for p in net.parameters():
            p.add_(by)


def test_a_finite_run_gives_its_costs_rates_and_final_weights(net):
    record = CostRecord(net, start_iteration=5)
    for cost in (0.7, 0.6, 0.5):
        assert record.add(cost, 0.1)
        _step(net, 0.01)
    result = record.result({"t": np.int64(3)})
    np.testing.assert_array_equal(result.costs, [0.7, 0.6, 0.5])
    np.testing.assert_array_equal(result.learning_rates, [0.1, 0.1, 0.1])
    assert result.start_iteration == 5 and result.state == {"t": np.int64(3)}
    for key, value in torch_impl.export_params(net).items():
        np.testing.assert_array_equal(result.params[key], value)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_cost_that_is_not_finite_is_not_recorded_and_ends_the_run_with_the_last_good_weights(
    net, bad
):
    record = CostRecord(net, start_iteration=10)
    assert record.add(0.7, 0.1)
    good = torch_impl.export_params(net)
    _step(net, 1.0)  # the update after the last finite cost
    assert not record.add(bad, 0.1)
    with pytest.raises(DivergenceError) as raised:
        record.result({})
    error = raised.value
    assert error.iteration == 11 and np.isnan(error.cost) == np.isnan(bad)
    np.testing.assert_array_equal(error.costs, [0.7])
    for key in good:
        np.testing.assert_array_equal(error.params[key], good[key])
        np.testing.assert_array_equal(torch_impl.export_params(net)[key], good[key])


def test_batch_norms_running_statistics_are_kept_with_the_weights(rng):
    spec = scratch.build_spec([2, 3, 1], "relu").with_hidden_layers(batch_norm=True)
    net = torch_impl.build_module(spec, scratch.initialize_parameters(spec))
    record = CostRecord(net)
    assert record.add(0.7, 0.1)
    kept = net.norms[0].running_mean.clone()
    with torch.no_grad():
        net.norms[0].running_mean.add_(5.0)
    record.add(float("inf"), 0.1)
    with pytest.raises(DivergenceError):
        record.result({})
    torch.testing.assert_close(net.norms[0].running_mean, kept, rtol=0, atol=0)
