"""``scratch.grading.layout``: a return value is read in the course's layout or refused in one
line naming what was returned and what the course returns."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.grading.findings import LayoutError
from scratch.grading.layout import (
    entry,
    keyed,
    layer_cache,
    linear_cache,
    random_weights,
    scalar,
    unpack,
)
from scratch.grading.outcomes import Opaque


def refused(function, *args) -> LayoutError:
    with pytest.raises(LayoutError) as raised:
        function(*args)
    return raised.value


def test_a_tuple_of_another_length_and_a_dict_without_the_key_are_refused():
    assert str(refused(unpack, (1, 2, 3), ("Z", "cache"), "linear_forward")) == (
        "linear_forward returns a tuple of 3; the course's returns (Z, cache)"
    )
    assert str(refused(entry, {"W1": 1}, "b1", "parameters")) == (
        "parameters has no 'b1' (it holds W1)"
    )
    assert str(refused(entry, Opaque("Foo", "<Foo>"), "b1", "parameters")) == (
        "parameters is a Foo (<Foo>); the course's is a dict"
    )
    assert keyed({"W1": 1, "b1": 2}, ["W1"], "parameters") == {"parameters['W1']": 1}


def test_a_number_is_any_value_of_one_entry():
    assert scalar(np.array([[2.0]]), "b").shape == ()
    assert (
        str(refused(scalar, np.ones(2), "b"))
        == "b is an array of shape (2,); the course's is a number"
    )


def test_a_linear_cache_in_another_order_is_named_as_such():
    A, W, b = np.ones((3, 2)), np.ones((4, 3)), np.zeros((4, 1))
    linear_cache((A, W, b), {"A": A, "W": W, "b": b}, "cache")
    error = refused(linear_cache, (W, A, b), {"A": A, "W": W, "b": b}, "cache")
    assert str(error) == "cache is (W, A, b); the course's is (A, W, b)"
    assert error.cause.startswith("a cache in another order")
    error = refused(layer_cache, (np.ones(2), (A, W, b)), "cache")
    assert str(error) == (
        "cache is (activation_cache, linear_cache); the course's is (linear_cache, "
        "activation_cache)"
    )


@pytest.mark.parametrize(
    ("W", "message"),
    [
        (np.zeros((20, 30)), "W1 is all zeros"),
        (np.ones((20, 30)), "W1's rows are all equal"),
        (np.random.default_rng(0).standard_normal((30, 20)) * 0.01, "W1 has shape (30, 20)"),
        (np.random.default_rng(0).standard_normal((20, 30)), "W1's entries have standard dev"),
    ],
)
def test_initial_weights_that_break_no_symmetry_or_have_no_scale_are_refused(W, message):
    assert str(refused(random_weights, W, "W1", (20, 30))).startswith(message)
