"""Cost curves: the cost each implementation logged at every iteration, side by side.

On both sides the cost logged for iteration t is the one computed before update t. A curve
starts where its run started (``start``, non-zero for a resumed run) and may stop early (a cost
that diverged); curves are lined up by iteration, with NaN where one has no value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Curve:
    """``costs[k]``: the cost of implementation ``impl`` at iteration ``start + k``."""

    impl: str
    start: int
    costs: Array


def aligned(curves: Sequence[Curve]) -> tuple[Array, Array]:
    """``(iterations, table)``: every iteration any curve has, and ``table[i, t]``, the cost of
    curve i there (NaN where it has none)."""
    first = min(curve.start for curve in curves)
    stop = max(curve.start + len(curve.costs) for curve in curves)
    table = np.full((len(curves), stop - first), np.nan)
    for row, curve in zip(table, curves, strict=True):
        row[curve.start - first : curve.start - first + len(curve.costs)] = curve.costs
    return np.arange(first, stop), table


def difference(curves: Sequence[Curve]) -> Array | None:
    """``|cost_a - cost_b|`` per iteration of ``aligned`` for two curves; ``None`` for one."""
    if len(curves) != 2:
        return None
    _, table = aligned(curves)
    return np.abs(table[0] - table[1])


def costs_csv(curves: Sequence[Curve]) -> str:
    """One row per iteration: ``iteration``, each curve's cost (empty where it has none) and,
    for two curves, ``abs_difference``. Floats are written exactly (shortest round-trip)."""
    iterations, table = aligned(curves)
    diff = difference(curves)
    columns = [*table, *([diff] if diff is not None else [])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [curve.impl for curve in curves] + (["abs_difference"] if diff is not None else [])
    writer.writerow(["iteration", *header])
    for k, t in enumerate(iterations):
        writer.writerow([t, *("" if np.isnan(c[k]) else repr(float(c[k])) for c in columns)])
    return out.getvalue()


def cost_table(curves: Sequence[Curve], every: int) -> list[str]:
    """Printable rows at every ``every``-th iteration and the last: each curve's cost and, for
    two curves, their difference and the largest difference so far (over all iterations)."""
    iterations, table = aligned(curves)
    diff = difference(curves)
    head = f"{'iteration':>9}" + "".join(f"{curve.impl + ' cost':>17}" for curve in curves)
    if diff is not None:
        head += f"{'|difference|':>15}{'largest so far':>16}"
        largest = np.fmax.accumulate(diff)
    rows = sorted({*range(0, len(iterations), every), len(iterations) - 1})
    lines = [head]
    for k in rows:
        line = f"{iterations[k]:>9}" + "".join(f"{_cost(c[k]):>17}" for c in table)
        if diff is not None:
            line += f"{_small(diff[k]):>15}{_small(largest[k]):>16}"
        lines.append(line)
    return lines


def _cost(value: float) -> str:
    return "-" if np.isnan(value) else f"{value:.10g}"


def _small(value: float) -> str:
    return "-" if np.isnan(value) else f"{value:.1e}"
