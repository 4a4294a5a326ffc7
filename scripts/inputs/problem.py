"""What every command works on: the data, the spec and the starting weights, checked against
each other once, so that any mismatch is one line for the user instead of a traceback later."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import scratch
from scratch import NetworkSpec
from scratch.batches import count_examples
from scratch.batchnorm import check_batch
from scripts.cli.errors import UserError
from scripts.cli.settings import DataSettings, NetworkSettings
from scripts.inputs.data import Data, load_data
from scripts.inputs.network import EXAMPLE_SPEC, RECURRENT_SPEC, resolve_spec

Params = dict[str, np.ndarray]


@dataclass(frozen=True)
class Problem:
    """``params``: the starting weights, from ``--weights`` or else ``initialize_parameters``."""

    data: Data
    spec: NetworkSpec
    params: Params


def load_problem(data_settings: DataSettings, network: NetworkSettings) -> Problem:
    """Load the data, resolve the spec and the starting weights, and check that they fit."""
    data = load_data(
        data_settings.dataset,
        data_dir=data_settings.data_dir,
        test_fraction=data_settings.test_fraction,
        positive=data_settings.positive,
        negative=data_settings.negative,
        text=data_settings.text,
    )
    stored = read_weights(network.weights) if network.weights else None
    spec = resolve_spec(network, data, stored[1] if stored else None)
    check_fits(spec, data)
    if stored is None:
        return Problem(data, spec, scratch.initialize_parameters(spec))
    params, stored_spec = stored
    if stored_spec != spec:
        raise UserError(
            f"{network.weights} holds weights of {stored_spec.describe()}; "
            f"the settings describe {spec.describe()}"
        )
    return Problem(data, spec, params)


def read_weights(path: str | Path, spec: NetworkSpec | None = None) -> tuple[Params, NetworkSpec]:
    """``scratch.load_weights``, its errors made user errors."""
    try:
        return scratch.load_weights(path, spec)
    except (OSError, ValueError, TypeError) as err:
        raise UserError(str(err)) from None


def check_one_pass(spec: NetworkSpec, m: int, source: str) -> None:
    """A pass in training mode over ``m`` examples (``compare``'s, ``gradcheck``'s) refused
    before it starts where batch norm would normalise a batch of one example; ``source`` says
    where the one example comes from (``scratch.batchnorm.check_batch``)."""
    norms = [l for l, layer in enumerate(spec.layers, start=1) if layer.batch_norm]
    if norms:
        check_batch(m, norms[0], source)


def check_fits(spec: NetworkSpec, data: Data) -> None:
    """The spec's input size must be the data's number of features (its input shape, the data's
    images'), and the labels must suit the spec's loss and output layer."""
    shape = "x".join(map(str, data.X_train.shape[1:]))
    if data.sequences != spec.sequences:
        if data.sequences:
            raise UserError(
                f"{data.name} is text, sequences of characters, but the spec is not a recurrent "
                f"network: give a recurrent spec with --spec FILE ({RECURRENT_SPEC} is one)"
            )
        raise UserError(
            f"the spec is a recurrent network, which reads sequences, but {data.name} is not "
            "text: give --dataset names or --text FILE"
        )
    if data.sequences:
        n_y = spec.layers[-1].units
        if spec.input_size != data.n_x or n_y != data.n_x:
            raise UserError(
                f"the spec reads {spec.input_size} and predicts {n_y} characters, but "
                f"{data.name} has {data.n_x} ({''.join(data.characters.values())!r}); make the "
                f"spec's input_size and its output layer's units {data.n_x}"
            )
    if data.images and not spec.images:
        raise UserError(
            f"{data.name} holds images of {shape}, but the spec takes vectors of "
            f"{spec.input_size} features: give a convolutional spec with --spec FILE "
            f"({EXAMPLE_SPEC} is one)"
        )
    if spec.images and not data.images:
        raise UserError(
            f"the spec takes images {list(spec.input_shape)}, but {data.name} holds vectors of "
            f"{data.n_x} features"
        )
    if spec.images and spec.input_shape != data.X_train.shape[1:]:
        raise UserError(
            f"the spec's input_shape is {list(spec.input_shape)} but {data.name} holds images "
            f"of {shape}; make the spec's input_shape {list(data.X_train.shape[1:])}"
        )
    if not spec.images and spec.input_size != data.n_x:
        raise UserError(
            f"the spec's input size is {spec.input_size} but {data.name} has {data.n_x} features "
            f"per example; make the first of --layers {data.n_x}"
        )
    for X, Y, part in ((data.X_train, data.Y_train, "train"), (data.X_test, data.Y_test, "test")):
        try:
            scratch.as_input(X, spec)
            scratch.as_targets(Y, spec, count_examples(X))
        except (ValueError, TypeError) as err:
            raise UserError(f"{data.name} ({part} set) does not fit the spec: {err}") from None


def evaluate(problem: Problem, params: Params) -> dict[str, float]:
    """``train_accuracy`` and ``test_accuracy`` of ``params``; ``train_cost`` and ``test_cost``
    for a regression (loss ``mse``) and a recurrent network (the cost of a word, summed over
    its characters)."""
    spec, data = problem.spec, problem.data
    parts = {"train": (data.X_train, data.Y_train), "test": (data.X_test, data.Y_test)}
    if spec.loss != "mse" and not spec.sequences:
        return {
            f"{part}_accuracy": scratch.accuracy(X, Y, params, spec)
            for part, (X, Y) in parts.items()
        }
    return {f"{part}_cost": scratch.cost_of(X, Y, params, spec) for part, (X, Y) in parts.items()}
