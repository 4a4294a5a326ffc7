"""``torch_impl.data_module``: what the Trainer is served, seen from the Trainer's side."""

from __future__ import annotations

import csv

import pytest
from lightning.pytorch.loggers import CSVLogger

import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


def test_a_full_batch_run_is_one_lightning_epoch(planar, tmp_path):
    spec, X, Y, _ = planar
    logger = CSVLogger(tmp_path)
    torch_impl.train(spec, X, Y, learning_rate=1.2, num_iterations=5, logger=logger)
    with open(tmp_path / "lightning_logs" / "version_0" / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(row["step"], row["epoch"]) for row in rows] == [(str(t), "0") for t in range(5)]
