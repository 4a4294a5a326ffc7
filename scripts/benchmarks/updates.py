"""The optimizer's update alone, one per side, for the benchmark's "update's share" figures: one
step of a workload's optimizer on parameters of its network's shapes, with seeded random gradients,
each optimizer built from the workload's own settings exactly as its training builds it.

- scratch: ``Optimizer.step(params, grads, rate, out=spare)`` of the ``scratch.optimizers``
  ``Optimizer`` that ``TrainingSettings.build_optimizer`` gives, writing in place into a spare
  set of arrays allocated once, as ``scratch.train``'s loop does (the loop swaps the two sets
  every step; here the same spare is written over, the same work).
- torch: ``step()`` of the ``torch.optim`` optimizer that ``torch_impl.optimizers.build_optimizer``
  gives (``torch.optim.Adam`` for Adam), on a ``SpecNet``'s parameters, ``nn.Linear``'s shapes,
  with ``.grad`` set to the same gradients. Lightning's loop calls this same ``step()``.

Every call advances the optimizer's step count ``t``, as training does; the work per call is the
same whatever ``t`` is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from scripts.benchmarks.workloads import WorkloadData


def seeded_grads(data: WorkloadData) -> dict[str, np.ndarray]:
    """``dW1, db1, ...``: standard normal, shaped and typed like the workload's parameters."""
    rng = np.random.default_rng(0)
    return {
        f"d{key}": rng.standard_normal(value.shape, dtype=value.dtype)
        for key, value in data.params.items()
    }


def update_step(library: str, data: WorkloadData) -> Callable[[], Any]:
    """One update of ``data``'s optimizer in ``library`` ("numpy": scratch's, "torch":
    ``torch.optim``'s), ready to call again and again (see the module docstring)."""
    settings, grads = data.workload.settings(1), seeded_grads(data)
    start = settings.build_optimizer(data.params)
    if library == "numpy":
        params = {key: value.copy() for key, value in data.params.items()}
        spare = {key: np.empty_like(value) for key, value in params.items()}
        return partial(start.step, params, grads, settings.learning_rate, out=spare)
    import torch

    from torch_impl.network import build_module
    from torch_impl.optimizers import build_optimizer, course_parameters

    net = build_module(data.spec, data.params)
    optimizer = build_optimizer(net, settings, start)
    for key, p in course_parameters(net):
        p.grad = torch.from_numpy(grads[f"d{key}"].reshape(p.shape).copy())
    return optimizer.step
