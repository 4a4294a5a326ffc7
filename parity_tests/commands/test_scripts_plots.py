"""The run's pictures are drawn for every run the command can save, a diverging one included."""

from __future__ import annotations

import numpy as np

from scripts.runs.costs import Curve
from scripts.runs.plots import LOG_CEILING, plot_costs


def test_the_cost_plot_of_a_run_that_diverged_towards_float_max_is_drawn(tmp_path):
    """Costs up to 1e305 and differences up to 1e292 (an MSE run at learning rate 1.2, the
    iteration before it overflowed): matplotlib's log ticks would overflow on that span."""
    costs = np.logspace(-1, 305, 172)
    other = costs * (1 + np.logspace(-16, -13, 172))
    path = tmp_path / "cost.png"
    plot_costs([Curve("scratch", 0, costs), Curve("torch", 0, other)], path, "diverging")
    assert path.read_bytes().startswith(b"\x89PNG")
    assert np.abs(costs - other).max() > LOG_CEILING
