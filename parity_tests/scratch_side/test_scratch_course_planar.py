"""``scratch.course.planar``: week 3's functions in the assignment's signatures and layouts, a
tanh hidden layer and a sigmoid output, the cache a dict of ``Z1, A1, Z2, A2``, equal autograd's
(``torch_impl.course``) on every case nn-check runs them on; a prediction is 1 only above one
half; its initialiser, cost and update are week 4's."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import deep, planar
from scratch.grading import cases
from scratch.parity import assert_parity, compare_all
from torch_impl import course as truth

WEEK3 = [case for case in cases.week3(truth) if not case.saturated]


def test_layer_sizes_gives_the_notebooks_expected_sizes():
    """The notebook's test case: X (5, 3), Y (2, 3), and its hidden layer of 4."""
    assert planar.layer_sizes(np.ones((5, 3)), np.ones((2, 3))) == (5, 4, 2)


@pytest.mark.parametrize("case", WEEK3, ids=lambda case: case.name)
def test_the_forward_and_backward_pass_equal_autograds(case):
    o = case.oracle()
    A2, cache = planar.forward_propagation(case.X, case.params)
    assert list(cache) == ["Z1", "A1", "Z2", "A2"] and A2 is cache["A2"]
    assert_parity(compare_all(cache, {key: o[key] for key in cache}))
    grads = planar.backward_propagation(case.params, cache, case.X, case.Y)
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


def test_predict_is_1_only_where_a2_is_above_one_half(rng):
    params = {
        "W1": rng.standard_normal((4, 2)),
        "b1": rng.standard_normal((4, 1)),
        "W2": rng.standard_normal((1, 4)),
        "b2": rng.standard_normal((1, 1)),
    }
    X = rng.standard_normal((2, 40))
    A2, _ = planar.forward_propagation(X, params)
    np.testing.assert_array_equal(planar.predict(params, X), A2 > 0.5)
    zeros = {key: np.zeros_like(value) for key, value in params.items()}
    assert not planar.predict(zeros, X).any()  # A2 exactly 0.5: the course predicts 0


def test_the_initialiser_cost_and_update_are_week_4s():
    for name in ("initialize_parameters", "compute_cost", "update_parameters"):
        assert getattr(planar, name) is getattr(deep, name)
