"""No twin (the referee's): the bands of the torch side's modes (``torch_impl.modes``), and where
a curve leaves its band. NumPy only, like the referee.

A mode's rows sit in the one table (``scratch.tolerances``, ``kind + MODES[mode]``). A compiled
run takes them as they are. A mixed-precision row is per layer: autocast rounds each product's
two operands and its result to the half type (unit roundoff u: 2**-8 for bf16, 2**-11 for fp16),
about 3 u a layer of relative error, and the L layers' errors add, so a run's band is 3 L u.

Measured by ``measure_tolerances --networks 0 --centred 0 --runs 0 --compiled 30
--compiled-runs 16 --mixed-runs 40 --seed 5`` (the plain networks of the eager rows; runs by
gradient descent, 1,000 steps, on the built-in data sets):

- compiled: the eager rows hold as they are. Inductor keeps the matrix products as eager's own
  calls, and its fused element-wise kernels and sums differ from eager's in the last bit or two
  (``torch_impl.modes``), the size of the differences between scratch and eager themselves.
  Passes: none of 1,242 arrays outside; float64 forward 382x and gradient 4,719x inside,
  float32 3,443x and 1,467x. Runs: as with eager, a run at the edge of stability parts (1
  float64 spiral run of 8; 2 float32 runs of 8, both with ReLUs); the others came within 872x
  (float64 curve), 3x (float64 weights: a zeros start's cancelling softmax bias), 91x and 7x
  (float32 curve and weights).
- bf16-mixed: of 40 random float32 runs, 27 stayed inside their 3 L u band, using at most 0.89
  of it (curve) and 0.75 (weights); 13 left it, 9 within their first 50 steps (a large
  learning rate's first steps multiply any difference) and 4 at steps 102-409, where a cost
  falls steeply; so does ``nn-train``'s planar job (2,000 steps) at step 330, as its cost
  falls from 0.54 to 0.27: 110 of its costs are outside, the last at step 439.
- 16-mixed: derived the same way from fp16's 2**-11; not measured (no GPU here).

Every measurement above draws dense networks: no band of a mode was measured on a convolutional
or a recurrent network (``unmeasured_network``), and a comparison of one in a mode has no
measured bound to be judged by.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from scratch.tolerances import MODES, UNIT_ROUNDOFF, Tolerance, tolerance

if TYPE_CHECKING:
    from scratch.comparisons import Comparisons
    from scratch.spec import NetworkSpec


def mode_tolerance(dtype: str | np.dtype, kind: str, mode: str | None, depth: int) -> Tolerance:
    """The row of ``kind`` for a run in ``mode`` (``None``: eager, the plain rows; one of
    ``MODES``) of a network of ``depth`` L layers. A mixed-precision row's ``rtol`` is per
    layer: each layer's product rounds its two operands and its result to the half type, about
    ``3 u`` (u its unit roundoff), and the L layers' errors add, so the band is ``3 L u``."""
    if mode is None:
        return tolerance(dtype, kind)
    if mode not in MODES:
        raise KeyError(f"no mode {mode!r}; the table has rows for {', '.join(MODES)}")
    row = tolerance(dtype, kind + MODES[mode])
    return dataclasses.replace(row, rtol=row.rtol * depth) if mode in UNIT_ROUNDOFF else row


def unmeasured_network(spec: NetworkSpec) -> str | None:
    """``"recurrent"`` or ``"convolutional"`` for a network of a kind the modes' bands were not
    measured on; ``None`` for a dense network, the kind they were."""
    if spec.sequences:
        return "recurrent"
    return "convolutional" if spec.images else None


def steps_outside(a: Any, b: Any, tol: Tolerance) -> np.ndarray:
    """The steps where two curves are outside the per-step ``tol``:
    ``|a_t - b_t| > rtol max(|a_t|, |b_t|) + atol``. As in the referee, equal infinities are
    inside, and a NaN on either side, or an infinity against a finite cost, is outside."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    with np.errstate(invalid="ignore"):
        inside = np.abs(a64 - b64) <= tol.rtol * np.fmax(np.abs(a64), np.abs(b64)) + tol.atol
    inside &= np.isfinite(a64) & np.isfinite(b64)
    return np.flatnonzero(~(inside | (a64 == b64)))


def first_step_outside(run: Comparisons) -> int | None:
    """The first step (counted from the run's start) where the curve of ``compare_training``
    leaves its band, or ``None`` if it stays inside: every later step inherits the
    difference."""
    cost = run["cost"]
    return None if cost.ok or cost.problem != "values" else cost.index[0]
