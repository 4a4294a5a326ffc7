"""``scratch.bands``: the torch side's modes held to their rows of the one table (a compiled run
to the eager rows as they are, a mixed precision to 3 L u), and where a curve leaves its band."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scratch.bands import mode_tolerance, steps_outside, unmeasured_network
from scratch.spec import build_spec
from scratch.spec_files import load_spec
from scratch.tolerances import COMPILED, CURVE, FORWARD, GRADIENT, TRAINED, Tolerance, tolerance


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", [FORWARD, GRADIENT, CURVE, TRAINED])
def test_a_compiled_run_takes_the_eager_rows_as_they_are_whatever_its_depth(dtype, kind):
    for depth in (1, 2, 7):
        row = mode_tolerance(dtype, kind, "compiled", depth)
        assert row == tolerance(dtype, kind + COMPILED) == tolerance(dtype, kind)


def test_equal_infinities_stay_inside_a_band_and_an_infinity_against_a_number_leaves_it():
    band = Tolerance(1e-2, 1e-5, elementwise=True)
    a = np.array([0.5, np.inf, -np.inf, 0.5])
    b = np.array([0.5, np.inf, -np.inf, np.inf])
    assert list(steps_outside(a, b, band)) == [3]


def test_a_band_is_per_step_so_a_late_small_cost_is_held_as_closely_as_an_early_large_one():
    band = Tolerance(1e-3, 0.0, elementwise=True)
    a = np.array([10.0, 1e-3])
    inside = a * (1 + 0.9e-3)
    outside = a * (1 + 1.1e-3)
    assert steps_outside(a, inside, band).size == 0
    assert list(steps_outside(a, outside, band)) == [0, 1]


def test_the_modes_bands_were_measured_on_dense_networks_only():
    specs = Path(__file__).resolve().parents[2] / "scratch" / "specs"
    assert unmeasured_network(load_spec(specs / "shapes-conv.yaml")) == "convolutional"
    assert unmeasured_network(load_spec(specs / "names-lstm.yaml")) == "recurrent"
    assert unmeasured_network(build_spec([2, 4, 1], "tanh")) is None
