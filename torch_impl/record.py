"""No scratch twin (``scratch.train`` keeps these in its loop): what a torch run records, the cost
of every step and the weights that gave the last finite one, so that a diverging run ends the way
``scratch.train`` does."""

from __future__ import annotations

import math

import numpy as np
import torch

from scratch.training import DivergenceError, TrainResult
from torch_impl.network import SpecNet
from torch_impl.transfer import export_params


class CostRecord:
    """Costs of ``net``'s steps, each taken before that step's update.

    ``add(cost)`` keeps a copy of the weights that gave each finite cost (and the batch-norm
    statistics as that step's forward pass left them, as ``scratch.train`` does), written into
    tensors allocated once (``scratch.train`` keeps the same weights by alternating two buffers).
    """

    def __init__(self, net: SpecNet, start_iteration: int = 0):
        self.net, self.start_iteration = net, start_iteration
        self.costs: list[float] = []
        self.learning_rates: list[float] = []
        self.diverged_cost: float | None = None
        self._tensors = [*net.parameters(), *net.buffers()]
        self._kept = [p.detach().clone() for p in self._tensors]

    def add(self, cost: float, learning_rate: float) -> bool:
        """Record the cost of the next step and the learning rate its update uses; ``False``
        (and nothing kept) if the cost is NaN or inf."""
        if not math.isfinite(cost):
            self.diverged_cost = cost
            return False
        self.costs.append(cost)
        self.learning_rates.append(learning_rate)
        with torch.no_grad():
            for kept, p in zip(self._kept, self._tensors, strict=True):
                kept.copy_(p)
        return True

    def result(self, state: dict[str, np.ndarray]) -> TrainResult:
        """The run's ``TrainResult``, with the optimizer's final ``state``; raises
        ``DivergenceError`` with the last good weights (put back into ``net``) if a cost was not
        finite."""
        costs = np.array(self.costs, dtype=np.float64)
        if self.diverged_cost is not None:
            with torch.no_grad():
                for kept, p in zip(self._kept, self._tensors, strict=True):
                    p.copy_(kept)
            iteration = self.start_iteration + len(costs)
            raise DivergenceError(iteration, self.diverged_cost, export_params(self.net), costs)
        rates = np.array(self.learning_rates, dtype=np.float64)
        params = export_params(self.net)
        return TrainResult(params, costs, self.net.spec, self.start_iteration, state, rates)
