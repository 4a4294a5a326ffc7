"""``scratch.memory``: a network refused before anything is allocated when the lower bound of
what it needs, ``(4 + s) P + 2 b sum_l n[l]`` entries to train (``P`` for its weights alone),
exceeds the memory the machine has; the message says how much, and how much there is."""

from __future__ import annotations

import math

import numpy as np
import pytest

import scratch.memory
from scratch import build_spec
from scratch.memory import STATE_ARRAYS, InsufficientMemoryError, check_memory, format_bytes


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (16 * 2**40, "16.0 TiB")],
)
def test_sizes_are_shown_in_binary_units(n, text):
    assert format_bytes(n) == text


def test_the_state_arrays_per_parameter_are_the_optimizers_own():
    assert STATE_ARRAYS == {"gd": 0, "momentum": 1, "rmsprop": 1, "adam": 4}


def _bound(spec, batch: int, optimizer: str) -> int:
    """The module's bound, written out: the parameters P, (3 + s) P more to train, and Z, dZ of
    each layer for a batch."""
    P = sum(math.prod(shape) for shape in spec.param_shapes().values())
    entries = (4 + STATE_ARRAYS[optimizer]) * P + 2 * batch * sum(spec.sizes[1:])
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
