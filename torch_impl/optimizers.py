"""The optimizer, as ``torch.optim``'s own class: the twin of ``scratch.optimizers``.

The course's step ``W <- W - learning_rate dW`` is ``torch.optim.SGD(lr=learning_rate)`` with
no momentum and no weight decay: the L2 term is part of the cost on both sides, so autograd's
``dW`` already holds ``(l2/m) W``.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


def build_optimizer(
    parameters: Iterable[torch.nn.Parameter], learning_rate: float
) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimizer that computes the course's update on ``parameters``."""
    return torch.optim.SGD(parameters, lr=learning_rate)
