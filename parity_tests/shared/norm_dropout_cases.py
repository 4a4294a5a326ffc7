"""What the batch-norm and dropout tests feed both sides: the hidden layers' settings, the
networks built with them, the issue's own run (moons, ``[2, 16, 16, 1]`` relu, batch norm,
keep_prob 0.8, Adam) as the command line would train it, and a run of both sides."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from parity_cases import network

import scratch
import torch_impl
from scratch import NetworkSpec, TrainingSettings, TrainResult, build_spec
from torch_impl.threads import torch_threads

Array = np.ndarray

# Batch norm and dropout on the hidden layers: each alone, both on one layer, and a mix over
# the four layers of ``HIDDEN_LAYERS["mixed"]`` (tanh, relu, sigmoid, leaky ReLU).
NORM_DROPOUT = {
    "batch-norm": {"batch_norm": True},
    "dropout": {"keep_prob": 0.7},
    "both": {"batch_norm": True, "keep_prob": 0.8},
    "mixed": {"batch_norm": [True, False, True, True], "keep_prob": [0.6, 0.9, 1.0, 0.75]},
}


def norm_dropout_network(
    hidden: str, layers: str, loss: str = "binary_cross_entropy", dtype: str = "float64", **extra
) -> NetworkSpec:
    """``network(hidden, loss)`` with ``NORM_DROPOUT[layers]`` on its hidden layers (the
    ``mixed`` entry needs the four layers of ``hidden="mixed"``)."""
    return network(hidden, loss, dtype, **extra).with_hidden_layers(**NORM_DROPOUT[layers])


# nn-train --impl both --dataset moons --layers 2 16 16 1 --activation relu --batch-norm
#          --keep-prob 0.8 --optimizer adam --lr 0.01 --batch-size 64 --epochs 50
# on the command line's split (80% of moons to train: m = 320, 5 batches an epoch, 250 steps).
ISSUE_SPEC = build_spec([2, 16, 16, 1], "relu").with_hidden_layers(keep_prob=0.8, batch_norm=True)
ISSUE_SETTINGS = TrainingSettings(
    learning_rate=0.01, num_iterations=50 * 5, batch_size=64, optimizer="adam"
)


def moons_split() -> tuple[Array, Array, Array, Array]:
    """``X_train, Y_train, X_test, Y_test``: moons split as the command line splits it."""
    X, Y = scratch.load_dataset("moons")
    return scratch.train_test_split(X, Y, 0.2, seed=0)


@dataclass(frozen=True)
class NormDropoutRun:
    """A data set, a spec with batch norm and/or dropout, and its settings."""

    dataset: str
    spec: NetworkSpec
    settings: TrainingSettings

    def train(self, loop, **options) -> TrainResult:
        """The run by ``loop`` (``scratch.train``, ``torch_impl.train_plain``,
        ``torch_impl.train``) from ``initialize_parameters(spec)``."""
        X, Y = scratch.load_dataset(self.dataset)
        with torch_threads(1):
            return loop(self.spec, X, Y, self.settings, **options)

    def three_ways(self) -> tuple[TrainResult, TrainResult, TrainResult]:
        """``(scratch, plain PyTorch loop, lightning.Trainer)``."""
        return tuple(self.train(loop) for loop in LOOPS)


LOOPS = (scratch.train, torch_impl.train_plain, torch_impl.train)
