"""The layer spec that the network settings describe for a data set: a spec file (or the spec
stored with the weights) with the flags' fields changed, or a network that fits the data."""

from __future__ import annotations

import scratch
from scratch import Layer, NetworkSpec
from scratch.spec import LOSS_OUTPUT
from scripts.cli.errors import UserError
from scripts.cli.settings import (
    DEFAULT_HIDDEN_ACTIVATION,
    DEFAULT_HIDDEN_UNITS,
    SPEC_FIELDS,
    NetworkSettings,
)
from scripts.inputs.data import Data

# The convolutional spec the messages point to (the done-when network of issue 23).
EXAMPLE_SPEC = "scratch/specs/shapes-conv.yaml"
# The settings that build a dense network of their own, which a convolutional spec's file holds.
DENSE_FIELDS = ("layers", "activation", "loss")


def resolve_spec(
    network: NetworkSettings, data: Data, weights_spec: NetworkSpec | None
) -> NetworkSpec:
    """The spec the settings describe, for ``data``.

    Starts from ``network.spec`` (a file or its fields), else the spec stored with the weights,
    else ``[n_x, 4, n_out]`` with tanh hidden units and the loss the labels call for; the
    spec-field settings that are set (``layers``, ``activation``, ``init``, ...) then replace
    the matching fields, and ``keep_prob`` and ``batch_norm`` those of the hidden layers.
    """
    layers = {"keep_prob": network.keep_prob, "batch_norm": network.batch_norm or None}
    return _network(network, data, weights_spec).with_hidden_layers(**layers)


def _network(network: NetworkSettings, data: Data, weights_spec: NetworkSpec | None) -> NetworkSpec:
    base = _spec_from(network.spec) if network.spec is not None else weights_spec
    fields_set = {
        key: getattr(network, key) for key in SPEC_FIELDS if getattr(network, key) is not None
    }
    if base is not None and not fields_set.keys() & set(DENSE_FIELDS):
        return base.replace(**fields_set)
    if base is None and data.images:
        raise UserError(
            f"{data.name} holds images: give a convolutional spec with --spec FILE "
            f"({EXAMPLE_SPEC} is one)"
        )
    if base is not None and base.images:
        given = ", ".join(f"--{key}" for key in DENSE_FIELDS if key in fields_set)
        raise UserError(
            f"{given} describe(s) a dense network; a convolutional spec's layers and loss are "
            "in its file: change them there"
        )
    loss = network.loss or (base.loss if base else _loss_for(data))
    sizes = network.layers or (
        base.sizes if base else (data.n_x, DEFAULT_HIDDEN_UNITS, _outputs(data, loss))
    )
    hidden = network.activation or (base.activations[:-1] if base else DEFAULT_HIDDEN_ACTIVATION)
    hidden = [hidden] if isinstance(hidden, str) else list(hidden)
    if len(sizes) < 2:
        raise UserError(f"layers {list(sizes)}: give the input size and at least one layer")
    n_hidden = len(sizes) - 2
    if len(hidden) == 1:
        hidden *= n_hidden
    elif len(hidden) != n_hidden:
        raise UserError(
            f"activation names {len(hidden)} activations for {n_hidden} hidden layer(s)"
        )
    output = LOSS_OUTPUT[loss][0] if loss in LOSS_OUTPUT else "identity"
    activations = [*hidden, output]
    rest = {key: fields_set[key] for key in ("init", "l2", "dtype", "seed") if key in fields_set}
    if base is not None:
        rest = {"init": base.init, "l2": base.l2, "dtype": base.dtype, "seed": base.seed} | rest
    layers = tuple(Layer(n, g) for n, g in zip(sizes[1:], activations, strict=True))
    return NetworkSpec(input_size=sizes[0], layers=layers, loss=loss, **rest)


def _spec_from(value: str | dict) -> NetworkSpec:
    return scratch.load_spec(value) if isinstance(value, str) else NetworkSpec.from_dict(value)


def _loss_for(data: Data) -> str:
    classes = data.classes
    if classes is None:
        return "mse"
    return "binary_cross_entropy" if classes <= 2 else "cross_entropy"


def _outputs(data: Data, loss: str) -> int:
    if loss == "cross_entropy":
        return max(data.classes or 2, 2)
    return 1 if loss == "binary_cross_entropy" else data.Y_train.shape[0]
