"""``scratch.grading.trial``: a learner's function on every call, up to its first wrong
quantity: an exception is an error with a hint (the course's signature, for a call that does
not fit it); after an exception about shapes the later cases still run, for a wrong value where
shapes happen to fit; an argument changed in place is a note once; a call that did not come
back stops the trial."""

from __future__ import annotations

import numpy as np
from inprocess_learner import InProcess, verdict

from scratch.course import deep
from scratch.grading.cases import plain
from scratch.grading.outcomes import Result, Stopped
from scratch.grading.trial import Call, Expect, Trial


def test_an_exception_is_an_error_with_the_learners_line_and_a_hint():
    def linear_forward(A, W, b):
        return np.dot(W.T, A) + b, (A, W, b)

    found = verdict("4", "linear_forward", linear_forward)
    assert found.status == "error" and found.failure.kind == "raised"
    assert "shapes" in found.failure.message and found.failure.cause


def test_a_call_that_does_not_fit_the_signature_gets_the_courses():
    found = verdict("4", "linear_forward", lambda A, W: None)
    assert found.failure.cause == "the course's signature is linear_forward(A, W, b) -> (Z, cache)"


def test_an_argument_changed_in_place_is_a_note_once_and_the_result_is_still_judged():
    def update_parameters(parameters, grads, learning_rate):
        for key in parameters:
            parameters[key] -= learning_rate * grads[f"d{key}"]
        return parameters

    found = verdict("4", "update_parameters", update_parameters)
    assert found.status == "ok" and len(set(found.notes)) == len(found.notes) > 0
    assert all(note.startswith("it changes its argument parameters['") for note in found.notes)


class Stops:
    solution = "stops"

    def call(self, name, args, substitutes=()):
        return Stopped("stopped after 1 s, the time limit (--time-limit)")


def test_a_call_that_did_not_come_back_stops_the_trial():
    calls = [Call(plain(name, name), (), dict, []) for name in ("one", "two")]
    found = Trial(Stops(), "4", "linear_forward", ()).run(calls)
    assert found.status == "error" and found.failure.case == "one"
    assert found.failure.message.startswith("stopped after 1 s")


class Returns:
    solution = "returns"

    def __init__(self, *values):
        self.values = list(values)

    def call(self, name, args, substitutes=()):
        return Result(value=self.values.pop(0))


def test_a_difference_the_courses_formula_makes_itself_is_a_note_not_a_mistake():
    case = plain("saturated", "saturated")
    fragile = Expect("cost", "cost", np.array(11.0), fragile=("log(0) there", "Stable."))
    calls = [Call(case, (), lambda value: {"cost": value}, [fragile])]
    found = Trial(Returns(np.inf), "4", "compute_cost", ()).run(calls)
    found.finish()
    assert found.status == "ok" and found.notes[0].startswith("case 'saturated'")


def test_substitutes_run_as_nn_checks_own():
    def L_model_forward(X, parameters):
        return deep.L_model_forward(X, parameters)

    learner = InProcess(L_model_forward=L_model_forward)
    result = learner.call(
        "L_model_forward",
        (np.ones((2, 1)), deep.initialize_parameters_deep([2, 1])),
        (("4", "linear_forward"),),
    )
    assert result.failure is None
