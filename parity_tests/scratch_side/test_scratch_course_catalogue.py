"""``scratch.course.catalogue``: the functions nn-check knows, week by week, in the order they
are checked, each with the project's own in the assignment's signature and the grading's check;
how a file tells its week; all of it on NumPy alone."""

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


def test_the_course_functions_import_on_numpy_alone():
    code = (
        "import importlib, pkgutil, sys, scratch.course\n"
        "for module in pkgutil.iter_modules(scratch.course.__path__):\n"
        "    importlib.import_module(f'scratch.course.{module.name}')\n"
        "assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("week", list(WEEKS))
def test_every_week_has_the_projects_own_function_and_a_check_for_each_it_checks(week):
    assert list(REFERENCE[week]) == list(WEEKS[week].checked)
    assert all(callable(function) for function in REFERENCE[week].values())
    assert set(WEEKS[week].checked) <= set(CHECKS[week])


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
    ("week", "name"), [(week, name) for week, own in REFERENCE.items() for name in own]
)
def test_the_projects_own_function_takes_the_assignments_signature(week, name):
    signature = signature_of(week, name)
    assert signature.startswith(f"{name}(")
    parameters = inspect.signature(REFERENCE[week][name]).parameters
    course = _course_parameters(signature)
    assert list(parameters)[: len(course)] == course, f"{name}: {list(parameters)} for {signature}"
    assert all(
        parameters[extra].default is not inspect.Parameter.empty
        for extra in list(parameters)[len(course) :]
    )


def test_a_name_two_weeks_share_has_each_weeks_signature():
    assert signature_of("2", "predict") == "predict(w, b, X)"
    assert signature_of("3", "predict") == "predict(parameters, X)"
    assert signature_of("gradient_checking", "forward_propagation") == (
        "forward_propagation(x, theta) -> J"
    )
    assert signature_of("3", "forward_propagation").startswith("forward_propagation(X, param")


def test_every_name_is_known_once_and_the_later_assignments_are_recognised_not_checked():
    checked = {name for week in WEEKS.values() for name in week.checked}
    assert len(ALL_NAMES) == len(set(ALL_NAMES)) and checked <= set(ALL_NAMES)
    assert set(LATER) <= set(ALL_NAMES) and not set(LATER) & checked
    assert "random_mini_batches" in checked and "gradient_check_n" in checked


@pytest.mark.parametrize(
    ("names", "week"),
    [
        (("initialize_with_zeros", "propagate", "optimize"), "2"),
        (("layer_sizes", "forward_propagation", "backward_propagation", "nn_model"), "3"),
        (("linear_forward", "L_model_backward", "update_parameters"), "4"),
        (("initialize_parameters_deep", "L_model_forward", "L_model_backward"), "4"),
        (("initialize_parameters_zeros", "initialize_parameters_he", "model"), "initialization"),
        (
            ("compute_cost_with_regularization", "forward_propagation_with_dropout"),
            "regularization",
        ),
        (("initialize_adam", "update_parameters_with_adam"), "optimizers"),
        (("update_parameters_with_adam", "random_mini_batches"), "optimizers"),
        (("zero_pad", "conv_forward", "pool_backward"), "convolution"),
        (("rnn_cell_forward", "lstm_forward", "lstm_backward"), "recurrent"),
        (("clip", "sample", "optimize", "model"), "language_model"),
    ],
)
def test_a_file_tells_its_week_by_the_names_only_that_week_defines(names, week):
    assert detect_week(dict.fromkeys(names, ())) == (week, None)


def test_the_gradient_checking_notebooks_one_dimensional_functions_are_not_week_3s():
    """Its ``forward_propagation(x, theta)`` and ``backward_propagation(x, theta)`` share week
    3's names: they belong to the gradient checking assignment, and no note says otherwise."""
    names = ("forward_propagation", "backward_propagation", "gradient_check", "gradient_check_n")
    assert detect_week(dict.fromkeys(names, ("x", "theta"))) == ("gradient_checking", None)


@pytest.mark.parametrize(
    ("names", "other"),
    [
        (("linear_forward", "L_model_forward", "layer_sizes"), "week 3"),
        (("L_model_forward", "L_model_backward", "propagate"), "week 2"),
    ],
)
def test_a_file_with_another_weeks_functions_takes_the_larger_and_says_so(names, other):
    assert detect_week(dict.fromkeys(names, ())) == (
        "4",
        f"it also defines functions of {other}: give --week to choose",
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


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ("compute_cost",),
            "compute_cost belong to weeks 3 and 4 alike: give --week 3 or --week 4",
        ),
        (
            ("compute_cost", "update_parameters"),
            "compute_cost, update_parameters belong to weeks 3 and 4 alike: give --week 3 or "
            "--week 4",
        ),
        (
            ("my_function",),
            "the file defines none of the course's functions (initialize_parameters, "
            "initialize_parameters_deep, linear_forward, linear_activation_forward, ...): "
            "nothing to check",
        ),
    ],
)
def test_a_file_that_tells_no_week_is_one_line(names, message):
    with pytest.raises(NothingToCheckError, match=f"^{re.escape(message)}$"):
        detect_week(dict.fromkeys(names, ()))


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
