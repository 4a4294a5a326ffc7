"""``scratch.grading.cases``: the networks and data nn-check runs a learner's functions on, drawn
from fixed seeds (a report repeats), the ordinary cases first and the edges on purpose last:
every unit exactly at 0, a saturated output where the label is 0, labels all 0 or all 1; the
notebooks' own test values where a notebook prints its numbers; each case's truth computed
once."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch.grading import cases
from torch_impl import course as truth


class NoTruth:
    """A truth never asked here: building the cases computes nothing on the torch side."""


@pytest.fixture(scope="module")
def week4():
    return cases.week4(NoTruth())


def _forward(case):
    return scratch.L_model_forward(case.X, case.params, case.spec)


def test_a_case_computes_its_truth_once_and_says_what_it_is():
    case = cases._network("once", [2, 3, 1], "relu", 4, 1)
    case.truth = truth
    assert case.oracle() is case.oracle()
    assert case.about == "[2, 3, 1], m = 4" and cases.plain("p", "a label").about == "a label"


def test_the_cases_are_drawn_from_fixed_seeds_so_a_report_repeats(week4):
    again = cases.week4(NoTruth())
    assert [c.name for c in again] == [c.name for c in week4]
    for first, second in zip(week4, again, strict=True):
        np.testing.assert_array_equal(first.X, second.X)
        np.testing.assert_array_equal(first.Y, second.Y)
        for key in first.params:
            np.testing.assert_array_equal(first.params[key], second.params[key])


def test_the_assignments_sizes_come_first_and_the_edges_last(week4):
    names = [case.name for case in week4]
    assert names[:2] == ["course", "assignment"]
    assert names[-4:] == ["labels all 0", "labels all 1", "kinks", "saturated"]
    assignment = week4[1]
    assert list(assignment.spec.sizes) == [12288, 20, 7, 5, 1] and assignment.m == 209


def test_an_ordinary_case_holds_both_labels(week4):
    assert {0.0, 1.0} <= set(week4[0].Y.ravel())


@pytest.mark.parametrize("labels", [0, 1])
def test_labels_all_0_or_all_1(week4, labels):
    [case] = [case for case in week4 if case.name == f"labels all {labels}"]
    assert set(case.Y.ravel()) == {float(labels)}


def test_the_kinks_case_puts_every_unit_of_its_first_example_exactly_at_0(week4):
    [kinks] = [case for case in week4 if case.name == "kinks"]
    AL, caches = _forward(kinks)
    for layer in caches:
        assert not layer.activation_cache.Z[:, 0].any()
    assert AL[0, 0] == 0.5  # the course predicts 1 only above it


@pytest.mark.parametrize("build", [cases.week2, cases.week3, cases.week4])
def test_a_saturated_case_has_an_output_that_rounds_to_1_where_its_label_is_0(build):
    [saturated] = [case for case in build(NoTruth()) if case.name == "saturated"]
    assert saturated.saturated
    AL, _ = _forward(saturated)
    assert ((AL == 1.0) & (saturated.Y == 0.0)).any()


def test_week_2s_course_case_holds_the_notebooks_own_test_values():
    course = cases.week2(NoTruth())[0]
    np.testing.assert_array_equal(course.params["W1"], [[1.0, 2.0]])  # w = [[1], [2]], transposed
    np.testing.assert_array_equal(course.params["b1"], [[2.0]])
    np.testing.assert_array_equal(course.X, [[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])


def test_the_second_courses_networks_are_relu_relu_sigmoid():
    for case in cases.three_layers(NoTruth()):
        assert [layer.activation for layer in case.spec.layers] == ["relu", "relu", "sigmoid"]


def test_the_gradient_checking_course_case_is_the_notebooks_test_case():
    """``np.random.seed(1)``, then ``x = randn(4, 3)``, ``W1 = randn(5, 4)``, ``b1 =
    randn(5, 1)``, ... in that order, ``y = [1, 1, 0]``."""
    course = cases.gradient_checking(NoTruth())[0]
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


def test_sigmoids_inputs_are_the_courses_then_edges_where_exp_overflows():
    (first, course), (second, edges) = cases.sigmoid_inputs()
    assert (first, second) == ("course", "edges")
    np.testing.assert_array_equal(course, [0.0, 2.0])
    assert edges.min() == -800.0 and 0.0 in edges  # exp(800) overflows float64
