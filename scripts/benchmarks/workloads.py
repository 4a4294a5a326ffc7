"""What the benchmark trains: six networks, their seeded data, the matrix products and FLOPs of
one step, and each side's training function, every side starting from the same
``scratch.initialize_parameters``. Four are dense (planar, cat, mnist, wide); ``signs`` is a
convolutional network of the course's SIGNS images (64x64x3, 6 classes): the course's own
(course 4, week 1, "Convolution Model Application": conv 8 filters, ReLU, max pool 8x8/8, conv 16
filters, ReLU, max pool 4x4/4, flatten, softmax over 6) with 3x3 filters padded by 1 in place of
its 4x4 and 2x2 ones, whose "same" padding is uneven, which the course's ``zero_pad`` and the spec
have not; ``names`` is the course's character-level language model, the LSTM of
``scratch/specs/names-lstm.yaml`` (27 characters in and out, 50 units, clipping by value at 5) on
the built-in ``names`` corpus (1500 words, every word a sequence), the whole corpus a step, so that
every step runs the same T_x time steps. Each network trains by gradient descent; mnist and wide
also by Adam at learning rate 0.001, as the workloads ``mnist-adam`` and ``wide-adam`` (the same
network and data, another optimizer).

FLOPs per step: the matrix products, with m the batch size (elementwise work, the pools and the
windows' copies are O(entries)). A layer's forward product for the batch is one matrix product
of ``rows`` by ``n_in`` by ``n_out`` (``Product``, from ``LayerKind.product_shape``): a dense
layer's ``Z[l] = W[l] A[l-1]`` has m rows of n[l-1] by n[l], a conv layer's every window times
the filters (im2col) m n_H n_W rows of f f n_C_prev by n_C, an LSTM's four gates over ``[a<t-1>;
x<t>]`` at every time step m T_x rows of n_a + n_x by 4 n_a (its output layer's m T_x rows of n_a
by n_y)::

    forward   Z[l] = W[l] A[l-1]         2 rows n_in n_out    every layer with a product
    backward  dW[l] = dZ[l] A[l-1]^T     2 rows n_in n_out    the same
              dA[l-1] = W[l]^T dZ[l]     2 rows n_in n_out    l >= 2  (dA[0] is never needed)

but an LSTM's ``W^T dgates`` at every step, layer 1 as it is: ``d[a<t-1>; x<t>]`` (the course's
``lstm_cell_backward`` forms ``dxt`` too).

For a dense network the total is ``6 sum_l n[l] n[l-1] m - 2 n[1] n[0] m``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

import scratch
from scratch.datasets import corpus_sequences, load_corpus
from scratch.spec_files import load_spec
from scripts.benchmarks import peer

SIDES = ("scratch", "torch", "lightning")
DTYPES = ("float64", "float32")
MEMORY_WORKLOADS = ("cat", "wide", "signs")
LSTM_SPEC = Path(scratch.__file__).parent / "specs" / "names-lstm.yaml"


class Product(NamedTuple):
    """Layer ``l``'s forward product for a batch, as one matrix product of ``rows`` by ``n_in``
    by ``n_out`` (a dense layer's rows are its examples, a conv layer's its windows, a recurrent
    layer's its examples at each of ``steps`` time steps; ``kind`` the layer's); backward takes
    two of the same size, ``dW`` and ``dA`` (``input_grad``)."""

    l: int
    rows: int
    n_in: int
    n_out: int
    kind: str
    steps: int = 1  # time steps: a recurrent network's T_x, its output layer's too

    @property
    def input_grad(self) -> bool:
        """Whether backward forms ``dA``: from layer 2 on, and at layer 1 an LSTM's."""
        return self.l > 1 or self.kind in ("rnn", "lstm")


@dataclass(frozen=True)
class Workload:
    """A network, its data size, its optimizer and how long each side's turn runs. A dense
    network is its ``sizes`` n[0], ..., n[L] with ``hidden`` activations; an image network has
    ``layers`` (as a spec file lists them) and its ``sizes`` are the input's (n_H, n_W, n_C)."""

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
    layers: tuple[dict[str, Any], ...] = ()  # an image network's layers, as in a spec file
    corpus: str | None = None  # a language model's: the built-in corpus, the spec LSTM_SPEC's

    @property
    def problem(self) -> str:
        """The network and data the workload is named for: ``mnist`` for ``mnist-adam``."""
        return self.name.split("-")[0]

    @property
    def batch(self) -> int:
        return self.m if self.batch_size is None else min(self.batch_size, self.m)

    def spec(self, dtype: str) -> scratch.NetworkSpec:
        init = "small_random" if self.hidden == "tanh" else "he"
        if self.corpus:
            return load_spec(LSTM_SPEC).replace(dtype=dtype, seed=1)
        if self.layers:
            network = {"input_shape": list(self.sizes), "layers": list(self.layers)}
            fields = {"loss": self.loss, "init": init, "dtype": dtype, "seed": 1}
            return scratch.NetworkSpec.from_dict(network | fields)
        return scratch.build_spec(
            self.sizes, self.hidden, loss=self.loss, init=init, dtype=dtype, seed=1
        )

    def data(self, dtype: str) -> tuple[np.ndarray, np.ndarray]:
        """``X`` (n[0], m), images (m, n_H, n_W, n_C) or sequences (n_x, m, T_x), in ``dtype``
        and labels ``Y`` (1, m) or (1, m, T_x), seeded (``planar`` is the real flower)."""
        if self.problem == "planar":
            X, Y = scratch.load_dataset("planar", m=self.m)
            return X.astype(dtype), Y
        if self.corpus:  # X (n_x, m, T_x) one-hot, Y (1, m, T_x) the next characters
            X, Y, _ = corpus_sequences(load_corpus(self.corpus, words=self.m))
            return X.astype(dtype), Y
        rng = np.random.default_rng(0)
        if self.problem == "wide":
            X = rng.standard_normal((self.sizes[0], self.m), dtype=dtype)
        elif self.layers:  # pixel intensities in [0, 1), one image per index of the first axis
            X = rng.random((self.m, *self.sizes), dtype=dtype)
        else:  # images flattened into columns
            X = rng.random((self.sizes[0], self.m), dtype=dtype)
        outputs = self.layers[-1]["units"] if self.layers else self.sizes[-1]
        classes = outputs if self.loss == "cross_entropy" else 2
        return X, rng.integers(0, classes, (1, self.m))

    def products(self) -> list[Product]:
        """The forward product of every layer that has one, for a batch (module docstring)."""
        spec, products = self.spec("float64"), []
        steps = self.data("float64")[0].shape[2] if spec.sequences else 1  # the whole corpus
        for l, (layer, shape) in enumerate(zip(spec.layers, spec.shapes, strict=False), start=1):
            product = layer.product_shape(shape)
            if product is not None:
                positions, n_in, n_out = product
                rows = positions * self.batch * steps
                products.append(Product(l, rows, n_in, n_out, layer.kind, steps))
        return products

    def flops_per_step(self) -> int:
        """``2 rows n_in n_out`` for each product of a step (see the module docstring): three
        a layer, two for layer 1 (but an LSTM's)."""
        products = self.products()
        return sum(2 * p.rows * p.n_in * p.n_out * (3 if p.input_grad else 2) for p in products)

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
SIGNS_LAYERS = (  # the course's SIGNS network, 3x3 filters (module docstring)
    {"kind": "conv", "filters": 8, "f": 3, "pad": 1, "activation": "relu"},
    {"kind": "pool", "mode": "max", "f": 8, "stride": 8},
    {"kind": "conv", "filters": 16, "f": 3, "pad": 1, "activation": "relu"},
    {"kind": "pool", "mode": "max", "f": 4, "stride": 4},
    {"kind": "flatten"},
    {"units": 6, "activation": "softmax"},
)
GD_WORKLOADS = {
    w.name: w
    for w in (
        Workload("planar", (2, 4, 1), "tanh", BCE, 400, None, 1.2, steps=400, warmup=50),
        Workload("cat", (12288, 20, 7, 5, 1), "relu", BCE, 209, None, 0.0075, steps=150, warmup=40),
        Workload("mnist", (784, 128, 64, 10), "relu", CE, 60000, 256, 0.1, steps=300, warmup=60),
        Workload("wide", (1024, 1024, 1024, 1), "relu", BCE, 4096, None, 0.01, steps=9, warmup=1),
        Workload(
            "signs",
            (64, 64, 3),
            "relu",
            CE,
            1080,
            64,
            0.01,
            steps=40,
            warmup=8,
            layers=SIGNS_LAYERS,
        ),
        Workload("names", (27, 50, 27), "lstm", CE, 1500, None, 0.01, 8, 2, corpus="names"),
    )
}
WORKLOADS = with_adam(GD_WORKLOADS)
# --quick: the same six problems shrunk, so that a whole run is a smoke run.
QUICK_CHANGES = {
    "planar": {"steps": 30, "warmup": 5},
    "cat": {"sizes": (768, 20, 7, 5, 1), "m": 64, "steps": 12, "warmup": 2},
    "mnist": {"sizes": (784, 32, 16, 10), "m": 2048, "steps": 12, "warmup": 2},
    "wide": {"sizes": (128, 128, 128, 1), "m": 256, "steps": 12, "warmup": 2},
    "signs": {"sizes": (32, 32, 3), "m": 128, "batch_size": 32, "steps": 12, "warmup": 2},
    "names": {"m": 100, "steps": 12, "warmup": 2},
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
