"""Inverted dropout on the torch side, with the masks scratch draws: the twin of
``scratch.dropout``.

Torch's own ``nn.Dropout(p)`` draws its mask from torch's generator; the torch side draws nothing
random, so ``MaskedDropout`` applies the mask it is handed in the arithmetic of ``nn.Dropout``
itself, which scales its 0/1 mask by ``1 / (1 - p)`` and multiplies (one ``MulBackward0`` in the
graph, whose saved operand is the scaled mask):

    A = A * (D / keep_prob)          training, D (m, n) in torch layout (scratch's D, transposed)
    A = A                            eval (inference): nothing dropped, nothing scaled

with ``keep_prob = 1 - p``. ``parity_tests.test_torch_dropout`` shows that ``nn.Dropout(p=1 -
keep_prob)`` is this same inverted dropout, so the module is torch's semantics with scratch's
masks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from scratch.dropout import dropout_masks
from scratch.spec import NetworkSpec
from torch_impl.transfer import to_torch

Masks = Mapping[str, torch.Tensor]


class MaskedDropout(nn.Module):
    """The dropout of layer ``layer`` (1-based, as scratch keys its mask ``D{layer}``) with
    ``keep_prob``: ``forward(A, masks)`` multiplies by ``masks[f"D{layer}"] / keep_prob`` in
    training mode, and returns ``A`` itself in eval mode or when ``keep_prob`` is 1."""

    def __init__(self, layer: int, keep_prob: float):
        super().__init__()
        self.layer, self.keep_prob, self.key = layer, keep_prob, f"D{layer}"

    def forward(self, A: torch.Tensor, masks: Masks | None = None) -> torch.Tensor:
        if not self.training or self.keep_prob == 1:
            return A
        D = None if masks is None else masks.get(self.key)
        if D is None:
            raise ValueError(
                f"layer {self.layer}: keep_prob {self.keep_prob} needs its dropout mask "
                f"{self.key} in training; the torch side draws none (see torch_impl.masks_for)"
            )
        if D.shape != A.shape:
            raise ValueError(
                f"layer {self.layer}: the dropout mask {self.key} has shape {tuple(D.shape)}; "
                f"the layer's A is {tuple(A.shape)} = (m, n[{self.layer}]) in torch layout"
            )
        return A * (D / self.keep_prob)

    def extra_repr(self) -> str:
        return f"layer={self.layer}, keep_prob={self.keep_prob}"


def masks_to_torch(
    masks: Mapping[str, np.ndarray], device: torch.device | str | None = None
) -> dict[str, torch.Tensor]:
    """Scratch's masks ``D{l}`` (n[l], m) in torch layout (m, n[l]), same dtype, on ``device``."""
    return {key: to_torch(D, device) for key, D in masks.items()}


def masks_for(
    spec: NetworkSpec, m: int, step: int, device: torch.device | str | None = None
) -> dict[str, torch.Tensor]:
    """The masks of training step ``step`` on a batch of ``m``, drawn by scratch
    (``scratch.dropout_masks``) and in torch layout: what the module applies at that step."""
    return masks_to_torch(dropout_masks(spec, m, step), device)
