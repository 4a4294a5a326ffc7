"""No torch twin (``torch_impl.optimizers`` twins ``scratch.optimizers``): the course's one-step
functions of each optimizer, under its names, new arrays in and out. Each runs one step of the
training loop's ``Optimizer`` (``scratch.optimizers``, where the rules are written out) from the
state it is given, after ``check_step`` (the gradients fit the parameters, the learning rate is
a positive finite number).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scratch.optimizers import Optimizer, check_step, schedule_lr_decay
from scratch.spec_rules import check_count

Array = np.ndarray
Params = dict[str, Array]
Given = Mapping[str, Array]


def update_parameters_with_momentum(
    parameters: Given, grads: Given, v: Given, beta: float, learning_rate: float
) -> tuple[Params, Params]:
    """One step of gradient descent with momentum; returns new ``(parameters, v)``."""
    check_step(parameters, grads, learning_rate)
    state = Optimizer("momentum", parameters, beta1=beta, v=v)
    return state.step(parameters, grads, learning_rate), state.v


def update_parameters_with_rmsprop(
    parameters: Given, grads: Given, s: Given, beta2: float, learning_rate: float, epsilon=1e-8
) -> tuple[Params, Params]:
    """One RMSprop step; returns new ``(parameters, s)``."""
    check_step(parameters, grads, learning_rate)
    state = Optimizer("rmsprop", parameters, beta2=beta2, epsilon=epsilon, s=s)
    return state.step(parameters, grads, learning_rate), state.s


def update_parameters_with_adam(
    parameters: Mapping[str, Array],
    grads: Mapping[str, Array],
    v: Mapping[str, Array],
    s: Mapping[str, Array],
    t: int,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[Params, Params, Params, Params, Params]:
    """Adam's step number ``t`` (counted from 1); returns new ``(parameters, v, s, v_corrected,
    s_corrected)``, the bias-corrected moments as the course's assignment returns them."""
    t = check_count("t", t, 1)  # the step number, from 1
    check_step(parameters, grads, learning_rate)
    state = Optimizer(
        "adam", parameters, beta1=beta1, beta2=beta2, epsilon=epsilon, v=v, s=s, t=t - 1
    )
    new = state.step(parameters, grads, learning_rate)
    return new, state.v, state.s, state.v_hat, state.s_hat


def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """The course's decay: ``alpha0 / (1 + decay_rate epoch_num)``."""
    return schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1)
