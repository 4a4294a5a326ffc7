"""``torch_impl.callbacks``: ``callback(t, cost)`` called as ``scratch.train`` calls it, and the
progress bar with the cost, on stderr."""

from __future__ import annotations

import numpy as np
import pytest
from parity_cases import FLOAT64_RTOL

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


def test_callback_sees_the_same_iterations_and_costs_as_scratch(planar):
    spec, X, Y, params = planar
    seen = {"scratch": [], "torch": []}
    run = dict(params=params, learning_rate=1.2, num_iterations=5, start_iteration=10)
    scratch.train(spec, X, Y, **run, callback=lambda t, c: seen["scratch"].append((t, c)))
    torch_impl.train(spec, X, Y, **run, callback=lambda t, c: seen["torch"].append((t, c)))
    assert [t for t, _ in seen["torch"]] == list(range(10, 15))
    assert np.allclose(seen["torch"], seen["scratch"], rtol=FLOAT64_RTOL, atol=0)


def test_the_progress_bar_shows_the_cost_on_stderr_only(planar, capfd):
    spec, X, Y, params = planar
    capfd.readouterr()
    torch_impl.train(
        spec, X, Y, params=params, learning_rate=1.2, num_iterations=3, progress_bar=True
    )
    out, err = capfd.readouterr()
    assert out == "", f"the bar wrote to stdout:\n{out}"
    assert "cost=" in err and "3/3" in err, err
    frames = [frame for frame in err.replace("\n", "\r").split("\r") if frame]
    assert all(frame.startswith("Epoch 0: ") and "/3 " in frame for frame in frames), frames
