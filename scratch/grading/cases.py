"""The networks and data sets nn-check runs a learner's functions on, per week: the
assignment's own sizes, one example, deep and wide, and values at the edges on purpose (ReLU
pre-activations exactly 0, saturated sigmoids, labels all 0 or all 1). Drawn from fixed seeds,
so a report repeats; the ordinary cases come first, the edges last.

An example whose inputs are all 0, with zero biases, puts every unit of every layer exactly at
0: ReLU's kink (its derivative there is the course's 0) and a sigmoid output of exactly 0.5 (the
course predicts 1 only above it). A saturated case scales the output layer so that some ``AL``
rounds to 1 where the label is 0: the course's ``log(1 - AL)`` is ``log(0)`` there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import numpy as np

import scratch
from scratch import NetworkSpec

Array = np.ndarray
Params = dict[str, Array]
SATURATION = 60.0  # the largest |ZL| of a saturated case: sigmoid(ZL) rounds to 1 above ~37


class Truth(Protocol):
    """What the course's functions must return, computed apart from the learner's code:
    nn-check's is ``torch_impl.course`` (autograd and ``torch.optim``), in float64 and the
    course's layout."""

    def internals(self, X: Array, Y: Array, params: Mapping[str, Array], spec: NetworkSpec) -> dict:
        """``Z``, ``A``, ``dZ``, ``dA`` (of the summed loss), ``dW``, ``db`` and ``cost``."""

    def sigmoid(self, z: Array) -> Array: ...

    def output_dA(self, AL: Array, Y: Array) -> Array:
        """``dA[L]``, the derivative of the summed binary cross-entropy by ``AL``."""

    def gradient_descent(self, params: Params, grads: Params, learning_rate: float) -> Params: ...

    def momentum(
        self, params: Params, grads: Params, v: Params, beta: float, learning_rate: float
    ) -> tuple[Params, Params]: ...

    def adam(
        self,
        params: Params,
        grads: Params,
        v: Params,
        s: Params,
        t: int,
        learning_rate: float,
        beta1: float,
        beta2: float,
        epsilon: float,
    ) -> tuple[Params, Params, Params]: ...

    def decayed_rate(
        self, learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1
    ) -> float:
        """The learning rate of epoch ``epoch_num`` under the course's decay."""

    def descent_run(
        self, X: Array, Y: Array, params: Params, spec: NetworkSpec, iterations: int, rate: float
    ) -> tuple[Params, dict, Array]:
        """The final parameters, the last step's internals and every step's cost."""

    def initial_weights(
        self, layer_dims: Sequence[int], scheme: str, draws: Mapping[str, Array]
    ) -> Params:
        """``W1, b1, ...`` of the initialization assignment's ``scheme`` (``zeros``,
        ``random``, ``he``) from the course's standard normal ``draws``."""

    def dropout_internals(
        self, X: Array, Y: Array, params: Params, spec: NetworkSpec, masks: Mapping[str, Array]
    ) -> dict:
        """``internals`` with the dropout ``masks`` given, and the course's ``dA[l]`` (the
        gradient of the activation's output) where a layer drops."""

    def rolled(self, arrays: Sequence[Array]) -> Array:
        """The arrays, row by row, in one column (n, 1)."""

    def unrolled(self, theta: Array, shapes: Sequence[tuple[int, ...]]) -> list[Array]: ...

    def linear_function(self, x: float, theta: float) -> tuple[float, float]:
        """``J = theta x`` and its derivative by theta."""

    def gradient_difference(
        self, gradients: Mapping[str, Array], X: Array, Y: Array, params: Params, spec: NetworkSpec
    ) -> float:
        """``||g - g*|| / (||g|| + ||g*||)`` of ``gradients`` to the exact ones."""

    def mini_batches(
        self, X: Array, Y: Array, order: Array, size: int
    ) -> list[tuple[Array, Array]]:
        """The mini-batches of ``size`` in ``order``, the last one short."""

    def padded(self, X: Array, pad: int) -> Array:
        """Images ``X`` (m, n_H, n_W, n_C) with ``pad`` zeros around each."""

    def convolution(
        self, A_prev: Array, W: Array, b: Array, hparameters: dict, dZ: Array | None = None
    ) -> dict[str, Array]:
        """A convolution's ``Z``; with the upstream ``dZ``, ``dA_prev``, ``dW``, ``db``."""

    def pooling(
        self, A_prev: Array, hparameters: dict, mode: str, dA: Array | None = None
    ) -> dict[str, Array]:
        """A pool's ``A``; with the upstream ``dA``, ``dA_prev``."""

    def window_gradient(self, x: Array, mode: str, dz: float = 1.0) -> Array:
        """What ``dz`` at one pooled output sends back to its window ``x``."""

    def recurrent_pass(
        self,
        x: Array,
        a0: Array,
        parameters: Mapping[str, Array],
        cell: str,
        *,
        c0: Array | None = None,
        da: Array | None = None,
        dc: Array | None = None,
    ) -> dict[str, Array]:
        """An RNN's or LSTM's states (``a``, ``y_pred``; ``c`` and the gates), and with an
        upstream ``da`` (and ``dc``) the gradients through time (``dx``, ``da0``, ``dc0``,
        ``dWax``, ...)."""

    def clipped(self, gradients: Mapping[str, Array], max_value: float) -> dict[str, Array]:
        """Each gradient clipped entry by entry into ``[-max_value, max_value]``."""

    def sampled(self, parameters: Mapping[str, Array], newline: int, uniforms: Array) -> list[int]:
        """The indices an RNN samples from ``uniforms``."""

    def language_model_step(
        self,
        x: Array,
        Y: Array,
        a0: Array,
        parameters: Mapping[str, Array],
        learning_rate: float,
        max_value: float,
    ) -> dict[str, Array]:
        """One step of training on one name: the loss, the clipped gradients, the last state
        and the parameters after the step."""


@dataclass
class Case:
    """One network and data set: ``X`` (n_x, m), ``Y`` (n_y, m), ``params`` keyed ``W1, b1``."""

    name: str
    spec: NetworkSpec
    X: Array
    Y: Array
    params: Params
    saturated: bool = False
    label: str = ""
    truth: Truth | None = field(default=None, repr=False)
    _oracle: dict | None = field(default=None, repr=False)

    @property
    def m(self) -> int:
        return self.X.shape[1]

    @property
    def L(self) -> int:
        return self.spec.L

    @property
    def about(self) -> str:
        return self.label or f"{list(self.spec.sizes)}, m = {self.m}"

    def oracle(self) -> dict[str, Array]:
        """The truth's internals of this network (``Truth.internals``), computed once."""
        if self._oracle is None:
            self._oracle = self.truth.internals(self.X, self.Y, self.params, self.spec)
        return self._oracle

    def A(self, l: int) -> Array:
        return self.X if l == 0 else self.oracle()[f"A{l}"]


class Cases(tuple[Case, ...]):
    """A week's cases, in the order they run, and the ``truth`` they are judged by."""

    truth: Truth

    def __new__(cls, truth: Truth, cases: tuple[Case, ...]) -> Cases:
        judged = super().__new__(cls, cases)
        judged.truth = truth
        return judged


def _judged(truth: Truth, *cases: Case) -> Cases:
    for case in cases:
        case.truth = truth
    return Cases(truth, cases)


def _network(
    name: str,
    sizes: list[int],
    hidden: str,
    m: int,
    seed: int,
    *,
    X: Array | None = None,
    Y: Array | None = None,
    labels: float | None = None,
    edges: bool = False,
    saturate: bool = False,
) -> Case:
    rng = np.random.default_rng(seed)
    spec = scratch.build_spec(sizes, hidden, dtype="float64")
    if X is None:
        X = rng.random((sizes[0], m)) if sizes[0] > 1000 else rng.standard_normal((sizes[0], m))
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = (
            rng.standard_normal((sizes[l], sizes[l - 1])) * 1.5 / np.sqrt(sizes[l - 1])
        )
        params[f"b{l}"] = np.zeros((sizes[l], 1)) if edges else rng.normal(0, 0.3, (sizes[l], 1))
    if edges:
        X = X.copy()
        X[:, 0] = 0.0
    if Y is None:
        Y = (rng.random((sizes[-1], m)) < 0.5).astype(float) if labels is None else None
        Y = np.full((sizes[-1], m), float(labels)) if labels is not None else Y
        if labels is None and m > 1:
            Y[:, :2] = [[0.0, 1.0]] * sizes[-1]  # both labels present
    if saturate:
        _, caches = scratch.L_model_forward(X, params, spec)
        ZL = caches[-1].activation_cache.Z
        params[f"W{spec.L}"] *= SATURATION / np.abs(ZL).max()
        params[f"b{spec.L}"] *= SATURATION / np.abs(ZL).max()
        _, caches = scratch.L_model_forward(X, params, spec)
        ZL = caches[-1].activation_cache.Z
        Y = Y.copy()
        Y.flat[np.argmax(ZL)] = 0.0  # AL rounds to 1 where the label is 0
    return Case(name, spec, X, Y, params, saturated=saturate)


@cache
def week4(truth: Truth) -> Cases:
    """ReLU hidden layers and a sigmoid output, as the assignment."""
    return _judged(
        truth,
        _network("course", [5, 4, 3, 1], "relu", 4, 1),
        _network("assignment", [12288, 20, 7, 5, 1], "relu", 209, 2),
        _network("one example", [3, 5, 2, 1], "relu", 1, 3),
        _network("deep and wide", [8, 64, 64, 32, 32, 16, 1], "relu", 16, 4),
        _network("labels all 0", [3, 4, 1], "relu", 5, 5, labels=0),
        _network("labels all 1", [3, 4, 1], "relu", 5, 6, labels=1),
        _network("kinks", [4, 6, 6, 1], "relu", 6, 7, edges=True),
        _network("saturated", [4, 5, 1], "relu", 8, 8, saturate=True),
    )


@cache
def week3(truth: Truth) -> Cases:
    """A tanh hidden layer and a sigmoid output, as the assignment; the planar flower is its
    own data set."""
    X, Y = scratch.load_dataset("planar")
    return _judged(
        truth,
        _network("course", [2, 4, 1], "tanh", 3, 11),
        _network("planar", [2, 4, 1], "tanh", X.shape[1], 12, X=X, Y=Y.astype(float)),
        _network("one example", [2, 4, 1], "tanh", 1, 13),
        _network("wide", [5, 50, 1], "tanh", 20, 14),
        _network("narrow", [1, 1, 1], "tanh", 6, 15),
        _network("labels all 0", [2, 4, 1], "tanh", 5, 16, labels=0),
        _network("labels all 1", [2, 4, 1], "tanh", 5, 17, labels=1),
        _network("zero input", [2, 4, 1], "tanh", 4, 18, edges=True),
        _network("saturated", [2, 4, 1], "tanh", 8, 19, saturate=True),
    )


@cache
def week2(truth: Truth) -> Cases:
    """Logistic regression: one sigmoid unit. "course" holds the notebook's own test values
    (``w = [[1], [2]]``, ``b = 2``), so its numbers are the ones the notebook prints."""
    course = _network("course", [2, 1], "relu", 3, 21)
    course.X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    course.Y = np.array([[1.0, 0.0, 1.0]])
    course.params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[2.0]])}
    return _judged(
        truth,
        course,
        _network("assignment", [12288, 1], "relu", 209, 22),
        _network("one example", [4, 1], "relu", 1, 23),
        _network("labels all 0", [3, 1], "relu", 5, 24, labels=0),
        _network("labels all 1", [3, 1], "relu", 5, 25, labels=1),
        _network("zero input", [3, 1], "relu", 4, 26, edges=True),
        _network("saturated", [3, 1], "relu", 8, 27, saturate=True),
    )


@cache
def three_layers(truth: Truth) -> Cases:
    """The second course's network, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID: the
    regularization notebook's test sizes, its model's, one example, and ReLU's kinks."""
    return _judged(
        truth,
        _network("course", [3, 2, 3, 1], "relu", 5, 31),
        _network("model", [2, 20, 3, 1], "relu", 12, 32),
        _network("one example", [4, 5, 3, 1], "relu", 1, 33),
        _network("kinks", [3, 4, 4, 1], "relu", 6, 34, edges=True),
    )


@cache
def gradient_checking(truth: Truth) -> Cases:
    """The gradient checking notebook's network, sizes (4, 5, 3, 1); "course" holds the
    notebook's own test values (``np.random.seed(1)``, then ``x``, ``W1``, ``b1``, ... drawn
    in that order, ``y = [1, 1, 0]``), so its numbers are the ones the notebook prints."""
    rng = np.random.RandomState(1)
    course = _network("course", [4, 5, 3, 1], "relu", 3, 41)
    course.X, course.Y = rng.randn(4, 3), np.array([[1.0, 1.0, 0.0]])
    course.params = {
        f"{p}{l}": rng.randn(n, n_prev if p == "W" else 1)
        for l, (n_prev, n) in enumerate(((4, 5), (5, 3), (3, 1)), 1)
        for p in "Wb"
    }
    return _judged(
        truth,
        course,
        _network("one example", [4, 5, 3, 1], "relu", 1, 42),
        _network("more examples", [4, 5, 3, 1], "relu", 8, 43),
    )


@cache
def judged_by(truth: Truth) -> Cases:
    """No network of its own: the truth alone, for the weeks whose calls hold their own
    inputs (the convolution's layers, the recurrent networks, the language model)."""
    return Cases(truth, ())


def plain(name: str, label: str, n_x: int = 1) -> Case:
    """A case with no network to speak of (the inputs of ``sigmoid``, of an initialiser)."""
    spec = scratch.build_spec([n_x, 1], dtype="float64")
    return Case(name, spec, np.zeros((n_x, 1)), np.zeros((1, 1)), {}, label=label)


def sigmoid_inputs() -> tuple[tuple[str, Array], ...]:
    """The course's ``[0, 2]``, then a matrix from -800 to 800: exactly 0, saturated both
    ways, and an ``exp(-z)`` that overflows."""
    edges = np.array([[-800.0, -40.0, -1.0, 0.0], [1e-3, 1.0, 40.0, 800.0]])
    return ("course", np.array([0.0, 2.0])), ("edges", edges)
