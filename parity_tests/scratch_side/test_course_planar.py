"""``scratch.course.planar``: the project's own week-3 functions in the assignment's signatures
(a tanh hidden layer, the cache a dict) equal the truth on every case nn-check runs."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import planar
from scratch.grading import cases
from scratch.parity import assert_parity, compare_all
from torch_impl import course as truth

WEEK3 = [case for case in cases.week3(truth) if not case.saturated]


@pytest.mark.parametrize("case", WEEK3, ids=lambda case: case.name)
def test_the_forward_and_backward_pass_equal_autograds(case):
    o = case.oracle()
    A2, cache = planar.forward_propagation(case.X, case.params)
    assert list(cache) == ["Z1", "A1", "Z2", "A2"] and A2 is cache["A2"]
    assert_parity(compare_all(cache, {key: o[key] for key in cache}))
    grads = planar.backward_propagation(case.params, cache, case.X, case.Y)
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


def test_the_layer_sizes_and_the_predictions_are_the_courses():
    assert planar.layer_sizes(np.ones((5, 3)), np.ones((2, 3))) == (5, 4, 2)
    case = WEEK3[0]
    predictions = planar.predict(case.params, case.X)
    np.testing.assert_array_equal(predictions, case.oracle()["A2"] > 0.5)
