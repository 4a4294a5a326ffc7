"""What the course's functions must return, computed by the torch side: the twin of
``scratch.course`` (the same quantities by hand) and nn-check's truth
(``scratch.grading.cases.Truth``), in float64 and the course's layout. Autograd and
``torch.optim`` only: nothing here is a hand-written formula.

- the forward and backward pass of a network: ``torch_impl.layer_internals`` (``Z``, ``A``,
  ``dZ``, ``dA`` of the summed loss ``m J``, ``dW``, ``db`` of ``J``, ``cost``);
- ``dA[L]``, the input of the output layer's ``linear_activation_backward``: autograd of the
  summed binary cross-entropy of the probabilities ``AL`` (``torch.nn.functional``'s);
- one step of gradient descent, momentum or Adam: ``torch.optim``'s own classes, seeded with the
  course's state as ``torch_impl.optimizers`` maps it (momentum's ``SGD(momentum=beta,
  dampening=beta)``, Adam's ``step = t - 1`` before the course's step t);
- a run of gradient descent: ``torch_impl.train_plain``;
- the learning rate of an epoch under the course's decay: torch's ``LambdaLR``, as the torch
  side builds it (``torch_impl.optimizers.build_scheduler``), stepped once an epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import torch
from torch.nn import functional

import torch_impl
from scratch import NetworkSpec
from scratch.settings import TrainingSettings
from torch_impl.optimizers import build_scheduler
from torch_impl.threads import torch_threads

Array = np.ndarray
Params = dict[str, Array]


def internals(X: Array, Y: Array, params: Mapping[str, Array], spec: NetworkSpec) -> dict:
    with torch_threads(1):
        return torch_impl.layer_internals(X, Y, params, spec)


def sigmoid(z: Array) -> Array:
    return torch.sigmoid(torch.from_numpy(np.asarray(z, dtype=np.float64))).numpy()


def output_dA(AL: Array, Y: Array) -> Array:
    """``dA[L] = d(sum of the losses)/dAL``: what the course's ``-(Y/AL - (1-Y)/(1-AL))`` is."""
    probabilities = torch.from_numpy(AL.copy()).requires_grad_()
    functional.binary_cross_entropy(probabilities, torch.from_numpy(Y), reduction="sum").backward()
    return probabilities.grad.numpy()


def _step(
    make: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    params: Mapping[str, Array],
    grads: Mapping[str, Array],
    state: Mapping[str, Mapping[str, Array]],
    step: int | None = None,
) -> tuple[Params, dict[str, Params]]:
    """One ``make(tensors).step()`` on copies of ``params`` with ``grads`` (keyed ``dW1``),
    torch's state seeded from ``state`` (torch name -> the course's dict keyed ``dW1``); returns
    the new parameters and the new state in the course's keys."""
    tensors = {key: torch.tensor(value, requires_grad=True) for key, value in params.items()}
    for key, tensor in tensors.items():
        tensor.grad = torch.tensor(grads[f"d{key}"])
    optimizer = make(list(tensors.values()))
    for key, tensor in tensors.items():
        seeded = {name: torch.tensor(values[f"d{key}"]) for name, values in state.items()}
        if step is not None:
            seeded["step"] = torch.tensor(float(step))
        optimizer.state[tensor].update(seeded)
    optimizer.step()
    new = {key: tensor.detach().numpy() for key, tensor in tensors.items()}
    after = {
        name: {f"d{key}": optimizer.state[t][name].numpy() for key, t in tensors.items()}
        for name in state
    }
    return new, after


def gradient_descent(params: Params, grads: Params, learning_rate: float) -> Params:
    return _step(lambda ps: torch.optim.SGD(ps, lr=learning_rate), params, grads, {})[0]


def momentum(
    params: Params, grads: Params, v: Params, beta: float, learning_rate: float
) -> tuple[Params, Params]:
    def make(ps: list[torch.Tensor]) -> torch.optim.Optimizer:
        return torch.optim.SGD(ps, lr=learning_rate, momentum=beta, dampening=beta)

    new, state = _step(make, params, grads, {"momentum_buffer": v})
    return new, state["momentum_buffer"]


def adam(
    params: Params,
    grads: Params,
    v: Params,
    s: Params,
    t: int,
    learning_rate: float,
    beta1: float,
    beta2: float,
    epsilon: float,
) -> tuple[Params, Params, Params]:
    def make(ps: list[torch.Tensor]) -> torch.optim.Optimizer:
        return torch.optim.Adam(ps, lr=learning_rate, betas=(beta1, beta2), eps=epsilon)

    new, state = _step(make, params, grads, {"exp_avg": v, "exp_avg_sq": s}, step=t - 1)
    return new, state["exp_avg"], state["exp_avg_sq"]


def descent_run(
    X: Array, Y: Array, params: Params, spec: NetworkSpec, iterations: int, learning_rate: float
) -> tuple[Params, dict, Array]:
    """``iterations`` steps of gradient descent from ``params``: the final parameters, the
    internals of the last step (its gradients, before its update) and the cost of every step."""
    with torch_threads(1):
        before = torch_impl.train_plain(
            spec, X, Y, params=params, learning_rate=learning_rate, num_iterations=iterations - 1
        )
        last = torch_impl.layer_internals(X, Y, before.params, spec)
        final = torch_impl.train_plain(
            spec, X, Y, params=before.params, learning_rate=learning_rate, num_iterations=1
        )
    costs = np.append(before.costs, last["cost"])
    return final.params, last, costs


def decayed_rate(
    learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1
) -> float:
    """The learning rate of epoch ``epoch_num``: torch's scheduler, stepped that many epochs."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=learning_rate0)
    settings = TrainingSettings(
        learning_rate=learning_rate0,
        num_iterations=max(epoch_num, 1),
        decay_rate=decay_rate,
        decay_interval=time_interval,
    )
    scheduler = build_scheduler(optimizer, settings, steps_per_epoch=1)
    for _ in range(epoch_num):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]
