"""No torch twin (both sides build from it): the kinds of layer a spec names, one table entry per
kind (``LAYER_KINDS``): ``dense`` (``Layer``: units and an activation, with dropout and batch
norm), ``conv``, ``pool``, ``flatten``, and the recurrent ``rnn`` and ``lstm``. Each kind checks
its own fields and gives the shape of its output from the shape of its input, and the shapes of
its parameters, with errors that name the layer and the field. ``scratch.spec`` chains them into
a network; each side has its own table of how a kind computes (``scratch.network.LAYER_STEPS``,
``torch_impl.network.LAYER_MODULES``).

A shape is per example: a vector ``(n,)`` or an image ``(n_H, n_W, n_C)``. Dense layers take
vectors; conv and pool layers take images and give images, ``n_out = (n + 2 pad - f) / stride
+ 1`` along each axis, which a spec requires to be a whole number: the windows tile the padded
input, so no row or column is in no window (the layers themselves floor, as the course and torch
do, and such a row would get no gradient). Flatten takes an image and gives the vector of its
n_H n_W n_C entries, in the course's (h, w, c) order. A spec file's entry names its kind; an
entry without one is dense, so files written before the other kinds existed read as they did::

    {"kind": "conv", "filters": 8, "f": 3, "stride": 1, "pad": 1, "activation": "relu"}
    {"kind": "pool", "mode": "max", "f": 2, "stride": 2}
    {"kind": "flatten"}
    {"units": 6, "activation": "softmax"}

Conv layers take no dropout and no batch norm (neither is built for them); the pool layer has no
padding, as the course's has none.

A recurrent layer reads a sequence of vectors, one per time step, and gives its hidden state
``a<t>`` (n_a = ``units``) at every step; its shapes are those of one step, ``(n_x,)`` in and
``(n_a,)`` out, and ``scratch.spec`` keeps it first, followed by the output layer alone, which
then applies at every step::

    {"kind": "lstm", "units": 50}
    {"kind": "rnn", "units": 50, "activation": "tanh"}

Its parameters carry the course's names, not a layer number (``RECURRENT_PARAMETERS``): the
RNN's ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``ba`` (n_a, 1); the LSTM's ``Wf``, ``Wi``,
``Wc``, ``Wo`` (n_a, n_a + n_x) over ``[a_prev; x_t]`` and ``bf``, ``bi``, ``bc``, ``bo``
(n_a, 1); and the output layer's ``Wya`` (RNN) or ``Wy`` (LSTM) (n_y, n_a) and ``by`` (n_y, 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from scratch.conv_shapes import POOL_MODES
from scratch.rules import check_count, is_finite_real, plain_numbers

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
DEFAULT_NEGATIVE_SLOPE = 0.01
Shape = tuple[int, ...]
# What a kind takes per example, in words, by the rank of its input's shape.
INPUTS = {1: "a vector per example", 3: "images (n_H, n_W, n_C)"}
# The course's recurrent parameters, in the course's order (its ``initialize_parameters`` draws
# the weights in this order), the output layer's weight of each cell, and the LSTM's gates.
RECURRENT_PARAMETERS = {
    "rnn": ("Wax", "Waa", "Wya", "ba", "by"),
    "lstm": ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"),
}
OUTPUT_WEIGHT = {"rnn": "Wya", "lstm": "Wy"}  # the output layer's weight: yt = softmax(W a + by)
GATES = ("f", "i", "c", "o")  # the course's order: forget, update, candidate (c tilde), output


class SpecError(ValueError):
    """A layer spec that cannot describe a network; the message names the layer and field."""


class LayerKind:
    """What every kind of layer says about itself: its name in a spec file (``kind``), the
    fields of its entry (``FIELDS``, ``REQUIRED``), the rank of the shape it takes (``TAKES``),
    and the checks, shapes and dict of ``check``, ``output_shape``, ``param_shapes``,
    ``product_shape`` and ``to_dict``. Only dense layers drop units or normalise."""

    kind: ClassVar[str]
    FIELDS: ClassVar[tuple[str, ...]]
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    # Fields of other kinds that an entry of this kind refuses by name, and why.
    REFUSED: ClassVar[dict[str, str]] = {}
    TAKES: ClassVar[int]
    activation: str | None = None
    dropout = False
    batch_norm = False

    @classmethod
    def where(cls, l: int) -> str:
        """How errors name layer l of this kind: ``layer 3 (conv)``."""
        return f"layer {l} ({cls.kind})"

    @classmethod
    def check_entry(cls, where: str, entry: dict[str, Any]) -> None:
        """The checks of a spec file's entry that its fields alone cannot make (a field that
        another kind takes, named for what it is)."""

    def check(self, where: str, *, output: bool) -> None:
        """Raise ``SpecError`` naming ``where`` and the field of the first thing it gets wrong."""

    def output_shape(self, shape: Shape, where: str) -> Shape:
        """The shape of one example's output, from its input's (of rank ``TAKES``)."""
        raise NotImplementedError

    def param_shapes(self, l: int, shape: Shape) -> dict[str, Shape]:
        """Its learned parameters in course layout, keyed by name and layer number."""
        return {}

    def product_shape(self, shape: Shape) -> tuple[int, int, int] | None:
        """Its forward product for one example whose input has ``shape``, written as one
        matrix product ``(positions, n_in) @ (n_in, n_out)``: ``(positions, n_in, n_out)``,
        whose product is the example's multiply-adds; ``None`` where it has no product."""
        return None

    def layout(self, name: str, l: int) -> str:
        """Parameter ``name``'s layout in course notation, for error messages."""
        return ""

    def weight_fans(self, shape: Shape, weight: Shape) -> tuple[int, int]:
        """``(fan_in, fan_out)`` of a weight of shape ``weight`` in this layer, whose input has
        ``shape``: the layer's ``fans`` (dense and conv layers have one weight)."""
        return self.fans(shape)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def describe(self) -> str:
        return self.kind


def _choice(where: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {name} {value!r} is unknown; choose one of {', '.join(allowed)}")


def _stray_slope(where: str, slope: Any, activation: Any) -> str:
    return (
        f"{where}: negative_slope {slope!r} is for leaky_relu layers only; this layer's "
        f"activation is {activation!r}, which would drop it"
    )


def _check_activation(where: str, activation: Any, slope: Any, *, hidden: bool, kind: str) -> None:
    """An activation of ``ACTIVATIONS`` (softmax on an output layer only) and its slope."""
    _choice(where, "activation", activation, ACTIVATIONS)
    if hidden and activation not in HIDDEN_ACTIVATIONS:
        takes = "hidden layers" if kind == "dense" else f"{kind} layers"
        raise SpecError(
            f"{where}: activation {activation!r} is only allowed on the output layer "
            f"(with loss 'cross_entropy'); {takes} take {', '.join(HIDDEN_ACTIVATIONS)}"
        )
    if not is_finite_real(slope) or slope < 0:
        raise SpecError(f"{where}: negative_slope must be a finite number >= 0, got {slope!r}")
    if slope != DEFAULT_NEGATIVE_SLOPE and activation != "leaky_relu":
        raise SpecError(_stray_slope(where, slope, activation))


def _check_activation_entry(where: str, entry: dict[str, Any]) -> None:
    activation = entry["activation"]
    _choice(where, "activation", activation, ACTIVATIONS)
    if "negative_slope" in entry and activation != "leaky_relu":
        raise SpecError(_stray_slope(where, entry["negative_slope"], activation))


@dataclass(frozen=True)
class Layer(LayerKind):
    """A dense layer of ``units`` neurons and its ``activation`` (elementwise; softmax per
    column); a hidden layer may add inverted dropout (``keep_prob < 1``) and batch norm."""

    kind: ClassVar[str] = "dense"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "units",
        "activation",
        "negative_slope",
        "keep_prob",
        "batch_norm",
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("units", "activation")
    TAKES: ClassVar[int] = 1

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

    @classmethod
    def where(cls, l: int) -> str:
        return f"layer {l}"

    @classmethod
    def check_entry(cls, where: str, entry: dict[str, Any]) -> None:
        _check_activation_entry(where, entry)

    def check(self, where: str, *, output: bool) -> None:
        check_count(f"{where}: units", self.units, 1, SpecError)
        slope = self.negative_slope
        _check_activation(where, self.activation, slope, hidden=not output, kind=self.kind)
        keep = self.keep_prob
        if not is_finite_real(keep) or not 0 < keep <= 1:
            raise SpecError(
                f"{where}: keep_prob must be a number in (0, 1] (1: none), got {keep!r}"
            )
        if not isinstance(self.batch_norm, bool):
            raise SpecError(f"{where}: batch_norm must be true or false, got {self.batch_norm!r}")
        if output and self.dropout:
            raise SpecError(
                f"{where} (output): keep_prob {keep} is for hidden layers only: dropping an output "
                "unit would zero its logit, a prediction the loss then scores as if it were made"
            )
        if output and self.batch_norm:
            raise SpecError(
                f"{where} (output): batch_norm is for hidden layers only: normalising the logits "
                "over the batch would make each prediction depend on the other examples in it"
            )

    def output_shape(self, shape: Shape, where: str) -> Shape:
        return (self.units,)

    def param_shapes(self, l: int, shape: Shape) -> dict[str, Shape]:
        """``W{l}`` (n[l], n[l-1]) and ``b{l}`` (n[l], 1), or ``gamma{l}``, ``beta{l}`` (n[l],
        1) in place of ``b{l}`` with batch norm."""
        shapes = {f"W{l}": (self.units, shape[0])}
        for name in ("gamma", "beta") if self.batch_norm else ("b",):
            shapes[f"{name}{l}"] = (self.units, 1)
        return shapes

    def fans(self, shape: Shape) -> tuple[int, int]:
        """``(fan_in, fan_out)`` of ``W``: n[l-1] and n[l]."""
        return shape[0], self.units

    def product_shape(self, shape: Shape) -> tuple[int, int, int]:
        """``W[l] a[l-1]`` for one example's column: ``(1, n[l-1], n[l])``."""
        return 1, shape[0], self.units

    def layout(self, name: str, l: int) -> str:
        return f"(n[{l}], n[{l - 1}])" if name == "W" else f"(n[{l}], 1)"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"units": self.units, "activation": self.activation}
        if self.activation == "leaky_relu":
            out["negative_slope"] = self.negative_slope
        if self.dropout:
            out["keep_prob"] = self.keep_prob
        if self.batch_norm:
            out["batch_norm"] = True
        return out

    def describe(self) -> str:
        return f"dense {self.units} {self.activation}"


def _positions(where: str, axis: str, n: int, f: int, stride: int, pad: int) -> int:
    """Window positions along one axis, ``(n + 2 pad - f) / stride + 1``, refused unless the
    window fits the padded input and the windows tile it."""
    padded = n + 2 * pad
    if f > padded:
        fits = f"{n} + 2 * {pad} = {padded}" if pad else f"{n}"
        raise SpecError(f"{where}: the window f = {f} is larger than its input's {axis} = {fits}")
    if (padded - f) % stride:
        left = (padded - f) % stride
        raise SpecError(
            f"{where}: stride {stride} does not tile its input's {axis}: (n + 2 pad - f) / stride "
            f"= ({n} + 2 * {pad} - {f}) / {stride} is not a whole number, so its last {left} "
            f"row(s) would be in no window (floor(...) + 1 leaves them out, in the course and in "
            "torch); choose f, stride and pad so that the windows tile the padded input"
        )
    return (padded - f) // stride + 1


@dataclass(frozen=True)
class Conv(LayerKind):
    """A convolution layer of ``filters`` (n_C) filters of ``f`` x ``f``, moved by ``stride``
    over its input zero-padded by ``pad``, then its ``activation`` (elementwise): ``Z = conv(A_prev,
    W) + b``, ``A = g(Z)``, with ``W`` (f, f, n_C_prev, n_C) and ``b`` (1, 1, 1, n_C)."""

    kind: ClassVar[str] = "conv"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "filters",
        "f",
        "stride",
        "pad",
        "activation",
        "negative_slope",
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ("filters", "f", "activation")
    REFUSED: ClassVar[dict[str, str]] = {
        "keep_prob": "dropout is built for dense layers only, not for conv layers",
        "batch_norm": "batch norm is built for dense layers only, not for conv layers",
    }
    TAKES: ClassVar[int] = 3

    filters: int
    f: int
    activation: str
    stride: int = 1
    pad: int = 0
    negative_slope: float = DEFAULT_NEGATIVE_SLOPE

    def __post_init__(self) -> None:
        plain_numbers(self, ("filters", "f", "stride", "pad", "negative_slope"))

    @property
    def hparameters(self) -> dict[str, int]:
        """The course's ``{"stride": s, "pad": p}``."""
        return {"stride": self.stride, "pad": self.pad}

    @classmethod
    def check_entry(cls, where: str, entry: dict[str, Any]) -> None:
        _check_activation_entry(where, entry)

    def check(self, where: str, *, output: bool) -> None:
        check_count(f"{where}: filters", self.filters, 1, SpecError)
        check_count(f"{where}: f", self.f, 1, SpecError)
        check_count(f"{where}: stride", self.stride, 1, SpecError)
        check_count(f"{where}: pad", self.pad, 0, SpecError)
        _check_activation(where, self.activation, self.negative_slope, hidden=True, kind=self.kind)

    def output_shape(self, shape: Shape, where: str) -> Shape:
        n_H, n_W, _ = shape
        along = (
            _positions(where, axis, n, self.f, self.stride, self.pad)
            for axis, n in (("n_H", n_H), ("n_W", n_W))
        )
        return (*along, self.filters)

    def param_shapes(self, l: int, shape: Shape) -> dict[str, Shape]:
        """``W{l}`` (f, f, n_C_prev, n_C) and ``b{l}`` (1, 1, 1, n_C)."""
        return {f"W{l}": (self.f, self.f, shape[2], self.filters), f"b{l}": (1, 1, 1, self.filters)}

    def fans(self, shape: Shape) -> tuple[int, int]:
        """``(fan_in, fan_out)`` of ``W``: f f n_C_prev and f f n_C, the inputs of one output
        entry and the outputs of one input entry (torch's counts for ``nn.Conv2d`` too)."""
        return self.f * self.f * shape[2], self.f * self.f * self.filters

    def product_shape(self, shape: Shape) -> tuple[int, int, int]:
        """Every window times the filters, im2col: ``(n_H n_W, f f n_C_prev, n_C)``, the
        example's n_H n_W windows of f f n_C_prev entries each as a row, ``W`` as f f n_C_prev
        rows of n_C (``scratch.convolution.conv_forward``'s product)."""
        n_H, n_W, n_C = self.output_shape(shape, self.where(0))
        return n_H * n_W, self.f * self.f * shape[2], n_C

    def layout(self, name: str, l: int) -> str:
        return "(f, f, n_C_prev, n_C)" if name == "W" else "(1, 1, 1, n_C)"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "filters": self.filters, "f": self.f}
        out |= {"stride": self.stride, "pad": self.pad, "activation": self.activation}
        if self.activation == "leaky_relu":
            out["negative_slope"] = self.negative_slope
        return out

    def describe(self) -> str:
        stride = f"/{self.stride}" if self.stride != 1 else ""
        pad = f" pad {self.pad}" if self.pad else ""
        return f"conv {self.filters}@{self.f}x{self.f}{stride}{pad} {self.activation}"


@dataclass(frozen=True)
class Pool(LayerKind):
    """A pooling layer: the max (``mode`` ``"max"``) or mean (``"average"``) of each ``f`` x
    ``f`` window, moved by ``stride`` (default ``f``: windows side by side, torch's default);
    no padding and no parameters."""

    kind: ClassVar[str] = "pool"
    FIELDS: ClassVar[tuple[str, ...]] = ("mode", "f", "stride")
    REQUIRED: ClassVar[tuple[str, ...]] = ("f",)
    REFUSED: ClassVar[dict[str, str]] = {
        "pad": "a pool layer has no padding (the course's has none)"
    }
    TAKES: ClassVar[int] = 3

    f: int
    stride: int | None = None
    mode: str = "max"

    def __post_init__(self) -> None:
        if self.stride is None:
            object.__setattr__(self, "stride", self.f)
        plain_numbers(self, ("f", "stride"))

    @property
    def hparameters(self) -> dict[str, int]:
        """The course's ``{"f": f, "stride": s}``."""
        return {"f": self.f, "stride": self.stride}

    def check(self, where: str, *, output: bool) -> None:
        _choice(where, "mode", self.mode, POOL_MODES)
        check_count(f"{where}: f", self.f, 1, SpecError)
        check_count(f"{where}: stride", self.stride, 1, SpecError)

    def output_shape(self, shape: Shape, where: str) -> Shape:
        n_H, n_W, n_C = shape
        along = (
            _positions(where, axis, n, self.f, self.stride, 0)
            for axis, n in (("n_H", n_H), ("n_W", n_W))
        )
        return (*along, n_C)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "mode": self.mode, "f": self.f, "stride": self.stride}

    def describe(self) -> str:
        stride = f"/{self.stride}" if self.stride != self.f else ""
        return f"{self.mode} pool {self.f}x{self.f}{stride}"


@dataclass(frozen=True)
class Flatten(LayerKind):
    """Each example's (n_H, n_W, n_C) image as one vector of n_H n_W n_C entries, in the
    course's (h, w, c) order: the dense layers' input. No parameters."""

    kind: ClassVar[str] = "flatten"
    FIELDS: ClassVar[tuple[str, ...]] = ()
    TAKES: ClassVar[int] = 3

    def output_shape(self, shape: Shape, where: str) -> Shape:
        return (math.prod(shape),)


def recurrent_shapes(cell: str, n_x: int, n_a: int, n_y: int) -> dict[str, tuple[Shape, str]]:
    """The course's parameters of ``cell`` (``"rnn"``, ``"lstm"``), the output layer's among
    them, in the course's order: each key's shape and its layout in the course's symbols."""
    gates = {f"W{g}": ((n_a, n_a + n_x), "(n_a, n_a + n_x)") for g in GATES}
    shapes = {
        "Wax": ((n_a, n_x), "(n_a, n_x)"),
        "Waa": ((n_a, n_a), "(n_a, n_a)"),
        "ba": ((n_a, 1), "(n_a, 1)"),
        **gates,
        **{f"b{g}": ((n_a, 1), "(n_a, 1)") for g in GATES},
        OUTPUT_WEIGHT[cell]: ((n_y, n_a), "(n_y, n_a)"),
        "by": ((n_y, 1), "(n_y, 1)"),
    }
    return {key: shapes[key] for key in RECURRENT_PARAMETERS[cell]}


@dataclass(frozen=True)
class Recurrent(LayerKind):
    """A recurrent layer of ``units`` (n_a) hidden units: at every time step t it reads x<t> and
    its own state a<t-1> (a<0> = 0; an LSTM's cell state c<0> = 0 too) and gives a<t>. Its
    parameters are the course's (``param_shapes``); the output layer after it applies to every
    step's a<t> (``scratch.spec``)."""

    FIELDS: ClassVar[tuple[str, ...]] = ("units",)
    REQUIRED: ClassVar[tuple[str, ...]] = ("units",)
    REFUSED: ClassVar[dict[str, str]] = {
        "keep_prob": "dropout is built for dense layers only, not for recurrent layers",
        "batch_norm": "batch norm is built for dense layers only, not for recurrent layers",
    }
    TAKES: ClassVar[int] = 1

    units: int

    def __post_init__(self) -> None:
        plain_numbers(self, ("units",))

    def check(self, where: str, *, output: bool) -> None:
        check_count(f"{where}: units", self.units, 1, SpecError)

    def output_shape(self, shape: Shape, where: str) -> Shape:
        return (self.units,)

    def param_shapes(self, l: int, shape: Shape) -> dict[str, Shape]:
        """The cell's parameters in the course's names and order (the output layer's are the
        network's: ``scratch.spec.NetworkSpec.param_shapes``)."""
        shapes = recurrent_shapes(self.kind, shape[0], self.units, 1)
        own = RECURRENT_PARAMETERS[self.kind][:-2] if self.kind == "lstm" else ("Wax", "Waa", "ba")
        return {key: shapes[key][0] for key in own}

    def layout(self, name: str, l: int) -> str:
        return recurrent_shapes(self.kind, 1, 1, 1)[name][1]

    def weight_fans(self, shape: Shape, weight: Shape) -> tuple[int, int]:
        """``(fan_in, fan_out)`` of one of the cell's weights (n_a, n_in): n_in and n_a, the
        inputs one state entry sums and the entries one input feeds (``Wax``: n_x, ``Waa``:
        n_a, an LSTM gate's: n_a + n_x)."""
        return weight[1], weight[0]

    def product_shape(self, shape: Shape) -> tuple[int, int, int]:
        """One time step's products for one example, over ``[a<t-1>; x<t>]``: ``(1, n_a + n_x,
        gates n_a)``, the RNN's ``Waa a<t-1> + Wax x<t>`` (one gate) and the LSTM's four gates'
        ``W[g] [a<t-1>; x<t>]`` (the same size as one product of 4 n_a rows). A sequence takes
        one such per time step: the spec has no length, so this is per step."""
        return 1, self.units + shape[0], self.gates * self.units

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "units": self.units}

    def describe(self) -> str:
        return f"{self.kind} {self.units}"


@dataclass(frozen=True)
class Rnn(Recurrent):
    """The course's basic RNN cell, ``a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)`` (torch's
    ``nn.RNN(nonlinearity="tanh")``). ``activation`` is tanh, the only one the course's cell
    has (and written so in a file); any other is refused."""

    kind: ClassVar[str] = "rnn"
    gates: ClassVar[int] = 1
    FIELDS: ClassVar[tuple[str, ...]] = ("units", "activation")
    activation: str = "tanh"

    def check(self, where: str, *, output: bool) -> None:
        super().check(where, output=output)
        if self.activation != "tanh":
            raise SpecError(
                f"{where}: activation {self.activation!r} is not built; the course's RNN cell is "
                "tanh (torch's nn.RNN(nonlinearity='tanh')), the only one scratch computes"
            )

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "activation": self.activation}

    def describe(self) -> str:
        return f"rnn {self.units} tanh"


@dataclass(frozen=True)
class Lstm(Recurrent):
    """The course's LSTM cell over ``[a<t-1>; x<t>]``: forget, update and output gates
    (sigmoid), the candidate c tilde (tanh), ``c<t> = ft c<t-1> + it cct`` and ``a<t> = ot
    tanh(c<t>)`` (torch's ``nn.LSTM``)."""

    kind: ClassVar[str] = "lstm"
    gates: ClassVar[int] = len(GATES)


LAYER_KINDS: dict[str, type[LayerKind]] = {
    "dense": Layer,
    "conv": Conv,
    "pool": Pool,
    "flatten": Flatten,
    "rnn": Rnn,
    "lstm": Lstm,
}


def layer_from_dict(l: int, entry: Any) -> LayerKind:
    """Layer l as a spec file's entry describes it, its fields checked by name first: a mapping
    of the fields of its ``kind`` (dense without one), the required ones present."""
    if not isinstance(entry, dict):
        raise SpecError(f"layer {l}: expected a mapping, got {type(entry).__name__}")
    kind = entry.get("kind", "dense")
    _choice(f"layer {l}", "kind", kind, tuple(LAYER_KINDS))
    cls = LAYER_KINDS[kind]
    where = cls.where(l)
    fields = {key: value for key, value in entry.items() if key != "kind"}
    for name in cls.REFUSED.keys() & fields.keys():
        raise SpecError(f"{where}: {name} {fields[name]!r}: {cls.REFUSED[name]}")
    check_fields(where, fields, cls.FIELDS, cls.REQUIRED)
    cls.check_entry(where, fields)
    return cls(**fields)


def check_fields(where: str, entry: Any, known: tuple[str, ...], required: tuple[str, ...]):
    """``entry`` a mapping of ``known`` fields that holds the ``required`` ones."""
    if not isinstance(entry, dict):
        what = "a mapping of fields" if where == "spec" else "a mapping"
        raise SpecError(f"{where}: expected {what}, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(known))
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    for name in required:
        if name not in entry:
            raise SpecError(f"{where}: field {name!r} is missing")
