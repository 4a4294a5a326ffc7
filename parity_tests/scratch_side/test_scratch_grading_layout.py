"""``scratch.grading.layout``: a learner's return value read in the course's layout, and anything
else a ``LayoutError`` naming what was returned and what the course returns."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.grading.findings import LayoutError
from scratch.grading.layout import (
    CACHE_ORDER,
    course_cache,
    entry,
    keyed,
    layer_cache,
    linear_cache,
    random_weights,
    same,
    scalar,
    unpack,
)
from scratch.grading.outcomes import Opaque


def refused(function, *args) -> LayoutError:
    with pytest.raises(LayoutError) as raised:
        function(*args)
    return raised.value


def test_a_tuple_of_another_length_names_both_layouts():
    assert unpack([1, 2], ("Z", "cache"), "linear_forward") == (1, 2)
    assert str(refused(unpack, np.zeros(3), ("Z", "cache"), "linear_forward")) == (
        "linear_forward returns an array of shape (3,); the course's returns (Z, cache)"
    )
    assert str(refused(unpack, (1, 2, 3), ("Z", "cache"), "linear_forward")) == (
        "linear_forward returns a tuple of 3; the course's returns (Z, cache)"
    )


def test_a_dict_without_the_courses_key_says_what_it_holds():
    assert entry({"W1": 1}, "W1", "parameters") == 1
    assert str(refused(entry, {"W1": 1, "b1": 2}, "W2", "parameters")) == (
        "parameters has no 'W2' (it holds W1, b1)"
    )
    assert str(refused(entry, [1], "W1", "parameters")) == (
        "parameters is a list of 1; the course's is a dict"
    )
    assert str(refused(entry, Opaque("Foo", "<Foo>"), "b1", "parameters")) == (
        "parameters is a Foo (<Foo>); the course's is a dict"
    )


def test_keyed_entries_are_shown_as_the_report_names_them():
    assert keyed({"W1": 1, "b1": 2}, ["W1"], "parameters") == {"parameters['W1']": 1}


def test_a_number_the_course_keeps_as_a_number_may_be_any_size_1_value():
    number = scalar(np.array([[2.5]]), "b")
    assert number == 2.5 and number.shape == ()
    assert str(refused(scalar, np.zeros(2), "b")) == (
        "b is an array of shape (2,); the course's is a number"
    )


@pytest.mark.parametrize("A", ["A_prev", "A"])
def test_a_linear_cache_in_another_order_is_named_as_such_with_the_callers_names(rng, A):
    A_prev, W, b = (rng.standard_normal(shape) for shape in ((3, 4), (2, 3), (2, 1)))
    given = {A: A_prev, "W": W, "b": b}
    linear_cache((A_prev, W, b), given, "cache")
    error = refused(linear_cache, (W, A_prev, b), given, "cache")
    assert str(error) == f"cache is (W, {A}, b); the course's is ({A}, W, b)"
    assert error.cause == CACHE_ORDER


def test_a_linear_cache_holding_a_copy_that_differs_is_refused(rng):
    A, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1))
    error = refused(linear_cache, (A + 1, W, b), {"A_prev": A, "W": W, "b": b}, "cache")
    assert str(error) == "cache[0] is not the A_prev it was given (an array of shape (3, 4))"


def test_a_layer_cache_with_the_activation_cache_first_is_named(rng):
    Z = rng.standard_normal((2, 4))
    linear = (np.ones((3, 4)), np.ones((2, 3)), np.ones((2, 1)))
    assert layer_cache((linear, Z), "cache")[1] is Z
    error = refused(layer_cache, (Z, linear), "cache")
    assert str(error) == (
        "cache is (activation_cache, linear_cache); the course's is (linear_cache, "
        "activation_cache)"
    )
    assert error.cause.startswith("a cache in another order")


@pytest.mark.parametrize(
    ("W", "says", "cause"),
    [
        (np.zeros((20, 30)), "W1 is all zeros", "the symmetry is not broken"),
        (np.ones((20, 30)), "W1's rows are all equal", "the symmetry is not broken"),
        (np.full((30, 20), 0.01), "W1 has shape (30, 20)", "transposed"),
    ],
)
def test_initial_weights_that_break_no_symmetry_or_are_transposed_are_named(W, says, cause):
    error = refused(random_weights, W, "W1", (20, 30))
    assert str(error).startswith(says) and cause in error.cause


def test_initial_weights_of_the_wrong_scale_ask_whether_the_0_01_is_missing(rng):
    random_weights(rng.standard_normal((20, 30)) * 0.01, "W1", (20, 30))
    random_weights(rng.standard_normal((20, 30)) / np.sqrt(30), "W1", (20, 30))
    error = refused(random_weights, rng.standard_normal((20, 30)), "W1", (20, 30))
    assert str(error).startswith("W1's entries have standard deviation")
    assert error.cause.endswith("is the * 0.01 missing?")


def test_a_cache_must_hold_what_was_given_in_the_courses_order():
    A_prev, W = np.ones((1, 2, 2, 1)), np.zeros((1, 1, 1, 1))
    names = ("A_prev", "W", "hparameters")
    hparameters = {"stride": np.array(1)}
    course_cache((A_prev, W, hparameters), {0: A_prev, 1: W, 2: hparameters}, names, "cache")
    with pytest.raises(LayoutError, match=r"cache\[0\] is not the A_prev it was given or returned"):
        course_cache((W, A_prev, hparameters), {0: A_prev, 1: W}, names, "cache")
    with pytest.raises(LayoutError, match=r"cache is a tuple of 2; the course's is \(A_prev, W"):
        course_cache((A_prev, W), {0: A_prev}, names, "cache")
    assert not same({"W": W}, {"W": W, "b": W}) and same({"W": W, "b": W}, {"W": W})
