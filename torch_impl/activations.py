"""Activations as torch's own modules, one table entry per name the spec can name: the twin of
``scratch.activations``. Autograd supplies the derivatives; at the kinks they are the ones the
scratch side follows (``relu'(0) = 0``, ``leaky_relu'(0) = slope``). Softmax acts on each row,
one example.
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from scratch.spec import Layer

ACTIVATION_MODULES: dict[str, Callable[[Layer], nn.Module]] = {
    "sigmoid": lambda layer: nn.Sigmoid(),
    "tanh": lambda layer: nn.Tanh(),
    "relu": lambda layer: nn.ReLU(),
    "leaky_relu": lambda layer: nn.LeakyReLU(layer.negative_slope),
    "identity": lambda layer: nn.Identity(),
    "softmax": lambda layer: nn.Softmax(dim=1),
}


def get_activation(layer: Layer) -> nn.Module:
    """The module of the activation a layer names, with its ``negative_slope`` for leaky ReLU."""
    return ACTIVATION_MODULES[layer.activation](layer)
