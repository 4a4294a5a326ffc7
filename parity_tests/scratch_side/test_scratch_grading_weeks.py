"""``scratch.grading.weeks``: a week's functions checked bottom-up, each in the course's order,
and while one is checked, the course functions it calls that are wrong, raised or missing run
as nn-check's own, so that what is reported is the function's own mistake."""

from __future__ import annotations

import subprocess
import sys

import pytest
from inprocess_learner import InProcess, report
from learner_in_process import InProcess as InProcessOf

from scratch.course import deep
from scratch.course.catalogue import REFERENCE, WEEKS, NothingToCheckError
from scratch.grading.outcomes import Loaded
from scratch.grading.weeks import Report, check_week
from torch_impl import course as autograd
from torch_impl import course as truth

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _no_1_over_m(dZ, cache):
    dA_prev, dW, db = deep.linear_backward(dZ, cache)
    return dA_prev, dW, db * dZ.shape[1]


def test_a_wrong_callee_is_reported_as_itself_and_its_callers_judged_on_their_own():
    learner = InProcessOf(
        {
            "linear_backward": _no_1_over_m,
            "linear_activation_backward": deep.linear_activation_backward,
            "L_model_backward": deep.L_model_backward,
        },
        calls={
            "linear_activation_backward": ("linear_backward",),
            "L_model_backward": ("linear_activation_backward",),
        },
    )
    report = check_week(learner, learner.loaded(), "4", autograd)
    status = {verdict.name: verdict.status for verdict in report.verdicts}
    assert status["linear_backward"] == "wrong" and not report.passed
    callers = [
        v for v in report.verdicts if v.name in ("linear_activation_backward", "L_model_backward")
    ]
    for verdict in callers:
        assert verdict.status == "ok" and verdict.substituted == ["linear_backward"]
        assert verdict.substituted_why == {"linear_backward": "wrong"}


def test_functions_not_defined_are_not_checked_never_wrong():
    learner = InProcessOf({"linear_forward": deep.linear_forward})
    report = check_week(learner, learner.loaded(), "4", autograd)
    assert [v.name for v in report.verdicts] == list(WEEKS["4"].checked)
    assert {v.status for v in report.verdicts if v.name != "linear_forward"} == {"not checked"}
    assert report.passed and [v.name for v in report.checked] == ["linear_forward"]
    assert report.title == "week 4 (the L-layer network)"


def test_only_checks_the_functions_named_and_refuses_names_the_week_does_not_check():
    learner = InProcessOf({"linear_forward": deep.linear_forward, "linear_backward": _no_1_over_m})
    report = check_week(learner, learner.loaded(), "4", autograd, only=["linear_forward"])
    reasons = {v.name: v.reason for v in report.verdicts}
    assert report.passed and reasons["linear_backward"] == "not in --only"
    with pytest.raises(NothingToCheckError, match="--only propagate: week 4 checks"):
        check_week(learner, learner.loaded(), "4", autograd, only=["propagate"])


def test_a_file_with_none_of_the_weeks_functions_is_nothing_to_check():
    learner = InProcessOf({"main": lambda: None})
    with pytest.raises(NothingToCheckError, match="defines none of week 4's functions"):
        check_week(learner, learner.loaded(), "4", autograd)


def test_recognised_functions_are_listed_not_checked_with_the_reason():
    learner = InProcessOf(
        {"linear_forward": deep.linear_forward, "L_layer_model": lambda X, Y, layers_dims: None}
    )
    report = check_week(learner, learner.loaded(), "4", autograd)
    [model] = [v for v in report.verdicts if v.name == "L_layer_model"]
    assert (model.status, model.reason) == ("not checked", "it draws its own initial weights")


def test_the_json_report_holds_the_exit_code_after_the_title_and_every_function():
    learner = InProcessOf({"linear_forward": deep.linear_forward})
    report = check_week(learner, learner.loaded(), "4", autograd).to_json(exit_code=0)
    assert list(report)[:4] == ["solution", "week", "title", "exit_code"]
    assert len(report["functions"]) == len(WEEKS["4"].checked)
    assert {f["status"] for f in report["functions"]} == {"ok", "not checked"}


def test_the_grading_imports_on_numpy_alone_its_truth_injected():
    code = "import sys, scratch.grading.weeks; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "week",
    [
        "2",
        "3",
        "4",
        "initialization",
        "regularization",
        "gradient_checking",
        "optimizers",
        "convolution",
        "recurrent",
        "language_model",
    ],
)
def test_the_projects_own_functions_pass_every_week(week):
    found = report(week, **REFERENCE[week])
    assert [v.name for v in found.verdicts if v.status != "ok"] == []
    assert len(found.checked) == len(WEEKS[week].checked)


def test_a_wrong_callee_runs_as_nn_checks_own_while_its_caller_is_checked():
    def linear_backward(dZ, cache):
        A_prev, W, _ = cache
        return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)

    functions = {
        "linear_backward": linear_backward,
        "linear_activation_backward": deep.linear_activation_backward,
    }
    loaded = Loaded(
        functions={
            "linear_backward": ((), frozenset()),
            "linear_activation_backward": ((), frozenset({"linear_backward"})),
        }
    )
    found = check_week(InProcess(**functions), loaded, "4", truth)
    verdicts = {v.name: v for v in found.verdicts}
    assert verdicts["linear_backward"].status == "wrong"
    assert verdicts["linear_activation_backward"].substituted == ["linear_backward"]
    assert verdicts["linear_activation_backward"].substituted_why == {"linear_backward": "wrong"}
    assert verdicts["L_model_forward"].reason == "not defined"


def test_what_leaves_nothing_to_check_is_one_line():
    with pytest.raises(NothingToCheckError, match="--only sigmoid: week 4 checks"):
        check_week(
            InProcess(),
            Loaded(functions={"linear_forward": ((), frozenset())}),
            "4",
            truth,
            only=["sigmoid"],
        )
    with pytest.raises(NothingToCheckError, match="defines none of week 4's functions"):
        report("4")


def test_a_title_names_the_first_courses_weeks_by_number_and_the_others_by_name():
    assert Report("x", "4").title == "week 4 (the L-layer network)"
    assert Report("x", "regularization").title == (
        "regularization (the second course's week 1: L2 and dropout)"
    )
    assert Report("x", "recurrent").title == (
        "the recurrent networks step by step (the fifth course's week 1: RNN and LSTM)"
    )
