"""``torch_impl.optimizers``: the course's parameters in ``torch.optim``'s groups, in the spec's
order; the scratch optimizer's ``v``, ``s`` and ``t`` written into torch's state and read back
exactly; the course's decay as a scheduler that goes on where a resumed run starts. (The update
rules themselves, and where torch's conventions part from the course's, are
``parity_tests/parity/test_conventions.py``.)"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch
import torch_impl
from scratch import TrainingSettings
from scratch.optimizers import Optimizer
from torch_impl.optimizers import (
    build_optimizer,
    build_scheduler,
    course_parameters,
    export_state,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _net(batch_norm: bool = False):
    spec = scratch.build_spec([3, 4, 4, 1], "relu")
    if batch_norm:
        spec = spec.with_hidden_layers(batch_norm=True)
    params = scratch.initialize_parameters(spec)
    return spec, params, torch_impl.build_module(spec, params)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_the_parameters_come_in_the_specs_order_under_the_course_keys(batch_norm):
    spec, params, net = _net(batch_norm)
    keys = [key for key, _ in course_parameters(net)]
    assert keys == list(spec.param_shapes())
    for key, p in course_parameters(net):
        np.testing.assert_array_equal(p.detach().numpy().reshape(params[key].shape), params[key])
    if batch_norm:
        assert keys[:3] == ["W1", "gamma1", "beta1"]


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_a_resumed_state_goes_into_torch_and_comes_back_bit_for_bit(name, rng):
    _, params, net = _net(batch_norm=True)
    start = Optimizer(name, params)
    for part in ("v", "s"):
        for array in (getattr(start, part) or {}).values():
            array[...] = rng.random(array.shape)
    start.t = 7
    optimizer = build_optimizer(net, TrainingSettings(0.1, 1, optimizer=name), start)
    back = export_state(optimizer, net, name)
    assert back == {} or set(back) == set(start.state())
    for key, value in start.state().items():
        assert back[key].dtype == value.dtype
        np.testing.assert_array_equal(back[key], value)


def test_gradient_descent_keeps_no_state():
    _, params, net = _net()
    optimizer = build_optimizer(net, TrainingSettings(0.1, 1), Optimizer("gd", params))
    assert type(optimizer) is torch.optim.SGD and export_state(optimizer, net, "gd") == {}


def test_no_decay_builds_no_scheduler():
    _, params, net = _net()
    optimizer = build_optimizer(net, TrainingSettings(0.1, 1), Optimizer("gd", params))
    assert build_scheduler(optimizer, TrainingSettings(0.1, 1), steps_per_epoch=4) is None


def test_a_resumed_runs_scheduler_goes_on_from_its_start_iteration():
    """Epochs of 4 steps, decay 1 every 2 epochs: a run resumed at step 6 starts in epoch 1 at
    the undecayed rate and reaches rate / 2 at step 8, as the whole run does."""
    _, params, net = _net()
    whole, resumed = (
        TrainingSettings(0.5, 12, decay_rate=1.0, decay_interval=2, start_iteration=s)
        for s in (0, 6)
    )

    def rates(settings, steps):
        optimizer = build_optimizer(net, settings, Optimizer("gd", params))
        scheduler = build_scheduler(optimizer, settings, steps_per_epoch=4)
        out = []
        for _ in range(steps):
            out.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        return out

    assert rates(whole, 12)[6:] == rates(resumed, 6)
    assert rates(resumed, 6) == [0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
