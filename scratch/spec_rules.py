"""No torch twin: the rules a layer spec obeys (``scratch.spec``), its names and defaults, and the
checks that make ``NetworkSpec`` refuse what cannot be built, with errors that name the layer and
the field."""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scratch.spec import Layer, NetworkSpec

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


def is_int(value: Any) -> bool:
    """An integer, and not a bool (``True`` is not a layer size)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_finite_real(value: Any) -> bool:
    """A finite real number, and not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_count(
    name: str, value: Any, minimum: int = 0, error: type[Exception] = ValueError
) -> int:
    """The one rule for every count (sizes, steps, seeds): an integer of any type (``np.int64(3)``
    as well as ``3``; not a bool, not ``3.0``) of at least ``minimum``, returned as a plain
    ``int``; otherwise ``error`` naming ``name`` and the value."""
    if not is_int(value) or value < minimum:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        raise error(f"{name} must be {what}, got {value!r}")
    return int(value)


def plain_numbers(obj: Any, names: tuple[str, ...]) -> None:
    """Set the fields ``names`` of a frozen dataclass ``obj`` that hold NumPy numbers to plain
    Python ones (``np.int64(4)`` to ``4``), so its JSON writes and reads back as the same value.
    Runs after the checks, on values they accepted."""
    for name in names:
        value = getattr(obj, name)
        if is_int(value):
            object.__setattr__(obj, name, int(value))
        elif is_finite_real(value):
            object.__setattr__(obj, name, float(value))


def _choice(where: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {name} {value!r} is unknown; choose one of {', '.join(allowed)}")


def is_buffer(key: str) -> bool:
    """A key of the batch-norm state that is not learned: ``running_mean{l}``,
    ``running_var{l}``."""
    return key.startswith(BUFFERS)


def validate_spec(spec: NetworkSpec) -> None:
    """Raise ``SpecError`` naming the layer and field of the first thing ``spec`` gets wrong."""
    from scratch.spec import Layer  # the class this module's checks are for

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
