"""``scratch.grading.trial``: one learner function on every case, each quantity through the
referee in the order the network computes them; the first difference is the finding, a
difference the course's own formula cannot avoid is a note, and an exception is an error."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import InProcess, verdict
from learner_in_process import InProcess as InProcessOf

from scratch.course import deep
from scratch.grading import cases
from scratch.grading.cases import plain
from scratch.grading.deep import L_model_forward, linear_backward
from scratch.grading.outcomes import Result, Stopped
from scratch.grading.trial import Call, Expect, Trial
from torch_impl import course as autograd

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _run(name, function, calls):
    return Trial(InProcessOf({name: function}), "4", name, ()).run(calls)


@pytest.fixture(scope="module")
def week4():
    return cases.week4(autograd)


def test_the_first_wrong_quantity_in_computation_order_is_the_finding(week4):
    def L_model_forward_wrong(X, parameters):
        AL, caches = deep.L_model_forward(X, parameters)
        (A_prev, W, b), Z = caches[1]
        caches[1] = ((A_prev, W, b), Z * 2)  # Z2 wrong, and so nothing after it
        return AL * 2, caches

    verdict = _run("L_model_forward", L_model_forward_wrong, L_model_forward(week4, ()))
    assert verdict.failure.key == "Z2"


def test_an_exception_is_an_error_of_that_function_and_a_wrong_signature_names_the_courses(week4):
    def raises(dZ, cache):
        raise ValueError("shapes (3,4) and (5,4) not aligned")

    verdict = _run("linear_backward", raises, linear_backward(week4, ()))
    assert verdict.status == "error" and verdict.failure.kind == "raised"
    assert verdict.failure.message == "ValueError: shapes (3,4) and (5,4) not aligned"
    verdict = _run("linear_backward", lambda dZ: dZ, linear_backward(week4, ()))
    assert verdict.failure.cause == (
        "the course's signature is linear_backward(dZ, cache) -> (dA_prev, dW, db)"
    )


def test_a_call_that_did_not_come_back_is_an_error_that_ends_the_function(week4):
    class Stuck(InProcessOf):
        def call(self, name, args, substitutes=()):
            return Stopped("it took longer than --time-limit 10 s")

    trial = Trial(Stuck({}), "4", "linear_backward", ())
    verdict = trial.run(linear_backward(week4, ()))
    assert (verdict.status, verdict.failure.kind) == ("error", "stopped")


def test_an_array_of_another_dtype_is_named(week4):
    def float32(dZ, cache):
        return tuple(np.float32(x) for x in deep.linear_backward(dZ, cache))

    verdict = _run("linear_backward", float32, linear_backward(week4, ()))
    assert verdict.failure.kind == "dtype"
    assert verdict.failure.cause.startswith("the course's arrays are float64; float32")


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
