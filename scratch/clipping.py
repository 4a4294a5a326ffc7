"""Gradient clipping: every gradient bounded before the update, as a spec's ``clip`` and
``clip_by`` ask (any network; the course clips its language model's). The twin is
``torch_impl.clipping``, which clips with torch's own functions (and the Trainer with its own
``gradient_clip_val`` and ``gradient_clip_algorithm``).

- by value, the course's ``clip(gradients, maxValue)``: each entry into ``[-clip, clip]``,
  ``g := min(max(g, -clip), clip)``, entry by entry (``torch.nn.utils.clip_grad_value_``);
- by norm: with ``||g||`` the 2-norm of all the gradients together (of the norms of each),
  every gradient scaled by ``min(1, clip / (||g|| + 1e-6))``, which keeps its direction
  (``torch.nn.utils.clip_grad_norm_``, its 1e-6 included; computed in the gradients' dtype, as
  torch does).

Clipping by value changes the direction of the step where an entry passes the bound, and by norm
changes every entry as soon as the whole passes it: they part wherever one entry is clipped
(``parity_tests``' conventions of clipping show where).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping

import numpy as np

Array = np.ndarray
NORM_EPS = 1e-6  # what torch.nn.utils.clip_grad_norm_ adds to the norm


def gradient_norm(gradients: Iterable[Array]) -> Array:
    """``||g||``: the 2-norm of the norms of each array (the 2-norm of all their entries), a 0-d
    array of their dtype."""
    norms = [np.linalg.norm(g.ravel()) for g in gradients]
    return np.linalg.norm(np.array(norms))


def clip_gradients(
    grads: MutableMapping[str, Array], keys: Iterable[str], clip: float, clip_by: str = "value"
) -> None:
    """Clip the gradients ``grads[key]`` of ``keys`` (``dW1``, ``dWax``, ...) in place, by
    ``clip_by`` (``"value"`` or ``"norm"``: the module's docstring) with the bound ``clip``."""
    arrays = [grads[key] for key in keys]
    if clip_by == "value":
        for g in arrays:
            np.clip(g, -clip, clip, out=g)
        return
    if clip_by != "norm":
        raise ValueError(f"clip_by must be 'value' or 'norm', got {clip_by!r}")
    total = gradient_norm(arrays)
    dtype = arrays[0].dtype.type
    coefficient = min(dtype(clip) / (total + dtype(NORM_EPS)), dtype(1.0))
    for g in arrays:
        g *= coefficient
