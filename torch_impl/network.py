"""The network of a spec as a ``torch.nn.Module`` of ``nn.Linear`` layers and torch's activations:
the twin of ``scratch.network``.

Layer l computes ``Z[l] = A[l-1] W[l]^T + b[l]`` and ``A[l] = g[l](Z[l])`` on one example per
row: ``A[l-1]`` is (m, n[l-1]), ``Z[l]`` and ``A[l]`` are (m, n[l]). ``forward`` stops at the
logits ``ZL``, because the losses take logits (the output activation is folded into them, which
keeps them finite when a unit saturates); ``probabilities`` applies ``g[L]`` for ``AL``.

A hidden layer with batch norm is ``nn.Linear(bias=False)``, then ``nn.BatchNorm1d``
(``norms[l-1]``), then the activation; one with dropout adds ``MaskedDropout`` (``dropouts[l-1]``)
after the activation, which applies the mask scratch drew for the step (``forward(X, masks)``).
Both follow the module's mode: ``net.train()`` (batch statistics, masks) or ``net.eval()``
(running statistics, nothing dropped). A spec without them builds the module it did before
they existed (``norms`` and ``dropouts`` empty), with the same state dict and forward pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path

import numpy as np
import torch
from torch import nn

from scratch.initializers import initialize_parameters
from scratch.spec import NetworkSpec
from scratch.spec_files import load_spec
from torch_impl.activations import get_activation
from torch_impl.batchnorm import batch_norm_module
from torch_impl.dropout import MaskedDropout, Masks
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
            _linear(n_prev, n, bias=not layer.batch_norm, dtype=dtype)
            for (n_prev, n), layer in zip(pairwise(spec.sizes), spec.layers, strict=True)
        )
        self.activations = nn.ModuleList(get_activation(layer) for layer in spec.layers)
        hidden = list(enumerate(spec.layers[:-1], start=1))
        self.norms = nn.ModuleList(
            batch_norm_module(layer, spec, dtype) if layer.batch_norm else nn.Identity()
            for _, layer in (hidden if spec.batch_norm else [])
        )
        self.dropouts = nn.ModuleList(
            MaskedDropout(l, layer.keep_prob) for l, layer in (hidden if spec.dropout else [])
        )
        self.plain = not (spec.batch_norm or spec.dropout)
        load_params(self, initialize_parameters(spec) if params is None else params)

    def forward(self, X: torch.Tensor, masks: Masks | None = None) -> torch.Tensor:
        """``X`` (m, n[0]) -> logits ``ZL`` (m, n[L]); ``masks``: the step's dropout masks
        ``D{l}`` (m, n[l]), needed in training mode by every layer that drops."""
        A = X
        hidden = zip(self.linears[:-1], self.activations[:-1], strict=True)
        if self.plain:
            for linear, g in hidden:
                A = g(linear(A))
            return self.linears[-1](A)
        for l, (linear, g) in enumerate(hidden):
            Z = linear(A)
            A = g(self.norms[l](Z) if self.norms else Z)
            if self.dropouts:
                A = self.dropouts[l](A, masks)
        return self.linears[-1](A)

    def batch_norms(self) -> Iterator[tuple[int, nn.Module]]:
        """``(l, norms[l-1])`` for each layer l with batch norm."""
        for l, layer in enumerate(self.spec.layers, start=1):
            if layer.batch_norm:
                yield l, self.norms[l - 1]

    def probabilities(self, X: torch.Tensor, masks: Masks | None = None) -> torch.Tensor:
        """``AL = g[L](ZL)`` (m, n[L]): sigmoid or softmax probabilities, or the regression."""
        return self.activations[-1](self(X, masks))

    @property
    def weights(self) -> list[torch.Tensor]:
        """``W[1], ..., W[L]``, the tensors the L2 term penalises."""
        return [linear.weight for linear in self.linears]


def _linear(n_prev: int, n: int, bias: bool, dtype: torch.dtype) -> nn.Linear:
    """``nn.Linear`` without its random initialisation: built on the meta device (nothing drawn,
    nothing allocated), then given empty parameters that ``load_params`` fills: what
    ``nn.utils.skip_init`` does, without its meta-to-CPU ``to_empty``, which imports sympy."""
    linear = nn.Linear(n_prev, n, bias=bias, device="meta", dtype=dtype)
    linear.weight = nn.Parameter(torch.empty(n, n_prev, dtype=dtype))
    if bias:
        linear.bias = nn.Parameter(torch.empty(n, dtype=dtype))
    return linear


def build_module(
    spec: NetworkSpec | str | Path, params: Mapping[str, np.ndarray] | None = None
) -> SpecNet:
    """``SpecNet`` from a spec or a spec file (JSON/YAML, validated by ``scratch.load_spec``)."""
    if not isinstance(spec, NetworkSpec):
        spec = load_spec(spec)
    return SpecNet(spec, params)
