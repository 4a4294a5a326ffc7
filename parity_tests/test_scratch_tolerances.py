"""``scratch.tolerances``, the one table: the row each quantity falls in, float64 rows inside the
parity contract, errors that list what the table holds, and the centred-difference row scaled
by the cost."""

from __future__ import annotations

import pytest
from parity_cases import FLOAT64_RTOL

from scratch.tolerances import (
    CENTRED_DIFFERENCE,
    CURVE,
    FORWARD,
    GRADIENT,
    TOLERANCES,
    TRAINED,
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
