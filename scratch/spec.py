"""No torch twin (both sides build from it): the layer spec, one description of a network.

A spec names the input (``input_size`` features, or the ``input_shape`` of images), each layer
(its kind, ``scratch.layer_kinds``: dense units and an activation, conv, pool, flatten), the
initialisation scheme, the loss (with its optional L2 strength), the dtype and the seed. It is
validated on construction, so a spec that exists is one both sides can build; errors name the
offending layer and field.

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

A convolutional network takes images, ``"input_shape": [n_H, n_W, n_C]`` in place of
``input_size``, and names the kind of each layer before its dense ones (``scratch.layer_kinds``;
``scratch/specs/shapes-conv.yaml`` is one)::

    {"input_shape": [16, 16, 3],
     "layers": [{"kind": "conv", "filters": 8, "f": 3, "stride": 1, "pad": 1,
                 "activation": "relu"},
                {"kind": "pool", "mode": "max", "f": 2, "stride": 2},
                {"kind": "flatten"},
                {"units": 6, "activation": "softmax"}],
     "init": "he", "loss": "cross_entropy", "l2": 0.0, "dtype": "float64", "seed": 0}

Every layer is numbered, the parameterless ones too: here ``W1``, ``b1`` are the conv layer's,
``A2`` the pool's output, ``A3`` the flattened vector and ``W4``, ``b4`` the dense layer's.

A recurrent network reads sequences, ``X`` (n_x, m, T_x): its first layer is an ``rnn`` or an
``lstm`` of ``units`` = n_a (``scratch.layer_kinds``), and its one other layer, the output
layer, applies at every time step (softmax over n_y classes, loss ``cross_entropy``), as the
course's cell computes ``y<t> = softmax(W_y a<t> + by)`` (``scratch/specs/names-lstm.yaml``)::

    {"input_size": 27,
     "layers": [{"kind": "lstm", "units": 50},
                {"units": 27, "activation": "softmax"}],
     "init": "small_random", "loss": "cross_entropy", "l2": 0.0, "dtype": "float64",
     "seed": 0, "clip": 5.0}

Its parameters carry the course's names (``Wf, bf, ..., Wy, by``; ``Wax, Waa, Wya, ba, by``),
and its cost is the cross-entropy summed over each sequence's steps and averaged over the m
sequences, ``J = -(1/m) sum_i sum_t log y<t>[Y<t>_i, i]``, the course's language-model loss
for m = 1 (``scratch.losses``). Sequences of different lengths are padded: a step whose label
is ``PAD`` (-1) has no loss (``scratch.validation.as_targets``).

``clip`` (any network; default none) clips every gradient before the update: ``"clip_by":
"value"`` (the default, the course's ``clip``: each entry into ``[-clip, clip]``) or
``"norm"`` (the gradients scaled by ``min(1, clip / (||g|| + 1e-6))``, ``||g||`` the norm of all
of them together: torch's ``clip_grad_norm_``) (``scratch.clipping``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from scratch.documents import parse_json
from scratch.layer_kinds import (
    ACTIVATIONS,
    DEFAULT_NEGATIVE_SLOPE,
    HIDDEN_ACTIVATIONS,
    INPUTS,
    Layer,
    LayerKind,
    Recurrent,
    Shape,
    SpecError,
    check_fields,
    layer_from_dict,
    recurrent_shapes,
)
from scratch.rules import check_count, is_finite_real, plain_numbers

# Read from here by both sides since before the layer kinds had a module of their own.
__all__ = ["ACTIVATIONS", "DEFAULT_NEGATIVE_SLOPE", "HIDDEN_ACTIVATIONS", "Layer", "SpecError"]
__all__ += ["LOSS_OUTPUT", "NetworkSpec", "build_spec", "is_buffer", "validate_spec"]

INITS = ("zeros", "small_random", "xavier", "he")
LOSSES = ("binary_cross_entropy", "cross_entropy", "mse")
DTYPES = ("float64", "float32")
CLIP_BY = ("value", "norm")  # scratch.clipping: the course's entry by entry, or torch's norm
DEFAULT_BATCH_NORM_MOMENTUM = 0.1  # torch's nn.BatchNorm1d default, in torch's sense
DEFAULT_BATCH_NORM_EPS = 1e-5  # torch's nn.BatchNorm1d default
# The batch-norm state that is not learned (buffers, in torch's word), keyed like the parameters.
BUFFERS = ("running_mean", "running_var")
SPEC_FIELDS = (
    "input_size",
    "input_shape",
    "layers",
    "init",
    "loss",
    "l2",
    "dtype",
    "seed",
    "batch_norm_momentum",
    "batch_norm_eps",
    "clip",
    "clip_by",
)

# The output layer each loss requires: its activation, and a check on its number of units.
LOSS_OUTPUT = {
    "binary_cross_entropy": ("sigmoid", lambda n: n == 1, "exactly 1 unit"),
    "cross_entropy": ("softmax", lambda n: n >= 2, "at least 2 units"),
    "mse": ("identity", lambda n: n >= 1, "at least 1 unit"),
}


@dataclass(frozen=True)
class NetworkSpec:
    """A validated network description: ``n[0] = input_size`` and ``n[l] = layers[l-1].units``.

    ``layers`` holds the L layers after the input (hidden layers, then the output layer), so
    ``len(layers)`` is the course's L and a spec with one layer is logistic regression. A
    convolutional network gives ``input_shape`` (n_H, n_W, n_C) in place of ``input_size``, and
    its layers start with conv, pool and flatten layers (``scratch.layer_kinds``); its output
    layer, like every network's, is dense.
    """

    input_size: int | None = None
    layers: tuple[LayerKind, ...] = ()
    init: str = "small_random"
    loss: str = "binary_cross_entropy"
    l2: float = 0.0
    dtype: str = "float64"
    seed: int = 0
    batch_norm_momentum: float = DEFAULT_BATCH_NORM_MOMENTUM
    batch_norm_eps: float = DEFAULT_BATCH_NORM_EPS
    input_shape: tuple[int, int, int] | None = None
    clip: float | None = None
    clip_by: str = "value"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if isinstance(self.input_shape, list | tuple):
            object.__setattr__(self, "input_shape", tuple(self.input_shape))
        validate_spec(self)
        plain = ("input_size", "seed", "l2", "batch_norm_momentum", "batch_norm_eps", "clip")
        plain_numbers(self, plain)
        if self.input_shape is not None:
            object.__setattr__(self, "input_shape", tuple(int(n) for n in self.input_shape))

    @property
    def L(self) -> int:
        return len(self.layers)

    @cached_property
    def shapes(self) -> tuple[Shape, ...]:
        """One example's shape at the input and after every layer: ``(n[0],), (n[1],), ...``
        for a dense network; images ``(n_H, n_W, n_C)`` up to the flatten in a convolutional
        one."""
        return layer_shapes(self)

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(n[0], n[1], ..., n[L])``: the entries of one example at the input and after every
        layer (an image's n_H n_W n_C)."""
        return tuple(math.prod(shape) for shape in self.shapes)

    @property
    def images(self) -> bool:
        """Whether the network takes images, ``X`` (m, n_H, n_W, n_C)."""
        return self.input_shape is not None

    @property
    def sequences(self) -> bool:
        """Whether the network reads sequences, ``X`` (n_x, m, T_x): its first layer is an
        ``rnn`` or an ``lstm``, and its output layer applies at every time step."""
        return isinstance(self.layers[0], Recurrent)

    @property
    def cell(self) -> str | None:
        """The recurrent layer's kind, ``"rnn"`` or ``"lstm"``; ``None`` for other networks."""
        return self.layers[0].kind if self.sequences else None

    @property
    def activations(self) -> tuple[str | None, ...]:
        """Each layer's activation (``None`` for a pool or flatten layer, which has none)."""
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
        """One line naming every field: sizes (or each layer and its output's shape),
        activations (a leaky ReLU's slope where it is not the default, ``leaky_relu(0.2)``), loss,
        init, L2, batch norm (its momentum and eps where not the defaults), dropout, dtype and
        seed."""
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
        if self.clip is not None:
            extras += f", clip {self.clip:g} by {self.clip_by}"
        if self.sequences:
            recurrent, output = self.layers
            network = (
                f"sequences of {self.input_size} -> {recurrent.describe()} -> "
                f"{output.describe()} at every step"
            )
            loss = f"{self.loss} summed over time"
            return f"{network}, {loss}, {self.init} init{extras}, {self.dtype}, seed {self.seed}"
        if self.images:
            steps = (
                layer.describe() + ("" if isinstance(layer, Layer) else f" {_shown(shape)}")
                for layer, shape in zip(self.layers, self.shapes[1:], strict=True)
            )
            network = " -> ".join((_shown(self.shapes[0]), *steps))
        else:
            activations = "/".join(
                f"{x.activation}({x.negative_slope})"
                if x.negative_slope != DEFAULT_NEGATIVE_SLOPE
                else x.activation
                for x in self.layers
            )
            network = f"{list(self.sizes)} {activations}"
        return (
            f"{network}, {self.loss}, {self.init} init{l2}{extras}, {self.dtype}, seed {self.seed}"
        )

    def param_shapes(self) -> dict[str, Shape]:
        """The learned parameters in course layout, in order W1, b1, ...: ``W{l}`` (n[l],
        n[l-1]) and ``b{l}`` (n[l], 1); a batch-norm layer has ``gamma{l}``, ``beta{l}`` (n[l],
        1) in place of ``b{l}``; a conv layer ``W{l}`` (f, f, n_C_prev, n_C) and ``b{l}`` (1, 1,
        1, n_C); pool and flatten layers none. A recurrent network's are the course's, in its
        order (``Wax, Waa, Wya, ba, by``; ``Wf, bf, ..., Wo, bo, Wy, by``)."""
        if self.sequences:
            n_x, n_a, n_y = self.sizes
            return {key: s for key, (s, _) in recurrent_shapes(self.cell, n_x, n_a, n_y).items()}
        shapes: dict[str, Shape] = {}
        for l, (shape, layer) in enumerate(zip(self.shapes, self.layers, strict=False), 1):
            shapes |= layer.param_shapes(l, shape)
        return shapes

    def parameter_layer(self, key: str) -> int:
        """The layer (1..L) that holds parameter ``key`` (``W3``: 3; ``Wf``: 1; ``Wy``: 2)."""
        if self.sequences:
            if key not in self.param_shapes():
                raise KeyError(key)
            return 1 if key in self.layers[0].param_shapes(1, self.shapes[0]) else 2
        numbered = re.fullmatch(r"\D+(\d+)", key)
        if numbered is None:
            raise KeyError(key)
        return int(numbered[1])

    def fans(self, key: str) -> tuple[int, int]:
        """``(fan_in, fan_out)`` of the weight ``key``, by its layer (``LayerKind.weight_fans``)."""
        l = self.parameter_layer(key)
        return self.layers[l - 1].weight_fans(self.shapes[l - 1], self.param_shapes()[key])

    def layout(self, key: str) -> str:
        """Parameter ``key``'s layout in course notation (``(n[2], n[1])``, ``(n_a, n_x)``)."""
        l = self.parameter_layer(key)
        if self.sequences:
            n_x, n_a, n_y = self.sizes
            return recurrent_shapes(self.cell, n_x, n_a, n_y)[key][1]
        return self.layers[l - 1].layout(key.rstrip("0123456789"), l)

    def buffer_shapes(self) -> dict[str, Shape]:
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
        """A copy with the hidden dense layers' ``keep_prob`` and ``batch_norm`` set: one value
        for every hidden dense layer, or one per hidden dense layer; ``None`` leaves the field
        as it is. A convolutional network's conv, pool and flatten layers take neither."""
        hidden = [l for l, layer in enumerate(self.layers[:-1]) if isinstance(layer, Layer)]
        changes: list[dict[str, Any]] = [{} for _ in hidden]
        for name, value in (("keep_prob", keep_prob), ("batch_norm", batch_norm)):
            if value is None:
                continue
            if self.images and not hidden:
                raise SpecError(
                    f"spec: {name} is for the hidden dense layers (conv layers take none), and "
                    "this network has none between its flatten and its output layer"
                )
            if self.sequences:
                raise SpecError(
                    f"spec: {name} is for hidden dense layers, and a recurrent network has none "
                    f"(its {self.cell} layer takes neither)"
                )
            values = list(value) if isinstance(value, list | tuple) else [value] * len(hidden)
            if len(values) != len(hidden):
                raise SpecError(
                    f"spec: {name} gives {len(values)} value(s) for {len(hidden)} hidden "
                    "layer(s); give one for all or one per hidden layer"
                )
            for change, item in zip(changes, values, strict=True):
                change[name] = item
        layers = list(self.layers)
        for l, change in zip(hidden, changes, strict=True):
            layers[l] = replace(layers[l], **change)
        return replace(self, layers=tuple(layers))

    def replace(self, **changes: Any) -> NetworkSpec:
        """A copy with some fields changed, validated again."""
        return NetworkSpec.from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """The file format's dict; the batch-norm settings and the clipping only where they are
        not the defaults, so a spec without them writes exactly what it did before they
        existed."""
        shown = {"input_shape": list(self.input_shape)} if self.images else {}
        out = {
            **(shown or {"input_size": self.input_size}),
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
        if self.clip is not None:
            out["clip"] = self.clip
        if self.clip_by != "value":
            out["clip_by"] = self.clip_by
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        """Build from the file format's dict, rejecting missing and unknown fields by name."""
        layers = check_spec_dict(data)
        return cls(**{**data, "layers": layers})

    @classmethod
    def from_json(cls, text: str) -> NetworkSpec:
        try:
            data = parse_json(text, "spec", "a spec")
        except ValueError as err:
            raise SpecError(str(err)) from None
        return cls.from_dict(data)


def spec_differences(a: NetworkSpec, b: NetworkSpec) -> list[tuple[str, Any, Any]]:
    """Where ``b`` differs from ``a``, as ``(field, a's value, b's value)`` in the file format's
    names: ``layers`` (the sizes ``n[0], ..., n[L]``, or the kinds of layer), the spec's own
    fields (``loss``, ``dtype``, ...), then, for layers of the same kinds and sizes,
    ``layer l <field>``."""
    kinds = [layer.kind for layer in a.layers] == [layer.kind for layer in b.layers]
    same = kinds and a.sizes == b.sizes
    out: list[tuple[str, Any, Any]] = [] if same else [("layers", list(a.sizes), list(b.sizes))]
    out += [
        (name, getattr(a, name), getattr(b, name))
        for name in SPEC_FIELDS
        if name not in ("input_size", "input_shape", "layers")
        and getattr(a, name) != getattr(b, name)
    ]
    if same:
        for l, (mine, theirs) in enumerate(zip(a.layers, b.layers, strict=True), start=1):
            out += [
                (f"layer {l} {name}", getattr(mine, name), getattr(theirs, name))
                for name in type(mine).FIELDS
                if name != "units" and getattr(mine, name) != getattr(theirs, name)
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


def _shown(shape: Shape) -> str:
    return "x".join(map(str, shape))


# The rules a spec obeys, checked on construction: errors name the layer and the field.


def _choice(where: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {name} {value!r} is unknown; choose one of {', '.join(allowed)}")


def is_buffer(key: str) -> bool:
    """A key of the batch-norm state that is not learned: ``running_mean{l}``,
    ``running_var{l}``."""
    return key.startswith(BUFFERS)


def _input(spec: NetworkSpec) -> Shape:
    """One example's shape at the input, ``(input_size,)`` or ``input_shape``, checked: one of
    the two given (without ``input_shape``, ``input_size``), every entry a positive integer."""
    if spec.input_size is not None and spec.input_shape is not None:
        raise SpecError(
            "spec: give input_size (features of a vector input) or input_shape [n_H, n_W, n_C] "
            "(images), not both"
        )
    if spec.input_shape is None:
        return (check_count("spec: input_size", spec.input_size, 1, SpecError),)
    shape = spec.input_shape
    if not isinstance(shape, tuple) or len(shape) != 3:
        raise SpecError(f"spec: input_shape must be [n_H, n_W, n_C], three sizes, got {shape!r}")
    for name, n in zip(("n_H", "n_W", "n_C"), shape, strict=True):
        check_count(f"spec: input_shape {list(shape)}: {name}", n, 1, SpecError)
    return shape


def layer_shapes(spec: NetworkSpec) -> tuple[Shape, ...]:
    """The input's shape and each layer's output's, each layer given the rank of shape it
    takes (``LayerKind.TAKES``); a window that does not tile its input is refused there."""
    shapes = [_input(spec)]
    source = "the spec's input"
    for l, layer in enumerate(spec.layers, start=1):
        shape, where = shapes[-1], layer.where(l)
        if len(shape) != layer.TAKES:
            raise SpecError(f"{where}: {_mismatch(layer, shape, source)}")
        shapes.append(layer.output_shape(shape, where))
        source = f"layer {l} ({layer.kind})"
    return tuple(shapes)


def _mismatch(layer: LayerKind, shape: Shape, source: str) -> str:
    wanted = INPUTS[layer.TAKES]
    given = f"images {_shown(shape)}" if len(shape) == 3 else f"vectors of {shape[0]} entries"
    if layer.TAKES == 1:
        hint = "put a flatten before the first dense layer"
    elif source == "the spec's input":
        hint = "give the spec an input_shape [n_H, n_W, n_C] in place of its input_size"
    else:
        hint = "conv and pool layers come before the flatten"
    return f"takes {wanted}, but {source} gives {given}; {hint}"


def _check_recurrent(spec: NetworkSpec) -> None:
    """A recurrent layer is the network's first and is followed by its output layer alone
    (applied at every step, a softmax with loss ``cross_entropy``); it reads sequences of
    vectors (``input_size``), and the network has no L2 term."""
    for l, layer in enumerate(spec.layers, start=1):
        if isinstance(layer, Recurrent) and l > 1:
            raise SpecError(
                f"{layer.where(l)}: a recurrent layer must be the first layer (it reads the input "
                "sequence); one recurrent layer and its output layer are built"
            )
    first = spec.layers[0]
    if not isinstance(first, Recurrent):
        return
    where = first.where(1)
    if spec.input_shape is not None:
        raise SpecError(
            f"{where}: reads sequences of vectors, not images; give the spec an input_size "
            "(the features of one time step) in place of its input_shape"
        )
    if len(spec.layers) != 2:
        more = "no output layer" if len(spec.layers) == 1 else f"{len(spec.layers) - 1} layers"
        raise SpecError(
            f"{where}: a recurrent network is its {first.kind} layer and the output layer it "
            f"feeds at every time step; this spec gives it {more} after it"
        )
    if spec.loss != "cross_entropy":
        raise SpecError(
            f"spec: loss {spec.loss!r}: a recurrent network's cost is the course's, the "
            "cross-entropy of a softmax output summed over time; give loss 'cross_entropy'"
        )
    if spec.l2:
        raise SpecError(
            f"spec: l2 {spec.l2}: an L2 term is not built for recurrent networks (the course's "
            "language model has none); give l2 0"
        )


def validate_spec(spec: NetworkSpec) -> None:
    """Raise ``SpecError`` naming the layer and field of the first thing ``spec`` gets wrong."""
    if not spec.layers:
        raise SpecError("spec: 'layers' is empty; a network needs at least an output layer")
    for i, layer in enumerate(spec.layers, start=1):
        if not isinstance(layer, LayerKind):
            raise SpecError(
                f"layer {i}: expected a Layer (or a Conv, Pool, Flatten, Rnn, Lstm), got "
                f"{type(layer).__name__}"
            )
    _choice("spec", "loss", spec.loss, LOSSES)
    _check_recurrent(spec)
    _input(spec)
    last = len(spec.layers)
    for i, layer in enumerate(spec.layers, start=1):
        layer.check(layer.where(i), output=i == last)
    out = spec.layers[-1]
    if not isinstance(out, Layer):
        raise SpecError(
            f"layer {last} (output): the output layer must be dense (the loss takes a vector of "
            f"n[L] logits per example), got a {out.kind} layer"
        )
    layer_shapes(spec)
    _choice("spec", "init", spec.init, INITS)
    _choice("spec", "dtype", spec.dtype, DTYPES)
    _check_clip(spec)
    if not is_finite_real(spec.l2) or spec.l2 < 0:
        raise SpecError(f"spec: l2 must be a finite number >= 0, got {spec.l2!r}")
    check_count("spec: seed", spec.seed, 0, SpecError)
    momentum, eps = spec.batch_norm_momentum, spec.batch_norm_eps
    if not is_finite_real(momentum) or not 0 <= momentum <= 1:
        raise SpecError(f"spec: batch_norm_momentum must be a number in [0, 1], got {momentum!r}")
    if not is_finite_real(eps) or eps <= 0:
        raise SpecError(f"spec: batch_norm_eps must be a finite number > 0, got {eps!r}")
    activation, fits, wanted = LOSS_OUTPUT[spec.loss]
    if out.activation != activation or not fits(out.units):
        raise SpecError(
            f"layer {last} (output): loss {spec.loss!r} needs a {activation} output layer with "
            f"{wanted}, got {out.units} {out.activation} unit(s)"
        )


def _check_clip(spec: NetworkSpec) -> None:
    """``clip`` a positive finite number or none, ``clip_by`` one of ``CLIP_BY``, and not given
    without ``clip`` (it would do nothing)."""
    _choice("spec", "clip_by", spec.clip_by, CLIP_BY)
    if spec.clip is None:
        if spec.clip_by != "value":
            raise SpecError(
                f"spec: clip_by {spec.clip_by!r} does nothing without clip (the bound); give "
                "clip, or leave clip_by out"
            )
        return
    if not is_finite_real(spec.clip) or spec.clip <= 0:
        raise SpecError(f"spec: clip must be a positive finite number (or none), got {spec.clip!r}")


def check_spec_dict(data: Any) -> tuple[LayerKind, ...]:
    """The checks of a spec file's dict before any field is read: a mapping of known fields,
    ``layers`` present and ``input_size`` (or ``input_shape``), each layer a mapping of its
    kind's known fields (``scratch.layer_kinds.layer_from_dict``). Returns the layers."""
    required = ("input_shape",) if isinstance(data, dict) and "input_shape" in data else ()
    check_fields("spec", data, SPEC_FIELDS, (*(required or ("input_size",)), "layers"))
    layers = data["layers"]
    if not isinstance(layers, list | tuple):
        raise SpecError(f"spec: 'layers' must be a list, got {type(layers).__name__}")
    return tuple(layer_from_dict(i, entry) for i, entry in enumerate(layers, start=1))
