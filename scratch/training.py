"""Gradient descent: the training loop, and the contract every side's ``train`` shares (the twin
is ``torch_impl.training``).

``TrainingSettings`` says how to train; ``prepare_training`` checks and converts the data once;
``BatchSchedule`` says which examples step t uses, and ``scratch.dropout_masks`` which units it
drops; ``TrainResult`` is what every ``train`` returns. ``torch_impl.train`` and ``train_plain``
use the same, so the loops see identical arrays in an identical order.

A step is: the forward pass in training mode (batch statistics, the step's masks), the cost, the
running statistics of each batch-norm layer updated from the batch's (``update_running_stats``:
they ride in ``params``, unlearned), the backward pass, the gradients clipped when the spec
says so (``scratch.clipping``, before the update, as the course's ``optimize`` does) and the
optimizer's update.

A recurrent network's examples are sequences, ``X`` (n_x, m, T_x) and labels ``Y`` (1, m, T_x)
padded after each sequence's end (``scratch.losses.PAD``): a batch takes its sequences along
the examples' axis, cut to its longest (``scratch.recurrent.longest``: the steps after it are
padding in all of them), and each sequence starts from a zero state.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from scratch.batches import BatchSchedule, count_examples, examples_axis
from scratch.batchnorm import check_batch, update_running_stats
from scratch.clipping import clip_gradients
from scratch.dropout import dropout_masks
from scratch.initializers import initialize_parameters
from scratch.layers import ActivationCache, LayerCache, NormDropoutCache
from scratch.losses import cost_from_targets
from scratch.memory import check_memory
from scratch.network import L_model_backward, L_model_forward
from scratch.optimizers import Optimizer
from scratch.recurrent import longest
from scratch.rules import check_count
from scratch.settings import TrainingSettings
from scratch.spec import Layer, NetworkSpec, is_buffer
from scratch.threads import sized_to
from scratch.validation import as_input, as_targets, check_params, check_spec

Array = np.ndarray
Params = dict[str, Array]
Callback = Callable[[int, float], None]


@dataclass
class TrainResult:
    """``params``: final parameters (course layout; with batch norm, its running statistics
    too, as ``initialize_parameters`` lays them out); ``costs[t]``: the cost at iteration t,
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
    the finite costs of this run. The learning rate is blamed only after an update: the first
    cost of a run comes before any (its inputs were checked finite, so it overflowed)."""

    def __init__(self, iteration: int, cost: float, params: Params, costs: Array):
        if len(costs):
            why = (
                "the learning rate is probably too large. The parameters of the last iteration "
                "with a finite cost are kept"
            )
        else:
            why = (
                "that is the run's first cost, before any update, so the learning rate is not the "
                "cause: the starting weights and the data, all finite, overflow the dtype"
            )
        super().__init__(f"the cost became {cost} at iteration {iteration}; {why}")
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
    """Check the data and the starting parameters once, with errors that name them (every entry
    finite), and the run itself (``check_training``), and convert the data; every side's
    ``train`` starts here."""
    check_spec(spec)
    X = as_input(X, spec)
    m = count_examples(X)
    T = as_targets(Y, spec, m)
    schedule = check_training(spec, m, settings, X.shape[2] if spec.sequences else 1)
    if params is None:
        start = initialize_parameters(spec)
    else:
        check_params(params, spec, name="params")
        start = {key: np.array(value, copy=True) for key, value in params.items()}
    return TrainingInputs(X, T, start, schedule, settings, settings.build_optimizer(start, state))


def check_training(
    spec: NetworkSpec, m: int, settings: TrainingSettings, time_steps: int = 1
) -> BatchSchedule:
    """The schedule of training ``spec`` on ``m`` examples (sequences of ``time_steps`` steps, for
    a recurrent network) as ``settings`` say, once the run is known to be possible, before
    anything is allocated: the memory it needs for its batches, its optimizer and its
    iterations (``scratch.memory.check_memory``: an
    ``InsufficientMemoryError``), and with batch norm no batch of one example (a
    ``BatchOfOneError`` naming the batch size, the last batch of an epoch or the data)."""
    check_spec(spec)
    m = check_count("m", m, 1)
    settings = TrainingSettings.of(settings)
    batch = min(settings.batch_size or m, m)
    check_memory(spec, batch, settings.optimizer, settings.num_iterations, time_steps)
    schedule = BatchSchedule(m, settings.batch_size, settings.shuffle, spec.seed)
    norms = [l for l, layer in enumerate(spec.layers, start=1) if layer.batch_norm]
    if norms and 1 in schedule.sizes:
        check_batch(1, norms[0], _batch_of_one(schedule))
    return schedule


def _batch_of_one(schedule: BatchSchedule) -> str:
    """Where a schedule's batch of one example comes from, in words."""
    m, size = schedule.m, schedule.batch_size
    if m == 1:
        return "the data holds 1 example"
    if size == 1:
        return "the batch size is 1"
    return (
        f"the last batch of every epoch holds 1 example (m = {m} = "
        f"{m // size} x batch_size {size} + 1)"
    )


class StepArrays(NamedTuple):
    """A step's arrays, handed to the next step of the same batch size to write into."""

    caches: list[LayerCache | NormDropoutCache]
    grads: dict[str, Array]
    masks: dict[str, Array]
    uniform: dict[str, Array]  # float64 draws of float32 masks

    @classmethod
    def for_next_step(
        cls,
        caches: list,
        grads: dict[str, Array],
        masks: dict[str, Array],
        uniform: dict[str, Array] | None = None,
    ) -> StepArrays:
        """Each hidden layer's activation output ``A`` is to be written over its input (``Z``,
        or ``Z_tilde`` with batch norm), and the activation's ``dZ`` (``dZ_tilde`` with batch
        norm) over ``dA[l]``: an update needs neither once ``A`` and ``dZ`` are known (the
        derivatives read ``A`` only), and writing over an array still in the cache beats
        writing a second one. The masks are drawn over too."""
        L = len(caches)
        layers: list[LayerCache | NormDropoutCache] = []
        reuse = dict(grads)
        for l, cache in enumerate(caches, start=1):
            Z, A = cache.activation_cache
            activation = ActivationCache(Z, Z if l < L else A)
            layers.append(cache._replace(activation_cache=activation))
            if l < L:
                norm = isinstance(cache, NormDropoutCache) and cache.norm_cache is not None
                reuse[f"dZ_tilde{l}" if norm else f"dZ{l}"] = grads[f"dA{l}"]
        if uniform is None:  # float32 masks are drawn in float64 first
            uniform = {k: np.empty(D.shape) for k, D in masks.items() if D.dtype != np.float64}
        return cls(layers, reuse, masks, uniform)


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
    ``DivergenceError`` if the cost stops being finite. NumPy's BLAS runs on the threads the
    step's work pays for (``scratch.threads.sized_to``; a count the user set is kept).
    """
    run = prepare_training(spec, X, Y, TrainingSettings.of(settings, **fields), params, state)
    steps = run.settings
    current = run.params
    # The running statistics are not learned: both parameter buffers hold the same arrays.
    spare = {key: v if is_buffer(key) else np.empty_like(v) for key, v in current.items()}
    costs = np.empty(steps.num_iterations, dtype=np.float64)
    rates = run.learning_rates()
    norms = [l for l, layer in enumerate(spec.layers, start=1) if layer.batch_norm]
    # Example-major copy: a mini-batch is then a block of rows, not a gather across columns
    # (images are example-major already: axis 0 holds the examples).
    axis = examples_axis(run.X)
    rows = None if run.schedule.full_batch else np.ascontiguousarray(run.X.swapaxes(0, axis))
    targets = None if run.schedule.full_batch else np.ascontiguousarray(run.T.swapaxes(0, 1))
    learned = [f"d{key}" for key in current if not is_buffer(key)]
    # The dense passes write into the arrays of the step before; conv layers take fresh ones.
    reusing = all(isinstance(layer, Layer) for layer in spec.layers)
    with sized_to(spec, run.schedule):  # NumPy's BLAS threads, sized to the step's work
        reuse: StepArrays | None = None
        for i, index in enumerate(run.schedule.batches(steps.start_iteration, steps.stop)):
            t = steps.start_iteration + i
            Xb, Tb = (
                (run.X, run.T)
                if index is None
                else (rows[index].swapaxes(0, axis), targets[index].swapaxes(0, 1))
            )
            if spec.sequences:
                steps_needed = longest(Tb)
                Xb, Tb = Xb[:, :, :steps_needed], Tb[:, :, :steps_needed]
            if reuse is not None and reuse.caches[0].activation_cache.Z.shape[1] != Xb.shape[1]:
                reuse = None  # the short last batch of an epoch: fresh arrays
            drawn = {} if reuse is None else {"out": reuse.masks, "uniform": reuse.uniform}
            masks = dropout_masks(spec, count_examples(Xb), t, **drawn)
            AL, caches = L_model_forward(
                Xb, current, spec, None if reuse is None else reuse.caches, masks=masks, check=False
            )
            cost = cost_from_targets(caches[-1].activation_cache.Z, Tb, spec, current)
            if not math.isfinite(cost):
                last_good = spare if i > 0 else current
                raise DivergenceError(t, cost, last_good, costs[:i])
            costs[i] = cost
            for l in norms:
                running = (current[f"running_mean{l}"], current[f"running_var{l}"])
                update_running_stats(*running, caches[l - 1].norm_cache, spec.batch_norm_momentum)
            grads = L_model_backward(
                AL,
                Tb,
                caches,
                spec,
                input_grad=False,
                out=None if reuse is None else reuse.grads,
                check=False,
            )
            if spec.clip is not None:
                clip_gradients(grads, learned, spec.clip, spec.clip_by)
            current, spare = run.optimizer.step(current, grads, rates[i], out=spare), current
            if reusing:  # the next step writes into these
                uniform = None if reuse is None else reuse.uniform
                reuse = StepArrays.for_next_step(caches, grads, masks, uniform)
            if callback is not None:
                callback(t, cost)
    return TrainResult(current, costs, spec, steps.start_iteration, run.optimizer.state(), rates)
