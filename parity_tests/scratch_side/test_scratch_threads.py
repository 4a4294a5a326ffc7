"""scratch.threads: the one rule both sides size their threads by (the work of a step, the cores
other processes keep busy), and NumPy's BLAS held to it in ``scratch.train``, a count the user
set kept, the count before put back. The counts and the load are mocked: no timing here."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conv_network_cases import SIZED, ConvCase

import scratch
from scratch import threads


@pytest.fixture
def two_cores(monkeypatch):
    """Two cores, NumPy's BLAS on both (the default count, not one the user set: no count in
    the environment, no block), and no load unless a test says so."""
    for name in threads.COUNT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: 0.0)
    with threads.blas_controller().limit(limits=2, user_api="blas"):
        yield


def counts_during(sizes, m, **fields) -> list[int]:
    """NumPy's BLAS count at every step of a two-step ``scratch.train`` of ``sizes`` on ``m``."""
    spec = scratch.build_spec(sizes, "tanh", seed=1)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (1, m))
    seen: list[int] = []
    record = lambda t, cost: seen.append(threads.blas_count())  # noqa: E731
    scratch.train(spec, X, Y, learning_rate=0.1, num_iterations=2, callback=record, **fields)
    return seen


LARGE = (1000, 1000, 1), 4  # 4 million multiply-adds a step: two threads' work


def conv_counts_during(m: int) -> list[int]:
    """NumPy's BLAS count at every step of a two-step ``scratch.train`` of ``SIZED`` on ``m``
    images."""
    case = ConvCase.draw(SIZED, m=m)
    seen: list[int] = []
    record = lambda t, cost: seen.append(threads.blas_count())  # noqa: E731
    scratch.train(SIZED, case.X, case.Y, learning_rate=0.1, num_iterations=2, callback=record)
    return seen


def test_multiply_adds_of_a_step():
    spec = scratch.build_spec((2, 4, 1), "tanh")
    assert threads.multiply_adds(spec, 400) == (2 * 4 + 4 * 1) * 400


def test_a_conv_layer_counts_f_f_n_C_prev_n_C_n_H_n_W_multiply_adds_per_example():
    conv, dense = 8 * 8 * 4 * (3 * 3 * 3), 4 * 4 * 4 * 3  # the pool and the flatten have none
    assert conv + dense == 7104
    assert threads.multiply_adds(SIZED, 64) == (conv + dense) * 64
    entries = sum(n_prev * n for n_prev, n in zip(SIZED.sizes, SIZED.sizes[1:], strict=False))
    assert entries == 69824  # the layers' entries counted as a dense net's: ten times the work


def test_a_conv_run_takes_the_threads_its_windows_products_pay_for(two_cores):
    per_example = threads.multiply_adds(SIZED, 1)
    assert 64 * per_example < threads.WORK_PER_THREAD  # the entries' count: 4.5 million
    assert conv_counts_during(64) == [1, 1]
    assert 600 * per_example >= 2 * threads.WORK_PER_THREAD
    assert conv_counts_during(600) == [2, 2]


LSTM = scratch.NetworkSpec.from_dict(
    {
        "input_size": 27,
        "layers": [{"kind": "lstm", "units": 50}, {"units": 27, "activation": "softmax"}],
    }
    | {"loss": "cross_entropy", "init": "small_random", "clip": 5.0}
)


def lstm_sequences(m: int, T: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``m`` one-hot sequences of ``T`` steps over 27 characters and their next characters."""
    labels = np.random.default_rng(0).integers(0, 27, (m, T + 1))
    X = np.eye(27)[labels[:, :-1]].transpose(2, 0, 1)  # (n_x, m, T_x)
    return X, labels[None, :, 1:]


def test_an_lstm_layer_counts_its_four_gates_multiply_adds_per_time_step():
    gates, output = 4 * 50 * (50 + 27), 27 * 50  # [a<t-1>; x<t>] times each gate, then W_y a<t>
    assert threads.multiply_adds(LSTM, 64) == (gates + output) * 64
    rnn = scratch.NetworkSpec.from_dict(
        {
            **LSTM.to_dict(),
            "layers": [{"kind": "rnn", "units": 50}, {"units": 27, "activation": "softmax"}],
        }
    )
    assert threads.multiply_adds(rnn, 64) == (50 * (50 + 27) + output) * 64


@pytest.mark.parametrize(("m", "taken"), [(64, 1), (300, 2)])
def test_an_lstm_run_takes_the_threads_its_gates_products_pay_for(two_cores, m, taken):
    per_example = threads.multiply_adds(LSTM, 1)  # 16,750 a time step
    assert 64 * per_example < threads.WORK_PER_THREAD
    assert 300 * per_example >= 2 * threads.WORK_PER_THREAD
    X, Y = lstm_sequences(m)
    seen: list[int] = []
    record = lambda t, cost: seen.append(threads.blas_count())  # noqa: E731
    scratch.train(LSTM, X, Y, learning_rate=0.01, num_iterations=2, callback=record)
    assert seen == [taken, taken]


def test_small_work_takes_one_thread_and_large_work_more():
    per_thread = threads.WORK_PER_THREAD
    assert threads.threads_for(4800, most=2) == 1  # the planar step
    assert threads.threads_for(2 * per_thread - 1, most=2) == 1
    assert threads.threads_for(2 * per_thread, most=2) == 2
    assert threads.threads_for(3 * per_thread, most=4) == 3
    assert threads.threads_for(100 * per_thread, most=2) == 2  # never above the count in force


@pytest.mark.parametrize(("busy", "taken"), [(0.0, 2), (0.3, 2), (0.9, 1), (1.0, 1), (2.0, 1)])
def test_the_rule_leaves_out_the_cores_other_processes_keep_busy(monkeypatch, busy, taken):
    monkeypatch.setattr(threads, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: busy)
    assert threads.sized_count(100 * threads.WORK_PER_THREAD, most=2) == taken


def test_the_rule_never_samples_the_load_for_one_threads_work(monkeypatch):
    def sampled():
        raise AssertionError("one thread's work sampled the load")

    monkeypatch.setattr(threads, "busy_elsewhere", sampled)
    assert threads.sized_count(threads.WORK_PER_THREAD, most=2) == 1


def test_without_a_load_reading_the_rule_takes_what_the_work_pays_for(monkeypatch):
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: None)  # not Linux
    assert threads.sized_count(100 * threads.WORK_PER_THREAD, most=2) == 2


def test_busy_ticks_are_those_of_this_process_cpus_without_idle_and_iowait(tmp_path):
    stat = tmp_path / "stat"
    stat.write_text(
        "cpu  99 99 99 99 99 99 99 99 0 0\n"  # the sum line, left out
        "cpu0 10 1 2 500 40 3 4 5 7 0\n"  # user nice system idle iowait irq softirq steal guest
        "cpu1 20 0 0 500 0 0 0 0 0 0\n"
        "cpu2 1000 0 0 0 0 0 0 0 0 0\n"
        "intr 12345\n"
    )
    assert threads._busy_ticks({0, 1}, str(stat)) == (10 + 1 + 2 + 3 + 4 + 5) + 20
    assert threads._busy_ticks({2}, str(stat)) == 1000


def test_the_load_reading_is_a_count_of_cores():
    busy = threads.busy_elsewhere(0.05)
    assert busy is not None and 0.0 <= busy <= len(threads._cpus()) + 0.5


def test_a_small_run_takes_one_blas_thread_and_restores_the_count(two_cores):
    assert counts_during((2, 4, 1), 40) == [1, 1]
    assert threads.blas_count() == 2


def test_a_large_run_takes_more_blas_threads(two_cores):
    spec, m = scratch.build_spec(LARGE[0], "tanh"), LARGE[1]
    assert threads.multiply_adds(spec, m) >= 2 * threads.WORK_PER_THREAD
    assert counts_during(*LARGE) == [2, 2]


def test_a_large_run_beside_a_busy_core_takes_one(two_cores, monkeypatch):
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: 1.0)
    assert counts_during(*LARGE) == [1, 1]


def test_the_batch_not_the_data_set_sizes_a_mini_batch_run(two_cores):
    sizes, m = (1000, 1000, 1), 64  # full batch: 64 million; batches of 1: 1 million
    assert counts_during(sizes, m, batch_size=1) == [1, 1]


@pytest.mark.parametrize("name", threads.COUNT_VARIABLES)
def test_a_count_in_the_environment_is_kept(two_cores, monkeypatch, name):
    monkeypatch.setenv(name, "2")
    assert counts_during((2, 4, 1), 40) == [2, 2]


def test_a_blas_threads_block_is_kept(two_cores):
    with threads.blas_threads(2):
        assert counts_during((2, 4, 1), 40) == [2, 2]
    assert not threads.user_count(2)


def test_a_threadpoolctl_limit_below_the_cores_is_kept(two_cores, monkeypatch):
    monkeypatch.setattr(threads, "_cpus", lambda: {0, 1, 2, 3})
    assert counts_during((2, 4, 1), 40) == [2, 2]  # 2 of 4 cores: the user's limit
    with threads.blas_controller().limit(limits=1, user_api="blas"):
        assert counts_during(*LARGE) == [1, 1]


def test_the_count_is_restored_when_the_run_fails(two_cores):
    def fail(t, cost):
        raise RuntimeError("stop")

    spec = scratch.build_spec((2, 4, 1), "tanh", seed=1)
    X, Y = scratch.load_dataset("planar", m=40)
    with pytest.raises(RuntimeError, match="stop"):
        scratch.train(spec, X, Y, learning_rate=0.1, num_iterations=2, callback=fail)
    assert threads.blas_count() == 2


def test_import_scratch_loads_neither_torch_nor_threadpoolctl():
    check = (
        "import sys, scratch\n"
        "assert 'torch' not in sys.modules and 'threadpoolctl' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True)
