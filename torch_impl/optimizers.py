"""The course's optimizers as ``torch.optim``'s own classes, and its learning-rate decay as a
``torch.optim.lr_scheduler``: the twin of ``scratch.optimizers``. No update is written by hand
here; what is derived is the mapping of the course's hyperparameters and state onto torch's.

- gradient descent: ``SGD(lr=alpha)``. The L2 term is part of the cost on both sides, so
  autograd's ``dW`` already holds ``(l2/m) W`` and no ``weight_decay`` is given.
- momentum: torch's SGD keeps ``buf = momentum buf + (1 - dampening) dW`` and steps
  ``W -= lr buf``, but on its *first* step it sets ``buf = dW`` (no dampening). With
  ``momentum = dampening = beta`` and ``buf`` seeded with the course's ``v`` (zeros at the start),
  every step is the course's ``v = beta v + (1 - beta) dW``, ``W -= alpha v``, and the state is
  ``v`` itself. Unseeded, the first step moves by ``alpha dW`` instead of ``alpha (1 - beta) dW``.
  (``SGD(lr=alpha (1 - beta), momentum=beta)`` is the course's rule too, with ``buf = v / (1 -
  beta)``, a state that would not convert exactly.)
- RMSprop: ``RMSprop(lr=alpha, alpha=beta2, eps=epsilon)``: torch's ``alpha`` is the course's
  ``beta2``, and ``eps`` is added outside the square root, as in the course.
- Adam: ``Adam(lr=alpha, betas=(beta1, beta2), eps=epsilon)``. Torch divides by
  ``sqrt(s) / sqrt(1 - beta2^t) + eps``, which is the course's ``sqrt(s_hat) + eps``: the
  epsilon sits outside the bias-corrected root on both sides. State: ``exp_avg = v``,
  ``exp_avg_sq = s``, ``step = t``.
- decay: ``LambdaLR`` stepped after every update (Lightning's ``"interval": "step"``), its
  factor ``1 / (1 + decay_rate floor(epoch / decay_interval))`` of the step's epoch.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from scratch.optimizers import Optimizer
from scratch.settings import TrainingSettings
from torch_impl.transfer import trainable, trainable_to_course, trainable_to_torch

# the torch state that holds the course's v and s, per optimizer
STATE_NAMES = {
    "momentum": {"v": "momentum_buffer"},
    "rmsprop": {"s": "square_avg"},
    "adam": {"v": "exp_avg", "s": "exp_avg_sq"},
}


def course_parameters(net: nn.Module) -> Iterator[tuple[str, nn.Parameter]]:
    """``(W1, linears[0].weight), (b1, linears[0].bias), ...``: the course key of each
    parameter of a ``SpecNet``, in ``spec.param_shapes()``' order (``SpecNet.course_parameters``
    without the layouts); a batch-norm layer's ``gamma{l}``, ``beta{l}`` are its
    ``nn.BatchNorm1d``'s ``weight`` and ``bias``, parameters like any other (its running
    statistics are buffers, which no optimizer touches); a conv layer's ``W{l}``, ``b{l}`` its
    ``nn.Conv2d``'s ``weight`` and ``bias``."""
    for key, parameter, _ in net.course_parameters():
        yield key, parameter


def build_optimizer(
    net: nn.Module, settings: TrainingSettings, start: Optimizer
) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimizer computing ``settings``' rule on ``net``'s trainable
    parameters (``transfer.trainable``), its state seeded from the scratch optimizer ``start``
    (``prepare_training`` makes it: zeros and t = 0 for a fresh run, the saved state for a
    resumed one)."""
    params = trainable(net)
    lr, name = settings.learning_rate, settings.optimizer
    if name == "gd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        optimizer = torch.optim.SGD(params, lr=lr, momentum=settings.beta, dampening=settings.beta)
    elif name == "rmsprop":
        optimizer = torch.optim.RMSprop(params, lr=lr, alpha=settings.beta2, eps=settings.epsilon)
    else:
        betas = (settings.beta1, settings.beta2)
        optimizer = torch.optim.Adam(params, lr=lr, betas=betas, eps=settings.epsilon)
    load_state(optimizer, net, name, start)
    return optimizer


def build_scheduler(
    optimizer: torch.optim.Optimizer, settings: TrainingSettings, steps_per_epoch: int
) -> torch.optim.lr_scheduler.LambdaLR | None:
    """The course's decay, or ``None`` when ``decay_rate`` is 0: step k of this run is step
    ``start_iteration + k`` of the schedule, in epoch ``(start_iteration + k) //
    steps_per_epoch``."""
    if not settings.decay_rate:
        return None

    def factor(k: int) -> float:
        epoch = (settings.start_iteration + k) // steps_per_epoch
        return 1 / (1 + settings.decay_rate * (epoch // settings.decay_interval))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def load_state(
    optimizer: torch.optim.Optimizer, net: nn.Module, name: str, start: Optimizer
) -> None:
    """Write the scratch optimizer's ``v``, ``s`` and ``t`` into torch's per-parameter state,
    exactly, through the parameters' crossings (``transfer.trainable_to_torch``: the same
    dtype; a bias's (n, 1) becomes (n,), conv filters (f, f, n_C_prev, n_C) become (n_C,
    n_C_prev, f, f), an LSTM's four gates' arrays are stacked as its weights are)."""
    for part, torch_name in STATE_NAMES.get(name, {}).items():
        arrays = {key[1:]: value for key, value in getattr(start, part).items()}
        for p, tensor in trainable_to_torch(net, arrays).items():
            optimizer.state[p][torch_name] = tensor.to(p.device)
    if name in ("rmsprop", "adam"):
        for p in trainable(net):
            optimizer.state[p]["step"] = torch.tensor(float(start.t))


def export_state(optimizer: torch.optim.Optimizer, net: nn.Module, name: str) -> dict:
    """Torch's optimizer state in scratch's form (``Optimizer.state()``): ``v_dW1, ...``,
    ``s_dW1, ...`` and ``t`` as the optimizer keeps them, in course layout (through the
    parameters' crossings, ``transfer.trainable_to_course``)."""
    if name == "gd":
        return {}
    out: dict[str, np.ndarray] = {}
    undamped = name == "momentum" and optimizer.param_groups[0]["momentum"] == 0
    params = trainable(net)
    for part, torch_name in STATE_NAMES[name].items():
        # SGD with momentum 0 is plain SGD and keeps no buffer: the course's v is then
        # beta v + (1 - beta) dW = dW, the gradient of the last step, which torch keeps
        tensors = {p: p.grad if undamped else optimizer.state[p][torch_name] for p in params}
        out |= {f"{part}_d{key}": value for key, value in trainable_to_course(net, tensors).items()}
    steps = [optimizer.state[p]["step"] for p in params if "step" in optimizer.state[p]]
    if steps:
        out["t"] = np.asarray(int(steps[-1]), dtype=np.int64)
    return out
