"""No scratch twin: Lightning checkpoints of a ``NetworkModule`` <-> the scratch weights file
(``.npz`` with its spec).

A checkpoint keeps the spec (as a dict) and the learning rate in its hyperparameters, so either
file can be rebuilt from the other alone; the weights cross over bit for bit. Every write is
atomic: the file is written beside its path and renamed over it, so a crash never leaves half a
file where a whole one was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightning
import torch
from lightning.pytorch.plugins.io import TorchCheckpointIO

from scratch._atomic import atomic_write
from scratch.weights import load_weights, save_weights
from torch_impl.lightning_module import NetworkModule
from torch_impl.transfer import export_params


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint format (``torch.save``), written atomically; the ``plugins`` entry
    that ``torch_impl.train`` gives its Trainer."""

    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: str | Path, storage_options: Any = None
    ) -> None:
        if storage_options is not None:
            raise TypeError(f"{type(self).__name__} takes no storage_options")
        atomic_write(path, lambda fh: torch.save(checkpoint, fh))


def load_checkpoint(checkpoint_path: str | Path) -> NetworkModule:
    """The ``NetworkModule`` of a Lightning checkpoint, on the CPU."""
    return NetworkModule.load_from_checkpoint(checkpoint_path, map_location="cpu")


def save_checkpoint(module: NetworkModule, checkpoint_path: str | Path) -> None:
    """Write ``module`` as a Lightning checkpoint without a Trainer: its ``state_dict`` and
    hyperparameters, which is what ``NetworkModule.load_from_checkpoint`` reads. (A Trainer's
    own checkpoint adds optimiser and loop state, for resuming a ``fit``.)"""
    checkpoint = {
        "state_dict": module.state_dict(),
        NetworkModule.CHECKPOINT_HYPER_PARAMS_KEY: dict(module.hparams),
        "pytorch-lightning_version": lightning.__version__,
    }
    AtomicCheckpointIO().save_checkpoint(checkpoint, checkpoint_path)


def checkpoint_to_weights(checkpoint_path: str | Path, weights_path: str | Path) -> None:
    """Lightning checkpoint -> scratch weights file (parameters in course layout and the spec)."""
    module = load_checkpoint(checkpoint_path)
    save_weights(weights_path, export_params(module.net), module.spec)


def weights_to_checkpoint(
    weights_path: str | Path, checkpoint_path: str | Path, *, learning_rate: float
) -> None:
    """Scratch weights file -> Lightning checkpoint of a ``NetworkModule`` that trains with
    ``learning_rate`` (the one hyperparameter a weights file does not hold)."""
    params, spec = load_weights(weights_path)
    save_checkpoint(NetworkModule(spec, learning_rate, params), checkpoint_path)
