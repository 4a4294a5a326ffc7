"""``scratch.grading.trial``: one learner function on every case, each quantity through the
referee in the order the network computes them; the first difference is the finding, a
difference the course's own formula cannot avoid is a note, and an exception is an error."""

from __future__ import annotations

import numpy as np
import pytest
from learner_in_process import InProcess

from scratch.course import deep
from scratch.grading import cases
from scratch.grading.deep import L_model_forward, linear_backward
from scratch.grading.outcomes import Stopped
from scratch.grading.trial import Trial
from torch_impl import course as autograd

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _run(name, function, calls):
    return Trial(InProcess({name: function}), "4", name, ()).run(calls)


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
    class Stuck(InProcess):
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
