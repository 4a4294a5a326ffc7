"""Updating the parameters from their gradients: gradient descent, momentum, RMSprop and Adam,
in the course's names and shapes, and the course's learning-rate decay. The twin is
``torch_impl.optimizers``, which builds the ``torch.optim`` optimizer computing the same rule.

For every parameter ``W`` (each ``W[l]`` and ``b[l]``) with gradient ``dW``, at step t = 1, 2, ...:

- gradient descent:  ``W -= alpha dW``
- momentum:          ``v = beta v + (1 - beta) dW``;  ``W -= alpha v``
- RMSprop:           ``s = beta2 s + (1 - beta2) dW^2``;  ``W -= alpha dW / (sqrt(s) + epsilon)``
- Adam:              ``v`` as momentum with ``beta1``, ``s`` as RMSprop;
                     ``v_hat = v / (1 - beta1^t)``, ``s_hat = s / (1 - beta2^t)``;
                     ``W -= alpha v_hat / (sqrt(s_hat) + epsilon)``

with ``v`` and ``s`` starting at zero (``initialize_velocity``, ``initialize_adam``). The state is
keyed like ``grads`` (``dW1, db1, ...``). Batch norm's ``gamma`` and ``beta`` are parameters like
any other; its running statistics are not learned, and every update passes them through. The
course's one-step functions (``update_parameters_with_momentum``, ..., at the end) return new
arrays, each one step of the training loop's ``Optimizer``, which runs the same kernels in place,
into buffers allocated once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scratch.rules import check_count
from scratch.spec import is_buffer
from scratch.validation import (
    check_arrays,
    check_decay,
    check_finite,
    check_grads,
    check_non_negative,
    check_positive,
    named_by,
)

Array = np.ndarray
Params = dict[str, Array]
Given = Mapping[str, Array]
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")


def update_parameters(
    parameters: Mapping[str, Array],
    grads: Mapping[str, Array],
    learning_rate: float,
    out: Params | None = None,
) -> Params:
    """One gradient-descent step: ``W[l] - learning_rate dW[l]``, ``b[l] - learning_rate db[l]``.

    Leaves ``parameters`` and ``grads`` untouched and returns new arrays, or writes into the
    arrays of ``out`` (same keys and shapes) without allocating. Refuses a gradient missing or
    shaped unlike its parameter, and a learning rate that is not a positive finite number.
    """
    with named_by("update_parameters"):
        check_step(parameters, grads, learning_rate)
    if out is None:
        return {
            key: value.copy() if is_buffer(key) else value - learning_rate * grads[f"d{key}"]
            for key, value in parameters.items()
        }
    for key, value in parameters.items():
        if is_buffer(key):
            np.copyto(out[key], value)
            continue
        step = np.multiply(grads[f"d{key}"], learning_rate, out=out[key])
        np.subtract(value, step, out=step)
    return out


update_parameters_with_gd = update_parameters  # the follow-on course's name for the same step


def check_step(parameters: Mapping[str, Array], grads: Mapping[str, Array], rate: float) -> None:
    """The checks of every one-step function: ``grads`` fit ``parameters`` (shapes, per layer:
    no pass over the entries) and ``learning_rate`` is a positive finite number."""
    check_grads(parameters, grads)
    check_positive("learning_rate", rate)


def _zeros_like_grads(parameters: Mapping[str, Array]) -> Params:
    return {f"d{k}": np.zeros_like(value) for k, value in parameters.items() if not is_buffer(k)}


def initialize_velocity(parameters: Mapping[str, Array]) -> Params:
    """``v``: zeros shaped like each parameter, keyed ``dW1, db1, ...``."""
    with named_by("initialize_velocity"):
        check_arrays("parameters", parameters)
    return _zeros_like_grads(parameters)


def initialize_adam(parameters: Mapping[str, Array]) -> tuple[Params, Params]:
    """``(v, s)``: Adam's first and second moments, zeros keyed ``dW1, db1, ...``."""
    with named_by("initialize_adam"):
        check_arrays("parameters", parameters)
    return _zeros_like_grads(parameters), _zeros_like_grads(parameters)


def _average(moment: Array, value: Array, beta: float, tmp: Array) -> None:
    """``moment = beta moment + (1 - beta) value``, in place."""
    moment *= beta
    np.multiply(value, 1 - beta, out=tmp)
    moment += tmp


def _divide_step(
    W: Array, numerator: Array, s: Array, rate: float, eps: float, out: Array, tmp: Array
) -> None:
    """``out = W - rate numerator / (sqrt(s) + eps)``; ``tmp`` is overwritten."""
    np.sqrt(s, out=tmp)
    tmp += eps
    np.divide(numerator, tmp, out=tmp)
    tmp *= rate
    np.subtract(W, tmp, out=out)


def schedule_lr_decay(
    learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1000
) -> float:
    """The course's scheduled decay: ``alpha0 / (1 + decay_rate floor(epoch_num / interval))``;
    ``epoch_num`` counts from 0, ``time_interval`` epochs per decay step."""
    with named_by("schedule_lr_decay"):
        _check_decay_schedule(learning_rate0, epoch_num, decay_rate)
        check_count("time_interval", time_interval, 1)
    return decayed(learning_rate0, epoch_num, decay_rate, time_interval)


def decayed(learning_rate0: float, epoch: Any, decay_rate: float, interval: int) -> Any:
    """``schedule_lr_decay``'s formula without its checks, for settings checked once
    (``TrainingSettings``) and ``epoch`` an array of every step's epoch."""
    return learning_rate0 / (1 + decay_rate * (epoch // interval))


def _check_decay_schedule(learning_rate0: Any, epoch_num: Any, decay_rate: Any) -> None:
    check_positive("learning_rate0", learning_rate0)
    check_count("epoch_num", epoch_num, 0)
    check_non_negative("decay_rate", decay_rate)


@dataclass
class Optimizer:
    """One optimizer's state, ``v`` (momentum's velocity, Adam's first moment), ``s`` (the
    second moment) and ``t`` (steps taken), and its hyperparameters; ``step`` applies the rule of
    ``name`` (one of ``OPTIMIZERS``). A given ``v`` or ``s`` is checked against ``parameters``
    and copied; without one it starts at zero. Buffers are allocated here, once."""

    name: str
    parameters: Mapping[str, Array]
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    v: Mapping[str, Array] | None = None
    s: Mapping[str, Array] | None = None
    t: int = 0
    v_hat: Params = field(init=False)
    s_hat: Params = field(init=False)

    def __post_init__(self) -> None:
        if self.name not in OPTIMIZERS:
            raise ValueError(
                f"optimizer {self.name!r} is unknown; choose one of {', '.join(OPTIMIZERS)}"
            )
        check_decay("beta1", self.beta1)
        check_decay("beta2", self.beta2)
        check_positive("epsilon", self.epsilon)
        uses_v, uses_s = self.name in ("momentum", "adam"), self.name in ("rmsprop", "adam")
        self.v = _state("v", self.v, self.parameters) if uses_v else None
        self.s = _state("s", self.s, self.parameters) if uses_s else None
        adam = self.name == "adam"
        self.v_hat = _zeros_like_grads(self.parameters) if adam else {}
        self.s_hat = _zeros_like_grads(self.parameters) if adam else {}
        self._tmp = {k: np.empty_like(v) for k, v in self.parameters.items() if not is_buffer(k)}
        self.parameters = {}  # only the shapes were needed

    @classmethod
    def from_state(
        cls,
        name: str,
        parameters: Mapping[str, Array],
        state: Mapping[str, Array] | None = None,
        **hyperparameters: float,
    ) -> Optimizer:
        """An optimizer resumed from ``state()`` of an earlier one (``None``: from zero), checked
        by ``check_state``."""
        if not state:
            return cls(name, parameters, **hyperparameters)
        check_state(name, parameters, state)
        parts = {
            part: {key[2:]: value for key, value in state.items() if key.startswith(f"{part}_")}
            for part in ("v", "s")
        }
        t = int(np.asarray(state.get("t", 0)))
        return cls(
            name, parameters, v=parts["v"] or None, s=parts["s"] or None, t=t, **hyperparameters
        )

    def state(self) -> dict[str, Array]:
        """The state that travels with the weights (copies): ``v_dW1, ...`` (momentum, Adam),
        ``s_dW1, ...`` and the step count ``t`` (RMSprop, Adam); empty for gradient descent."""
        out = {f"v_{key}": value.copy() for key, value in (self.v or {}).items()}
        out |= {f"s_{key}": value.copy() for key, value in (self.s or {}).items()}
        if self.s is not None:
            out["t"] = np.asarray(self.t, dtype=np.int64)
        return out

    def step(
        self,
        parameters: Mapping[str, Array],
        grads: Mapping[str, Array],
        learning_rate: float,
        out: Params | None = None,
    ) -> Params:
        """The parameters after one step, written into ``out`` (arrays other than
        ``parameters``', but for the running statistics, which may be the same arrays) or into
        new arrays."""
        self.t += 1
        if out is None:
            out = {key: np.empty_like(value) for key, value in parameters.items()}
        for key in parameters.keys() - self._tmp.keys():  # batch norm's running statistics
            if out[key] is not parameters[key]:
                np.copyto(out[key], parameters[key])
        for key, tmp in self._tmp.items():
            W, dW, new, name = parameters[key], grads[f"d{key}"], out[key], f"d{key}"
            if self.name == "gd":
                np.multiply(dW, learning_rate, out=tmp)
                np.subtract(W, tmp, out=new)
                continue
            if self.v is not None:
                _average(self.v[name], dW, self.beta1, tmp)
            if self.s is not None:
                np.multiply(dW, dW, out=new)  # ``new`` is free until the last line
                _average(self.s[name], new, self.beta2, tmp)
            if self.name == "momentum":
                np.multiply(self.v[name], learning_rate, out=tmp)
                np.subtract(W, tmp, out=new)
            elif self.name == "rmsprop":
                _divide_step(W, dW, self.s[name], learning_rate, self.epsilon, new, tmp)
            else:
                v_hat = np.divide(self.v[name], 1 - self.beta1**self.t, out=self.v_hat[name])
                s_hat = np.divide(self.s[name], 1 - self.beta2**self.t, out=self.s_hat[name])
                _divide_step(W, v_hat, s_hat, learning_rate, self.epsilon, new, tmp)
        return out


STATE_PARTS = {"gd": set(), "momentum": {"v"}, "rmsprop": {"s", "t"}, "adam": {"v", "s", "t"}}


def check_state(name: str, parameters: Mapping[str, Array], state: Mapping[str, Array]) -> None:
    """A resumed state must be a state of optimizer ``name`` for ``parameters``, or a one-line
    ``ValueError`` naming the entry: exactly its parts (``v_dW1, ...`` for momentum and Adam,
    ``s_dW1, ...`` and ``t`` for RMSprop and Adam; a state of another optimizer names both), one
    entry per learned parameter shaped like it, every entry finite, the second moments ``s``
    (means of squares) >= 0, and the step count ``t`` a whole number >= 0. A state that breaks
    one would make NaN weights that look like a learning rate too large."""
    held = {key.split("_")[0] for key in state}
    if name not in STATE_PARTS or held != STATE_PARTS[name]:
        raise ValueError(
            f"the optimizer state holds {', '.join(sorted(held))}, which is not the state of "
            f"{name!r} ({', '.join(sorted(STATE_PARTS.get(name, ()))) or 'none'}): it was "
            "trained with another optimizer, or the state is incomplete"
        )
    learned = {f"d{key}": value for key, value in parameters.items() if not is_buffer(key)}
    for part in sorted(held - {"t"}):
        keys = {key[2:] for key in state if key.startswith(f"{part}_")}
        if keys != learned.keys():
            missing, extra = sorted(learned.keys() - keys), sorted(keys - learned.keys())
            what = f"lacks {part}_{missing[0]}" if missing else f"holds {part}_{extra[0]}"
            raise ValueError(
                f"the optimizer state {what}; its {part} holds one entry per learned parameter "
                f"({', '.join(f'{part}_{key}' for key in learned)})"
            )
        for key, parameter in learned.items():
            entry, value = f"{part}_{key}", state[f"{part}_{key}"]
            if np.shape(value) != parameter.shape:
                raise ValueError(
                    f"the optimizer state's {entry} has shape {np.shape(value)}; its parameter "
                    f"{key[1:]} is {parameter.shape}"
                )
            value = np.asarray(value)
            if value.dtype.kind not in "biuf":
                raise ValueError(f"the optimizer state's {entry} is {value.dtype}, not numbers")
            check_finite(entry, value, "its entries", where="the optimizer state's ")
            if part == "s" and (value < 0).any():
                index = tuple(int(i) for i in np.argwhere(value < 0)[0])
                raise ValueError(
                    f"the optimizer state's {entry}[{', '.join(map(str, index))}] is "
                    f"{value[index]}: a second moment is a mean of squares, >= 0"
                )
    if "t" in held:
        t = np.asarray(state["t"])
        whole = t.shape == () and t.dtype.kind in "iu"
        if not whole or t < 0:
            shown = repr(t.item()) if t.shape == () else f"an array of shape {t.shape}"
            raise ValueError(
                f"the optimizer state's t (the steps taken) must be a whole number >= 0, "
                f"got {shown}"
            )


def _state(what: str, given: Mapping[str, Array] | None, parameters: Mapping[str, Array]) -> Params:
    """A copy of ``given`` (zeros without it), checked to hold one array per parameter, keyed
    ``dW1, db1, ...`` and shaped like it."""
    if given is None:
        return _zeros_like_grads(parameters)
    wanted = {f"d{key}": value for key, value in parameters.items() if not is_buffer(key)}
    if not isinstance(given, Mapping):
        kind = type(given).__name__
        raise TypeError(f"{what} must be a dict of arrays keyed {', '.join(wanted)}, got {kind}")
    if given.keys() != wanted.keys():
        keys = ", ".join(map(str, given)) or "nothing"
        raise ValueError(f"{what} must hold {', '.join(wanted)} (one per parameter), got {keys}")
    for key, value in wanted.items():
        shape = np.shape(given[key])
        if shape != value.shape:
            raise ValueError(f"{what}[{key!r}] has shape {shape}; its parameter is {value.shape}")
    return {key: np.array(given[key], dtype=wanted[key].dtype, copy=True) for key in wanted}


# The course's one-step functions: new arrays in and out, each one step of ``Optimizer`` from
# the state it is given, after ``check_step``.


def update_parameters_with_momentum(
    parameters: Given, grads: Given, v: Given, beta: float, learning_rate: float
) -> tuple[Params, Params]:
    """One step of gradient descent with momentum; returns new ``(parameters, v)``."""
    with named_by("update_parameters_with_momentum"):
        check_step(parameters, grads, learning_rate)
        check_decay("beta", beta)
        state = Optimizer("momentum", parameters, beta1=beta, v=v)
    return state.step(parameters, grads, learning_rate), state.v


def update_parameters_with_rmsprop(
    parameters: Given, grads: Given, s: Given, beta2: float, learning_rate: float, epsilon=1e-8
) -> tuple[Params, Params]:
    """One RMSprop step; returns new ``(parameters, s)``."""
    with named_by("update_parameters_with_rmsprop"):
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
    with named_by("update_parameters_with_adam"):
        t = check_count("t", t, 1)  # the step number, from 1
        check_step(parameters, grads, learning_rate)
        state = Optimizer(
            "adam", parameters, beta1=beta1, beta2=beta2, epsilon=epsilon, v=v, s=s, t=t - 1
        )
    new = state.step(parameters, grads, learning_rate)
    return new, state.v, state.s, state.v_hat, state.s_hat


def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """The course's decay: ``alpha0 / (1 + decay_rate epoch_num)``, ``epoch_num`` from 0."""
    with named_by("update_lr"):
        _check_decay_schedule(learning_rate0, epoch_num, decay_rate)
    return decayed(learning_rate0, epoch_num, decay_rate, 1)
