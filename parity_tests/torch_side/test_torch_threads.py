"""torch_impl.threads: a training run takes the threads its work pays for, by the rule NumPy's
side uses too (``scratch.threads``, whose own tests hold the rule's logic), keeps a count the user
set, and puts torch's count back after it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from conv_network_cases import SIZED, ConvCase

import scratch
import torch_impl
from scratch import threads as rule
from scripts.runs.cores import cores_for
from torch_impl import threads

LSTM_SPEC = Path(scratch.__file__).parent / "specs" / "names-lstm.yaml"
TRAINERS = {"train_plain": torch_impl.train_plain, "train": torch_impl.train}


@pytest.fixture
def two_threads(monkeypatch):
    """Torch on two threads, set as ``torch.set_num_threads`` does (no ``torch_threads`` block),
    and no thread count in the environment."""
    for name in threads.COUNT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def counts_during(trainer, sizes, m, **fields) -> list[int]:
    """Torch's thread count at every step of a two-step run of ``sizes`` on ``m`` examples."""
    spec = scratch.build_spec(sizes, "tanh", seed=1)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (1, m))
    seen = []
    record = lambda t, cost: seen.append(torch.get_num_threads())  # noqa: E731
    trainer(spec, X, Y, learning_rate=0.1, num_iterations=2, callback=record, **fields)
    return seen


def test_both_sides_size_their_threads_by_one_rule():
    assert threads.sized_count is rule.sized_count
    assert threads.multiply_adds is rule.multiply_adds


@pytest.mark.parametrize("name", TRAINERS)
def test_a_small_run_takes_one_thread_and_restores_the_count(two_threads, name):
    assert counts_during(TRAINERS[name], (2, 4, 1), 40) == [1, 1]
    assert torch.get_num_threads() == 2


LARGE = (1000, 1000, 1), 4  # 4 million multiply-adds a step: two threads' work


def test_a_large_run_takes_more_threads(two_threads, monkeypatch):
    monkeypatch.setattr(rule, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(rule, "busy_elsewhere", lambda: 0.0)
    sizes, m = LARGE
    assert rule.multiply_adds(scratch.build_spec(sizes, "tanh"), m) >= 2 * rule.WORK_PER_THREAD
    assert counts_during(torch_impl.train_plain, *LARGE) == [2, 2]


@pytest.mark.parametrize(("busy", "taken"), [(0.3, 2), (0.9, 1), (1.0, 1), (2.0, 1)])
def test_a_large_run_leaves_out_the_cores_other_processes_keep_busy(
    two_threads, monkeypatch, busy, taken
):
    monkeypatch.setattr(rule, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(rule, "busy_elsewhere", lambda: busy)
    assert counts_during(torch_impl.train_plain, *LARGE) == [taken, taken]


def test_a_small_run_never_samples_the_load(two_threads, monkeypatch):
    def sampled():
        raise AssertionError("a one-thread run sampled the load")

    monkeypatch.setattr(rule, "busy_elsewhere", sampled)
    assert counts_during(torch_impl.train_plain, (2, 4, 1), 40) == [1, 1]


def test_the_batch_not_the_data_set_sizes_a_mini_batch_run(two_threads):
    sizes, m = (1000, 1000, 1), 64  # full batch: 64 million; batches of 1: 1 million
    assert counts_during(torch_impl.train_plain, sizes, m, batch_size=1) == [1, 1]


@pytest.mark.parametrize(("m", "taken"), [(64, 1), (600, 2)])
def test_a_conv_run_takes_the_threads_its_windows_products_pay_for(
    two_threads, monkeypatch, m, taken
):
    monkeypatch.setattr(rule, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(rule, "busy_elsewhere", lambda: 0.0)
    case = ConvCase.draw(SIZED, m=m)  # 7,104 multiply-adds an example
    seen = []
    record = lambda t, cost: seen.append(torch.get_num_threads())  # noqa: E731
    settings = scratch.TrainingSettings(learning_rate=0.1, num_iterations=2)
    torch_impl.train_plain(SIZED, case.X, case.Y, settings, callback=record)
    assert seen == [taken, taken]


@pytest.mark.parametrize(("m", "taken"), [(64, 1), (300, 2)])
def test_an_lstm_run_takes_the_threads_its_gates_products_pay_for(
    two_threads, monkeypatch, m, taken
):
    monkeypatch.setattr(rule, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(rule, "busy_elsewhere", lambda: 0.0)
    spec = scratch.spec_files.load_spec(LSTM_SPEC)  # 16,750 multiply-adds an example a step
    labels = np.random.default_rng(0).integers(0, 27, (m, 4))
    X, Y = np.eye(27)[labels[:, :-1]].transpose(2, 0, 1), labels[None, :, 1:]
    seen = []
    record = lambda t, cost: seen.append(torch.get_num_threads())  # noqa: E731
    settings = scratch.TrainingSettings(learning_rate=0.01, num_iterations=2)
    torch_impl.train_plain(spec, X, Y, settings, callback=record)
    assert seen == [taken, taken]


def test_the_command_gives_torch_its_turn_and_the_run_sizes_it(two_threads):
    with cores_for("torch"):  # nn-train's turn for the torch side
        assert counts_during(torch_impl.train_plain, (2, 4, 1), 40) == [1, 1]
        assert torch.get_num_threads() == 2


def test_a_count_in_the_environment_is_kept(two_threads, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert counts_during(torch_impl.train_plain, (2, 4, 1), 40) == [2, 2]


def test_a_torch_threads_block_is_kept(two_threads):
    with threads.torch_threads(2):
        assert counts_during(torch_impl.train_plain, (2, 4, 1), 40) == [2, 2]
    assert not threads.user_count()


def test_the_count_is_restored_when_the_run_fails(two_threads):
    def fail(t, cost):
        raise RuntimeError("stop")

    spec = scratch.build_spec((2, 4, 1), "tanh", seed=1)
    X, Y = scratch.load_dataset("planar", m=40)
    with pytest.raises(RuntimeError, match="stop"):
        torch_impl.train_plain(spec, X, Y, learning_rate=0.1, num_iterations=2, callback=fail)
    assert torch.get_num_threads() == 2
