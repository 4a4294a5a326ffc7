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
    """``costs[k]``: the cost of implementation ``impl`` at iteration ``start + k``;
    ``learning_rates[k]``, the step size of that iteration's update (``None``: not recorded)."""

    impl: str
    start: int
    costs: Array
    learning_rates: Array | None = None


def learning_rates(curves: Sequence[Curve]) -> Array | None:
    """The learning rate at every iteration of ``aligned``, when it changes during the run (a
    decay); ``None`` when it is constant. Both sides step at the same rate (the parity lines
    check it), so the first curve that has one gives each iteration's."""
    iterations, _ = aligned(curves)
    rates = np.full(len(iterations), np.nan)
    for curve in reversed(curves):
        if curve.learning_rates is not None:
            at = curve.start - iterations[0]
            rates[at : at + len(curve.learning_rates)] = curve.learning_rates
    known = rates[~np.isnan(rates)]
    return rates if known.size and (known != known[0]).any() else None


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
    """One row per iteration: ``iteration``, each curve's cost (empty where it has none), for
    two curves ``abs_difference``, and ``learning_rate`` when it changes during the run. Floats
    are written exactly (shortest round-trip)."""
    iterations, table = aligned(curves)
    diff, rates = difference(curves), learning_rates(curves)
    extra = [
        (name, column) for name, column in (("abs_difference", diff), ("learning_rate", rates))
    ]
    extra = [(name, column) for name, column in extra if column is not None]
    columns = [*table, *(column for _, column in extra)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [curve.impl for curve in curves] + [name for name, _ in extra]
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
