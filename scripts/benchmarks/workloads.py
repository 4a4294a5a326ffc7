"""What the benchmark trains: four networks, their seeded data, the FLOPs of one step, and each
side's training function, every side starting from the same ``scratch.initialize_parameters``.
Each network trains by gradient descent; mnist and wide also by Adam at learning rate 0.001, as
the workloads ``mnist-adam`` and ``wide-adam`` (the same network and data, another optimizer).

FLOPs per step: the matmuls, with m the batch size (elementwise work is O(sum n[l] m))::

    forward   Z[l] = W[l] A[l-1]         2 n[l] n[l-1] m    l = 1..L
    backward  dW[l] = dZ[l] A[l-1]^T     2 n[l] n[l-1] m    l = 1..L
              dA[l-1] = W[l]^T dZ[l]     2 n[l] n[l-1] m    l = 2..L  (dA[0] is never needed)
    total = 6 sum_l n[l] n[l-1] m - 2 n[1] n[0] m
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

import scratch
from scripts.benchmarks import peer

SIDES = ("scratch", "torch", "lightning")
DTYPES = ("float64", "float32")
MEMORY_WORKLOADS = ("cat", "wide")


@dataclass(frozen=True)
class Workload:
    """A network, its data size, its optimizer and how long each side's turn runs."""

    name: str
    sizes: tuple[int, ...]
    hidden: str
    loss: str
    m: int
    batch_size: int | None
    learning_rate: float
    steps: int  # steps per turn
    warmup: int  # gaps dropped at the start of each turn
    optimizer: str = "gd"  # one of scratch.optimizers.OPTIMIZERS (default betas, epsilon)

    @property
    def problem(self) -> str:
        """The network and data the workload is named for: ``mnist`` for ``mnist-adam``."""
        return self.name.split("-")[0]

    @property
    def batch(self) -> int:
        return self.m if self.batch_size is None else min(self.batch_size, self.m)

    def spec(self, dtype: str) -> scratch.NetworkSpec:
        init = "small_random" if self.hidden == "tanh" else "he"
        return scratch.build_spec(
            self.sizes, self.hidden, loss=self.loss, init=init, dtype=dtype, seed=1
        )

    def data(self, dtype: str) -> tuple[np.ndarray, np.ndarray]:
        """``X`` (n[0], m) in ``dtype`` and labels ``Y`` (1, m), seeded (``planar`` is the real
        flower)."""
        if self.problem == "planar":
            X, Y = scratch.load_dataset("planar", m=self.m)
            return X.astype(dtype), Y
        rng = np.random.default_rng(0)
        if self.problem == "wide":
            X = rng.standard_normal((self.sizes[0], self.m), dtype=dtype)
        else:  # images: pixel intensities in [0, 1)
            X = rng.random((self.sizes[0], self.m), dtype=dtype)
        classes = self.sizes[-1] if self.loss == "cross_entropy" else 2
        return X, rng.integers(0, classes, (1, self.m))

    def flops_per_step(self) -> int:
        """``6 sum_l n[l] n[l-1] m - 2 n[1] n[0] m`` (see the module docstring)."""
        pairs = [n_prev * n for n_prev, n in zip(self.sizes, self.sizes[1:], strict=False)]
        return (6 * sum(pairs) - 2 * pairs[0]) * self.batch

    def settings(self, steps: int) -> scratch.TrainingSettings:
        """``steps`` steps of this workload's optimizer, learning rate and batches."""
        return scratch.TrainingSettings(
            learning_rate=self.learning_rate,
            num_iterations=steps,
            batch_size=self.batch_size,
            optimizer=self.optimizer,
        )


ADAM_LEARNING_RATE = {"mnist": 0.001, "wide": 0.001}  # the workloads also trained by Adam


def with_adam(table: dict[str, Workload]) -> dict[str, Workload]:
    """``table`` with, after each workload of ``ADAM_LEARNING_RATE``, its Adam twin
    ``NAME-adam``: the same network, data and turns, trained by Adam at that learning rate."""
    out = {}
    for name, workload in table.items():
        out[name] = workload
        if name in ADAM_LEARNING_RATE:
            rate = ADAM_LEARNING_RATE[name]
            out[f"{name}-adam"] = replace(
                workload, name=f"{name}-adam", optimizer="adam", learning_rate=rate
            )
    return out


BCE, CE = "binary_cross_entropy", "cross_entropy"
GD_WORKLOADS = {
    w.name: w
    for w in (
        Workload("planar", (2, 4, 1), "tanh", BCE, 400, None, 1.2, steps=400, warmup=50),
        Workload("cat", (12288, 20, 7, 5, 1), "relu", BCE, 209, None, 0.0075, steps=150, warmup=40),
        Workload("mnist", (784, 128, 64, 10), "relu", CE, 60000, 256, 0.1, steps=300, warmup=60),
        Workload("wide", (1024, 1024, 1024, 1), "relu", BCE, 4096, None, 0.01, steps=9, warmup=1),
    )
}
WORKLOADS = with_adam(GD_WORKLOADS)
# --quick: the same four problems shrunk, so that a whole run is a smoke run.
QUICK_CHANGES = {
    "planar": {"steps": 30, "warmup": 5},
    "cat": {"sizes": (768, 20, 7, 5, 1), "m": 64, "steps": 12, "warmup": 2},
    "mnist": {"sizes": (784, 32, 16, 10), "m": 2048, "steps": 12, "warmup": 2},
    "wide": {"sizes": (128, 128, 128, 1), "m": 256, "steps": 12, "warmup": 2},
}
QUICK_WORKLOADS = with_adam(
    {name: replace(GD_WORKLOADS[name], **changes) for name, changes in QUICK_CHANGES.items()}
)
MATMUL_SHAPE = {"full": (1024, 4096), "quick": (128, 256)}  # (n, m): W (n, n) @ A (n, m)


def workload_table(quick: bool) -> dict[str, Workload]:
    return QUICK_WORKLOADS if quick else WORKLOADS


def trainer(side: str) -> Callable[..., scratch.TrainResult]:
    """The training function of a side, or of the peer ``sklearn`` (torch is imported only for
    the torch sides, scikit-learn only for the peer)."""
    if side == "scratch":
        return scratch.train
    if side == peer.NAME:
        return peer.train
    import torch_impl

    return torch_impl.train_plain if side == "torch" else torch_impl.train


@dataclass(frozen=True)
class WorkloadData:
    """One workload in one dtype: what every side trains on, from the same weights."""

    workload: Workload
    spec: scratch.NetworkSpec
    X: np.ndarray
    Y: np.ndarray
    params: dict[str, np.ndarray]

    @classmethod
    def build(cls, workload: Workload, dtype: str) -> WorkloadData:
        spec = workload.spec(dtype)
        X, Y = workload.data(dtype)
        return cls(workload, spec, X, Y, scratch.initialize_parameters(spec))

    def peer_unlike(self) -> str | None:
        """Why scikit-learn's MLP cannot train the steps scratch takes here (``None``: it can)."""
        return peer.unlike(self.spec, self.workload.settings(1), self.X.shape[1])

    def train(
        self, side: str, steps: int, callback: Callable[[int, float], None] | None = None
    ) -> scratch.TrainResult:
        """``side`` trains ``steps`` steps from the shared weights, calling ``callback(t, cost)``
        after every step."""
        settings = self.workload.settings(steps)
        train = trainer(side)
        return train(self.spec, self.X, self.Y, settings, params=self.params, callback=callback)
