"""``scratch.grading.gradient_checking``: the course's own functions pass; a ``gradient_check_n``
that cannot tell right gradients from the notebook's planted bugs, or tells them by another
formula, is named; the vector helpers' likely mistakes (rolled column by column, in another
order, as 1-D, every gradient rolled) are named; a difference that is not one number is refused
in the course's words. The planted bugs' tolerance comes from the table's centred-difference
row, and holds the course's own computation with room to spare."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import gradient_checking as course
from scratch.course.catalogue import WEEKS
from scratch.gradcheck import relative_difference
from scratch.grading import cases
from scratch.grading import gradient_checking as grading
from torch_impl import course as truth

WEEK = "gradient_checking"
NAMES = WEEKS[WEEK].checked


def check_n(divide=2.0, denominator=lambda g, a: np.linalg.norm(g) + np.linalg.norm(a)):
    """``gradient_check_n`` as the notebook writes it, with the course's log(A3) cost."""

    def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
        theta, _ = course.dictionary_to_vector(parameters)
        grad = course.gradients_to_vector(gradients)
        approx = np.zeros_like(theta)
        for i in range(len(theta)):
            costs = []
            for shift in (epsilon, -epsilon):
                moved = np.copy(theta)
                moved[i, 0] += shift
                A3, _ = course.three_layer.forward(X, course.vector_to_dictionary(moved))
                costs.append(-np.mean(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)))
            approx[i] = (costs[0] - costs[1]) / (divide * epsilon)
        return np.linalg.norm(grad - approx) / denominator(grad, approx)

    return gradient_check_n


@pytest.mark.parametrize("name", NAMES)
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(course, name))
    assert found.status == "ok", found.failure


@pytest.mark.parametrize(
    ("name", "learner", "cause"),
    [
        (
            "dictionary_to_vector",
            lambda p: (
                np.concatenate([p[k].T.reshape(-1, 1) for k in course.KEYS]),
                course.dictionary_to_vector(p)[1],
            ),
            "each array rolled column by column",
        ),
        (
            "dictionary_to_vector",
            lambda p: (
                course.dictionary_to_vector(p)[0].ravel(),
                course.dictionary_to_vector(p)[1],
            ),
            "a 1-D vector",
        ),
        (
            "gradients_to_vector",
            lambda g: np.concatenate([v.reshape(-1, 1) for v in g.values()]),
            "every entry of gradients rolled, dZ and dA too",
        ),
        (
            "vector_to_dictionary",
            lambda theta: {
                key: value.reshape(value.shape[::-1]).T
                for key, value in course.vector_to_dictionary(theta).items()
            },
            "unrolled column by column",
        ),
    ],
)
def test_the_vector_helpers_likely_mistakes_are_named(name, learner, cause):
    found = verdict(WEEK, name, learner)
    assert found.status == "wrong" and cause in found.failure.cause, found.failure


def test_dictionary_to_vectors_keys_are_read_entry_by_entry():
    found = verdict(
        WEEK,
        "dictionary_to_vector",
        lambda p: (course.dictionary_to_vector(p)[0], list(course.KEYS)),
    )
    assert found.failure.message.startswith("keys is a list of 6, not the course's W1 x 20, b1 x 5")


def test_the_notebooks_own_computation_holds_both_cases():
    assert verdict(WEEK, "gradient_check_n", check_n()).status == "ok"


@pytest.mark.parametrize(
    ("learner", "case", "cause"),
    [
        (check_n(divide=1.0), "course", "divided by epsilon, not 2 epsilon"),
        (
            check_n(denominator=lambda g, a: np.linalg.norm(g + a)),
            "course, planted bugs",
            "the denominator is ||grad + gradapprox||",
        ),
    ],
)
def test_a_gradient_check_of_another_formula_is_named(learner, case, cause):
    found = verdict(WEEK, "gradient_check_n", learner)
    assert found.status == "wrong" and found.failure.case == case, found.failure
    assert cause in found.failure.cause


def test_a_difference_that_is_not_one_number_is_refused_in_the_courses_words():
    found = verdict(WEEK, "gradient_check_n", lambda p, g, X, Y, epsilon=1e-7: np.ones((47, 1)))
    assert (
        found.failure.message == "difference is an array of shape (47, 1); the course's is a number"
    )
    assert found.failure.cause.startswith("the norms make one number")


@pytest.mark.parametrize("case", cases.gradient_checking(truth), ids=lambda case: case.name)
def test_the_planted_bugs_tolerance_holds_the_courses_centred_differences_with_room(case):
    """The bound, from the table's centred-difference row, against how far the course's own
    computation (log(A3) cost) lands from autograd's exact difference."""
    o = case.oracle()
    right = {key: o[key] for key in grading._backward_keys()}
    bugged = right | {key: right[key] * factor for key, factor in grading.PLANTED.items()}
    exact = truth.gradient_difference(bugged, case.X, case.Y, case.params, case.spec)
    theirs = check_n()(case.params, bugged, case.X, case.Y)
    assert abs(theirs - exact) * 100 < grading._tolerance(case, bugged).atol
    assert (
        relative_difference(course.gradients_to_vector(bugged), course.gradients_to_vector(right))
        > 0.1
    )
