"""The network of a spec as a ``torch.nn.Module`` of ``nn.Linear`` layers and torch's activations:
the twin of ``scratch.network``.

Layer l computes ``Z[l] = A[l-1] W[l]^T + b[l]`` and ``A[l] = g[l](Z[l])`` on one example per
row: ``A[l-1]`` is (m, n[l-1]), ``Z[l]`` and ``A[l]`` are (m, n[l]). ``forward`` stops at the
logits ``ZL``, because the losses take logits (the output activation is folded into them, which
keeps them finite when a unit saturates); ``probabilities`` applies ``g[L]`` for ``AL``.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

import numpy as np
import torch
from torch import nn

from scratch.initializers import initialize_parameters
from scratch.spec import NetworkSpec
from scratch.spec_files import load_spec
from torch_impl.activations import get_activation
from torch_impl.transfer import load_params, torch_dtype


class SpecNet(nn.Module):
    """The L layers of ``spec``, in ``spec.dtype``, starting from ``params`` (course layout) or,
    without them, from ``scratch.initialize_parameters(spec)``: the weights are drawn once, on the
    scratch side, so the torch random generator is never used."""

    def __init__(self, spec: NetworkSpec, params: Mapping[str, np.ndarray] | None = None):
        super().__init__()
        self.spec = spec
        dtype = torch_dtype(spec)
        self.linears = nn.ModuleList(
            nn.utils.skip_init(nn.Linear, n_prev, n, dtype=dtype)
            for n_prev, n in pairwise(spec.sizes)
        )
        self.activations = nn.ModuleList(get_activation(layer) for layer in spec.layers)
        load_params(self, initialize_parameters(spec) if params is None else params)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X`` (m, n[0]) -> logits ``ZL`` (m, n[L])."""
        A = X
        for linear, g in zip(self.linears[:-1], self.activations[:-1], strict=True):
            A = g(linear(A))
        return self.linears[-1](A)

    def probabilities(self, X: torch.Tensor) -> torch.Tensor:
        """``AL = g[L](ZL)`` (m, n[L]): sigmoid or softmax probabilities, or the regression."""
        return self.activations[-1](self(X))

    @property
    def weights(self) -> list[torch.Tensor]:
        """``W[1], ..., W[L]``, the tensors the L2 term penalises."""
        return [linear.weight for linear in self.linears]


def build_module(
    spec: NetworkSpec | str | Path, params: Mapping[str, np.ndarray] | None = None
) -> SpecNet:
    """``SpecNet`` from a spec or a spec file (JSON/YAML, validated by ``scratch.load_spec``)."""
    if not isinstance(spec, NetworkSpec):
        spec = load_spec(spec)
    return SpecNet(spec, params)
