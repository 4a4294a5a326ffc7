"""Gradient descent: the training loop, and the contract both implementations' ``train`` share.

``prepare_training`` checks and converts everything once; ``BatchSchedule`` says which examples
step t uses; ``TrainResult`` is what either side's ``train`` returns. ``torch_impl.train`` calls
the same three, so the two loops see identical arrays in an identical order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from scratch.network import (
    ActivationCache,
    L_model_backward,
    L_model_forward,
    LayerCache,
    cost_from_targets,
    initialize_parameters,
    update_parameters,
)
from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets, check_params, check_positive

Array = np.ndarray
Params = dict[str, Array]
Callback = Callable[[int, float], None]


@dataclass
class TrainResult:
    """``params``: final parameters (course layout); ``costs[t]``: the cost at iteration t,
    computed before that iteration's update, for t = start_iteration .. start_iteration+len-1."""

    params: Params
    costs: Array
    spec: NetworkSpec
    start_iteration: int = 0


class DivergenceError(FloatingPointError):
    """The cost became NaN or inf at ``iteration``. ``params`` holds the parameters of the
    iteration before (the last finite cost; the starting ones if it was the first), ``costs``
    the finite costs of this run."""

    def __init__(self, iteration: int, cost: float, params: Params, costs: Array):
        super().__init__(
            f"the cost became {cost} at iteration {iteration}; the learning rate is probably too "
            "large. The parameters of the last iteration with a finite cost are kept"
        )
        self.iteration, self.cost, self.params, self.costs = iteration, cost, params, costs


@dataclass(frozen=True)
class BatchSchedule:
    """Which examples each gradient step uses.

    Full batch (``batch_size`` None or >= m): every step uses all m examples in order. Otherwise
    epoch e is ``ceil(m / batch_size)`` consecutive steps over one permutation of the examples
    (the last batch may be smaller), drawn from ``default_rng((seed, e))`` when ``shuffle``, so
    step t's batch depends only on (seed, t): a run resumed at step t sees the same batches.
    """

    m: int
    batch_size: int | None = None
    shuffle: bool = True
    seed: int = 0

    @property
    def full_batch(self) -> bool:
        return self.batch_size is None or self.batch_size >= self.m

    @property
    def steps_per_epoch(self) -> int:
        return 1 if self.full_batch else -(-self.m // self.batch_size)

    def epoch_order(self, epoch: int) -> Array:
        if not self.shuffle:
            return np.arange(self.m)
        return np.random.default_rng((self.seed, epoch)).permutation(self.m)

    def batches(self, start: int, stop: int):
        """Yield the example indices of steps ``start .. stop-1`` (``None``: all of them)."""
        if self.full_batch:
            yield from (None for _ in range(start, stop))
            return
        per_epoch, size = self.steps_per_epoch, self.batch_size
        epoch, order = None, None
        for t in range(start, stop):
            if t // per_epoch != epoch:
                epoch = t // per_epoch
                order = self.epoch_order(epoch)
            k = t % per_epoch
            yield order[k * size : (k + 1) * size]


@dataclass(frozen=True)
class TrainingInputs:
    """Everything a training loop needs, checked and in the spec's dtype: ``X`` (n_x, m),
    targets ``T`` in training form, starting ``params`` (fresh copies) and the schedule."""

    X: Array
    T: Array
    params: Params
    schedule: BatchSchedule
    learning_rate: float
    num_iterations: int
    start_iteration: int


def prepare_training(
    spec: NetworkSpec,
    X: Array,
    Y: Array,
    *,
    params: Mapping[str, Array] | None,
    learning_rate: float,
    num_iterations: int,
    batch_size: int | None,
    shuffle: bool,
    start_iteration: int,
) -> TrainingInputs:
    """Check every argument of ``train`` once, with errors that name it, and convert the data."""
    if not isinstance(spec, NetworkSpec):
        raise TypeError(f"spec must be a NetworkSpec, got {type(spec).__name__}")
    check_positive("learning_rate", learning_rate)
    check_positive("num_iterations", num_iterations, integer=True)
    if batch_size is not None:
        check_positive("batch_size", batch_size, integer=True)
    if not isinstance(start_iteration, int) or start_iteration < 0:
        raise ValueError(f"start_iteration must be a non-negative integer, got {start_iteration!r}")
    X = as_input(X, spec)
    m = X.shape[1]
    T = as_targets(Y, spec, m)
    if params is None:
        start = initialize_parameters(spec)
    else:
        check_params(params, spec, name="params")
        start = {key: np.array(value, copy=True) for key, value in params.items()}
    schedule = BatchSchedule(m, batch_size, shuffle, spec.seed)
    return TrainingInputs(
        X, T, start, schedule, float(learning_rate), int(num_iterations), start_iteration
    )


class StepArrays(NamedTuple):
    """A step's arrays, handed to the next step of the same batch size to write into."""

    caches: list[LayerCache]
    grads: dict[str, Array]

    @classmethod
    def for_next_step(cls, caches: list[LayerCache], grads: dict[str, Array]) -> StepArrays:
        """Each hidden layer's ``A[l]`` is to be written over its ``Z[l]``, and ``dZ[l]`` over
        ``dA[l]``: an update needs neither ``Z[l]`` nor ``dA[l]`` once ``A[l]`` and ``dZ[l]`` are
        known (the derivatives read ``A`` only), and writing over an array still in the cache
        beats writing a second one (3-5% of a wide step)."""
        L = len(caches)
        layers = [
            LayerCache(linear, ActivationCache(Z, Z if l < L else A))
            for l, (linear, (Z, A)) in enumerate(caches, start=1)
        ]
        return cls(layers, grads | {f"dZ{l}": grads[f"dA{l}"] for l in range(1, L)})


def train(
    spec: NetworkSpec,
    X: Array,
    Y: Array,
    *,
    params: Mapping[str, Array] | None = None,
    learning_rate: float,
    num_iterations: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    start_iteration: int = 0,
    callback: Callback | None = None,
) -> TrainResult:
    """Gradient descent on the cost of ``spec`` for ``num_iterations`` steps.

    Starts from copies of ``params`` (never mutated) or, without them, from
    ``initialize_parameters(spec)``. Full batch by default; ``batch_size`` gives mini-batches,
    reshuffled each epoch from ``spec.seed`` unless ``shuffle=False`` (see ``BatchSchedule``);
    ``start_iteration`` continues a schedule, so 500 + 500 steps equal 1,000. ``callback(t, cost)``
    runs after every step. Raises ``DivergenceError`` if the cost stops being finite.
    """
    run = prepare_training(
        spec,
        X,
        Y,
        params=params,
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        batch_size=batch_size,
        shuffle=shuffle,
        start_iteration=start_iteration,
    )
    current = run.params
    spare = {key: np.empty_like(value) for key, value in current.items()}
    costs = np.empty(run.num_iterations, dtype=np.float64)
    # Example-major copy: a mini-batch is then a block of rows, not a gather across columns.
    rows = None if run.schedule.full_batch else np.ascontiguousarray(run.X.T)
    targets = None if run.schedule.full_batch else np.ascontiguousarray(run.T.T)
    reuse: StepArrays | None = None
    stop = run.start_iteration + run.num_iterations
    for i, index in enumerate(run.schedule.batches(run.start_iteration, stop)):
        Xb, Tb = (run.X, run.T) if index is None else (rows[index].T, targets[index].T)
        if reuse is not None and reuse.caches[0].activation_cache.Z.shape[1] != Xb.shape[1]:
            reuse = None  # the short last batch of an epoch: fresh arrays
        AL, caches = L_model_forward(
            Xb, current, spec, out=None if reuse is None else reuse.caches, check=False
        )
        cost = cost_from_targets(caches[-1].activation_cache.Z, Tb, spec, current)
        if not math.isfinite(cost):
            last_good = spare if i > 0 else current
            raise DivergenceError(run.start_iteration + i, cost, last_good, costs[:i])
        costs[i] = cost
        grads = L_model_backward(
            AL,
            Tb,
            caches,
            spec,
            input_grad=False,
            out=None if reuse is None else reuse.grads,
            check=False,
        )
        current, spare = update_parameters(current, grads, run.learning_rate, out=spare), current
        reuse = StepArrays.for_next_step(caches, grads)  # the next step writes into these
        if callback is not None:
            callback(run.start_iteration + i, cost)
    return TrainResult(current, costs, spec, run.start_iteration)
