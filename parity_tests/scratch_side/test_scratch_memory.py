"""``scratch.memory``: a network refused before anything is allocated when the lower bound of
what it needs, ``(4 + s) P + 2 b T sum_l n[l]`` entries to train (T the time steps of a
recurrent network's sequences) (``P`` for its weights alone),
exceeds the memory the machine has; the message says how much, and how much there is."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import scratch
import scratch.memory
from scratch import build_spec
from scratch.memory import STATE_ARRAYS, InsufficientMemoryError, check_memory, format_bytes
from scratch.spec_files import load_spec


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (16 * 2**40, "16.0 TiB")],
)
def test_sizes_are_shown_in_binary_units(n, text):
    assert format_bytes(n) == text


def test_the_state_arrays_per_parameter_are_the_optimizers_own():
    assert STATE_ARRAYS == {"gd": 0, "momentum": 1, "rmsprop": 1, "adam": 4}


def _bound(spec, batch: int, optimizer: str, time_steps: int = 1) -> int:
    """The module's bound, written out: the parameters P, (3 + s) P more to train, and Z, dZ of
    each layer for a batch, at every time step."""
    P = sum(math.prod(shape) for shape in spec.param_shapes().values())
    entries = (4 + STATE_ARRAYS[optimizer]) * P + 2 * batch * time_steps * sum(spec.sizes[1:])
    return entries * np.dtype(spec.dtype).itemsize


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_training_is_refused_exactly_when_its_bound_exceeds_what_is_available(
    monkeypatch, optimizer, dtype
):
    spec = build_spec([30, 20, 10, 1], "relu", dtype=dtype)
    need = _bound(spec, 64, optimizer)
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: need)
    check_memory(spec, batch=64, optimizer=optimizer)
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: need - 1)
    with pytest.raises(InsufficientMemoryError, match=f"with {optimizer} .*{dtype}"):
        check_memory(spec, batch=64, optimizer=optimizer)


LSTM = load_spec(Path(__file__).resolve().parents[2] / "scratch" / "specs" / "names-lstm.yaml")


def test_a_recurrent_network_is_refused_by_the_caches_of_every_time_step(monkeypatch):
    need = _bound(LSTM, 64, "gd", time_steps=500)
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: need)
    check_memory(LSTM, batch=64, optimizer="gd", time_steps=500)
    with pytest.raises(InsufficientMemoryError, match=r"batches of 64 example\(s\) of 501 steps"):
        check_memory(LSTM, batch=64, optimizer="gd", time_steps=501)


def test_training_on_long_sequences_is_refused_before_a_step(monkeypatch):
    """The time steps are the data's: ``scratch.train`` counts them from ``X`` (n_x, m, T_x)."""
    X = np.zeros((27, 2, 1000))
    X[0] = 1.0
    Y = np.zeros((1, 2, 1000), dtype=int)
    need = _bound(LSTM, 2, "gd", time_steps=1000)
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: need - 1)
    with pytest.raises(InsufficientMemoryError, match="of 1000 steps"):
        scratch.train(LSTM, X, Y, learning_rate=0.01, num_iterations=1)


def test_a_refusal_is_a_memory_error_and_a_value_error_saying_what_is_needed_and_what_there_is(
    monkeypatch,
):
    spec = build_spec([1000, 1000, 1], "relu")
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: 2**20)
    with pytest.raises(MemoryError) as raised:
        check_memory(spec)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == (
        "layers [1000, 1000, 1] need 7.6 MiB for their weights (float64); "
        "this machine has 1.0 MiB available"
    )


def test_where_the_memory_is_unknown_nothing_is_refused(monkeypatch):
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: None)
    check_memory(build_spec([10**6, 10**6, 1], "relu"), batch=10**6, optimizer="adam")
