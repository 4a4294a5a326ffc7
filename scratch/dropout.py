"""Inverted dropout, in the course's form (the follow-on course's week 1): the twin is
``torch_impl.dropout``, whose module applies these very masks.

For a hidden layer with keep probability ``keep_prob`` and output ``A`` (n, m), in training:

    D = (U < keep_prob)          U ~ uniform [0, 1), one entry per unit and example
    A = A * D / keep_prob        forward: each unit is kept with probability keep_prob, and the
                                 kept ones are scaled up so that E[A] does not change
    dA = dA * D / keep_prob      backward: the same mask, the same scale

and at inference (``predict``) nothing is dropped and nothing is scaled. This is what torch's own
``nn.Dropout(p=1 - keep_prob)`` computes (``parity_tests.test_torch_dropout`` shows it).

The masks are drawn once, here, like the initial weights: the mask of layer l at training step t
comes from ``np.random.default_rng((seed, DROPOUT_STREAM, t, l))``, so it depends only on the
spec's seed, the step and the layer. A run resumed at step t draws the same masks as an
uninterrupted one, and the torch side, which draws nothing, receives them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scratch.spec import NetworkSpec

Array = np.ndarray
DROPOUT_STREAM = 0xD12  # keeps the masks' draws apart from the batch order's (seed, epoch)


def dropout_mask(
    seed: int,
    step: int,
    layer: int,
    shape: tuple[int, int],
    keep_prob: float,
    dtype: str,
    out: Array | None = None,
    uniform: Array | None = None,
) -> Array:
    """``D = (U < keep_prob)`` of ``shape`` in ``dtype`` (0 or 1), ``U`` drawn in float64 from
    ``default_rng((seed, DROPOUT_STREAM, step, layer))``: the same mask in either dtype. ``out``:
    an array of that shape and dtype to draw into; ``U`` is drawn into ``uniform`` (float64),
    or into ``out`` itself when it is float64."""
    rng = np.random.default_rng((seed, DROPOUT_STREAM, step, layer))
    if out is None:
        return (rng.random(shape) < keep_prob).astype(dtype)
    if uniform is None and out.dtype == np.float64:
        uniform = out
    U = rng.random(shape) if uniform is None else rng.random(out=uniform)
    return np.less(U, keep_prob, out=out)


def dropout_masks(
    spec: NetworkSpec,
    m: int,
    step: int = 0,
    out: Mapping[str, Array] | None = None,
    uniform: Mapping[str, Array] | None = None,
) -> dict[str, Array]:
    """The masks of training step ``step`` on a batch of ``m`` examples: ``D{l}`` (n[l], m) for
    each layer with ``keep_prob < 1``; empty for a spec without dropout. ``out``: the masks of
    an earlier step with the same m, drawn over (and ``uniform``, float64 arrays of their
    shapes keyed alike, for the draws of float32 masks)."""
    masks = {}
    for l, layer in enumerate(spec.layers, start=1):
        if layer.dropout:
            key = f"D{l}"
            into = {} if out is None else {"out": out[key], "uniform": (uniform or {}).get(key)}
            drawn = dropout_mask(
                spec.seed, step, l, (layer.units, m), layer.keep_prob, spec.dtype, **into
            )
            masks[key] = drawn
    return masks


def check_masks(masks: Mapping[str, Array] | None, spec: NetworkSpec, m: int) -> None:
    """Training with dropout needs a mask ``D{l}`` (n[l], m) for every layer that drops."""
    for l, layer in enumerate(spec.layers, start=1):
        if not layer.dropout:
            continue
        D = None if masks is None else masks.get(f"D{l}")
        if D is None:
            raise ValueError(
                f"layer {l}: keep_prob {layer.keep_prob} needs its dropout mask D{l} in training; "
                f"pass masks=scratch.dropout_masks(spec, m, step), or training=False"
            )
        if np.shape(D) != (layer.units, m):
            raise ValueError(
                f"layer {l}: the dropout mask D{l} has shape {np.shape(D)}; the layer's A{l} is "
                f"{(layer.units, m)} = (n[{l}], m)"
            )


def dropout_forward(A: Array, D: Array, keep_prob: float, out: Array | None = None) -> Array:
    """``A * D / keep_prob`` (n, m), written into ``out`` when given."""
    A = np.multiply(A, D, out=out)
    A /= keep_prob
    return A


def dropout_backward(dA: Array, D: Array, keep_prob: float, out: Array | None = None) -> Array:
    """``dA * D / keep_prob``: the gradient through the same mask and scale."""
    return dropout_forward(dA, D, keep_prob, out)
