"""The same network in PyTorch and PyTorch Lightning, built from the scratch spec and fed the
scratch weights and data, so that the two implementations can be compared number for number::

    import scratch, torch_impl

    result = torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=1000)

Importing this package imports torch, not Lightning: the names that need Lightning (the
``LightningModule``, the data module, the callbacks, the checkpoints) load it when first used.
"""

from importlib import import_module
from typing import Any

from torch_impl.activations import ACTIVATION_MODULES
from torch_impl.batches import ScheduledBatches
from torch_impl.batchnorm import batch_norm_module
from torch_impl.dropout import MaskedDropout, masks_for, masks_to_torch
from torch_impl.inference import predict, predict_with
from torch_impl.internals import autograd_nodes, layer_internals
from torch_impl.losses import LOSS_TABLE, cost_from_targets
from torch_impl.network import SpecNet, build_module
from torch_impl.optimizers import build_optimizer
from torch_impl.record import CostRecord
from torch_impl.recurrent import RecurrentNet
from torch_impl.training import train, train_plain
from torch_impl.transfer import (
    TORCH_DTYPES,
    export_params,
    load_params,
    to_course,
    to_torch,
    torch_dtype,
)

# Lightning's side, imported on first use: name -> module.
_LIGHTNING = {
    "ArrayDataModule": "torch_impl.data_module",
    "AtomicCheckpointIO": "torch_impl.checkpoints",
    "CostProgressBar": "torch_impl.callbacks",
    "NetworkModule": "torch_impl.lightning_module",
    "ReportCost": "torch_impl.callbacks",
    "checkpoint_to_weights": "torch_impl.checkpoints",
    "load_checkpoint": "torch_impl.checkpoints",
    "save_checkpoint": "torch_impl.checkpoints",
    "weights_to_checkpoint": "torch_impl.checkpoints",
}


def __getattr__(name: str) -> Any:
    if name in _LIGHTNING:
        return getattr(import_module(_LIGHTNING[name]), name)
    raise AttributeError(f"module 'torch_impl' has no attribute {name!r}")


__all__ = [
    "ACTIVATION_MODULES",
    "LOSS_TABLE",
    "TORCH_DTYPES",
    "CostRecord",
    "MaskedDropout",
    "RecurrentNet",
    "ScheduledBatches",
    "SpecNet",
    "autograd_nodes",
    "batch_norm_module",
    "build_module",
    "build_optimizer",
    "cost_from_targets",
    "export_params",
    "layer_internals",
    "load_params",
    "masks_for",
    "masks_to_torch",
    "predict",
    "predict_with",
    "to_course",
    "to_torch",
    "torch_dtype",
    "train",
    "train_plain",
    *_LIGHTNING,
]
