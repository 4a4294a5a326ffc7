"""``scratch.grading.causes``: a difference is named by its shape: a known mistake's values
first, then a shape the course does not allow, then a factor (m, -1, 2), a transpose, a bias
not added, ``dA`` from the wrong layer's ``W``; an exception by what its message points at; and
last, the call's own word (``Call.explain``)."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import parity
from scratch.grading.cases import plain
from scratch.grading.causes import explain_exception, likely_cause, named_shape, ratio
from scratch.grading.outcomes import Failure
from scratch.grading.trial import Call, Expect

EXACT = np.array([[1.0, -2.0, 3.0], [0.5, 0.25, -1.0]])


def cause(yours, key="dW1", exact=EXACT, m=4, **call):
    case = plain("c", "c")
    case.X = np.zeros((2, m))
    expect = Expect(key, key, exact)
    result = parity.compare(key, np.asarray(yours, dtype=float), exact, dtype="float64")
    return likely_cause(
        expect, np.asarray(yours, dtype=float), result, Call(case, (), dict, [expect], **call)
    )


@pytest.mark.parametrize(
    ("yours", "key", "words"),
    [
        (EXACT * 4, "dW1", "off by a factor m = 4: the 1/m is missing"),
        (EXACT * -1, "dW1", "off by a factor -1: a sign"),
        (EXACT / 4, "dA1", "the course's dA and dZ carry no 1/m"),
        (EXACT.T, "dW1", "transposed: (3, 2) for (2, 3)"),
        (EXACT[:, 0], "db1", None),
        (np.full_like(EXACT, np.nan), "dW1", "NaN where autograd's is finite"),
        (np.zeros_like(EXACT), "dW1", "all zeros where autograd's is not"),
    ],
)
def test_a_differences_shape_names_it(yours, key, words):
    exact = EXACT[:, :1] if key == "db1" else EXACT
    found = cause(yours, key, exact)
    expected = "keepdims missing" if words is None else words
    assert expected in found


def test_a_known_mistakes_values_come_first_and_the_calls_own_word_last():
    mistaken = [("the mistake", {"dW1": EXACT * 4})]
    assert cause(EXACT * 4, mistakes=lambda: mistaken) == "the mistake"
    odd = EXACT + np.array([[0.1, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert cause(odd) is None
    assert cause(odd, explain=lambda key, yours: f"{key} explained") == "dW1 explained"


def test_a_factor_counts_only_when_it_holds_everywhere():
    assert ratio(EXACT * 2, EXACT) == pytest.approx(2)
    assert ratio(EXACT * 2 + 1e-3, EXACT) is None


def test_an_exceptions_shapes_are_named_by_the_inputs_of_those_shapes():
    case = plain("c", "c")
    call = Call(case, (), dict, [], {"W1": np.ones((4, 2)), "X": np.ones((2, 3))})
    failure = Failure("ValueError", "shapes (2,4) and (2,3) not aligned")
    assert explain_exception(failure, call) == "(2, 4) is W1.T; (2, 3) is X"
    past = Failure("KeyError", "'W3'")
    assert explain_exception(past, Call(case, (), dict, [], {"W1": 1, "W2": 2})).startswith(
        "there is no W3: the network's layers are 1 to 2"
    )
    assert named_shape((3, 2), {"X": np.ones((2, 3))}) == "X.T"
