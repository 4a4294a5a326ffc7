"""``scratch.course.gradient_checking``: the notebook's functions in its signatures. The vector
helpers roll and unroll as ``torch.nn.utils`` does; ``J = theta x`` and the network's cost and
gradients equal autograd's; ``gradient_check`` and ``gradient_check_n`` find right gradients
right and flag the bugs the notebook plants, at autograd's relative difference."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import gradient_checking as course
from scratch.gradcheck import DEFAULT_THRESHOLD
from scratch.grading import cases
from scratch.parity import assert_parity, compare, compare_all
from torch_impl import course as truth

CASES = cases.gradient_checking(truth)


@pytest.mark.parametrize(("x", "theta"), [(2, 4), (3, -0.5), (-1.5, 10.25)])
def test_J_and_its_derivative_equal_autograds_and_the_check_finds_them_right(x, theta):
    J, dtheta = truth.linear_function(x, theta)
    assert course.forward_propagation(x, theta) == J
    assert course.backward_propagation(x, theta) == dtheta
    assert course.gradient_check(x, theta) < DEFAULT_THRESHOLD


def test_the_notebooks_one_dimensional_check_prints_its_verdict(capsys):
    difference = course.gradient_check(3, 4, print_msg=True)
    assert capsys.readouterr().out == (
        f"Your backward propagation works perfectly fine! difference = {difference}\n"
    )
    assert course.gradient_check(3, 4) == difference and not capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_vectors_are_torchs_parameters_to_vector_and_back(case):
    theta, keys = course.dictionary_to_vector(case.params)
    np.testing.assert_array_equal(theta, truth.rolled([case.params[k] for k in course.KEYS]))
    assert theta.shape == (47, 1) and keys[:21] == ["W1"] * 20 + ["b1"]
    shapes = [course.SHAPES[key] for key in course.KEYS]
    back = course.vector_to_dictionary(theta)
    for key, array in zip(course.KEYS, truth.unrolled(theta, shapes), strict=True):
        np.testing.assert_array_equal(back[key], array)
        np.testing.assert_array_equal(back[key], case.params[key])


def test_gradients_to_vector_rolls_dW_and_db_only():
    o = CASES[0].oracle()
    gradients = {key: value for key, value in o.items() if key[:2] in ("dW", "db", "dZ", "dA")}
    rolled = course.gradients_to_vector(gradients)
    np.testing.assert_array_equal(rolled, truth.rolled([o[f"d{k}"] for k in course.KEYS]))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_networks_cost_and_gradients_equal_autograds(case):
    cost, cache = course.forward_propagation_n(case.X, case.Y, case.params)
    o = case.oracle()
    assert_parity(compare("cost", cost, o["cost"]))
    grads = course.backward_propagation_n(case.X, case.Y, cache)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_gradient_check_n_passes_right_gradients_and_flags_the_notebooks_planted_bugs(case):
    o = case.oracle()
    right = {key: o[key] for key in o if key[:2] in ("dW", "db")}
    assert course.gradient_check_n(case.params, right, case.X, case.Y) < DEFAULT_THRESHOLD / 10
    bugged = right | {"dW2": right["dW2"] * 2, "db1": right["db1"] * 4}
    difference = course.gradient_check_n(case.params, bugged, case.X, case.Y)
    exact = truth.gradient_difference(bugged, case.X, case.Y, case.params, case.spec)
    assert difference > DEFAULT_THRESHOLD
    assert abs(difference - exact) < 1e-6 * exact


def test_the_course_case_flags_the_notebooks_planted_bugs_at_its_printed_difference():
    """The notebook prints 0.2850931567761623 (its cost takes log(A3); ours, the stable form
    from Z3, differs in the 8th digit)."""
    case = CASES[0]
    o = case.oracle()
    right = {key: o[key] for key in o if key[:2] in ("dW", "db")}
    bugged = right | {"dW2": right["dW2"] * 2, "db1": right["db1"] * 4}
    difference = course.gradient_check_n(case.params, bugged, case.X, case.Y)
    assert abs(difference - 0.2850931567761623) < 1e-7
