"""Gradient clipping with torch's own functions: the twin of ``scratch.clipping``.

A spec's ``clip`` and ``clip_by`` are, in the ``lightning.Trainer``, its own
``gradient_clip_val`` and ``gradient_clip_algorithm`` (``trainer_clipping``): Lightning clips
after the backward pass and before ``optimizer.step()``, by ``clip_grad_value_`` for
``"value"`` and ``clip_grad_norm_`` for ``"norm"``, which are scratch's two rules exactly
(the course's ``clip`` is ``clip_grad_value_`` entry by entry; ``clip_grad_norm_`` scales by
``min(1, clip / (||g|| + 1e-6))``, the rule ``scratch.clipping`` takes from it). The plain loop
calls the same functions (``clip_gradients``) at the same place.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from scratch.spec import NetworkSpec
from torch_impl.transfer import trainable

CLIP_FUNCTIONS = {
    "value": torch.nn.utils.clip_grad_value_,
    "norm": torch.nn.utils.clip_grad_norm_,
}


def trainer_clipping(spec: NetworkSpec) -> dict[str, Any]:
    """The ``lightning.Trainer`` arguments of the spec's clipping: ``gradient_clip_val`` and
    ``gradient_clip_algorithm`` (both ``None``, the Trainer's defaults, without a ``clip``)."""
    if spec.clip is None:
        return {"gradient_clip_val": None, "gradient_clip_algorithm": None}
    return {"gradient_clip_val": spec.clip, "gradient_clip_algorithm": spec.clip_by}


def clip_gradients(net: nn.Module, spec: NetworkSpec) -> None:
    """Clip the gradients of ``net``'s trainable parameters as ``spec`` says (nothing without a
    ``clip``), with torch's function of its ``clip_by``."""
    if spec.clip is not None:
        CLIP_FUNCTIONS[spec.clip_by](trainable(net), spec.clip)
