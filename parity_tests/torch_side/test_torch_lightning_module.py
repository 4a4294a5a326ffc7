"""``torch_impl.lightning_module.NetworkModule``: the cost of every step logged for a logger, and
the private attribute of Lightning's that its ``__setattr__`` relies on."""

from __future__ import annotations

import numpy as np
import pytest
from lightning.pytorch.loggers import CSVLogger

import torch_impl
from torch_impl.lightning_module import NetworkModule

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


def test_a_logger_receives_the_cost_of_every_step(planar, tmp_path):
    spec, X, Y, params = planar
    logger = CSVLogger(tmp_path, name="run", version=0)
    result = torch_impl.train(
        spec, X, Y, params=params, learning_rate=1.2, num_iterations=7, logger=logger
    )
    logged = np.genfromtxt(
        tmp_path / "run" / "version_0" / "metrics.csv", delimiter=",", names=True
    )
    assert np.array_equal(logged["step"], np.arange(7))
    assert np.array_equal(logged["cost"], result.costs)


def test_lightning_names_the_running_hook_in_current_fx_name(planar, monkeypatch):
    """``NetworkModule.__setattr__`` keeps a fast path for ``_current_fx_name``, the private
    attribute in which Lightning names the hook it runs; if a Lightning release stops setting
    it there, the fast path is dead weight and this test says so."""
    spec, X, Y, params = planar
    seen = []
    real = NetworkModule.training_step

    def spy(self, batch, batch_idx):
        seen.append(self.__dict__.get("_current_fx_name"))
        return real(self, batch, batch_idx)

    monkeypatch.setattr(NetworkModule, "training_step", spy)
    torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2)
    assert seen == ["training_step", "training_step"]
