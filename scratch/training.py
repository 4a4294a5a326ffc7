"""Gradient descent: the training loop, and the contract every side's ``train`` shares (the twin
is ``torch_impl.training``).

``TrainingSettings`` says how to train; ``prepare_training`` checks and converts the data once;
``BatchSchedule`` says which examples step t uses; ``TrainResult`` is what every ``train``
returns. ``torch_impl.train`` and ``train_plain`` use the same, so the loops see identical arrays
in an identical order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from scratch.batches import BatchSchedule
from scratch.initializers import initialize_parameters
from scratch.losses import cost_from_targets
from scratch.network import (
    ActivationCache,
    L_model_backward,
    L_model_forward,
    LayerCache,
)
from scratch.optimizers import Optimizer
from scratch.settings import TrainingSettings
from scratch.spec import NetworkSpec
from scratch.validation import as_input, as_targets, check_params

Array = np.ndarray
Params = dict[str, Array]
Callback = Callable[[int, float], None]


@dataclass
class TrainResult:
    """``params``: final parameters (course layout); ``costs[t]``: the cost at iteration t,
    computed before that iteration's update, for t = start_iteration .. start_iteration+len-1;
    ``state``: the optimizer's final state (``Optimizer.state()``: ``v_dW1``, ..., ``t``; empty
    for plain gradient descent); ``learning_rates[t]``: the step size each update used."""

    params: Params
    costs: Array
    spec: NetworkSpec
    start_iteration: int = 0
    state: dict[str, Array] = field(default_factory=dict)
    learning_rates: Array | None = None


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
class TrainingInputs:
    """Everything a training loop needs, checked and in the spec's dtype: ``X`` (n_x, m),
    targets ``T`` in training form, starting ``params`` (fresh copies), the schedule, the
    settings and the optimizer (its state checked against ``params``)."""

    X: Array
    T: Array
    params: Params
    schedule: BatchSchedule
    settings: TrainingSettings
    optimizer: Optimizer

    def learning_rates(self) -> Array:
        """The step size of every step, by the epoch it falls in."""
        steps = np.arange(self.settings.start_iteration, self.settings.stop)
        rates = self.settings.learning_rate_at(steps // self.schedule.steps_per_epoch)
        return np.broadcast_to(np.asarray(rates, dtype=np.float64), steps.shape).copy()


def prepare_training(
    spec: NetworkSpec,
    X: Array,
    Y: Array,
    settings: TrainingSettings,
    params: Mapping[str, Array] | None = None,
    state: Mapping[str, Array] | None = None,
) -> TrainingInputs:
    """Check the data and the starting parameters once, with errors that name them, and
    convert the data; every side's ``train`` starts here."""
    if not isinstance(spec, NetworkSpec):
        raise TypeError(f"spec must be a NetworkSpec, got {type(spec).__name__}")
    X = as_input(X, spec)
    m = X.shape[1]
    T = as_targets(Y, spec, m)
    if params is None:
        start = initialize_parameters(spec)
    else:
        check_params(params, spec, name="params")
        start = {key: np.array(value, copy=True) for key, value in params.items()}
    schedule = BatchSchedule(m, settings.batch_size, settings.shuffle, spec.seed)
    return TrainingInputs(X, T, start, schedule, settings, settings.build_optimizer(start, state))


class StepArrays(NamedTuple):
    """A step's arrays, handed to the next step of the same batch size to write into."""

    caches: list[LayerCache]
    grads: dict[str, Array]

    @classmethod
    def for_next_step(cls, caches: list[LayerCache], grads: dict[str, Array]) -> StepArrays:
        """Each hidden layer's ``A[l]`` is to be written over its ``Z[l]``, and ``dZ[l]`` over
        ``dA[l]``: an update needs neither ``Z[l]`` nor ``dA[l]`` once ``A[l]`` and ``dZ[l]`` are
        known (the derivatives read ``A`` only), and writing over an array still in the cache
        beats writing a second one."""
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
    settings: TrainingSettings | None = None,
    *,
    params: Mapping[str, Array] | None = None,
    state: Mapping[str, Array] | None = None,
    callback: Callback | None = None,
    **fields: Any,
) -> TrainResult:
    """Train ``spec`` as ``settings`` say (or the ``TrainingSettings`` fields given as
    keywords: ``learning_rate``, ``num_iterations``, ``batch_size``, ``optimizer``, ...).

    Starts from copies of ``params`` (never mutated) or, without them, from
    ``initialize_parameters(spec)``, and from the optimizer ``state`` of an earlier run (see
    ``TrainResult.state``) or from zero. ``callback(t, cost)`` runs after every step. Raises
    ``DivergenceError`` if the cost stops being finite.
    """
    run = prepare_training(spec, X, Y, TrainingSettings.of(settings, **fields), params, state)
    steps = run.settings
    current = run.params
    spare = {key: np.empty_like(value) for key, value in current.items()}
    costs = np.empty(steps.num_iterations, dtype=np.float64)
    rates = run.learning_rates()
    # Example-major copy: a mini-batch is then a block of rows, not a gather across columns.
    rows = None if run.schedule.full_batch else np.ascontiguousarray(run.X.T)
    targets = None if run.schedule.full_batch else np.ascontiguousarray(run.T.T)
    reuse: StepArrays | None = None
    for i, index in enumerate(run.schedule.batches(steps.start_iteration, steps.stop)):
        Xb, Tb = (run.X, run.T) if index is None else (rows[index].T, targets[index].T)
        if reuse is not None and reuse.caches[0].activation_cache.Z.shape[1] != Xb.shape[1]:
            reuse = None  # the short last batch of an epoch: fresh arrays
        AL, caches = L_model_forward(
            Xb, current, spec, out=None if reuse is None else reuse.caches, check=False
        )
        cost = cost_from_targets(caches[-1].activation_cache.Z, Tb, spec, current)
        if not math.isfinite(cost):
            last_good = spare if i > 0 else current
            raise DivergenceError(steps.start_iteration + i, cost, last_good, costs[:i])
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
        current, spare = run.optimizer.step(current, grads, rates[i], out=spare), current
        reuse = StepArrays.for_next_step(caches, grads)  # the next step writes into these
        if callback is not None:
            callback(steps.start_iteration + i, cost)
    return TrainResult(current, costs, spec, steps.start_iteration, run.optimizer.state(), rates)
