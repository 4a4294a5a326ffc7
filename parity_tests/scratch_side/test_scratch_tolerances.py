"""``scratch.tolerances``, the one table: the row each quantity falls in, float64 rows inside the
parity contract, errors that list what the table holds, and the centred-difference row scaled
by the cost."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from parity_cases import FLOAT64_RTOL

import scratch
from scratch.bands import first_step_outside, mode_tolerance, steps_outside
from scratch.parity import compare_all, compare_training
from scratch.tolerances import (
    BATCH_NORM,
    CENTRED_DIFFERENCE,
    COMPILED,
    CURVE,
    FORWARD,
    GRADIENT,
    MODES,
    STATE,
    TOLERANCES,
    TRAINED,
    UNIT_ROUNDOFF,
    centred_difference_tolerance,
    kind_of,
    parse_quantity,
    tolerance,
)


@pytest.mark.parametrize(
    ("quantity", "kind"),
    [
        ("Z1", FORWARD),
        ("A3", FORWARD),
        ("cost", FORWARD),
        ("dZ2", GRADIENT),
        ("dA0", GRADIENT),
        ("dW1", GRADIENT),
        ("db4", GRADIENT),
        ("W2", TRAINED),
        ("b1", TRAINED),
        ("D2", FORWARD),
        ("Z_norm1", FORWARD + BATCH_NORM),
        ("Z_tilde3", FORWARD + BATCH_NORM),
        ("dZ_tilde1", GRADIENT + BATCH_NORM),
        ("dgamma2", GRADIENT + BATCH_NORM),
        ("dbeta2", GRADIENT + BATCH_NORM),
        ("gamma1", TRAINED),
        ("beta12", TRAINED),
        ("running_mean1", TRAINED),
        ("running_var2", TRAINED),
        ("v_dgamma1", STATE),
        ("s_dbeta3", STATE),
    ],
)
def test_each_quantity_falls_in_its_row(quantity, kind):
    assert kind_of(quantity) == kind


def test_a_quantity_names_its_layer_and_an_unknown_one_is_refused():
    assert parse_quantity("dA0") == ("dA", 0)
    assert parse_quantity("cost") == ("cost", None)
    with pytest.raises(ValueError, match="'dX2' is not one of cost, Z<l>"):
        parse_quantity("dX2")


@pytest.mark.parametrize("kind", [FORWARD, GRADIENT, CURVE, TRAINED])
def test_every_float64_bound_is_inside_the_contract(kind):
    assert tolerance("float64", kind).rtol <= FLOAT64_RTOL


def test_a_missing_row_lists_what_the_table_holds():
    with pytest.raises(KeyError, match=r"no tolerance for float16 'forward'; the table holds"):
        tolerance("float16", FORWARD)
    with pytest.raises(KeyError, match="float32: forward, gradient, curve, trained"):
        tolerance("float32", CENTRED_DIFFERENCE)


def test_the_centred_difference_atol_is_per_unit_of_the_cost():
    row = TOLERANCES["float64"][CENTRED_DIFFERENCE]
    assert centred_difference_tolerance(0.25).atol == row.atol  # at least one unit
    assert centred_difference_tolerance(-40.0).atol == pytest.approx(40 * row.atol)
    assert centred_difference_tolerance(40.0).rtol == row.rtol


@pytest.mark.parametrize("kind", [FORWARD + BATCH_NORM, GRADIENT + BATCH_NORM])
def test_the_batch_norm_rows_are_inside_the_contract_and_no_tighter_than_the_plain_ones(kind):
    plain = kind.removesuffix(BATCH_NORM)
    for dtype in ("float64", "float32"):
        row, base = tolerance(dtype, kind), tolerance(dtype, plain)
        assert row.rtol >= base.rtol and row.atol >= base.atol
    assert tolerance("float64", kind).rtol <= FLOAT64_RTOL


def test_every_quantity_of_a_pass_through_batch_norm_takes_the_batch_norm_rows():
    """``compare_all`` holds a whole pass through a network with batch norm (its keys name
    batch norm's quantities) to the batch-norm rows, and a plain pass to the plain ones."""
    plain = {"Z1": np.ones((2, 3)), "dW1": np.ones((2, 2)), "W1": np.ones((2, 2))}
    normed = plain | {"Z_norm1": np.zeros((2, 3))}
    assert [c.kind for c in compare_all(plain, plain).results] == [TRAINED, FORWARD, GRADIENT]
    kinds = {c.quantity: c.kind for c in compare_all(normed, normed).results}
    assert kinds == {
        "W1": TRAINED,
        "Z1": FORWARD + BATCH_NORM,
        "Z_norm1": FORWARD + BATCH_NORM,
        "dW1": GRADIENT + BATCH_NORM,
    }
    assert kind_of("dZ3", batch_norm=True) == GRADIENT + BATCH_NORM
    assert kind_of("running_var1", batch_norm=True) == TRAINED


@pytest.mark.parametrize("kind", [FORWARD, GRADIENT, CURVE, TRAINED])
def test_the_compiled_rows_are_inside_the_contract_and_no_tighter_than_the_eager_ones(kind):
    for dtype in ("float64", "float32"):
        row, eager = mode_tolerance(dtype, kind, "compiled", 3), tolerance(dtype, kind)
        assert row == tolerance(dtype, kind + COMPILED)  # no depth in a compiled row
        assert row.rtol >= eager.rtol and row.atol >= eager.atol
    assert tolerance("float64", kind + COMPILED).rtol <= FLOAT64_RTOL


@pytest.mark.parametrize("precision", ["bf16-mixed", "16-mixed"])
@pytest.mark.parametrize("kind", [CURVE, TRAINED])
def test_a_mixed_precision_band_is_three_unit_roundoffs_a_layer(precision, kind):
    u = UNIT_ROUNDOFF[precision]
    for depth in (1, 2, 5):
        assert mode_tolerance("float32", kind, precision, depth).rtol == 3 * depth * u
    assert mode_tolerance("float32", kind, None, 5) == tolerance("float32", kind)
    with pytest.raises(KeyError, match="no tolerance for float64"):
        mode_tolerance("float64", kind, precision, 2)


def test_an_unknown_mode_lists_the_modes():
    with pytest.raises(KeyError, match=f"no mode 'fp8'; the table has rows for {', '.join(MODES)}"):
        mode_tolerance("float32", CURVE, "fp8", 1)


def _planar_run(depth: int) -> scratch.TrainResult:
    X, Y = scratch.load_dataset("planar")
    spec = scratch.build_spec([2, *[3] * (depth - 1), 1], "tanh", dtype="float32")
    return scratch.train(spec, X, Y, learning_rate=0.5, num_iterations=60)


def test_a_curve_in_a_mixed_precision_leaves_its_band_at_the_first_step_outside_it():
    """Costs 4 of bf16's unit roundoffs off from step 30 on leave the band of a network of one
    layer (3 u) there, and stay inside that of two layers (6 u); 2.5 u off stays inside both."""
    u = UNIT_ROUNDOFF["bf16-mixed"]
    for depth, off, parts in ((1, 4 * u, True), (2, 4 * u, False), (1, 2.5 * u, False)):
        run = _planar_run(depth)
        costs = run.costs * np.where(np.arange(60) >= 30, 1 + off, 1.0)
        verdict = compare_training(run, dataclasses.replace(run, costs=costs), mode="bf16-mixed")
        assert first_step_outside(verdict) == (30 if parts else None), (depth, off)
        assert verdict["cost"].kind == CURVE + MODES["bf16-mixed"]


def test_the_steps_outside_a_band_are_every_step_that_leaves_it_and_no_other():
    band = mode_tolerance("float32", CURVE, "bf16-mixed", 1)
    a = np.full(50, 0.5)
    b = a.copy()
    b[[3, 20, 21]] *= 1 + 2 * band.rtol
    b[40] = np.nan
    assert list(steps_outside(a, b, band)) == [3, 20, 21, 40]
    assert steps_outside(a, a, band).size == 0
