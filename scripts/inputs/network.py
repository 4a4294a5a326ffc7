"""The layer spec that the network settings describe for a data set: a spec file (or the spec
stored with the weights) with the fields the settings give changed and every other kept, or a
network that fits the data.

Over a spec, a setting changes its own field and nothing else: ``--activation`` the hidden
layers' activation (their units, dropout, batch norm kept; a leaky ReLU's slope kept where the
layer stays leaky, as that activation's own parameter), ``--loss`` the loss and so the output
layer's activation, ``--layers`` the sizes (each hidden layer's own fields kept by position when
the count of hidden layers stays, or carried to every hidden layer where they are the same on
all), ``--init``, ``--l2``, ``--dtype``, ``--seed``, ``--keep-prob``, ``--batch-norm`` theirs;
batch norm's momentum and eps stay. ``--layers`` with another count of hidden layers than a spec
whose hidden layers differ cannot be combined with it: one line names both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import scratch
from scratch import Layer, NetworkSpec
from scratch.spec import DEFAULT_NEGATIVE_SLOPE, LOSS_OUTPUT
from scripts.cli.errors import UserError
from scripts.cli.settings import DEFAULT_HIDDEN_ACTIVATION, DEFAULT_HIDDEN_UNITS, NetworkSettings
from scripts.inputs.data import Data

SIMPLE = ("init", "l2", "dtype", "seed")  # spec fields a setting replaces as they are
# The convolutional spec the messages point to (the done-when network of issue 23).
EXAMPLE_SPEC = "scratch/specs/shapes-conv.yaml"
# The recurrent one (issue 24's), a character-level LSTM on the built-in names.
RECURRENT_SPEC = "scratch/specs/names-lstm.yaml"
# The settings that build a dense network of their own, which a convolutional spec's file holds.
DENSE_FIELDS = ("layers", "activation", "loss")


def resolve_spec(
    network: NetworkSettings, data: Data, weights_spec: NetworkSpec | None
) -> NetworkSpec:
    """The spec the settings describe, for ``data``.

    Starts from ``network.spec`` (a file or its fields), else the spec stored with the weights,
    else ``[n_x, 4, n_out]`` with tanh hidden units and the loss the labels call for; the
    spec-field settings that are set (``layers``, ``activation``, ``init``, ...) then change
    their fields (see the module's docstring), and ``keep_prob`` and ``batch_norm`` those of the
    hidden layers.
    """
    if network.spec is not None:
        base, source = _spec_from(network.spec), _source(network.spec)
    else:
        base, source = weights_spec, f"the spec in {network.weights}"
    if base is None and data.images:
        raise UserError(
            f"{data.name} holds images: give a convolutional spec with --spec FILE "
            f"({EXAMPLE_SPEC} is one)"
        )
    if base is None and data.sequences:
        raise UserError(
            f"{data.name} is text: give a recurrent spec with --spec FILE ({RECURRENT_SPEC} is one)"
        )
    if base is None:
        spec = _fitting(network, data)
    elif base.images or base.sequences:
        spec = _images_changed(base, network)
    else:
        spec = _changed(base, network, source)
    layers = {"keep_prob": network.keep_prob, "batch_norm": network.batch_norm or None}
    return spec.with_hidden_layers(**layers)


def _images_changed(base: NetworkSpec, network: NetworkSettings) -> NetworkSpec:
    """A convolutional or recurrent ``base`` with the simple fields the settings give changed;
    its layers and loss are its file's alone."""
    given = [key for key in DENSE_FIELDS if getattr(network, key) is not None]
    if given:
        what = "recurrent" if base.sequences else "convolutional"
        raise UserError(
            f"{', '.join(f'--{key}' for key in given)} describe(s) a dense network; a "
            f"{what} spec's layers and loss are in its file: change them there"
        )
    rest = {key: getattr(network, key) for key in SIMPLE if getattr(network, key) is not None}
    return replace(base, **rest)


def _fitting(network: NetworkSettings, data: Data) -> NetworkSpec:
    """The network of the settings alone: sizes, activations and loss fitting ``data``."""
    loss = network.loss or _loss_for(data)
    sizes = network.layers or (data.n_x, DEFAULT_HIDDEN_UNITS, _outputs(data, loss))
    _check_sizes(sizes)
    hidden = _per_layer(network.activation or DEFAULT_HIDDEN_ACTIVATION, len(sizes) - 2)
    output = LOSS_OUTPUT[loss][0]
    layers = tuple(Layer(n, g) for n, g in zip(sizes[1:], [*hidden, output], strict=True))
    rest = {key: getattr(network, key) for key in SIMPLE if getattr(network, key) is not None}
    return NetworkSpec(input_size=sizes[0], layers=layers, loss=loss, **rest)


def _changed(base: NetworkSpec, network: NetworkSettings, source: str) -> NetworkSpec:
    """``base`` with the fields the settings give changed, every other kept."""
    hidden, output = list(base.layers[:-1]), base.layers[-1]
    if network.layers is not None:
        _check_sizes(network.layers)
        hidden = _resized(hidden, network.layers, source)
        output = replace(output, units=network.layers[-1])
    if network.activation is not None:
        names = _per_layer(network.activation, len(hidden))
        hidden = [_activated(layer, g) for layer, g in zip(hidden, names, strict=True)]
    loss = network.loss or base.loss
    output = replace(output, activation=LOSS_OUTPUT[loss][0])
    input_size = network.layers[0] if network.layers is not None else base.input_size
    rest = {key: getattr(network, key) for key in SIMPLE if getattr(network, key) is not None}
    return replace(base, input_size=input_size, layers=(*hidden, output), loss=loss, **rest)


def _resized(hidden: list[Layer], sizes: list[int], source: str) -> list[Layer]:
    """The hidden layers of ``sizes`` (input first), each with the fields of the spec's hidden
    layer at its place, or, for another number of hidden layers, the fields all of the spec's
    hidden layers share."""
    count = len(sizes) - 2
    if count == len(hidden):
        return [replace(layer, units=n) for layer, n in zip(hidden, sizes[1:-1], strict=True)]
    kinds = {replace(layer, units=0) for layer in hidden}
    if len(kinds) > 1:
        raise UserError(
            f"layers {list(sizes)} gives {count} hidden layer(s), {source} {len(hidden)} that "
            f"differ ({'; '.join(_describe(l, x) for l, x in enumerate(hidden, 1))}): which "
            "of them a layer takes cannot be told; change the depth in the spec itself"
        )
    kind = kinds.pop() if kinds else Layer(1, DEFAULT_HIDDEN_ACTIVATION)
    return [replace(kind, units=n) for n in sizes[1:-1]]


def _activated(layer: Layer, activation: str) -> Layer:
    """``layer`` with ``activation``: a leaky ReLU's slope stays while the layer stays a leaky
    ReLU, and goes with it (the slope is that activation's own parameter)."""
    leaky = activation == "leaky_relu" == layer.activation
    slope = layer.negative_slope if leaky else DEFAULT_NEGATIVE_SLOPE
    return replace(layer, activation=activation, negative_slope=slope)


def _per_layer(activation: str | list[str], n_hidden: int) -> list[str]:
    names = [activation] if isinstance(activation, str) else list(activation)
    if len(names) == 1:
        return names * n_hidden
    if len(names) != n_hidden:
        raise UserError(f"activation names {len(names)} activations for {n_hidden} hidden layer(s)")
    return names


def _check_sizes(sizes: Any) -> None:
    if len(sizes) < 2:
        raise UserError(f"layers {list(sizes)}: give the input size and at least one layer")


def _describe(l: int, layer: Layer) -> str:
    out = f"{l}: {layer.activation}"
    if layer.activation == "leaky_relu":
        out += f" slope {layer.negative_slope}"
    if layer.dropout:
        out += f" keep_prob {layer.keep_prob}"
    return out + (" batch norm" if layer.batch_norm else "")


def _spec_from(value: str | dict) -> NetworkSpec:
    return scratch.load_spec(value) if isinstance(value, str) else NetworkSpec.from_dict(value)


def _source(value: str | dict) -> str:
    return f"spec file {value}" if isinstance(value, str) else "the spec given"


def _loss_for(data: Data) -> str:
    classes = data.classes
    if classes is None:
        return "mse"
    return "binary_cross_entropy" if classes <= 2 else "cross_entropy"


def _outputs(data: Data, loss: str) -> int:
    if loss == "cross_entropy":
        return max(data.classes or 2, 2)
    return 1 if loss == "binary_cross_entropy" else data.Y_train.shape[0]
