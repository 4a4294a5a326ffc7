"""The conventions a convolutional network adds to the layers' (``test_conventions_convolution``),
each derived, used and tested, and each naive mapping shown to part where it should:

- the optimizer state crosses by each parameter's layout, as its weights do: conv filters'
  ``v`` by the transpose (f, f, n_C_prev, n_C) <-> (n_C, n_C_prev, f, f), the dense layer after a
  flatten's by its column permutation; a reshape (right for a dense ``W`` and every bias)
  scrambles them, and a resumed run parts at its second step;
- L2 penalises every ``W``, the conv filters among them, on both sides: a penalty of the dense
  weights alone parts at the cost and at the conv layer's ``dW`` only."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conv_network_cases import ConvCase

import scratch
import torch_impl
import torch_impl.optimizers as torch_optimizers
from scratch import Layer, NetworkSpec
from scratch.layer_kinds import Conv, Flatten, Pool
from scratch.parity import assert_parity, compare_all, compare_training
from torch_impl.network import SpecNet

pytestmark = pytest.mark.usefixtures("one_torch_thread")

# 4x4x2 -> conv 3@3x3 pad 1 -> 4x4x3 -> max pool 2 -> 2x2x3 -> flatten 12 -> softmax 3: the
# flatten's input has 4 positions and 3 channels, so its column order is not torch's.
SPEC = NetworkSpec(
    layers=(Conv(3, 3, "relu", pad=1), Pool(2), Flatten(), Layer(3, "softmax")),
    input_shape=(4, 4, 2),
    loss="cross_entropy",
    init="he",
    seed=2,
)


def naive_load_state(optimizer, net, name, start) -> None:
    """The state written by a reshape into each parameter's torch shape."""
    for key, p in torch_optimizers.course_parameters(net):
        for part, torch_name in torch_optimizers.STATE_NAMES.get(name, {}).items():
            array = getattr(start, part)[f"d{key}"]
            optimizer.state[p][torch_name] = torch.from_numpy(np.array(array)).reshape(p.shape)


def test_the_optimizer_state_crosses_by_the_transpose_and_the_permutation_not_a_reshape(
    monkeypatch,
):
    case = ConvCase.draw(SPEC, m=8)
    settings = {"learning_rate": 0.05, "batch_size": 4, "optimizer": "momentum"}
    first = scratch.train(SPEC, case.X, case.Y, num_iterations=3, params=case.params, **settings)
    start = scratch.TrainingSettings(num_iterations=1, **settings).build_optimizer(
        first.params, first.state
    )
    net = SpecNet(SPEC, first.params)
    steps = scratch.TrainingSettings(num_iterations=1, **settings)
    crossed = torch_optimizers.build_optimizer(net, steps, start)
    exported = torch_optimizers.export_state(crossed, net, "momentum")
    assert all(np.array_equal(exported[key], first.state[key]) for key in first.state)

    monkeypatch.setattr(torch_optimizers, "load_state", naive_load_state)
    reshaped = torch_optimizers.export_state(
        torch_optimizers.build_optimizer(net, steps, start), net, "momentum"
    )
    parted = {key for key in first.state if not np.array_equal(reshaped[key], first.state[key])}
    assert parted == {"v_dW1", "v_dW4"}  # the biases' reshape is their layout

    resumed = {"num_iterations": 3, "start_iteration": 3, "params": first.params}
    resumed |= {"state": first.state, **settings}
    ours = scratch.train(SPEC, case.X, case.Y, **resumed)
    result = compare_training(ours, torch_impl.train_plain(SPEC, case.X, case.Y, **resumed))
    assert result.first_failure.where == "cost[1]"  # the first update used the scrambled v
    monkeypatch.undo()
    assert_parity(compare_training(ours, torch_impl.train_plain(SPEC, case.X, case.Y, **resumed)))


def test_l2_penalises_the_conv_filters_on_both_sides(monkeypatch):
    spec = SPEC.replace(l2=0.5)
    case = ConvCase.draw(spec, m=6)
    ours = scratch.layer_internals(case.X, case.Y, case.params, spec)
    assert_parity(compare_all(ours, torch_impl.layer_internals(case.X, case.Y, case.params, spec)))
    dense_only = property(lambda net: [linear.weight for linear in net.linears])
    monkeypatch.setattr(SpecNet, "weights", dense_only)
    result = compare_all(ours, torch_impl.layer_internals(case.X, case.Y, case.params, spec))
    assert result.first_failure.quantity == "cost"
    assert {comparison.quantity for comparison in result.failures} == {"cost", "dW1"}
