"""``scratch.course.catalogue``: the functions nn-check knows, week by week, in the order they
are checked; the project's own of each in the assignment's signature; how a file tells its week."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

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


def _course_parameters(signature: str) -> list[str]:
    inside = re.match(r"\w+\((.*?)\)", signature)[1]
    return [name.split("=")[0].strip() for name in inside.split(",") if name.strip()]


@pytest.mark.parametrize(
    ("week", "name"), [(week, name) for week, own in REFERENCE.items() for name in own]
)
def test_the_projects_own_function_takes_the_assignments_signature(week, name):
    parameters = list(inspect.signature(REFERENCE[week][name]).parameters)
    course = _course_parameters(signature_of(week, name))
    assert parameters[: len(course)] == course
    assert all(
        inspect.signature(REFERENCE[week][name]).parameters[extra].default is not inspect._empty
        for extra in parameters[len(course) :]
    )


def test_every_week_has_its_own_function_for_each_it_checks():
    for key, week in WEEKS.items():
        assert list(REFERENCE[key]) == list(week.checked)


def test_callees_are_checked_before_their_callers():
    order = WEEKS["4"].checked
    for callee, caller in [
        ("linear_forward", "linear_activation_forward"),
        ("linear_activation_forward", "L_model_forward"),
        ("linear_backward", "linear_activation_backward"),
        ("linear_activation_backward", "L_model_backward"),
    ]:
        assert order.index(callee) < order.index(caller)


@pytest.mark.parametrize(
    ("defined", "week"),
    [
        (["initialize_with_zeros", "propagate", "optimize"], "2"),
        (["layer_sizes", "forward_propagation", "nn_model"], "3"),
        (["linear_forward", "L_model_backward", "update_parameters"], "4"),
        (["initialize_adam", "update_parameters_with_adam"], "optimizers"),
    ],
)
def test_a_file_tells_its_week_by_the_names_only_that_week_defines(defined, week):
    assert detect_week({name: () for name in defined}) == (week, None)


def test_a_file_with_two_weeks_functions_takes_the_larger_and_says_so():
    defined = {"linear_forward": (), "L_model_forward": (), "layer_sizes": ()}
    assert detect_week(defined) == (
        "4",
        "it also defines functions of week 3: give --week to choose",
    )


@pytest.mark.parametrize(
    ("defined", "week"),
    [
        ({"sigmoid": ("z",), "predict": ("w", "b", "X")}, "2"),
        ({"predict": ("parameters", "X")}, "3"),
        ({"compute_cost": ("A2", "Y", "parameters")}, "3"),
    ],
)
def test_shared_names_tell_the_week_by_their_signatures(defined, week):
    assert detect_week(defined) == (week, None)


def test_names_weeks_3_and_4_share_ask_for_the_week_and_no_course_name_is_nothing_to_check():
    with pytest.raises(NothingToCheckError, match="give --week 3 or --week 4"):
        detect_week({"compute_cost": ("AL", "Y"), "update_parameters": ()})
    with pytest.raises(NothingToCheckError, match="defines none of the course's functions"):
        detect_week({"main": ()})


def test_every_name_is_known_once_and_later_assignments_are_recognised():
    assert len(ALL_NAMES) == len(set(ALL_NAMES))
    assert set(LATER) <= set(ALL_NAMES)
    assert signature_of("2", "predict") == "predict(w, b, X)"
    assert signature_of("3", "predict") == "predict(parameters, X)"


def test_the_course_functions_import_on_numpy_alone():
    modules = "logistic_regression, planar, deep, optimization, catalogue, mistakes, helpers, "
    modules += "convolution, recurrent, language_model"
    code = f"import sys; from scratch.course import {modules}; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


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
        (("zero_pad", "conv_forward", "pool_backward"), "convolution"),
        (("rnn_cell_forward", "lstm_forward", "lstm_backward"), "recurrent"),
        (("clip", "sample", "optimize", "model"), "language_model"),
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


def test_optimize_tells_week_2_from_the_language_model_by_the_names_beside_it():
    """Both assignments have a learner write ``optimize``, of other signatures."""
    week2 = ("initialize_with_zeros", "propagate", "optimize")
    assert detect_week(dict.fromkeys(week2, ())) == ("2", None)
    assert detect_week(dict.fromkeys(("sigmoid", "optimize"), ())) == ("2", None)
    assert detect_week(dict.fromkeys(("clip", "sample", "optimize"), ())) == (
        "language_model",
        None,
    )
    assert signature_of("language_model", "optimize").startswith(
        "optimize(X, Y, a_prev, parameters, learning_rate=0.01)"
    )
    assert signature_of("2", "optimize").startswith("optimize(w, b, X, Y")


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
