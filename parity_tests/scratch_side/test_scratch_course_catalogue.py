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
    modules = "logistic_regression, planar, deep, optimization, catalogue, mistakes, helpers"
    code = f"import sys; from scratch.course import {modules}; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
