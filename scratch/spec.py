"""No torch twin (both sides build from it): the layer spec, one description of a network.

A spec names the input size, each layer's units and activation, the initialisation scheme, the
loss (with its optional L2 strength), the dtype and the seed. It is validated on construction, so a
spec that exists is one both sides can build; errors name the offending layer and field.

File format (JSON, or YAML when PyYAML is installed; read and written by ``scratch.spec_files``)::

    {"input_size": 2,
     "layers": [{"units": 4, "activation": "tanh"},
                {"units": 1, "activation": "sigmoid"}],
     "init": "small_random", "loss": "binary_cross_entropy", "l2": 0.0,
     "dtype": "float64", "seed": 1}

``leaky_relu`` layers may carry ``"negative_slope"`` (default 0.01, PyTorch's default; any other
layer refuses one, which it would drop). A hidden layer may carry ``"keep_prob"`` (inverted dropout
on its output, in (0, 1]; 1, the default, means none) and ``"batch_norm": true`` (batch
normalisation of its ``Z`` before the activation; the layer then has no bias, and learns ``gamma``
and ``beta`` instead). A spec with batch norm may set ``"batch_norm_momentum"`` (default 0.1,
torch's sense: ``running = (1 - momentum) running + momentum batch``) and ``"batch_norm_eps"``
(default 1e-5). A field at its default is not written, so a file written before these fields
existed reads, and writes back, as the same network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from scratch.documents import parse_json
from scratch.spec_rules import (
    ACTIVATIONS,
    BUFFERS,
    DEFAULT_BATCH_NORM_EPS,
    DEFAULT_BATCH_NORM_MOMENTUM,
    DEFAULT_NEGATIVE_SLOPE,
    DTYPES,
    HIDDEN_ACTIVATIONS,
    INITS,
    LOSS_OUTPUT,
    LOSSES,
    SpecError,
    check_spec_dict,
    is_buffer,
    is_int,
    plain_numbers,
    validate_spec,
)

# The spec's vocabulary, defined with its rules in scratch.spec_rules and read from here too.
__all__ = ["ACTIVATIONS", "DTYPES", "HIDDEN_ACTIVATIONS", "INITS", "LOSSES", "LOSS_OUTPUT"]
__all__ += ["Layer", "NetworkSpec", "SpecError", "build_spec", "is_buffer", "is_int"]


@dataclass(frozen=True)
class Layer:
    """One layer of ``units`` neurons and its ``activation`` (elementwise; softmax per column);
    a hidden layer may add inverted dropout (``keep_prob < 1``) and batch norm."""

    units: int
    activation: str
    negative_slope: float = DEFAULT_NEGATIVE_SLOPE
    keep_prob: float = 1.0
    batch_norm: bool = False

    def __post_init__(self) -> None:
        plain_numbers(self, ("units", "negative_slope", "keep_prob"))  # checked by the spec

    @property
    def dropout(self) -> bool:
        return self.keep_prob != 1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"units": self.units, "activation": self.activation}
        if self.activation == "leaky_relu":
            out["negative_slope"] = self.negative_slope
        if self.dropout:
            out["keep_prob"] = self.keep_prob
        if self.batch_norm:
            out["batch_norm"] = True
        return out


@dataclass(frozen=True)
class NetworkSpec:
    """A validated network description: ``n[0] = input_size`` and ``n[l] = layers[l-1].units``.

    ``layers`` holds the L layers after the input (hidden layers, then the output layer), so
    ``len(layers)`` is the course's L and a spec with one layer is logistic regression.
    """

    input_size: int
    layers: tuple[Layer, ...]
    init: str = "small_random"
    loss: str = "binary_cross_entropy"
    l2: float = 0.0
    dtype: str = "float64"
    seed: int = 0
    batch_norm_momentum: float = DEFAULT_BATCH_NORM_MOMENTUM
    batch_norm_eps: float = DEFAULT_BATCH_NORM_EPS

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        validate_spec(self)
        plain_numbers(self, ("input_size", "seed", "l2", "batch_norm_momentum", "batch_norm_eps"))

    @property
    def L(self) -> int:
        return len(self.layers)

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(n[0], n[1], ..., n[L])``."""
        return (self.input_size, *(layer.units for layer in self.layers))

    @property
    def activations(self) -> tuple[str, ...]:
        return tuple(layer.activation for layer in self.layers)

    @property
    def batch_norm(self) -> bool:
        """Whether any layer has batch norm (its state then travels with the weights)."""
        return any(layer.batch_norm for layer in self.layers)

    @property
    def dropout(self) -> bool:
        """Whether any layer has dropout (training then needs the step's masks)."""
        return any(layer.dropout for layer in self.layers)

    def describe(self) -> str:
        """One line: sizes, activations, loss, init, L2, batch norm, dropout, dtype and seed."""
        l2 = f", l2 {self.l2}" if self.l2 else ""
        norms = [str(l) for l, layer in enumerate(self.layers, start=1) if layer.batch_norm]
        drops = [f"{l}: {x.keep_prob}" for l, x in enumerate(self.layers, start=1) if x.dropout]
        extras = f", batch norm on layer(s) {', '.join(norms)}" if norms else ""
        extras += f", keep_prob {{{', '.join(drops)}}}" if drops else ""
        return (
            f"{list(self.sizes)} {'/'.join(self.activations)}, {self.loss}, {self.init} init{l2}"
            f"{extras}, {self.dtype}, seed {self.seed}"
        )

    def param_shapes(self) -> dict[str, tuple[int, int]]:
        """The learned parameters in course layout, in order W1, b1, ...: ``W{l}`` (n[l],
        n[l-1]) and ``b{l}`` (n[l], 1); a batch-norm layer has ``gamma{l}``, ``beta{l}`` (n[l],
        1) in place of ``b{l}``."""
        shapes: dict[str, tuple[int, int]] = {}
        for l, ((n_prev, n), layer) in enumerate(
            zip(pairwise(self.sizes), self.layers, strict=True), 1
        ):
            shapes[f"W{l}"] = (n, n_prev)
            for name in ("gamma", "beta") if layer.batch_norm else ("b",):
                shapes[f"{name}{l}"] = (n, 1)
        return shapes

    def buffer_shapes(self) -> dict[str, tuple[int, int]]:
        """The batch-norm state that is not learned: ``running_mean{l}``, ``running_var{l}``
        (n[l], 1) of each batch-norm layer; empty without batch norm."""
        return {
            f"{name}{l}": (layer.units, 1)
            for l, layer in enumerate(self.layers, start=1)
            if layer.batch_norm
            for name in BUFFERS
        }

    def with_hidden_layers(
        self,
        *,
        keep_prob: float | Sequence[float] | None = None,
        batch_norm: bool | Sequence[bool] | None = None,
    ) -> NetworkSpec:
        """A copy with the hidden layers' ``keep_prob`` and ``batch_norm`` set: one value for
        every hidden layer, or one per hidden layer; ``None`` leaves the field as it is."""
        hidden = self.layers[:-1]
        changes: list[dict[str, Any]] = [{} for _ in hidden]
        for name, value in (("keep_prob", keep_prob), ("batch_norm", batch_norm)):
            if value is None:
                continue
            values = list(value) if isinstance(value, list | tuple) else [value] * len(hidden)
            if len(values) != len(hidden):
                raise SpecError(
                    f"spec: {name} gives {len(values)} value(s) for {len(hidden)} hidden "
                    "layer(s); give one for all or one per hidden layer"
                )
            for change, item in zip(changes, values, strict=True):
                change[name] = item
        layers = [replace(layer, **change) for layer, change in zip(hidden, changes, strict=True)]
        return replace(self, layers=(*layers, self.layers[-1]))

    def replace(self, **changes: Any) -> NetworkSpec:
        """A copy with some fields changed, validated again."""
        return NetworkSpec.from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """The file format's dict; the batch-norm settings only where they are not the
        defaults, so a spec without them writes exactly what it did before they existed."""
        out = {
            "input_size": self.input_size,
            "layers": [layer.to_dict() for layer in self.layers],
            "init": self.init,
            "loss": self.loss,
            "l2": self.l2,
            "dtype": self.dtype,
            "seed": self.seed,
        }
        if self.batch_norm_momentum != DEFAULT_BATCH_NORM_MOMENTUM:
            out["batch_norm_momentum"] = self.batch_norm_momentum
        if self.batch_norm_eps != DEFAULT_BATCH_NORM_EPS:
            out["batch_norm_eps"] = self.batch_norm_eps
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        """Build from the file format's dict, rejecting missing and unknown fields by name."""
        layers = check_spec_dict(data)
        return cls(**{**data, "layers": tuple(Layer(**entry) for entry in layers)})

    @classmethod
    def from_json(cls, text: str) -> NetworkSpec:
        try:
            data = parse_json(text, "spec", "a spec")
        except ValueError as err:
            raise SpecError(str(err)) from None
        return cls.from_dict(data)


def build_spec(
    sizes: list[int] | tuple[int, ...],
    hidden_activation: str = "relu",
    *,
    loss: str = "binary_cross_entropy",
    **fields: Any,
) -> NetworkSpec:
    """Shorthand: ``build_spec([2, 4, 1], "tanh")`` gives tanh hidden layers and the output
    layer the loss requires (sigmoid for BCE, softmax for cross-entropy, identity for MSE)."""
    if len(sizes) < 2:
        raise SpecError(f"spec: sizes {list(sizes)!r} need an input size and at least one layer")
    output = LOSS_OUTPUT.get(loss, ("identity",))[0]
    layers = [Layer(n, hidden_activation) for n in sizes[1:-1]] + [Layer(sizes[-1], output)]
    return NetworkSpec(input_size=sizes[0], layers=tuple(layers), loss=loss, **fields)
