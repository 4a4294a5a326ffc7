"""``scratch.comparisons``: what a comparison found, one line each, naming the quantity, its
layer, the entry and both values; several in the order the network computes them."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.comparisons import Comparison, Comparisons
from scratch.tolerances import Tolerance

ROW = Tolerance(1e-12, 1e-14)


def _comparison(quantity: str, problem: str | None = None, **fields) -> Comparison:
    base = {
        "kind": "gradient",
        "dtype": "float64",
        "tolerance": ROW,
        "names": ("scratch", "torch"),
        "shapes": ((4, 3), (4, 3)),
        "dtypes": ("float64", "float64"),
        "max_abs": 0.0,
        "max_rel": 0.0,
        "used": 0.0,
    }
    return Comparison(quantity, problem=problem, **{**base, **fields})


def test_a_quantity_names_its_layer_and_layer_0_is_the_input():
    assert _comparison("dW2").layer == 2
    assert _comparison("cost").layer is None
    assert "dA0 (layer 0, the input), float64 gradient agrees" in _comparison("dA0").message()
    assert _comparison("cost").message().startswith("cost, float64 gradient agrees")


def test_a_shape_or_a_dtype_that_differs_is_one_line_with_both_sides():
    shape = _comparison("dW2", "shape", shapes=((4, 3), (3, 4)))
    assert shape.message() == (
        "dW2 (layer 2), float64 gradient: shape scratch (4, 3) != torch (3, 4)"
    )
    dtype = _comparison("Z1", "dtype", dtypes=("float64", "float32"))
    assert dtype.message() == (
        "Z1 (layer 1), float64 gradient: dtype scratch float64 != torch float32"
    )
    assert not shape.ok and "\n" not in shape.message() + dtype.message()


def test_the_values_are_shown_with_enough_digits_to_tell_any_two_apart():
    a, b = 0.1, 0.1 + 2**-56
    values = _comparison("Z1", "values", index=(2, 0), values=(a, b), max_abs=b - a, used=3.0)
    message = values.message()
    assert values.where == "Z1[2, 0]"
    assert f"at Z1[2, 0]: scratch {a:.17g}, torch {b:.17g}" in message
    assert f"{a:.17g}" != f"{b:.17g}"
    assert "3 of the tolerance at most (rtol 1e-12 of the scale + atol 1e-14)" in message
    float32 = (float(np.float32(0.1)), float(np.float32(0.2)))
    single = _comparison("Z1", "values", dtypes=("float32", "float32"), values=float32)
    assert "scratch 0.100000001, torch 0.200000003" in single.message()


def test_several_report_the_first_that_differs_in_their_order_then_every_one():
    results = Comparisons(
        (
            _comparison("Z1"),
            _comparison("dW2", "values", index=(0, 1), values=(1.0, 2.0)),
            _comparison("dA0", "shape", shapes=((2, 5), (5, 2))),
        )
    )
    assert not results.ok
    assert results.first_failure.quantity == "dW2"
    assert [c.quantity for c in results.failures] == ["dW2", "dA0"]
    assert results.message().endswith("every quantity that differs: dW2[0, 1], dA0")
    assert results["dA0"].problem == "shape"
    with pytest.raises(KeyError):
        results["dW3"]


def test_quantities_that_all_agree_say_how_many():
    results = Comparisons((_comparison("Z1"), _comparison("cost")))
    assert results.ok and results.first_failure is None
    assert results.message() == "all 2 quantities agree"
