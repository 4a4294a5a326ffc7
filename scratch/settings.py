"""How a run trains, whichever side runs it: one settings object that every ``train`` takes
(``scratch.train``, ``torch_impl.train``, ``torch_impl.train_plain``). No torch twin: the torch
side reads these very settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from scratch.optimizers import OPTIMIZERS, Optimizer, decayed
from scratch.rules import check_count, plain_numbers
from scratch.validation import check_decay, check_non_negative, check_positive

# The hyperparameters each optimizer reads; any other left at its default (see ``unused``).
HYPERPARAMETERS = {
    "gd": (),
    "momentum": ("beta",),
    "rmsprop": ("beta2", "epsilon"),
    "adam": ("beta1", "beta2", "epsilon"),
}


@dataclass(frozen=True)
class TrainingSettings:
    """``num_iterations`` steps of ``optimizer`` (``gd``, ``momentum``, ``rmsprop``, ``adam``;
    see ``scratch.optimizers``) with step size ``learning_rate``, on mini-batches of
    ``batch_size`` (``None``: full batch), reshuffled each epoch unless ``shuffle=False`` (see
    ``BatchSchedule``), starting at step ``start_iteration`` of the schedule (500 + 500 steps
    equal 1,000).

    ``beta`` is momentum's; ``beta1``, ``beta2`` and ``epsilon`` are Adam's (RMSprop uses
    ``beta2`` and ``epsilon``). The learning rate of epoch e is the course's scheduled decay
    ``learning_rate / (1 + decay_rate floor(e / decay_interval))``; ``decay_rate=0`` keeps it
    constant, and ``decay_interval=1`` is the plain ``alpha0 / (1 + decay_rate e)``. Checked on
    construction; every count (``num_iterations``, ``batch_size``, ``start_iteration``,
    ``decay_interval``) by one rule, ``scratch.rules.check_count``: any integer type
    (``np.int64(3)`` as well as ``3``), never a bool. A hyperparameter that does nothing for the
    run (``beta`` with ``optimizer="adam"``, ``decay_interval`` without ``decay_rate``) is
    refused unless it is at its default (``unused``)."""

    learning_rate: float
    num_iterations: int
    batch_size: int | None = None
    shuffle: bool = True
    start_iteration: int = 0
    optimizer: str = "gd"
    beta: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    decay_rate: float = 0.0
    decay_interval: int = 1

    def __post_init__(self) -> None:
        check_positive("learning_rate", self.learning_rate)
        check_count("num_iterations", self.num_iterations, 1)
        if self.batch_size is not None:
            check_count("batch_size", self.batch_size, 1)
        check_count("start_iteration", self.start_iteration, 0)
        if not isinstance(self.shuffle, bool | np.bool_):
            raise TypeError(f"shuffle must be True or False, got {self.shuffle!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer {self.optimizer!r} is unknown; choose one of {', '.join(OPTIMIZERS)}"
            )
        for name in ("beta", "beta1", "beta2"):
            check_decay(name, getattr(self, name))
        check_positive("epsilon", self.epsilon)
        check_non_negative("decay_rate", self.decay_rate)
        check_count("decay_interval", self.decay_interval, 1)
        object.__setattr__(self, "shuffle", bool(self.shuffle))  # plain Python from here on
        plain_numbers(self, tuple(f.name for f in fields(self)))
        for name, reason in unused(self.optimizer, self.decay_rate).items():
            if getattr(self, name) != DEFAULTS[name]:
                raise ValueError(f"{name}={getattr(self, name)!r} does nothing: {reason}")

    @classmethod
    def of(cls, settings: TrainingSettings | None = None, **changes: Any) -> TrainingSettings:
        """``settings`` with ``changes``, or settings of ``changes`` alone: what every
        ``train`` accepts, ``train(spec, X, Y, settings)`` or ``train(spec, X, Y,
        learning_rate=1.2, num_iterations=1000)``."""
        if settings is None:
            return cls(**changes)
        if not isinstance(settings, TrainingSettings):
            raise TypeError(f"settings must be TrainingSettings, got {type(settings).__name__}")
        return replace(settings, **changes) if changes else settings

    @property
    def stop(self) -> int:
        """The step after the last one."""
        return self.start_iteration + self.num_iterations

    def learning_rate_at(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (the course's scheduled decay)."""
        if not self.decay_rate:
            return self.learning_rate
        # An interval past every epoch NumPy counts decays never: the same, without overflow.
        interval = min(self.decay_interval, np.iinfo(np.int64).max)
        return decayed(self.learning_rate, epoch, self.decay_rate, interval)

    def build_optimizer(
        self, parameters: Mapping[str, np.ndarray], state: Mapping[str, np.ndarray] | None = None
    ) -> Optimizer:
        """The scratch ``Optimizer`` these settings describe, from ``state`` (as
        ``Optimizer.state()`` gives it) or from zero."""
        beta1 = self.beta if self.optimizer == "momentum" else self.beta1
        hyper = {"beta1": beta1, "beta2": self.beta2, "epsilon": self.epsilon}
        return Optimizer.from_state(self.optimizer, parameters, state, **hyper)


DEFAULTS = {f.name: f.default for f in fields(TrainingSettings)}


def unused(optimizer: str, decay_rate: float) -> dict[str, str]:
    """The hyperparameters a run of ``optimizer`` with ``decay_rate`` does not read, each with
    the reason: ``{"beta": "it is momentum's, and the optimizer is 'adam'"}``."""
    out = {}
    for name in ("beta", "beta1", "beta2", "epsilon"):
        if name not in HYPERPARAMETERS[optimizer]:
            owners = " and ".join(f"{o}'s" for o, names in HYPERPARAMETERS.items() if name in names)
            out[name] = f"it is {owners}, and the optimizer is {optimizer!r}"
    if not decay_rate:
        out["decay_interval"] = "the learning rate does not decay (decay_rate is 0)"
    return out
