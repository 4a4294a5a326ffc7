"""The cost with PyTorch's own losses, one table entry per loss the spec can name: the twin of
``scratch.losses``.

On logits ``ZL`` (m, n[L]) and targets ``T`` (m, n[L]) in training form (one-hot or probability
rows for cross-entropy, as ``scratch.validation.as_targets`` makes them, transposed):

    J = (1/m) sum_i loss(ZL_i, T_i) + (l2 / 2m) sum_l ||W[l]||_F^2

- ``binary_cross_entropy``: ``binary_cross_entropy_with_logits``, the sigmoid folded in;
- ``cross_entropy``: ``cross_entropy``, the softmax folded in (it also takes class indices);
- ``mse``: ``mse_loss``, the squared error summed over the outputs of an example.

Each loss is summed over the examples and divided by m, which is how ``scratch.losses`` averages
(``mse_loss``'s own mean would also divide by n[L]). Gradients come from autograd.

A recurrent network's logits (m, T_x, n_y) (batch first) and labels (m, T_x), ``PAD`` (-1)
after a sequence's end: ``cross_entropy(..., ignore_index=-1, reduction="sum")`` over the m T_x
steps, divided by m (the sum over time, the mean over the sequences).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch.nn.functional import binary_cross_entropy_with_logits, cross_entropy, mse_loss

from scratch.losses import PAD
from scratch.spec import NetworkSpec

LOSS_TABLE: dict[str, Callable[..., torch.Tensor]] = {
    "binary_cross_entropy": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
    "mse": mse_loss,
}


def cost_from_targets(
    ZL: torch.Tensor,
    T: torch.Tensor,
    spec: NetworkSpec,
    weights: Iterable[torch.Tensor] = (),
    *,
    shards: int = 1,
) -> torch.Tensor:
    """``J`` (0-d tensor) for the m examples in ``ZL`` (m, n[L]) and ``T``; ``weights`` are
    ``W[1..L]``, needed when ``spec.l2 > 0``.

    ``shards``: the number of equal shards of one batch that as many processes hold (DDP). The
    L2 term is then taken over the whole batch's ``shards * m`` examples, so that the mean of the
    shards' costs, and of their gradients (what DDP averages), is the whole batch's.
    """
    m = ZL.shape[0]
    if ZL.ndim == 3:  # every step's logits, labels with PAD after a sequence's end
        J = cross_entropy(ZL.flatten(0, 1), T.flatten(), ignore_index=PAD, reduction="sum") / m
    else:
        J = LOSS_TABLE[spec.loss](ZL, T, reduction="sum") / m
    if spec.l2:
        weights = list(weights)
        if not weights:
            raise ValueError(f"the cost with l2={spec.l2} needs the weights")
        squares = sum(W.square().sum() for W in weights)
        J = J + spec.l2 / (2 * m * shards) * squares
    return J
