"""The L-layer network, written out with the course's functions, names and shapes.

Notation: ``X = A[0]`` is (n[0], m), one column per example; ``W[l]`` is (n[l], n[l-1]),
``b[l]`` is (n[l], 1); parameters are keyed ``W1, b1, ..., WL, bL``.

Forward, for l = 1..L:   ``Z[l] = W[l] A[l-1] + b[l]``,   ``A[l] = g[l](Z[l])``.
Backward, for l = L..1:  ``dZ[L] = dLoss/dZ[L]`` (from the loss),  ``dZ[l] = dA[l] * g[l]'(Z[l])``,
                         ``dW[l] = dZ[l] A[l-1]^T / m + (l2/m) W[l]``,  ``db[l] = sum_i dZ[l] / m``,
                         ``dA[l-1] = W[l]^T dZ[l]``.

A hidden layer may add batch norm (``scratch.batchnorm``) and inverted dropout
(``scratch.dropout``), in the course's placement:
``Z[l] = W[l] A[l-1]`` (no bias),  ``Z_tilde[l] = gamma[l] Z_norm[l] + beta[l]``,
``A[l] = g[l](Z_tilde[l]) * D[l] / keep_prob``; backward, ``dA[l] * D[l] / keep_prob`` is the
activation's ``dA``, its ``dZ`` is ``dZ_tilde[l]``, and ``batchnorm_backward`` gives ``dZ[l]``,
``dgamma[l]``, ``dbeta[l]``. Both depend on the mode: in training (``training=True``, the default
of ``L_model_forward``) batch norm normalises by the batch's statistics and dropout applies the
step's masks; at inference (``training=False``: ``predict``, ``cost_of``) batch norm uses the
running statistics and nothing is dropped.

As in the course, ``dZ`` and ``dA`` are derivatives of the *summed* loss ``m J`` (one column per
example) and ``dW``, ``db`` are derivatives of the cost ``J`` itself. Every operation acts on whole
matrices: there is no loop over examples.

A convolutional network starts with conv, pool and flatten layers (``scratch.image_layers``):
``LAYER_STEPS`` holds each kind's step, one entry per kind of ``scratch.layer_kinds``, and the two
passes run the entry of each layer in turn. Its gradients follow the same convention.

A recurrent network (``scratch.sequence_layers``) is an ``rnn`` or ``lstm`` layer over ``X``
(n_x, m, T_x) and its output layer, which applies at every time step (``OUTPUT_OVER_TIME``, the
entry of its dense output layer: ``layer_steps``); their quantities carry the course's names
(``a``, ``c``, the gates, ``y_pred``; ``dy``, ``dWy``, ``da``, ``dWf``, ...), and all its
gradients are of J, as the course's recurrent backward functions take them.

Memory: the forward and backward passes take ``out``, the caches or grads of an earlier pass on a
batch of the same size, and write into those arrays (NumPy's ``out=``) instead of allocating new
ones. The training loop hands each step the arrays of the step before, so that a step allocates
nothing large: a fresh array costs a page fault per 4 KiB page the first time it is written, which
for the (1024, 4096) arrays of a wide network took longer than the arithmetic that fills them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from scratch.activations import Activation, get_activation
from scratch.batches import count_examples
from scratch.dropout import check_masks
from scratch.image_layers import (
    ConvLayerCache,
    FlattenCache,
    PoolLayerCache,
    conv_layer_backward,
    conv_layer_forward,
    conv_quantities,
    flatten_layer_backward,
    flatten_layer_forward,
    output_quantity,
    pool_layer_backward,
    pool_layer_forward,
)
from scratch.layers import (
    ActivationCache,
    LayerCache,
    LinearCache,
    NormDropoutCache,
    layer_output,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    norm_dropout_backward,
    norm_dropout_forward,
)
from scratch.losses import LOSS_TABLE, cost_from_targets, sequence_output_grad
from scratch.sequence_layers import (
    RecurrentCache,
    output_layer_backward,
    output_layer_forward,
    output_quantities,
    recurrent_layer_backward,
    recurrent_layer_forward,
    recurrent_quantities,
)
from scratch.spec import Layer, NetworkSpec
from scratch.validation import (
    as_input,
    as_targets,
    check_array,
    check_params,
    check_spec,
    check_X,
    named_by,
)

Array = np.ndarray
Params = dict[str, Array]
Cache = (
    LayerCache | NormDropoutCache | ConvLayerCache | PoolLayerCache | FlattenCache | RecurrentCache
)
# The per-layer functions live in scratch.layers; they are the course's, and read from here too.
__all__ = ["ActivationCache", "LayerCache", "LinearCache", "NormDropoutCache", "layer_output"]
__all__ += ["linear_activation_backward", "linear_activation_forward", "linear_forward"]
__all__ += ["L_model_backward", "L_model_forward", "compute_cost", "cost_of", "linear_backward"]


@lru_cache(maxsize=64)
def layer_activations(spec: NetworkSpec) -> tuple[Activation | None, ...]:
    """``g[1], ..., g[L]`` for a spec, resolved once (``None`` for a layer without one)."""
    return tuple(get_activation(layer) if layer.activation else None for layer in spec.layers)


class LayerSteps(NamedTuple):
    """How scratch computes one kind of layer in a network (``LAYER_STEPS``):

    - ``forward(A_prev, parameters, l, spec, g, *, training, masks, out) -> (A, cache)``;
    - ``backward(grads, cache, g, l, spec, *, input_grad, out)``: adds layer l's gradients and
      ``dA{l-1}`` (unless ``input_grad`` is false) to ``grads``, which holds ``dA{l}`` (the
      output layer: its ``dZ{L}``);
    - ``quantities(l, cache)``: its forward quantities keyed as ``layer_internals`` keys them;
    - ``caches``: the types of cache ``forward`` makes."""

    forward: Callable[..., tuple[Array, Any]]
    backward: Callable[..., None]
    quantities: Callable[[int, Any], dict[str, Array]]
    caches: tuple[type, ...]


def _dense_forward(
    A: Array,
    parameters: Mapping[str, Array],
    l: int,
    spec: NetworkSpec,
    g: Activation,
    *,
    training: bool,
    masks: Mapping[str, Array] | None,
    out: Cache | None,
) -> tuple[Array, LayerCache | NormDropoutCache]:
    layer = spec.layers[l - 1]
    if layer.batch_norm or layer.dropout:
        D = masks[f"D{l}"] if layer.dropout and training else None
        return norm_dropout_forward(A, parameters, l, spec, g, training=training, D=D, out=out)
    reuse = None if out is None else out.activation_cache
    W, b = parameters[f"W{l}"], parameters[f"b{l}"]
    return linear_activation_forward(A, W, b, g, out=reuse, check=False)


def _dense_backward(
    grads: dict[str, Array],
    cache: LayerCache | NormDropoutCache,
    g: Activation,
    l: int,
    spec: NetworkSpec,
    *,
    input_grad: bool,
    out: Mapping[str, Array] | None,
) -> None:
    if l < spec.L and isinstance(cache, NormDropoutCache):
        reuse = None if out is None else {k: out.get(f"{k}{l}") for k in ("dZ_tilde", "dZ")}
        steps = norm_dropout_backward(grads[f"dA{l}"], cache, g, reuse)
        grads |= {f"{key}{l}": value for key, value in steps.items()}
    elif l < spec.L:
        Z, A = cache.activation_cache
        dZ_out = None if out is None else out[f"dZ{l}"]
        grads[f"dZ{l}"] = g.backward(grads[f"dA{l}"], Z, A, out=dZ_out)
    reuse = None if out is None else (out.get(f"dA{l - 1}"), out[f"dW{l}"], out.get(f"db{l}"))
    dA_prev, grads[f"dW{l}"], db = linear_backward(
        grads[f"dZ{l}"], cache.linear_cache, spec.l2, input_grad=input_grad, out=reuse, check=False
    )
    if db is not None:
        grads[f"db{l}"] = db
    if dA_prev is not None:
        grads[f"dA{l - 1}"] = dA_prev


def _dense_quantities(l: int, cache: LayerCache | NormDropoutCache) -> dict[str, Array]:
    """``Z{l}`` (with batch norm, ``Z_norm{l}``, ``Z_tilde{l}`` after it), ``A{l}`` (after the
    dropout mask) and the mask ``D{l}`` it applied."""
    norm = getattr(cache, "norm_cache", None)
    if norm is None:
        out = {f"Z{l}": cache.activation_cache.Z}
    else:
        out = {f"Z{l}": norm.Z, f"Z_norm{l}": norm.Z_norm, f"Z_tilde{l}": cache.activation_cache.Z}
    out[f"A{l}"] = layer_output(cache)
    dropout = getattr(cache, "dropout_cache", None)
    if dropout is not None:
        out[f"D{l}"] = dropout.D
    return out


# One entry per kind of layer a spec can name (scratch.layer_kinds.LAYER_KINDS).
LAYER_STEPS: dict[str, LayerSteps] = {
    "dense": LayerSteps(
        _dense_forward, _dense_backward, _dense_quantities, (LayerCache, NormDropoutCache)
    ),
    "conv": LayerSteps(conv_layer_forward, conv_layer_backward, conv_quantities, (ConvLayerCache,)),
    "pool": LayerSteps(pool_layer_forward, pool_layer_backward, output_quantity, (PoolLayerCache,)),
    "flatten": LayerSteps(
        flatten_layer_forward, flatten_layer_backward, output_quantity, (FlattenCache,)
    ),
    "rnn": LayerSteps(
        recurrent_layer_forward, recurrent_layer_backward, recurrent_quantities, (RecurrentCache,)
    ),
    "lstm": LayerSteps(
        recurrent_layer_forward, recurrent_layer_backward, recurrent_quantities, (RecurrentCache,)
    ),
}
# A recurrent network's dense output layer, applied at every time step (scratch.recurrent).
OUTPUT_OVER_TIME = LayerSteps(
    output_layer_forward, output_layer_backward, output_quantities, (LayerCache,)
)


@lru_cache(maxsize=64)
def layer_steps(spec: NetworkSpec) -> tuple[LayerSteps, ...]:
    """Each layer's entry of ``LAYER_STEPS``, by its kind; a recurrent network's output layer
    takes ``OUTPUT_OVER_TIME``."""
    steps = [LAYER_STEPS[layer.kind] for layer in spec.layers]
    if spec.sequences:
        steps[-1] = OUTPUT_OVER_TIME
    return tuple(steps)


def L_model_forward(
    X: Array,
    parameters: Mapping[str, Array],
    spec: NetworkSpec,
    out: list[Cache] | None = None,
    *,
    masks: Mapping[str, Array] | None = None,
    training: bool = True,
    check: bool = True,
) -> tuple[Array, list[Cache]]:
    """Forward pass through all L layers: returns ``AL`` (n[L], m) and the L caches.
    ``out``: the caches of an earlier pass with the same m, their ``Z`` and ``A`` overwritten
    (where a layer's ``A`` is its ``Z``, ``A`` is computed in place).
    ``training``: batch norm by the batch's statistics, and dropout by ``masks`` (``D1, ...``
    as ``scratch.dropout_masks`` draws them, needed for every layer with ``keep_prob < 1``);
    ``training=False``: batch norm by the running statistics, and nothing dropped.
    ``check=False`` skips the checks of ``X``, the parameters and the masks (the training loop
    has made them once, before its first step); the check of the parameters is of keys, shapes
    and dtypes, per layer (their finiteness is checked where they enter: ``train``,
    ``save_weights``, ``load_weights``)."""
    if check:
        with named_by("L_model_forward"):
            check_X(X, spec)
            check_params(parameters, spec, finite=False)
            if training:
                check_masks(masks, spec, count_examples(X))
    A = X
    caches = []
    for l, (g, steps) in enumerate(zip(layer_activations(spec), layer_steps(spec), strict=True), 1):
        reuse = None if out is None else out[l - 1]
        A, cache = steps.forward(
            A, parameters, l, spec, g, training=training, masks=masks, out=reuse
        )
        caches.append(cache)
    return A, caches


def compute_cost(
    ZL: Array, Y: Array, spec: NetworkSpec, parameters: Mapping[str, Array] | None = None
) -> float:
    """``J = (1/m) sum_i loss(ZL_i, Y_i)`` plus ``(l2/2m) sum_l ||W[l]||^2`` when ``spec.l2 > 0``.

    Takes the output layer's pre-activation ``ZL = caches[-1].activation_cache.Z``, not ``AL``:
    ``log(AL)`` is -inf once a sigmoid or softmax unit saturates, while the loss written in
    terms of ``ZL`` is finite everywhere (see ``scratch.losses``).
    """
    with named_by("compute_cost"):
        check_spec(spec)
        check_array("ZL", ZL)
        n_L = spec.layers[-1].units
        if ZL.shape[0] != n_L:
            raise ValueError(
                f"ZL has shape {ZL.shape}; the output layer gives (n[L], m) = ({n_L}, m)"
            )
        T = as_targets(Y, spec, ZL.shape[1])
        if spec.l2 and parameters is not None:
            check_params(parameters, spec, finite=False)
    return cost_from_targets(ZL, T, spec, parameters)


def cost_of(
    X: Array,
    Y: Array,
    parameters: Mapping[str, Array],
    spec: NetworkSpec,
    *,
    check: bool = True,
    training: bool = False,
    masks: Mapping[str, Array] | None = None,
) -> float:
    """The cost ``J`` of ``parameters`` on the examples ``X``, ``Y``: a forward pass, then
    ``compute_cost`` of its ``ZL``. By default the network as it predicts (batch norm by the
    running statistics, no dropout); ``training=True`` (with the step's ``masks``) is the cost
    a training step takes. ``check=False``: ``X`` and ``Y`` are already checked and in training
    form (``as_input``, ``as_targets``), as a loop that calls this often holds them."""
    if check:
        X = as_input(X, spec)
        Y = as_targets(Y, spec, count_examples(X))
    _, caches = L_model_forward(X, parameters, spec, masks=masks, training=training, check=check)
    return cost_from_targets(caches[-1].activation_cache.Z, Y, spec, parameters)


def L_model_backward(
    AL: Array,
    Y: Array,
    caches: list[Cache],
    spec: NetworkSpec,
    *,
    input_grad: bool = True,
    out: Mapping[str, Array] | None = None,
    check: bool = True,
) -> dict[str, Array]:
    """Backward pass through all L layers by the chain rule, from a training-mode forward pass.

    Returns ``grads`` keyed ``dW1, db1, ..., dWL, dbL`` (derivatives of J), ``dZ1, ..., dZL`` and
    ``dA0, ..., dA{L-1}`` (derivatives of the summed loss, as in the course); a batch-norm layer
    adds ``dZ_tilde{l}`` (of the summed loss), ``dgamma{l}`` and ``dbeta{l}`` (of J) and has no
    ``db{l}``. A recurrent network's are the course's, all of J: ``dy``, ``dWy`` (``dWya``),
    ``dby``, ``da``, the cell's (``dWf, dbf, ...``; ``dWax, dWaa, dba``), ``da0`` and ``dx``.
    ``dZ[L]`` comes from the loss in closed form, so it stays exact when the output unit
    saturates. ``input_grad=False`` leaves out ``dA0``, the one quantity an update never
    uses. ``out``: the grads of an earlier pass with the same m, whose arrays are overwritten
    (where ``dZ{l}`` is ``dA{l}``, ``dZ`` is computed in place).
    ``check=False``: ``Y`` is already in training form and checked (``as_targets``), and the
    caches are L_model_forward's, as the training loop holds them.
    """
    if check:
        with named_by("L_model_backward"):
            check_caches(AL, caches, spec)
            T = as_targets(Y, spec, AL.shape[1])
    else:
        T = Y
    L = len(caches)
    if spec.sequences:  # dJ/dz, the course's dy / m, at every step (scratch.recurrent)
        grads: dict[str, Array] = {"dy": sequence_output_grad(AL, T)}
    else:
        grads = {f"dZ{L}": LOSS_TABLE[spec.loss].output_grad(AL, T)}
    activations = layer_activations(spec)
    for l, steps in zip(range(L, 0, -1), reversed(layer_steps(spec)), strict=True):
        needed = input_grad or l > 1
        steps.backward(
            grads, caches[l - 1], activations[l - 1], l, spec, input_grad=needed, out=out
        )
    return grads


def check_caches(AL: Array, caches: list[Cache], spec: NetworkSpec) -> None:
    """``AL`` (n[L], m) (over time: (n_y, m, T_x)) and one cache per layer, of the layer's kind,
    its first quantity (``Z``, ``A``, ``a``, ``y_pred``) of the layer's shape: what
    ``L_model_forward`` returns for ``spec`` (per layer, no pass over the entries)."""
    check_spec(spec)
    n_L = spec.layers[-1].units
    rank, shown = (
        (3, "(n_y, m, T_x) = ({}, m, T_x)") if spec.sequences else (2, "(n[L], m) = ({}, m)")
    )
    if not isinstance(AL, np.ndarray) or AL.ndim != rank or AL.shape[0] != n_L:
        raise ValueError(f"AL has shape {np.shape(AL)}; the output layer gives {shown.format(n_L)}")
    if not isinstance(caches, list | tuple) or len(caches) != spec.L:
        given = (
            f"{len(caches)} cache(s)" if isinstance(caches, list | tuple) else type(caches).__name__
        )
        raise ValueError(
            f"caches holds {given}; the backward pass needs one per layer, L = {spec.L}, as "
            "L_model_forward returns them"
        )
    m = AL.shape[1]
    for l, (cache, layer, steps) in enumerate(
        zip(caches, spec.layers, layer_steps(spec), strict=True), start=1
    ):
        kind = (NormDropoutCache if layer.batch_norm or layer.dropout else LayerCache,)
        kind = kind if isinstance(layer, Layer) else steps.caches
        if not isinstance(cache, kind):
            raise TypeError(
                f"caches[{l - 1}] is a {type(cache).__name__}; layer {l} of the spec makes a "
                f"{kind[0].__name__} in L_model_forward"
            )
        name, array = next(iter(steps.quantities(l, cache).items()))  # its Z, A, a or y_pred
        shape = spec.shapes[l]
        sizes = ", ".join(map(str, shape))
        if spec.sequences:
            fits = np.ndim(array) == 3 and np.shape(array)[:2] == (*shape, m)
            layout = f"({'n_a' if l == 1 else 'n_y'}, m, T_x) = ({sizes}, {m}, T_x)"
        elif len(shape) == 1:
            fits = np.shape(array) == (*shape, m)
            layout = f"(n[{l}], m) = ({sizes}, {m})"
        else:
            fits = np.shape(array) == (m, *shape)
            layout = f"(m, n_H, n_W, n_C) = ({m}, {sizes})"
        if not fits:
            raise ValueError(
                f"caches[{l - 1}] holds {name} of shape {np.shape(array)}; layer {l} of the spec "
                f"on m = {m} examples gives {layout}"
            )
