"""The same network in PyTorch and PyTorch Lightning, built from the scratch spec and fed the
scratch weights and data, so that the two implementations can be compared number for number::

    import scratch, torch_impl

    result = torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=1000)
"""

from torch_impl.callbacks import CostProgressBar, ReportCost
from torch_impl.checkpoints import (
    AtomicCheckpointIO,
    checkpoint_to_weights,
    load_checkpoint,
    save_checkpoint,
    weights_to_checkpoint,
)
from torch_impl.data import ArrayDataModule, ScheduledBatches
from torch_impl.internals import layer_internals
from torch_impl.lightning_module import NetworkModule
from torch_impl.losses import LOSS_TABLE, cost_from_targets
from torch_impl.module import ACTIVATION_MODULES, SpecNet, build_module
from torch_impl.record import CostRecord
from torch_impl.training import train, train_plain
from torch_impl.transfer import (
    TORCH_DTYPES,
    export_params,
    load_params,
    to_course,
    to_torch,
    torch_dtype,
)

__all__ = [
    "ACTIVATION_MODULES",
    "LOSS_TABLE",
    "TORCH_DTYPES",
    "ArrayDataModule",
    "AtomicCheckpointIO",
    "CostProgressBar",
    "CostRecord",
    "NetworkModule",
    "ReportCost",
    "ScheduledBatches",
    "SpecNet",
    "build_module",
    "checkpoint_to_weights",
    "cost_from_targets",
    "export_params",
    "layer_internals",
    "load_checkpoint",
    "load_params",
    "save_checkpoint",
    "to_course",
    "to_torch",
    "torch_dtype",
    "train",
    "train_plain",
    "weights_to_checkpoint",
]
