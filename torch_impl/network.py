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

A convolutional network's conv, pool and flatten layers come before its dense ones, as
``features``, one module per layer built by its kind's entry of ``LAYER_MODULES``: ``nn.Conv2d``
and its activation, ``nn.MaxPool2d`` or ``nn.AvgPool2d``, ``nn.Flatten`` (``torch_impl.
convolution``), on images (m, C, H, W). Its dense layers are the ``linears`` above, numbered on
from the flatten (``offset`` layers before them): the first takes the flattened images, its
weights' columns permuted at the boundary (``transfer.flattened_layout``). A dense spec has no
``features`` and ``offset`` 0.

A recurrent network is not a ``SpecNet``: ``build_module`` builds ``torch_impl.recurrent.
RecurrentNet``, ``nn.RNN`` or ``nn.LSTM`` and the ``nn.Linear`` of every time step, whose
parameters cross as one group (an LSTM's gates stacked in two weights). Both list their
parameters as ``crossings()``, which every transfer goes through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from scratch.initializers import initialize_parameters
from scratch.layer_kinds import LayerKind, Shape
from scratch.spec import Layer, NetworkSpec
from scratch.spec_files import load_spec
from torch_impl.activations import get_activation
from torch_impl.batchnorm import batch_norm_module
from torch_impl.convolution import conv_block, flatten_block, pool_block
from torch_impl.dropout import MaskedDropout, Masks
from torch_impl.recurrent import RecurrentNet
from torch_impl.transfer import (
    COLUMN,
    CONV_BIAS,
    CONV_WEIGHTS,
    SAME,
    Crossing,
    Layout,
    crossing,
    flattened_layout,
    flattened_to_course,
    images_to_course,
    load_params,
    to_course,
    torch_dtype,
)

Parameters = Iterator[tuple[str, nn.Parameter, Layout]]


class LayerModules(NamedTuple):
    """How the torch side builds one kind of layer that comes before the dense ones
    (``LAYER_MODULES``):

    - ``build(layer, shape, dtype) -> module``: its module, on inputs of ``shape`` (per example,
      the course's), drawing nothing;
    - ``parameters(module, l)``: its learned tensors as ``(course key, parameter, Layout)``;
    - ``captured(module)``: the modules whose outputs are its ``Z`` and ``A`` (``layer_internals``);
    - ``to_course(tensor, shape)``: one of its outputs (or their gradient) in course layout, its
      input's shape given."""

    build: Callable[[LayerKind, Shape, torch.dtype], nn.Module]
    parameters: Callable[[nn.Module, int], list[tuple[str, nn.Parameter, Layout]]]
    captured: Callable[[nn.Module], dict[str, nn.Module]]
    to_course: Callable[[torch.Tensor, Shape], np.ndarray]


def _conv_parameters(block: nn.Sequential, l: int) -> list[tuple[str, nn.Parameter, Layout]]:
    return [(f"W{l}", block[0].weight, CONV_WEIGHTS), (f"b{l}", block[0].bias, CONV_BIAS)]


def _images(tensor: torch.Tensor, shape: Shape) -> np.ndarray:
    return images_to_course(tensor)


# One entry per kind of layer before the dense ones (scratch.layer_kinds.LAYER_KINDS).
LAYER_MODULES: dict[str, LayerModules] = {
    "conv": LayerModules(
        conv_block, _conv_parameters, lambda block: {"Z": block[0], "A": block[1]}, _images
    ),
    "pool": LayerModules(pool_block, lambda block, l: [], lambda block: {"A": block}, _images),
    "flatten": LayerModules(
        flatten_block, lambda block, l: [], lambda block: {"A": block}, flattened_to_course
    ),
}


class SpecNet(nn.Module):
    """The L layers of ``spec``, in ``spec.dtype``, starting from ``params`` (course layout) or,
    without them, from ``scratch.initialize_parameters(spec)``: the weights are drawn once, on the
    scratch side, so the torch random generator is never used."""

    def __init__(self, spec: NetworkSpec, params: Mapping[str, np.ndarray] | None = None):
        super().__init__()
        self.spec = spec
        dtype = torch_dtype(spec)
        self.offset = sum(not isinstance(layer, Layer) for layer in spec.layers)
        front = zip(spec.layers[: self.offset], spec.shapes, strict=False)
        self.features = nn.ModuleList(
            LAYER_MODULES[layer.kind].build(layer, shape, dtype) for layer, shape in front
        )
        dense, sizes = spec.layers[self.offset :], spec.sizes[self.offset :]
        self.linears = nn.ModuleList(
            _linear(n_prev, n, bias=not layer.batch_norm, dtype=dtype)
            for (n_prev, n), layer in zip(pairwise(sizes), dense, strict=True)
        )
        self.activations = nn.ModuleList(get_activation(layer) for layer in dense)
        hidden = list(enumerate(dense[:-1], start=self.offset + 1))
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
        """``X`` (m, n[0]) (images: (m, C, H, W)) -> logits ``ZL`` (m, n[L]); ``masks``: the
        step's dropout masks ``D{l}`` (m, n[l]), needed in training mode by every layer that
        drops."""
        A = X
        for module in self.features:
            A = module(A)
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
                yield l, self.norms[l - 1 - self.offset]

    def course_parameters(self) -> Parameters:
        """``(course key, parameter, Layout)`` of every learned tensor, in ``spec.param_shapes()``'
        order: ``W{l}`` is ``linears[...].weight`` (its columns permuted after a flatten),
        ``b{l}`` its bias, a batch-norm layer's ``gamma{l}``, ``beta{l}`` its ``nn.BatchNorm1d``'s
        ``weight`` and ``bias`` (its running statistics are buffers, which no optimizer
        touches), a conv layer's ``W{l}``, ``b{l}`` its ``nn.Conv2d``'s."""
        yield from self._feature_parameters()
        norms = dict(self.batch_norms())
        flattened = self.spec.shapes[self.offset - 1] if self.offset else None
        for l, linear in enumerate(self.linears, start=self.offset + 1):
            first = flattened is not None and l == self.offset + 1
            yield f"W{l}", linear.weight, flattened_layout(flattened) if first else SAME
            if l in norms:
                yield f"gamma{l}", norms[l].weight, COLUMN
                yield f"beta{l}", norms[l].bias, COLUMN
            else:
                yield f"b{l}", linear.bias, COLUMN

    def crossings(self) -> list[Crossing]:
        """Every learned tensor as a group of its own (``transfer.crossing``), in
        ``course_parameters``' order."""
        return [crossing(*parameter) for parameter in self.course_parameters()]

    def _feature_parameters(self) -> Parameters:
        front = zip(self.spec.layers, self.features, strict=False)  # the layers before the dense
        for l, (layer, module) in enumerate(front, start=1):
            yield from LAYER_MODULES[layer.kind].parameters(module, l)

    def course_layout(self, l: int) -> Callable[[torch.Tensor], np.ndarray]:
        """Layer l's output (l = 0: the input), or its gradient, in course layout: columns (n,
        m) after a dense layer or a flatten (in the course's order), images (m, n_H, n_W, n_C)
        before."""
        if l > self.offset:
            return to_course
        if l == 0:
            return images_to_course if self.spec.images else to_course
        convert, shape = (
            LAYER_MODULES[self.spec.layers[l - 1].kind].to_course,
            self.spec.shapes[l - 1],
        )
        return lambda tensor: convert(tensor, shape)

    def probabilities(self, X: torch.Tensor, masks: Masks | None = None) -> torch.Tensor:
        """``AL = g[L](ZL)`` (m, n[L]): sigmoid or softmax probabilities, or the regression."""
        return self.activations[-1](self(X, masks))

    @property
    def weights(self) -> list[torch.Tensor]:
        """``W[1], ..., W[L]``, the tensors the L2 term penalises: every layer's, the conv
        filters among them."""
        front = (
            [p for key, p, _ in self._feature_parameters() if key[0] == "W"] if self.offset else []
        )
        return [*front, *(linear.weight for linear in self.linears)]


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
) -> nn.Module:
    """The module of a spec or a spec file (JSON/YAML, validated by ``scratch.load_spec``):
    ``SpecNet``, or for a recurrent network ``torch_impl.recurrent.RecurrentNet`` (batch first),
    from ``params`` or, without them, ``scratch.initialize_parameters(spec)``."""
    if not isinstance(spec, NetworkSpec):
        spec = load_spec(spec)
    if spec.sequences:
        return RecurrentNet.of_spec(spec, params)
    return SpecNet(spec, params)
