"""``scratch.grading.weeks``: a week's functions checked bottom-up, each in the course's order,
and while one is checked, the course functions it calls that are wrong, raised or missing run
as nn-check's own, so that what is reported is the function's own mistake; the grading imports
on NumPy alone, its truth injected."""

from __future__ import annotations

import subprocess
import sys

import pytest
from inprocess_learner import InProcess, report

from scratch.course import deep
from scratch.course.catalogue import REFERENCE, WEEKS, NothingToCheckError
from scratch.course.helpers import ACTIVATIONS
from scratch.grading.weeks import Report, check_week
from torch_impl import course as truth

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# A learner's week 4, as in their file: each function calls their own callee by its name.
def linear_backward(dZ, cache):
    """Wrong: the 1/m is missing."""
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)


def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    return linear_backward(ACTIVATIONS[f"{activation}_backward"](dA, Z), linear_cache)


def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in reversed(range(1, L + 1)):
        activation = "sigmoid" if l == L else "relu"
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], activation
        )
        grads[f"dA{l - 1}"] = dA
    return grads


def test_the_grading_imports_on_numpy_alone_its_truth_injected():
    code = "import sys, scratch.grading.weeks; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_title_names_the_first_courses_weeks_by_number_and_the_others_by_name():
    assert Report("x", "4").title == "week 4 (the L-layer network)"
    assert Report("x", "regularization").title == (
        "regularization (the second course's week 1: L2 and dropout)"
    )
    assert Report("x", "recurrent").title == (
        "the recurrent networks step by step (the fifth course's week 1: RNN and LSTM)"
    )


def test_the_json_report_holds_the_exit_code_after_the_title_and_every_function():
    found = report("4", linear_forward=deep.linear_forward).to_json(exit_code=0)
    assert list(found)[:4] == ["solution", "week", "title", "exit_code"]
    assert len(found["functions"]) == len(WEEKS["4"].checked)
    assert {f["status"] for f in found["functions"]} == {"ok", "not checked"}


@pytest.mark.parametrize("week", list(WEEKS))
def test_the_projects_own_functions_pass_every_week(week):
    found = report(week, **REFERENCE[week])
    assert [v.name for v in found.verdicts if v.status != "ok"] == []
    assert len(found.checked) == len(WEEKS[week].checked)


def test_functions_not_defined_are_not_checked_never_wrong():
    found = report("4", linear_forward=deep.linear_forward)
    assert [v.name for v in found.verdicts] == list(WEEKS["4"].checked)
    others = {(v.status, v.reason) for v in found.verdicts if v.name != "linear_forward"}
    assert others == {("not checked", "not defined")}
    assert found.passed and [v.name for v in found.checked] == ["linear_forward"]


def test_only_checks_the_functions_named():
    learner = InProcess(linear_forward=deep.linear_forward, linear_backward=linear_backward)
    found = check_week(learner, learner.loaded(), "4", truth, only=["linear_forward"])
    reasons = {v.name: v.reason for v in found.verdicts}
    assert found.passed and reasons["linear_backward"] == "not in --only"


def test_what_leaves_nothing_to_check_is_one_line():
    learner = InProcess(linear_forward=deep.linear_forward)
    with pytest.raises(NothingToCheckError, match="--only sigmoid: week 4 checks"):
        check_week(learner, learner.loaded(), "4", truth, only=["sigmoid"])
    with pytest.raises(NothingToCheckError, match="--only linear_backward: not defined in"):
        check_week(learner, learner.loaded(), "4", truth, only=["linear_backward"])
    with pytest.raises(NothingToCheckError, match="defines none of week 4's functions"):
        report("4", main=lambda: None)


def test_recognised_functions_are_listed_not_checked_with_the_reason():
    found = report(
        "4", linear_forward=deep.linear_forward, L_layer_model=lambda X, Y, layers_dims: None
    )
    [model] = [v for v in found.verdicts if v.name == "L_layer_model"]
    assert (model.status, model.reason) == ("not checked", "it draws its own initial weights")


def test_a_wrong_callee_is_reported_as_itself_and_runs_as_nn_checks_own_in_its_callers():
    """The learner's ``linear_activation_backward`` and ``L_model_backward`` are right, and
    right only with nn-check's ``linear_backward`` in place of theirs."""
    found = report(
        "4",
        linear_backward=linear_backward,
        linear_activation_backward=linear_activation_backward,
        L_model_backward=L_model_backward,
    )
    verdicts = {v.name: v for v in found.verdicts}
    assert verdicts["linear_backward"].status == "wrong" and not found.passed
    for caller in ("linear_activation_backward", "L_model_backward"):
        assert verdicts[caller].status == "ok", verdicts[caller].failure
        assert verdicts[caller].substituted == ["linear_backward"]
        assert verdicts[caller].substituted_why == {"linear_backward": "wrong"}
