"""Shared test set-up: a derandomised hypothesis profile (so a CI failure reproduces), small
seeded inputs, the planar data set and its network, and torch held to one thread for the torch
modules' tests (``pytestmark = pytest.mark.usefixtures("one_torch_thread")``)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import scratch
from torch_impl.threads import torch_threads

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261124)


@pytest.fixture(scope="module")
def one_torch_thread():
    """Torch on one thread: these networks are too small to gain from more, and on a busy
    machine with as many threads as cores, every OpenMP barrier waits for a descheduled
    thread (1,000 planar steps took 48 s instead of 0.3 s). The numbers do not change."""
    with torch_threads(1):
        yield


@pytest.fixture(scope="module")
def planar_data() -> tuple[np.ndarray, np.ndarray]:
    """The course's planar data set: ``X`` (2, 400), ``Y`` (1, 400)."""
    return scratch.load_dataset("planar")


@pytest.fixture(scope="module")
def planar(planar_data):
    """The course's planar case: data, the [2, 4, 1] tanh spec and its initial weights."""
    X, Y = planar_data
    spec = scratch.build_spec([2, 4, 1], "tanh", init="small_random", seed=3)
    return spec, X, Y, scratch.initialize_parameters(spec)
