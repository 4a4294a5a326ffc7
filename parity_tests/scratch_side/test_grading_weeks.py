"""``scratch.grading.weeks``: a week's functions checked bottom-up. The project's own functions
pass every week; a function the file lacks or has wrong runs as nn-check's own while its
callers are checked; what is not defined or not asked for is not checked, and says why; a file
or choice that leaves nothing to check is one line."""

from __future__ import annotations

import pytest
from inprocess_learner import InProcess, report

from scratch.course import deep
from scratch.course.catalogue import REFERENCE, WEEKS, NothingToCheckError
from scratch.grading.outcomes import Loaded
from scratch.grading.weeks import Report, check_week
from torch_impl import course as truth


@pytest.mark.parametrize(
    "week",
    ["2", "3", "4", "initialization", "regularization", "gradient_checking", "optimizers"],
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
