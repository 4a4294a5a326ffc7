"""The conventions a recurrent network's training path adds to phase 1's ledger
(``test_conventions_recurrent.py``), each with the naive mapping shown to part where it first
does: padding is ``ignore_index``; every name starts from zero states; the spec's clipping is the
Trainer's own algorithm by name; the optimizer state of the LSTM's gates crosses stacked in
torch's order; both sides sample the same words from the same uniforms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from recurrent_network_cases import CHARACTERS, NetworkCase, recurrent_spec

import scratch
import torch_impl
import torch_impl.optimizers
import torch_impl.training
from scratch.losses import PAD
from scratch.parity import compare, compare_training
from scratch.recurrent import sample_indices, sample_uniforms
from torch_impl.recurrent import RecurrentNet
from torch_impl.recurrent import sample_indices as torch_sample_indices
from torch_impl.transfer import recurrent_params_to_torch, trainable

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest
NEWLINE = 0  # the newline sorts first: index 0 of every vocabulary


def batch_first(X: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(X.transpose(1, 2, 0).copy())


def test_padding_is_ignore_index_and_a_padded_step_counted_as_a_class_parts():
    """Scratch's cost over the labelled steps is torch's ``cross_entropy(ignore_index=-1,
    reduction="sum") / m``; counting the padding as class 0 adds the padded steps' losses, and
    the mean reduction divides by the labelled steps, not by m: each parts at the cost."""
    case = NetworkCase.draw(recurrent_spec("lstm"), m=6)
    ours = scratch.cost_of(case.X, case.Y, case.params, case.spec)
    net = torch_impl.build_module(case.spec, case.params)
    with torch.no_grad():
        logits = net(batch_first(case.X)).flatten(0, 1)
    labels = torch.from_numpy(case.Y[0]).flatten()
    summed = torch.nn.functional.cross_entropy(logits, labels, ignore_index=PAD, reduction="sum")
    assert compare("cost", ours, summed.numpy() / 6).ok
    counted = torch.nn.functional.cross_entropy(logits, labels.clamp(min=0), reduction="sum")
    assert not compare("cost", ours, counted.numpy() / 6).ok
    mean = torch.nn.functional.cross_entropy(logits, labels, ignore_index=PAD)
    assert not compare("cost", ours, mean.numpy()).ok


def test_every_name_starts_from_zero_states_and_carrying_the_last_state_parts_at_step_1():
    """The notebook's ``model()`` hands each name the last state of the name before
    (``optimize`` returns ``a[len(X) - 1]``); both sides here start every name from zero (torch:
    ``nn.LSTM(x)`` without ``hx``). A torch loop that carries the last step's state into the
    next batch (detached, as truncated backpropagation does) agrees at step 0 and parts at 1."""
    spec = recurrent_spec("rnn")
    case = NetworkCase.draw(spec, m=2)
    settings = {"learning_rate": 0.05, "num_iterations": 2, "batch_size": 1, "shuffle": False}
    ours = scratch.train(spec, case.X, case.Y, params=case.params, **settings)
    net = torch_impl.build_module(spec, case.params)
    optimizer = torch.optim.SGD(trainable(net), lr=0.05)
    costs, state = [], None
    for i in range(2):
        steps = scratch.recurrent.longest(case.Y[:, i : i + 1])
        x = batch_first(case.X[:, i : i + 1, :steps])
        a, last = net.recurrent(x, state)
        J = torch_impl.cost_from_targets(
            net.output(a), torch.from_numpy(case.Y[0, i : i + 1, :steps]), spec
        )
        optimizer.zero_grad()
        J.backward()
        optimizer.step()
        costs.append(float(J.detach()))
        state = last.detach()  # the carried state
    assert compare("cost", ours.costs[0], costs[0]).ok
    assert not compare("cost", ours.costs[1], costs[1]).ok
    plain = torch_impl.train_plain(spec, case.X, case.Y, params=case.params, **settings)
    assert compare_training(ours, plain).ok


@pytest.mark.parametrize(("clip_by", "same"), [("value", True), ("norm", True), (None, False)])
def test_the_specs_clipping_is_the_trainers_algorithm_by_name_and_its_default_parts(
    monkeypatch, clip_by, same
):
    """``clip_by: value`` is ``Trainer(gradient_clip_algorithm="value")``, ``clip_grad_value_``,
    the course's ``clip``; ``norm`` is ``"norm"``, ``clip_grad_norm_``. Handing the Trainer the
    bound without the algorithm (``None``, Lightning's default, which is ``"norm"``) clips a
    run the spec clips by value by the norm: it parts at the first step after a clipped one."""
    spec = recurrent_spec("lstm", clip=0.5, clip_by=clip_by or "value")
    case = NetworkCase.draw(spec, m=8)
    settings = {"learning_rate": 0.1, "num_iterations": 3, "batch_size": 4, "params": case.params}
    if clip_by is None:
        monkeypatch.setattr(
            torch_impl.training,
            "trainer_clipping",
            lambda spec: {"gradient_clip_val": spec.clip, "gradient_clip_algorithm": None},
        )
    verdict = compare_training(
        scratch.train(spec, case.X, case.Y, **settings),
        torch_impl.train(spec, case.X, case.Y, **settings),
    )
    assert verdict.ok == same
    if not same:
        assert verdict["cost"].index == (1,)


def test_the_gate_state_crosses_stacked_in_torchs_order_and_in_the_courses_parts(monkeypatch):
    """A momentum run resumed from a state with ``v`` of every gate: crossed as the weights
    are (torch's rows i, f, g, o) it goes on as the uninterrupted run; stacked in the course's
    order f, i, c, o instead (a reshape of the course's arrays) it parts at the first resumed
    step's successor, cost[4], after the first update that reads ``v``."""
    spec = recurrent_spec("lstm")
    case = NetworkCase.draw(spec, m=8)
    settings = {"learning_rate": 0.05, "batch_size": 4, "optimizer": "momentum"}
    whole = scratch.train(spec, case.X, case.Y, num_iterations=5, params=case.params, **settings)
    first = scratch.train(spec, case.X, case.Y, num_iterations=3, params=case.params, **settings)
    resumed = {"start_iteration": 3, "params": first.params, "state": first.state}

    def rest() -> np.ndarray:
        run = torch_impl.train_plain(spec, case.X, case.Y, num_iterations=2, **resumed, **settings)
        return run.costs

    assert compare("cost", whole.costs[3:], rest(), kind="curve").ok

    def course_order(net, arrays):
        crossed = recurrent_params_to_torch(
            {key: arrays[key] for key in arrays} | _course_stacked(arrays), "lstm"
        )
        tensors = [torch.from_numpy(crossed[name]) for name in crossed]
        return {
            p: t for p, t in zip(trainable(net), [tensors[i] for i in (0, 1, 2, 4, 5)], strict=True)
        }

    monkeypatch.setattr(torch_impl.optimizers, "trainable_to_torch", course_order)
    naive = rest()
    assert compare("cost", whole.costs[3], naive[0], kind="curve").ok
    assert not compare("cost", whole.costs[4], naive[1], kind="curve").ok


def _course_stacked(arrays: dict) -> dict:
    """The gates' arrays renamed so that ``recurrent_params_to_torch``, which stacks i, f, c, o,
    stacks the course's f, i, c, o: the naive mapping's order."""
    renamed = {"i": "f", "f": "i", "c": "c", "o": "o"}
    return {f"{kind}{g}": arrays[f"{kind}{renamed[g]}"] for g in "fico" for kind in "Wb"}


def test_both_sides_sample_the_same_words_from_an_lstm_with_the_same_uniforms():
    """After training, each side samples from its own weights with the uniforms scratch draws
    once (``sample_uniforms``), inverting every step's cumulative distribution; torch's own
    ``multinomial`` with its own generator draws other words."""
    spec = recurrent_spec("lstm", units=8)
    case = NetworkCase.draw(spec, m=24)
    settings = {"learning_rate": 0.01, "num_iterations": 30, "batch_size": 8, "optimizer": "adam"}
    ours = scratch.train(spec, case.X, case.Y, params=case.params, **settings)
    theirs = torch_impl.train_plain(spec, case.X, case.Y, params=case.params, **settings)
    assert CHARACTERS[NEWLINE] == "\n"
    net = RecurrentNet(theirs.params, "lstm")
    words = []
    for seed in range(20):
        u = sample_uniforms(seed)
        word = sample_indices(ours.params, NEWLINE, u, "lstm")
        assert word == torch_sample_indices(net, NEWLINE, u)
        words.append(word)
    assert len({tuple(word) for word in words}) > 10  # they differ from seed to seed
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        x, hx, drawn = torch.zeros(1, 1, net.recurrent.input_size, dtype=torch.float64), None, []
        for _ in range(len(words[0])):
            a, hx = net.recurrent(x, hx)
            drawn.append(
                int(torch.multinomial(net.output(a[0, 0]).softmax(-1), 1, generator=generator))
            )
            x = torch.zeros_like(x)
            x[0, 0, drawn[-1]] = 1
    assert drawn != words[0]
