"""The layer spec: one description of a network that both implementations build from.

A spec names the input size, each layer's units and activation, the initialisation scheme, the
loss (with its optional L2 strength), the dtype and the seed. It is validated on construction, so a
spec that exists is one both sides can build; errors name the offending layer and field.

File format (JSON, or YAML when PyYAML is installed; read and written by ``scratch.spec_files``)::

    {"input_size": 2,
     "layers": [{"units": 4, "activation": "tanh"},
                {"units": 1, "activation": "sigmoid"}],
     "init": "small_random", "loss": "binary_cross_entropy", "l2": 0.0,
     "dtype": "float64", "seed": 1}

``leaky_relu`` layers may carry ``"negative_slope"`` (default 0.01, PyTorch's default).
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
INITS = ("zeros", "small_random", "xavier", "he")
LOSSES = ("binary_cross_entropy", "cross_entropy", "mse")
DTYPES = ("float64", "float32")
DEFAULT_NEGATIVE_SLOPE = 0.01

# The output layer each loss requires: its activation, and a check on its number of units.
LOSS_OUTPUT = {
    "binary_cross_entropy": ("sigmoid", lambda n: n == 1, "exactly 1 unit"),
    "cross_entropy": ("softmax", lambda n: n >= 2, "at least 2 units"),
    "mse": ("identity", lambda n: n >= 1, "at least 1 unit"),
}


class SpecError(ValueError):
    """A layer spec that cannot describe a network; the message names the layer and field."""


def is_int(value: Any) -> bool:
    """An integer, and not a bool (``True`` is not a layer size)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_finite_real(value: Any) -> bool:
    """A finite real number, and not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _choice(where: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {name} {value!r} is unknown; choose one of {', '.join(allowed)}")


@dataclass(frozen=True)
class Layer:
    """One layer of ``units`` neurons and its ``activation`` (elementwise; softmax per column)."""

    units: int
    activation: str
    negative_slope: float = DEFAULT_NEGATIVE_SLOPE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"units": self.units, "activation": self.activation}
        if self.activation == "leaky_relu":
            out["negative_slope"] = self.negative_slope
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        _validate(self)

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

    def describe(self) -> str:
        """One line: sizes, activations, loss, init, L2, dtype and seed."""
        l2 = f", l2 {self.l2}" if self.l2 else ""
        return (
            f"{list(self.sizes)} {'/'.join(self.activations)}, {self.loss}, {self.init} init{l2}, "
            f"{self.dtype}, seed {self.seed}"
        )

    def param_shapes(self) -> dict[str, tuple[int, int]]:
        """Course layout, in order W1, b1, ...: ``W{l}`` (n[l], n[l-1]) and ``b{l}`` (n[l], 1)."""
        shapes: dict[str, tuple[int, int]] = {}
        for l, (n_prev, n) in enumerate(pairwise(self.sizes), start=1):
            shapes[f"W{l}"] = (n, n_prev)
            shapes[f"b{l}"] = (n, 1)
        return shapes

    def replace(self, **changes: Any) -> NetworkSpec:
        """A copy with some fields changed, validated again."""
        return NetworkSpec.from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_size": self.input_size,
            "layers": [layer.to_dict() for layer in self.layers],
            "init": self.init,
            "loss": self.loss,
            "l2": self.l2,
            "dtype": self.dtype,
            "seed": self.seed,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        """Build from the file format's dict, rejecting missing and unknown fields by name."""
        if not isinstance(data, dict):
            raise SpecError(f"spec: expected a mapping of fields, got {type(data).__name__}")
        known = {"input_size", "layers", "init", "loss", "l2", "dtype", "seed"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"spec: unknown field(s) {', '.join(map(repr, unknown))}")
        for required in ("input_size", "layers"):
            if required not in data:
                raise SpecError(f"spec: field {required!r} is missing")
        layers = data["layers"]
        if not isinstance(layers, list | tuple):
            raise SpecError(f"spec: 'layers' must be a list, got {type(layers).__name__}")
        built = []
        for i, entry in enumerate(layers, start=1):
            if not isinstance(entry, dict):
                raise SpecError(f"layer {i}: expected a mapping, got {type(entry).__name__}")
            extra = sorted(set(entry) - {"units", "activation", "negative_slope"})
            if extra:
                raise SpecError(f"layer {i}: unknown field(s) {', '.join(map(repr, extra))}")
            for required in ("units", "activation"):
                if required not in entry:
                    raise SpecError(f"layer {i}: field {required!r} is missing")
            built.append(Layer(**entry))
        return cls(**{**data, "layers": tuple(built)})

    @classmethod
    def from_json(cls, text: str) -> NetworkSpec:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise SpecError(f"spec: not valid JSON ({err})") from None
        return cls.from_dict(data)


def _validate(spec: NetworkSpec) -> None:
    if not is_int(spec.input_size) or spec.input_size < 1:
        raise SpecError(f"spec: input_size must be a positive integer, got {spec.input_size!r}")
    if not spec.layers:
        raise SpecError("spec: 'layers' is empty; a network needs at least an output layer")
    last = len(spec.layers)
    for i, layer in enumerate(spec.layers, start=1):
        where = f"layer {i}"
        if not isinstance(layer, Layer):
            raise SpecError(f"{where}: expected a Layer, got {type(layer).__name__}")
        if not is_int(layer.units) or layer.units < 1:
            raise SpecError(f"{where}: units must be a positive integer, got {layer.units!r}")
        _choice(where, "activation", layer.activation, ACTIVATIONS)
        if i < last and layer.activation not in HIDDEN_ACTIVATIONS:
            raise SpecError(
                f"{where}: activation {layer.activation!r} is only allowed on the output layer "
                f"(with loss 'cross_entropy'); hidden layers take {', '.join(HIDDEN_ACTIVATIONS)}"
            )
        slope = layer.negative_slope
        if not is_finite_real(slope) or slope < 0:
            raise SpecError(f"{where}: negative_slope must be a finite number >= 0, got {slope!r}")
    _choice("spec", "init", spec.init, INITS)
    _choice("spec", "loss", spec.loss, LOSSES)
    _choice("spec", "dtype", spec.dtype, DTYPES)
    if not is_finite_real(spec.l2) or spec.l2 < 0:
        raise SpecError(f"spec: l2 must be a finite number >= 0, got {spec.l2!r}")
    if not is_int(spec.seed) or spec.seed < 0:
        raise SpecError(f"spec: seed must be a non-negative integer, got {spec.seed!r}")
    activation, fits, wanted = LOSS_OUTPUT[spec.loss]
    out = spec.layers[-1]
    if out.activation != activation or not fits(out.units):
        raise SpecError(
            f"layer {last} (output): loss {spec.loss!r} needs a {activation} output layer with "
            f"{wanted}, got {out.units} {out.activation} unit(s)"
        )


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
