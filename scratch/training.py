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
from dataclasses import dataclass, replace
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
from scratch.optimizers import update_parameters
from scratch.spec import NetworkSpec, is_int
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
class TrainingSettings:
    """How a run trains, whichever side runs it: ``num_iterations`` gradient steps of size
    ``learning_rate``, on mini-batches of ``batch_size`` (``None``: full batch), reshuffled each
    epoch unless ``shuffle=False`` (see ``BatchSchedule``), starting at step
    ``start_iteration`` of the schedule (so 500 + 500 steps equal 1,000). Checked on
    construction; any integer type counts (``np.int64(3)`` as well as ``3``)."""

    learning_rate: float
    num_iterations: int
    batch_size: int | None = None
    shuffle: bool = True
    start_iteration: int = 0

    def __post_init__(self) -> None:
        check_positive("learning_rate", self.learning_rate)
        check_positive("num_iterations", self.num_iterations, integer=True)
        if self.batch_size is not None:
            check_positive("batch_size", self.batch_size, integer=True)
        if not is_int(self.start_iteration) or self.start_iteration < 0:
            raise ValueError(
                f"start_iteration must be a non-negative integer, got {self.start_iteration!r}"
            )
        if not isinstance(self.shuffle, bool | np.bool_):
            raise TypeError(f"shuffle must be True or False, got {self.shuffle!r}")
        fields = {
            "learning_rate": float(self.learning_rate),
            "num_iterations": int(self.num_iterations),
            "batch_size": None if self.batch_size is None else int(self.batch_size),
            "shuffle": bool(self.shuffle),
            "start_iteration": int(self.start_iteration),
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @classmethod
    def of(cls, settings: TrainingSettings | None = None, **fields: Any) -> TrainingSettings:
        """``settings`` with ``fields`` changed, or settings of ``fields`` alone: what every
        ``train`` accepts, ``train(spec, X, Y, settings)`` or ``train(spec, X, Y,
        learning_rate=1.2, num_iterations=1000)``."""
        if settings is None:
            return cls(**fields)
        if not isinstance(settings, TrainingSettings):
            raise TypeError(f"settings must be TrainingSettings, got {type(settings).__name__}")
        return replace(settings, **fields) if fields else settings

    @property
    def stop(self) -> int:
        """The step after the last one."""
        return self.start_iteration + self.num_iterations


@dataclass(frozen=True)
class TrainingInputs:
    """Everything a training loop needs, checked and in the spec's dtype: ``X`` (n_x, m),
    targets ``T`` in training form, starting ``params`` (fresh copies), the schedule and the
    settings."""

    X: Array
    T: Array
    params: Params
    schedule: BatchSchedule
    settings: TrainingSettings


def prepare_training(
    spec: NetworkSpec,
    X: Array,
    Y: Array,
    settings: TrainingSettings,
    params: Mapping[str, Array] | None = None,
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
    return TrainingInputs(X, T, start, schedule, settings)


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
    settings: TrainingSettings | None = None,
    *,
    params: Mapping[str, Array] | None = None,
    callback: Callback | None = None,
    **fields: Any,
) -> TrainResult:
    """Gradient descent on the cost of ``spec``, as ``settings`` (or the ``TrainingSettings``
    fields given as keywords: ``learning_rate``, ``num_iterations``, ``batch_size``,
    ``shuffle``, ``start_iteration``) say.

    Starts from copies of ``params`` (never mutated) or, without them, from
    ``initialize_parameters(spec)``. ``callback(t, cost)`` runs after every step. Raises
    ``DivergenceError`` if the cost stops being finite.
    """
    run = prepare_training(spec, X, Y, TrainingSettings.of(settings, **fields), params)
    steps = run.settings
    current = run.params
    spare = {key: np.empty_like(value) for key, value in current.items()}
    costs = np.empty(steps.num_iterations, dtype=np.float64)
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
        current, spare = update_parameters(current, grads, steps.learning_rate, out=spare), current
        reuse = StepArrays.for_next_step(caches, grads)  # the next step writes into these
        if callback is not None:
            callback(steps.start_iteration + i, cost)
    return TrainResult(current, costs, spec, steps.start_iteration)
