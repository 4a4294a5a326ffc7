"""Pictures of a run, as PNG files drawn by matplotlib's Agg renderer (no display, no pyplot
state): the cost curves of the implementations on one figure with their difference on a log
scale, and the decision boundary each learned on a 2-D data set."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

import scratch
from scratch import NetworkSpec
from scratch._atomic import atomic_write
from scripts.runs.costs import Curve, aligned, difference, learning_rates

Array = np.ndarray
GRID_POINTS = 300
CMAP = "Spectral"
TITLE_WIDTH = 90  # characters a line of the title takes at fontsize 10 on the 8-inch figure
LOG_CEILING = 1e200  # matplotlib's log-scale ticks overflow on a span reaching towards 1e308
STYLES = ({"linestyle": "-", "linewidth": 2.5, "alpha": 0.6}, {"linestyle": "--", "linewidth": 1.2})


def plot_costs(curves: Sequence[Curve], path: str | Path, title: str) -> None:
    """The cost per iteration of every curve on one axis, with the learning rate on a second
    scale when a decay changes it; for two curves, a second axis below with ``|difference|`` on
    a log scale (iterations where they are exactly equal have no point there, and the title
    counts them, as it does those above ``LOG_CEILING``, where a diverging run goes)."""
    diff = difference(curves)
    figure = Figure(figsize=(8, 6.5 if diff is not None else 4.5), layout="constrained")
    axes = figure.subplots(2 if diff is not None else 1, 1, sharex=True, squeeze=False)[:, 0]
    iterations, table = aligned(curves)
    for curve, costs, style in zip(curves, table, STYLES, strict=False):
        axes[0].plot(iterations, costs, label=curve.impl, **style)
    axes[0].set_ylabel("cost J")
    wrapped = "\n".join(textwrap.fill(line, TITLE_WIDTH) for line in title.splitlines())
    axes[0].set_title(wrapped, fontsize=10)
    rates = learning_rates(curves)
    if rates is not None:  # a decay: the step size on a second scale, dotted
        twin = axes[0].twinx()
        twin.plot(iterations, rates, color="tab:gray", ls=":", label="learning rate")
        twin.set_ylabel("learning rate", color="tab:gray")
    axes[0].legend()
    if diff is not None:
        equal, above = int(np.sum(diff == 0)), int(np.sum(diff > LOG_CEILING))
        shown = np.where((diff > 0) & (diff <= LOG_CEILING), diff, np.nan)
        axes[1].semilogy(iterations, shown, color="tab:red", marker=".", markersize=2, ls="none")
        axes[1].set(
            ylabel="|difference|",
            title=f"|{curves[0].impl} - {curves[1].impl}|: exactly equal at {equal} of "
            f"{int(np.sum(~np.isnan(diff)))} iterations"
            + (f"; {above} above {LOG_CEILING:.0e} not drawn" if above else ""),
        )
    axes[-1].set_xlabel("iteration")
    _save(figure, path)


def plot_decision_boundaries(
    panels: Mapping[str, Mapping[str, Array]],
    spec: NetworkSpec,
    X: Array,
    Y: Array,
    path: str | Path,
) -> None:
    """For 2-D inputs ``X`` (2, m) with class labels ``Y`` (1, m): one panel per entry of
    ``panels`` (title -> parameters), the plane coloured by the class the network predicts
    (``scratch.predict``) and the examples drawn on top."""
    margin = 0.1 * (X.max(axis=1) - X.min(axis=1)) + 0.5
    low, high = X.min(axis=1) - margin, X.max(axis=1) + margin
    xx, yy = np.meshgrid(*(np.linspace(low[i], high[i], GRID_POINTS) for i in range(2)))
    grid = np.stack([xx.ravel(), yy.ravel()])
    classes = int(Y.max()) + 1
    levels = np.arange(classes + 1) - 0.5  # one filled band per class
    norm = Normalize(vmin=0, vmax=classes - 1)  # the same colour for a region and its points
    figure = Figure(figsize=(5 * len(panels), 4.6), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, (title, params) in zip(axes, panels.items(), strict=True):
        predicted = scratch.predict(grid, params, spec).reshape(xx.shape)
        ax.contourf(xx, yy, predicted, levels=levels, cmap=CMAP, norm=norm, alpha=0.45)
        ax.scatter(X[0], X[1], c=Y[0], cmap=CMAP, norm=norm, s=12, edgecolors="k", linewidths=0.3)
        ax.set(title=title, xlabel="x1", ylabel="x2", aspect="equal")
    _save(figure, path)


def _save(figure: Figure, path: str | Path) -> None:
    canvas = FigureCanvasAgg(figure)
    atomic_write(path, lambda fh: canvas.print_png(fh))
