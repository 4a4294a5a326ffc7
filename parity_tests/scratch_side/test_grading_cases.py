"""``scratch.grading.cases``: the networks nn-check runs a learner's functions on repeat from
run to run, and hold the edges they promise: ReLU's kinks at exactly 0, a saturated output where
the label is 0, labels all 0 or all 1; the gradient checking notebook's own test values; the
second course's three-layer networks."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.grading import cases
from torch_impl import course as truth


def test_the_cases_repeat():
    first, second = (
        cases._network("x", [3, 4, 1], "relu", 5, 7),
        cases._network("x", [3, 4, 1], "relu", 5, 7),
    )
    np.testing.assert_array_equal(first.X, second.X)
    np.testing.assert_array_equal(first.params["W1"], second.params["W1"])


def test_the_kinks_case_puts_every_unit_at_exactly_0_for_its_first_example():
    [kinks] = [case for case in cases.week4(truth) if case.name == "kinks"]
    o = kinks.oracle()
    assert not kinks.X[:, 0].any()
    for l in range(1, kinks.L + 1):
        assert not o[f"Z{l}"][:, 0].any()


def test_the_saturated_case_has_AL_round_to_1_where_the_label_is_0():
    for week in (cases.week2, cases.week3, cases.week4):
        [saturated] = [case for case in week(truth) if case.saturated]
        AL = saturated.oracle()[f"A{saturated.L}"]
        assert ((AL == 1.0) & (saturated.Y == 0)).any()


@pytest.mark.parametrize("label", [0, 1])
def test_labels_all_0_and_all_1(label):
    [case] = [case for case in cases.week4(truth) if case.name == f"labels all {label}"]
    assert (label == case.Y).all()


def test_the_gradient_checking_course_case_is_the_notebooks_test_case():
    """``np.random.seed(1)``, then ``x = randn(4, 3)``, ``W1 = randn(5, 4)``, ``b1 =
    randn(5, 1)``, ... in that order, ``y = [1, 1, 0]``."""
    course = cases.gradient_checking(truth)[0]
    state = np.random.get_state()
    try:
        np.random.seed(1)
        x = np.random.randn(4, 3)
        W1, b1 = np.random.randn(5, 4), np.random.randn(5, 1)
    finally:
        np.random.set_state(state)
    np.testing.assert_array_equal(course.X, x)
    np.testing.assert_array_equal(course.params["W1"], W1)
    np.testing.assert_array_equal(course.params["b1"], b1)
    np.testing.assert_array_equal(course.Y, [[1.0, 1.0, 0.0]])


def test_the_second_courses_networks_are_relu_relu_sigmoid():
    for case in cases.three_layers(truth):
        assert [layer.activation for layer in case.spec.layers] == ["relu", "relu", "sigmoid"]


def test_a_case_computes_its_truth_once():
    case = cases._network("once", [2, 3, 1], "relu", 4, 1)
    case.truth = truth
    assert case.oracle() is case.oracle()
    assert case.about == "[2, 3, 1], m = 4" and cases.plain("p", "a label").about == "a label"
