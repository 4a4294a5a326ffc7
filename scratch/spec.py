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
from scratch.rules import check_count, is_finite_real, plain_numbers

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
INITS = ("zeros", "small_random", "xavier", "he")
LOSSES = ("binary_cross_entropy", "cross_entropy", "mse")
DTYPES = ("float64", "float32")
DEFAULT_NEGATIVE_SLOPE = 0.01
DEFAULT_BATCH_NORM_MOMENTUM = 0.1  # torch's nn.BatchNorm1d default, in torch's sense
DEFAULT_BATCH_NORM_EPS = 1e-5  # torch's nn.BatchNorm1d default
# The batch-norm state that is not learned (buffers, in torch's word), keyed like the parameters.
BUFFERS = ("running_mean", "running_var")
LAYER_FIELDS = ("units", "activation", "negative_slope", "keep_prob", "batch_norm")
SPEC_FIELDS = (
    "input_size",
    "layers",
    "init",
    "loss",
    "l2",
    "dtype",
    "seed",
    "batch_norm_momentum",
    "batch_norm_eps",
)

# The output layer each loss requires: its activation, and a check on its number of units.
LOSS_OUTPUT = {
    "binary_cross_entropy": ("sigmoid", lambda n: n == 1, "exactly 1 unit"),
    "cross_entropy": ("softmax", lambda n: n >= 2, "at least 2 units"),
    "mse": ("identity", lambda n: n >= 1, "at least 1 unit"),
}


class SpecError(ValueError):
    """A layer spec that cannot describe a network; the message names the layer and field."""


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
        """One line naming every field: sizes, activations (a leaky ReLU's slope where it is
        not the default, ``leaky_relu(0.2)``), loss, init, L2, batch norm (its momentum and eps
        where not the defaults), dropout, dtype and seed."""
        l2 = f", l2 {self.l2}" if self.l2 else ""
        norms = [str(l) for l, layer in enumerate(self.layers, start=1) if layer.batch_norm]
        drops = [f"{l}: {x.keep_prob}" for l, x in enumerate(self.layers, start=1) if x.dropout]
        extras = f", batch norm on layer(s) {', '.join(norms)}" if norms else ""
        options = [
            f"{name} {value}"
            for name, value, default in (
                ("momentum", self.batch_norm_momentum, DEFAULT_BATCH_NORM_MOMENTUM),
                ("eps", self.batch_norm_eps, DEFAULT_BATCH_NORM_EPS),
            )
            if value != default
        ]
        extras += f" ({', '.join(options)})" if norms and options else ""
        extras += f", keep_prob {{{', '.join(drops)}}}" if drops else ""
        activations = "/".join(
            f"{x.activation}({x.negative_slope})"
            if x.negative_slope != DEFAULT_NEGATIVE_SLOPE
            else x.activation
            for x in self.layers
        )
        return (
            f"{list(self.sizes)} {activations}, {self.loss}, {self.init} init{l2}"
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


def spec_differences(a: NetworkSpec, b: NetworkSpec) -> list[tuple[str, Any, Any]]:
    """Where ``b`` differs from ``a``, as ``(field, a's value, b's value)`` in the file format's
    names: ``layers`` (the sizes ``n[0], ..., n[L]``), the spec's own fields (``loss``,
    ``dtype``, ...), then, for layers of the same sizes, ``layer l <field>``."""
    out: list[tuple[str, Any, Any]] = []
    if a.sizes != b.sizes:
        out.append(("layers", list(a.sizes), list(b.sizes)))
    out += [
        (name, getattr(a, name), getattr(b, name))
        for name in SPEC_FIELDS[2:]
        if getattr(a, name) != getattr(b, name)
    ]
    if a.sizes == b.sizes:
        for l, (mine, theirs) in enumerate(zip(a.layers, b.layers, strict=True), start=1):
            out += [
                (f"layer {l} {name}", getattr(mine, name), getattr(theirs, name))
                for name in LAYER_FIELDS[1:]
                if getattr(mine, name) != getattr(theirs, name)
            ]
    return out


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


# The rules a spec obeys, checked on construction: errors name the layer and the field.


def _choice(where: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {name} {value!r} is unknown; choose one of {', '.join(allowed)}")


def is_buffer(key: str) -> bool:
    """A key of the batch-norm state that is not learned: ``running_mean{l}``,
    ``running_var{l}``."""
    return key.startswith(BUFFERS)


def validate_spec(spec: NetworkSpec) -> None:
    """Raise ``SpecError`` naming the layer and field of the first thing ``spec`` gets wrong."""
    check_count("spec: input_size", spec.input_size, 1, SpecError)
    if not spec.layers:
        raise SpecError("spec: 'layers' is empty; a network needs at least an output layer")
    last = len(spec.layers)
    for i, layer in enumerate(spec.layers, start=1):
        where = f"layer {i}"
        if not isinstance(layer, Layer):
            raise SpecError(f"{where}: expected a Layer, got {type(layer).__name__}")
        check_count(f"{where}: units", layer.units, 1, SpecError)
        _choice(where, "activation", layer.activation, ACTIVATIONS)
        if i < last and layer.activation not in HIDDEN_ACTIVATIONS:
            raise SpecError(
                f"{where}: activation {layer.activation!r} is only allowed on the output layer "
                f"(with loss 'cross_entropy'); hidden layers take {', '.join(HIDDEN_ACTIVATIONS)}"
            )
        slope = layer.negative_slope
        if not is_finite_real(slope) or slope < 0:
            raise SpecError(f"{where}: negative_slope must be a finite number >= 0, got {slope!r}")
        if slope != DEFAULT_NEGATIVE_SLOPE and layer.activation != "leaky_relu":
            raise SpecError(_stray_slope(where, slope, layer.activation))
        _check_regularisation(where, layer, output=i == last)
    _choice("spec", "init", spec.init, INITS)
    _choice("spec", "loss", spec.loss, LOSSES)
    _choice("spec", "dtype", spec.dtype, DTYPES)
    if not is_finite_real(spec.l2) or spec.l2 < 0:
        raise SpecError(f"spec: l2 must be a finite number >= 0, got {spec.l2!r}")
    check_count("spec: seed", spec.seed, 0, SpecError)
    momentum, eps = spec.batch_norm_momentum, spec.batch_norm_eps
    if not is_finite_real(momentum) or not 0 <= momentum <= 1:
        raise SpecError(f"spec: batch_norm_momentum must be a number in [0, 1], got {momentum!r}")
    if not is_finite_real(eps) or eps <= 0:
        raise SpecError(f"spec: batch_norm_eps must be a finite number > 0, got {eps!r}")
    activation, fits, wanted = LOSS_OUTPUT[spec.loss]
    out = spec.layers[-1]
    if out.activation != activation or not fits(out.units):
        raise SpecError(
            f"layer {last} (output): loss {spec.loss!r} needs a {activation} output layer with "
            f"{wanted}, got {out.units} {out.activation} unit(s)"
        )


def _stray_slope(where: str, slope: Any, activation: Any) -> str:
    return (
        f"{where}: negative_slope {slope!r} is for leaky_relu layers only; this layer's "
        f"activation is {activation!r}, which would drop it"
    )


def _check_regularisation(where: str, layer: Layer, *, output: bool) -> None:
    keep = layer.keep_prob
    if not is_finite_real(keep) or not 0 < keep <= 1:
        raise SpecError(f"{where}: keep_prob must be a number in (0, 1] (1: none), got {keep!r}")
    if not isinstance(layer.batch_norm, bool):
        raise SpecError(f"{where}: batch_norm must be true or false, got {layer.batch_norm!r}")
    if output and layer.dropout:
        raise SpecError(
            f"{where} (output): keep_prob {keep} is for hidden layers only: dropping an output "
            "unit would zero its logit, a prediction the loss then scores as if it were made"
        )
    if output and layer.batch_norm:
        raise SpecError(
            f"{where} (output): batch_norm is for hidden layers only: normalising the logits over "
            "the batch would make each prediction depend on the other examples in it"
        )


def check_spec_dict(data: Any) -> list[dict[str, Any]]:
    """The checks of a spec file's dict before any field is read: a mapping of known fields,
    ``input_size`` and ``layers`` present, each layer a mapping of known fields with ``units``
    and ``activation``. Returns the layers' dicts."""
    _check_fields("spec", data, SPEC_FIELDS, ("input_size", "layers"))
    layers = data["layers"]
    if not isinstance(layers, list | tuple):
        raise SpecError(f"spec: 'layers' must be a list, got {type(layers).__name__}")
    for i, entry in enumerate(layers, start=1):
        _check_fields(f"layer {i}", entry, LAYER_FIELDS, ("units", "activation"))
        activation = entry["activation"]
        _choice(f"layer {i}", "activation", activation, ACTIVATIONS)
        if "negative_slope" in entry and activation != "leaky_relu":
            raise SpecError(_stray_slope(f"layer {i}", entry["negative_slope"], activation))
    return list(layers)


def _check_fields(where: str, entry: Any, known: tuple[str, ...], required: tuple[str, ...]):
    if not isinstance(entry, dict):
        what = "a mapping of fields" if where == "spec" else "a mapping"
        raise SpecError(f"{where}: expected {what}, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(known))
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    for name in required:
        if name not in entry:
            raise SpecError(f"{where}: field {name!r} is missing")
