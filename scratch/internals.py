"""Every layer's quantities of one forward and backward pass, for study and comparison, and the
backward formulas that compute them, batch norm's and dropout's among them, and the course's
loops of the conv and pool layers (``BACKWARD_ROWS``, one entry per kind of layer).
``torch_impl.internals`` is the twin: the same keys captured
from autograd, and the autograd nodes beside these formulas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from scratch.batches import count_examples
from scratch.batchnorm import update_running_stats
from scratch.dropout import check_masks, dropout_masks
from scratch.layer_kinds import GATES, OUTPUT_WEIGHT, Conv, LayerKind, Pool
from scratch.losses import cost_from_targets
from scratch.network import L_model_backward, L_model_forward, layer_steps
from scratch.spec import Layer, NetworkSpec
from scratch.validation import as_input, as_targets, check_params

Array = np.ndarray

OUTPUT_GRADIENT = {
    "binary_cross_entropy": "A{L} - Y",
    "cross_entropy": "A{L} - Y   (Y one-hot)",
    "mse": "2 (A{L} - Y)",
}
DERIVATIVE = {
    "sigmoid": "A{l} (1 - A{l})",
    "tanh": "(1 - A{l}^2)",
    "relu": "(Z{l} > 0)",
    "leaky_relu": "where(Z{l} > 0, 1, slope)",
    "identity": "1",
}
DERIVATIVE_OF_INPUT = {
    "sigmoid": "sigmoid({Z}) (1 - sigmoid({Z}))",
    "tanh": "(1 - tanh({Z})^2)",
    "relu": "({Z} > 0)",
    "leaky_relu": "where({Z} > 0, 1, slope)",
    "identity": "1",
}


def layer_internals(
    X: Array,
    Y: Array,
    parameters: Mapping[str, Array],
    spec: NetworkSpec,
    *,
    masks: Mapping[str, Array] | None = None,
    training: bool = True,
) -> dict[str, Array]:
    """One forward and backward pass, laid out flat for study and comparison: ``Z1..ZL``,
    ``A1..AL``, ``dZ1..dZL``, ``dA0..dA{L-1}``, ``dW1..dWL``, ``db1..dbL`` and ``cost`` (0-d).
    A convolutional network's conv layers have the same keys, as images (m, n_H, n_W, n_C) and
    filters (f, f, n_C_prev, n_C); its pool and flatten layers only ``A{l}`` and the ``dA`` of
    the layer below (no parameters, no ``Z``).

    A batch-norm layer adds ``Z_norm{l}``, ``Z_tilde{l}``, ``dZ_tilde{l}``, ``dgamma{l}``,
    ``dbeta{l}`` (and has no ``db{l}``), and ``running_mean{l}``, ``running_var{l}`` as this
    training pass leaves them; a dropout layer adds its mask ``D{l}``, and its ``A{l}`` is the
    masked output. ``masks``: the dropout masks (default: those of step 0,
    ``scratch.dropout_masks(spec, m, 0)``). ``training=False``: the forward pass at inference
    (running statistics, nothing dropped) and its cost, and no backward pass.

    A recurrent network's are the course's, over every time step (``scratch.recurrent``):
    ``a`` (and the LSTM's ``c``, ``ft``, ``it``, ``cct``, ``ot``), ``y_pred``, ``cost``,
    ``dy``, ``dby``, ``da``, ``dWy`` (``dWya``), ``dx``, ``da0`` and the cell's gradients."""
    X = as_input(X, spec)
    m = count_examples(X)
    T = as_targets(Y, spec, m)
    check_params(parameters, spec, finite=False)
    if training and masks is None:
        masks = dropout_masks(spec, m, 0)
    if training:
        check_masks(masks, spec, m)
    AL, caches = L_model_forward(X, parameters, spec, masks=masks, training=training, check=False)
    ZL = caches[-1].activation_cache.Z
    out = {"cost": np.asarray(cost_from_targets(ZL, T, spec, parameters), dtype=spec.dtype)}
    for l, (cache, steps) in enumerate(zip(caches, layer_steps(spec), strict=True), start=1):
        out |= steps.quantities(l, cache)
        norm = getattr(cache, "norm_cache", None)
        if norm is not None and training:
            running = {
                key: parameters[f"{key}{l}"].copy() for key in ("running_mean", "running_var")
            }
            update_running_stats(*running.values(), norm, spec.batch_norm_momentum)
            out |= {f"{key}{l}": value for key, value in running.items()}
    if training:
        out.update(L_model_backward(AL, T, caches, spec, check=False))
    return out


def backward_formulas(spec: NetworkSpec) -> list[str]:
    """The backward pass of ``L_model_backward`` as formulas, in the order it computes them:
    layer L down to 1, ``dZ``, ``dW``, ``db``, then ``dA`` of the layer below; a batch-norm
    layer has ``dZ_tilde``, ``dgamma``, ``dbeta``, ``dZ``, ``dW``, ``dA``, and a dropout
    layer's ``dA`` goes through its mask first. A recurrent network's: the output layer at
    every step, then backpropagation through time, the course's cell backward from t = T_x - 1
    down to 0 (``da_next``, ``dc_next``: what the step after t hands back, zero after the
    last)."""
    rows = []
    for l in range(spec.L, 0, -1):
        layer = spec.layers[l - 1]
        over_time = spec.sequences and l == spec.L
        rows.extend(
            (_output_over_time_rows if over_time else BACKWARD_ROWS[layer.kind])(l, layer, spec)
        )
    return rows


def _dense_rows(l: int, layer: Layer, spec: NetworkSpec) -> list[str]:
    rows = []
    if l == spec.L:
        rows.append(f"dZ{l} = {OUTPUT_GRADIENT[spec.loss].format(L=l)}")
    elif layer.batch_norm or layer.dropout:
        rows.extend(_norm_dropout_rows(l, layer))
    else:
        derivative = DERIVATIVE[layer.activation].format(l=l)
        rows.append(f"dZ{l} = dA{l} * {derivative}")
    penalty = f" + (l2/m) W{l}" if spec.l2 else ""
    rows.append(f"dW{l} = dZ{l} A{l - 1}^T / m{penalty}")
    if not layer.batch_norm:
        rows.append(f"db{l} = sum(dZ{l}, axis=1) / m")
    rows.append(f"dA{l - 1} = W{l}^T dZ{l}")
    return rows


def _conv_rows(l: int, layer: Conv, spec: NetworkSpec) -> list[str]:
    """The course's loops of ``conv_backward``, one product each, for every example i, output
    position (h, w) and filter c, over the window (h, w) takes of the (padded) input; the
    scratch side's ``dW``, ``db`` are of J (divided by m), as the dense layers'."""
    penalty = f" + (l2/m) W{l}" if spec.l2 else ""
    derivative = DERIVATIVE[layer.activation].format(l=l)
    return [
        f"dZ{l} = dA{l} * {derivative}",
        f"dW{l}[..., c] += A{l - 1}_pad[window] dZ{l}[i, h, w, c] / m{penalty}",
        f"db{l}[..., c] += dZ{l}[i, h, w, c] / m",
        f"dA{l - 1}_pad[window] += W{l}[..., c] dZ{l}[i, h, w, c]; unpadded",
    ]


def _pool_rows(l: int, layer: Pool, spec: NetworkSpec) -> list[str]:
    """The course's ``pool_backward``: the window's gradient to its maximum (to the first of
    tied ones, torch's rule; the course's mask gives it to each) or spread evenly."""
    if layer.mode == "max":
        return [f"dA{l - 1}[window] += dA{l}[i, h, w, c] at the window's (first) max"]
    return [f"dA{l - 1}[window] += dA{l}[i, h, w, c] / f^2 on each entry"]


def _flatten_rows(l: int, layer: LayerKind, spec: NetworkSpec) -> list[str]:
    return [f"dA{l - 1} = dA{l}^T reshaped to (m, n_H, n_W, n_C)"]


def _output_over_time_rows(l: int, layer: Layer, spec: NetworkSpec) -> list[str]:
    """The output layer at every step (``scratch.recurrent.output_backward``), of J."""
    W = OUTPUT_WEIGHT[spec.cell]
    return [
        "dy<t> = (y_pred<t> - Y<t>) / m   (Y one-hot; 0 after a sequence's end)",
        f"d{W} = sum_t dy<t> a<t>^T",
        "dby = sum_t sum(dy<t>, axis=1)",
        f"da<t> = {W}^T dy<t>",
    ]


def _rnn_rows(l: int, layer: LayerKind, spec: NetworkSpec) -> list[str]:
    """The course's ``rnn_cell_backward`` at every step, from t = T_x - 1 down."""
    return [
        "dtanh<t> = (da<t> + da_next) * (1 - a<t>^2)",
        "dWax = sum_t dtanh<t> x<t>^T",
        "dWaa = sum_t dtanh<t> a<t-1>^T",
        "dba = sum_t sum(dtanh<t>, axis=1)",
        "dx<t> = Wax^T dtanh<t>",
        "da_next = Waa^T dtanh<t>;  da0 = da_next after t = 0",
    ]


def _lstm_rows(l: int, layer: LayerKind, spec: NetworkSpec) -> list[str]:
    """The course's ``lstm_cell_backward`` at every step, from t = T_x - 1 down; ``da<t> +
    da_next`` is what reaches a<t>."""
    gates = [
        row
        for g, gate in zip(GATES, ("ft", "it", "cct", "ot"), strict=True)
        for row in (
            f"dW{g} = sum_t d{gate}<t> [a<t-1>; x<t>]^T",
            f"db{g} = sum_t sum(d{gate}<t>, axis=1)",
        )
    ]
    return [
        "dot<t> = (da<t> + da_next) * tanh(c<t>) * ot<t> (1 - ot<t>)",
        "dc<t> = dc_next + (da<t> + da_next) * ot<t> (1 - tanh(c<t>)^2)",
        "dcct<t> = dc<t> * it<t> * (1 - cct<t>^2)",
        "dit<t> = dc<t> * cct<t> * it<t> (1 - it<t>)",
        "dft<t> = dc<t> * c<t-1> * ft<t> (1 - ft<t>)",
        *gates,
        "dx<t> = the last n_x rows of sum_g W_g^T dg<t>",
        "da_next = the first n_a rows of sum_g W_g^T dg<t>;  da0 = da_next after t = 0",
        "dc_next = dc<t> * ft<t>",
    ]


# One entry per kind of layer (scratch.layer_kinds.LAYER_KINDS): its rows of backward_formulas.
BACKWARD_ROWS: dict[str, Callable[..., list[str]]] = {
    "dense": _dense_rows,
    "conv": _conv_rows,
    "pool": _pool_rows,
    "flatten": _flatten_rows,
    "rnn": _rnn_rows,
    "lstm": _lstm_rows,
}


def _norm_dropout_rows(l: int, layer: Layer) -> list[str]:
    """The rows of a layer with batch norm and/or dropout, down to ``dZ{l}``: ``g'`` is written
    in terms of its input (``Z_tilde``, or ``Z``), since ``A{l}`` is the masked output."""
    dA = f"(dA{l} * D{l} / {layer.keep_prob:g})" if layer.dropout else f"dA{l}"
    given = f"Z_tilde{l}" if layer.batch_norm else f"Z{l}"
    derivative = DERIVATIVE_OF_INPUT[layer.activation].format(Z=given)
    if not layer.batch_norm:
        return [f"dZ{l} = {dA} * {derivative}"]
    return [
        f"dZ_tilde{l} = {dA} * {derivative}",
        f"dgamma{l} = sum(dZ_tilde{l} * Z_norm{l}, axis=1) / m",
        f"dbeta{l} = sum(dZ_tilde{l}, axis=1) / m",
        f"dZ{l} = gamma{l} / sqrt(var{l} + eps) * (dZ_tilde{l} - dbeta{l} - Z_norm{l} dgamma{l})",
    ]
