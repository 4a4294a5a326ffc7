"""``scratch.grading.trial``: one learner function on every case, each quantity through the
referee in the order the network computes them; the first difference is the finding, a
difference the course's own formula cannot avoid is a note, an argument changed in place is a
note, an exception is an error at the learner's line, and a call that does not come back ends
the trial."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import InProcess, verdict

from scratch.course import deep
from scratch.grading.cases import plain
from scratch.grading.outcomes import Result, Stopped
from scratch.grading.trial import Call, Expect, Trial

pytestmark = pytest.mark.usefixtures("one_torch_thread")


class Stops:
    """A learner whose every call runs past the time limit."""

    solution = "stops"

    def call(self, name, args, substitutes=()):
        return Stopped("stopped after 1 s, the time limit (--time-limit)")


class Returns:
    """A learner whose calls return ``values`` in turn, and say which substitutes each got."""

    solution = "returns"

    def __init__(self, *values):
        self.values, self.substitutes = list(values), []

    def call(self, name, args, substitutes=()):
        self.substitutes.append(substitutes)
        return Result(value=self.values.pop(0))


def test_the_first_wrong_quantity_in_computation_order_is_the_finding():
    def L_model_forward(X, parameters):
        AL, caches = deep.L_model_forward(X, parameters)
        (A_prev, W, b), Z = caches[1]
        caches[1] = ((A_prev, W, b), Z * 2)  # Z2 wrong, and so nothing after it
        return AL * 2, caches

    assert verdict("4", "L_model_forward", L_model_forward).failure.key == "Z2"


def test_an_array_of_another_dtype_is_named():
    def linear_backward(dZ, cache):
        return tuple(np.float32(x) for x in deep.linear_backward(dZ, cache))

    found = verdict("4", "linear_backward", linear_backward)
    assert found.failure.kind == "dtype"
    assert found.failure.cause.startswith("the course's arrays are float64; float32")


def test_a_difference_the_courses_formula_makes_itself_is_a_note_not_a_mistake():
    case = plain("saturated", "saturated")
    fragile = Expect("cost", "cost", np.array(11.0), fragile=("log(0) there", "Stable."))
    calls = [Call(case, (), lambda value: {"cost": value}, [fragile])]
    found = Trial(Returns(np.inf), "4", "compute_cost", ()).run(calls)
    assert found.status == "ok" and found.notes[0].startswith("case 'saturated'")


def test_an_exception_is_an_error_at_the_learners_line_with_a_hint():
    def linear_forward(A, W, b):
        return np.dot(W.T, A) + b, (A, W, b)

    found = verdict("4", "linear_forward", linear_forward)
    assert found.status == "error" and found.failure.kind == "raised"
    assert found.failure.message.startswith("ValueError: shapes (5,4) and (5,4) not aligned")
    assert "(test_scratch_grading_trial.py line " in found.failure.message
    assert found.failure.message.endswith(": return np.dot(W.T, A) + b, (A, W, b))")
    assert found.failure.cause


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


def test_a_call_that_did_not_come_back_stops_the_trial():
    calls = [Call(plain(name, name), (), dict, []) for name in ("one", "two")]
    found = Trial(Stops(), "4", "linear_forward", ()).run(calls)
    assert (found.status, found.failure.kind, found.failure.case) == ("error", "stopped", "one")
    assert found.failure.message.startswith("stopped after 1 s")


def test_every_call_runs_with_the_substitutes_as_nn_checks_own_and_the_verdict_names_them():
    calls = [Call(plain(name, name), (), lambda value: {}, []) for name in ("one", "two")]
    learner = Returns(None, None)
    found = Trial(learner, "4", "linear_activation_forward", ("linear_forward",)).run(calls)
    assert learner.substitutes == [(("4", "linear_forward"),)] * 2
    assert found.status == "ok" and found.substituted == ["linear_forward"]


def test_an_argument_the_course_updates_in_place_is_judged_after_the_call_and_no_note():
    """The language model's ``optimize`` updates its ``parameters``: their entries after the
    call are read (as given, but for those the call changed) and judged, and changing them is
    what the course asks, not a note."""

    def update(parameters, rate):
        parameters["W"] -= rate
        return None

    def expected(W: float) -> list[Expect]:
        return [
            Expect("W1", "parameters['W']", np.full((1, 2), W)),
            Expect("b1", "parameters['b']", np.zeros((1, 1))),
        ]

    args = ({"W": np.ones((1, 2)), "b": np.zeros((1, 1))}, 0.5)
    learner = InProcess(update=update)
    right = Call(plain("c", "c"), args, lambda value: {}, expected(0.5), updated=(0, "parameters"))
    found = Trial(learner, "4", "update", ()).run([right])
    assert (found.status, found.notes) == ("ok", [])
    wrong = Call(plain("c", "c"), args, lambda value: {}, expected(0.25), updated=(0, "parameters"))
    found = Trial(learner, "4", "update", ()).run([wrong])
    assert found.failure.where == "parameters['W'][0, 0]" and found.failure.yours == 0.5


def test_a_calls_own_word_on_an_exception_comes_first():
    def broken():
        raise IndexError("index 4 is out of bounds for axis 1 with size 4")

    call = Call(plain("c", "c"), (), dict, [], raised=lambda failure: f"{failure.kind} named")
    found = Trial(InProcess(broken=broken), "4", "broken", ()).run([call])
    assert found.failure.cause == "IndexError named"
