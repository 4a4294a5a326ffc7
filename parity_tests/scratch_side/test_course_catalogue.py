"""``scratch.course.catalogue``: every week's functions have the project's own in the course's
signature, a check and a signature to name; a file's week is told from the names it defines,
with a note only when another assignment's names are there."""

from __future__ import annotations

import inspect

import pytest

from scratch.course.catalogue import (
    ALL_NAMES,
    LATER,
    REFERENCE,
    WEEKS,
    NothingToCheckError,
    detect_week,
    signature_of,
)
from scratch.grading.weeks import CHECKS


@pytest.mark.parametrize("week", list(WEEKS))
def test_each_checked_function_has_the_projects_own_a_check_and_a_signature(week):
    for name in WEEKS[week].checked:
        assert callable(REFERENCE[week][name]) and name in CHECKS[week]
        signature = signature_of(week, name)
        assert signature.startswith(f"{name}(")
        course = signature.split("(", 1)[1].split(")", 1)[0]
        ours = list(inspect.signature(REFERENCE[week][name]).parameters)
        assert [part.split("=")[0].strip() for part in course.split(",")][: len(ours)] == ours[
            : len(course.split(","))
        ], f"{name}: {ours} against the course's {course}"


@pytest.mark.parametrize(
    ("names", "week"),
    [
        (("initialize_with_zeros", "propagate", "optimize"), "2"),
        (("layer_sizes", "forward_propagation", "backward_propagation", "nn_model"), "3"),
        (("initialize_parameters_deep", "L_model_forward", "L_model_backward"), "4"),
        (("initialize_parameters_zeros", "initialize_parameters_he", "model"), "initialization"),
        (
            ("compute_cost_with_regularization", "forward_propagation_with_dropout"),
            "regularization",
        ),
        (("update_parameters_with_adam", "random_mini_batches"), "optimizers"),
    ],
)
def test_a_files_week_is_told_from_its_names(names, week):
    assert detect_week(dict.fromkeys(names, ())) == (week, None)


def test_the_gradient_checking_notebooks_one_dimensional_functions_are_not_week_3s():
    """Its ``forward_propagation(x, theta)`` and ``backward_propagation(x, theta)`` share week
    3's names: they belong to the gradient checking assignment, and no note says otherwise."""
    names = ("forward_propagation", "backward_propagation", "gradient_check", "gradient_check_n")
    assert detect_week(dict.fromkeys(names, ("x", "theta"))) == ("gradient_checking", None)
    assert signature_of("gradient_checking", "forward_propagation") == (
        "forward_propagation(x, theta) -> J"
    )
    assert signature_of("3", "forward_propagation").startswith("forward_propagation(X, param")


def test_another_assignments_names_are_a_note():
    week, note = detect_week(dict.fromkeys(("L_model_forward", "L_model_backward", "propagate")))
    assert week == "4" and note == "it also defines functions of week 2: give --week to choose"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("compute_cost",), "compute_cost belong to weeks 3 and 4 alike: give --week 3"),
        (("my_function",), "the file defines none of the course's functions"),
    ],
)
def test_a_file_that_tells_no_week_is_one_line(names, message):
    with pytest.raises(NothingToCheckError, match=message):
        detect_week(dict.fromkeys(names, ()))


def test_every_known_name_is_recognised_and_the_later_ones_are_not_checked():
    checked = {name for week in WEEKS.values() for name in week.checked}
    assert set(LATER) <= set(ALL_NAMES) and not set(LATER) & checked
    assert "random_mini_batches" in checked and "gradient_check_n" in checked
