"""``scratch.parity``, the referee itself: shape, then dtype, then values; a failure names the
quantity, its layer, the entry and both values there; quantities in the order the network
computes them; a curve reported at the step where two runs part."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from parity_cases import PLANAR

from scratch import TrainResult
from scratch.parity import ParityError, assert_parity, compare, compare_all, compare_training
from scratch.tolerances import Tolerance


def test_a_difference_is_reported_at_its_entry_with_both_values():
    a = np.zeros((3, 4))
    b = a.copy()
    b[1, 2] = 1e-3
    result = compare("dW2", a, b)
    assert (result.problem, result.layer, result.index) == ("values", 2, (1, 2))
    assert result.values == (0.0, 1e-3) and result.where == "dW2[1, 2]"
    assert "dW2 (layer 2), float64 gradient differs" in result.message()
    assert "at dW2[1, 2]: scratch 0, torch 0.001" in result.message()
    with pytest.raises(ParityError, match=r"at dW2\[1, 2\]"):
        assert_parity(result)
    assert_parity(compare("dW2", a, a.copy()))


def test_shape_is_checked_before_dtype_and_dtype_before_values():
    assert compare("Z1", np.zeros((2, 3)), np.ones((3, 2), np.float32)).problem == "shape"
    assert compare("Z1", np.zeros((2, 3)), np.ones((2, 3), np.float32)).problem == "dtype"
    assert compare("Z1", np.zeros((2, 3)), np.ones((2, 3))).problem == "values"


def test_equal_infinities_agree_and_nan_never_does():
    assert compare("cost", np.inf, np.inf).ok
    assert not compare("cost", np.nan, np.nan).ok
    assert not compare("cost", np.inf, 1.0).ok


def test_quantities_are_compared_in_the_order_the_network_computes_them():
    keys = ["dA0", "db1", "dW1", "dZ1", "dA1", "db2", "dW2", "dZ2", "cost", "A2", "Z2", "A1"]
    result = compare_all({key: 0.0 for key in keys}, {key: 0.0 for key in keys})
    order = ["A1", "Z2", "A2", "cost", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"]
    assert [comparison.quantity for comparison in result.results] == order
    with pytest.raises(ParityError, match="only torch has dW3"):
        compare_all({"dW2": 0.0}, {"dW2": 0.0, "dW3": 0.0})


def test_two_curves_are_reported_at_the_first_step_where_they_part():
    params = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
    costs = np.linspace(1.0, 0.5, 10)
    parted = costs.copy()
    parted[6:] *= 1 + 1e-6  # from step 6 on, as a wrong update at step 5 would do
    result = compare_training(
        TrainResult(params, costs, PLANAR), TrainResult(params, parted, PLANAR)
    )
    assert result.first_failure.where == "cost[6]"
    assert [comparison.quantity for comparison in result.failures] == ["cost"]


FINITE = st.floats(-1e6, 1e6, allow_nan=False, width=64)


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=FINITE),
    st.floats(0, 1e-3),
    st.sampled_from([0.0, 1e-12, 1.0]),
    st.sampled_from([0.0, 1e-14]),
)
def test_finite_arrays_are_judged_as_the_tolerance_table_defines(a, shift, rtol, atol):
    """``|a_i - b_i| <= rtol s + atol``, ``s = max(max|a|, max|b|)``; the entry reported is the
    first of the largest difference (the quickest path for finite arrays keeps these)."""
    b = a + shift * np.arange(a.size).reshape(a.shape) % 3
    result = compare("Z1", a, b, tol=Tolerance(rtol, atol))
    diff = np.abs(a - b)
    scale = max(np.abs(a).max(), np.abs(b).max())
    allowed = rtol * scale + atol
    assert result.max_abs == diff.max()
    assert result.index == np.unravel_index(np.argmax(diff), a.shape)
    assert result.ok == bool((diff <= allowed).all())
    assert result.values == (a.flat[np.argmax(diff)], b.flat[np.argmax(diff)])
