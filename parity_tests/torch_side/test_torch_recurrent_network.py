"""A recurrent spec on the torch side: ``build_module`` builds ``RecurrentNet`` (``nn.RNN`` or
``nn.LSTM`` batch first, the ``nn.Linear`` of every step) drawing nothing; its weights, gradients
and optimizer state cross as one group, exactly both ways (the LSTM's gates stacked); the
batches are the scratch side's sequences cut to their longest; the spec's clipping is the
Trainer's own; and a Lightning checkpoint and the weights file convert both ways bit for bit,
the optimizer's state with them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from recurrent_network_cases import CELLS, NetworkCase, recurrent_spec
from torch import nn

import scratch
import torch_impl
from scratch.batches import BatchSchedule
from scratch.losses import PAD
from scratch.optimizers import Optimizer
from torch_impl.batches import ScheduledBatches
from torch_impl.clipping import clip_gradients, trainer_clipping
from torch_impl.optimizers import build_optimizer, export_state
from torch_impl.recurrent import RecurrentNet
from torch_impl.transfer import trainable, trainable_to_course, trainable_to_torch

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cell", CELLS)
def test_a_recurrent_spec_builds_torchs_own_layers_batch_first_drawing_nothing(cell, dtype):
    case = NetworkCase.draw(recurrent_spec(cell, dtype=dtype), m=3)
    state = torch.random.get_rng_state()
    net = torch_impl.build_module(case.spec, case.params)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert isinstance(net, RecurrentNet) and net.spec == case.spec and net.batch_first
    assert type(net.recurrent) is {"rnn": nn.RNN, "lstm": nn.LSTM}[cell]
    assert net.output.weight.dtype == {"float64": torch.float64, "float32": torch.float32}[dtype]
    assert not net.recurrent.bias_hh_l0.requires_grad
    logits = net(torch.from_numpy(case.X.transpose(1, 2, 0).copy()))
    assert logits.shape == (3, case.X.shape[2], case.spec.layers[-1].units)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cell", CELLS)
def test_weights_gradients_and_optimizer_state_cross_as_one_group_bit_for_bit(cell, dtype):
    """Course arrays -> the module's tensors -> course arrays, for the weights
    (``export_params``) and for arrays shaped like them (``trainable_to_torch`` and back, what
    the optimizer state and the gradients take); negative zeros kept."""
    case = NetworkCase.draw(recurrent_spec(cell, dtype=dtype), m=2)
    params = dict(case.params)
    params["by"] = params["by"].copy()
    params["by"][0, 0] = -0.0
    net = torch_impl.build_module(case.spec, params)
    back = torch_impl.export_params(net)
    assert list(back) == list(params)
    assert all(back[k].tobytes() == params[k].tobytes() for k in params)
    rng = np.random.default_rng(1)
    arrays = {k: rng.standard_normal(v.shape).astype(dtype) for k, v in params.items()}
    tensors = trainable_to_torch(net, arrays)
    assert list(tensors) == trainable(net) and len(tensors) == 5  # bias_hh frozen
    again = trainable_to_course(net, tensors)
    assert all(again[k].tobytes() == arrays[k].tobytes() for k in arrays)


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_the_optimizer_state_of_stacked_gates_crosses_exactly(name):
    """A scratch state of random ``v``, ``s`` and ``t``: into torch's optimizer and back, the
    same arrays, bit for bit."""
    case = NetworkCase.draw(recurrent_spec("lstm"), m=2)
    rng = np.random.default_rng(2)
    start = Optimizer.from_state(name, case.params)
    for part in ("v", "s"):
        held = getattr(start, part)
        for key in held or {}:
            held[key] = np.abs(rng.standard_normal(held[key].shape))
    start.t = 7
    settings = scratch.TrainingSettings(0.01, 1, optimizer=name)
    net = torch_impl.build_module(case.spec, case.params)
    optimizer = build_optimizer(net, settings, start)
    state = export_state(optimizer, net, name)
    assert list(state) == list(start.state())
    assert all(np.array_equal(state[k], start.state()[k]) for k in state)


def test_the_batches_are_the_scratch_sides_sequences_cut_to_their_longest():
    case = NetworkCase.draw(recurrent_spec("rnn"), m=6)
    T = scratch.as_targets(case.Y, case.spec, 6)
    batches = ScheduledBatches(case.X, T, BatchSchedule(6, 2, True, 3), 0, 3)
    for (X, Y), index in zip(
        batches.steps(), BatchSchedule(6, 2, True, 3).batches(0, 3), strict=True
    ):
        steps = scratch.recurrent.longest(case.Y[:, index])
        assert X.shape == (2, steps, case.X.shape[0]) and Y.shape == (2, steps)
        np.testing.assert_array_equal(Y.numpy(), case.Y[0, index, :steps])
        np.testing.assert_array_equal(X.numpy(), case.X[:, index, :steps].transpose(1, 2, 0))
        assert (Y[:, -1] != PAD).any()  # cut after the longest name's last step, not before


def test_the_cost_is_cross_entropy_summed_over_time_ignoring_padding():
    case = NetworkCase.draw(recurrent_spec("lstm"), m=4)
    ours = scratch.cost_of(case.X, case.Y, case.params, case.spec)
    net = torch_impl.build_module(case.spec, case.params)
    with torch.no_grad():
        logits = net(torch.from_numpy(case.X.transpose(1, 2, 0).copy()))
    theirs = torch_impl.cost_from_targets(logits, torch.from_numpy(case.Y[0]), case.spec)
    assert ours == pytest.approx(float(theirs), rel=1e-14)
    padded = torch.from_numpy(np.where(case.Y[0] == PAD, 0, case.Y[0]))  # padding as a label
    assert float(torch_impl.cost_from_targets(logits, padded, case.spec)) > ours + 1


def test_the_specs_clipping_is_the_trainers_own_and_the_plain_loops_torch_function():
    assert trainer_clipping(recurrent_spec("rnn")) == {
        "gradient_clip_val": None,
        "gradient_clip_algorithm": None,
    }
    spec = recurrent_spec("rnn", clip=0.5, clip_by="norm")
    assert trainer_clipping(spec) == {"gradient_clip_val": 0.5, "gradient_clip_algorithm": "norm"}
    net = torch_impl.build_module(spec, NetworkCase.draw(spec).params)
    for p in trainable(net):
        p.grad = torch.full_like(p, 3.0)
    clip_gradients(net, spec)
    norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in trainable(net)]))
    assert float(norm) == pytest.approx(0.5, rel=1e-6)
    assert net.recurrent.bias_hh_l0.grad is None


@pytest.mark.parametrize("cell", CELLS)
def test_checkpoint_and_weights_file_convert_both_ways_with_the_optimizer_state(cell, tmp_path):
    spec = recurrent_spec(cell, clip=1.0)
    case = NetworkCase.draw(spec, m=6)
    settings = {"learning_rate": 0.01, "num_iterations": 3, "batch_size": 3, "optimizer": "adam"}
    result = torch_impl.train(
        spec, case.X, case.Y, params=case.params, checkpoint_path=tmp_path / "run.ckpt", **settings
    )
    torch_impl.checkpoint_to_weights(tmp_path / "run.ckpt", tmp_path / "run.npz")
    weights, stored = scratch.load_weights(tmp_path / "run.npz")
    name, state = scratch.weights.load_optimizer_state(tmp_path / "run.npz")
    assert stored == spec and name == "adam"
    assert all(weights[k].tobytes() == result.params[k].tobytes() for k in result.params)
    assert all(state[k].tobytes() == result.state[k].tobytes() for k in result.state)
    training = scratch.TrainingSettings(0.01, 1, optimizer="adam")
    torch_impl.weights_to_checkpoint(
        tmp_path / "run.npz", tmp_path / "back.ckpt", settings=training
    )
    torch_impl.checkpoint_to_weights(tmp_path / "back.ckpt", tmp_path / "back.npz")
    again, _ = scratch.load_weights(tmp_path / "back.npz")
    _, state_again = scratch.weights.load_optimizer_state(tmp_path / "back.npz")
    assert all(again[k].tobytes() == weights[k].tobytes() for k in weights)
    assert all(state_again[k].tobytes() == state[k].tobytes() for k in state)
