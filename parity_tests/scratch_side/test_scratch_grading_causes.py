"""``scratch.grading.causes``: the likely cause of a difference with a recognisable shape: a
factor read off by least squares (m, -1, 2), a transposed or (m, n) layout, keepdims missing,
``b`` not added, ``dA`` from another layer's ``W``, an update's sign, a key past the last layer."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import parity
from scratch.grading.cases import plain
from scratch.grading.causes import explain_exception, likely_cause, named_shape, ratio, shape_of
from scratch.grading.outcomes import Failure, Opaque
from scratch.grading.trial import Call, Expect


class Case:
    m = 4


def _cause(key, yours, exact, inputs=None, before=None, rate=None):
    expect = Expect(key, key, exact, layer=None)
    result = parity.compare(key, yours, exact, dtype="float64")
    call = Call(Case(), (), dict, [expect], inputs or {}, before=before or {}, learning_rate=rate)
    return likely_cause(expect, yours, result, call)


@pytest.fixture
def exact(rng):
    return rng.standard_normal((3, 4))


def test_a_factor_is_read_off_only_when_it_holds_for_the_whole_array(exact):
    assert ratio(4 * exact, exact) == pytest.approx(4)
    tweaked = 4 * exact
    tweaked[0, 0] += 1e-3
    assert ratio(tweaked, exact) is None


@pytest.mark.parametrize(
    ("key", "factor", "says"),
    [
        ("dW2", 4, "off by a factor m = 4: the 1/m is missing (dW = (1/m) dZ A_prev^T)"),
        ("db2", 0.25, "off by a factor 1/m = 1/4: divided by m twice"),
        ("dA1", 0.25, "off by a factor 1/m = 1/4: the course's dA and dZ carry no 1/m"),
        ("dW2", -1, "off by a factor -1: a sign"),
        ("dW2", 2, "off by a factor 2"),
    ],
)
def test_an_array_off_by_a_known_factor_is_named(exact, key, factor, says):
    assert _cause(key, factor * exact, exact).startswith(says)


def test_a_transposed_array_and_one_example_per_row_are_named(rng, exact):
    square = rng.standard_normal((3, 3))
    assert _cause("dW1", square.T, square) == "transposed: yours is autograd's transpose"
    assert _cause("A1", exact.T, exact).startswith("(m, n) for (n, m): (4, 3) puts one example")


def test_keepdims_missing_is_named(rng):
    db = rng.standard_normal((3, 1))
    assert _cause("db2", db[:, 0], db).startswith("keepdims missing: (n,) for (n, 1)")


def test_b_not_added_and_da_from_the_wrong_layers_w_are_named(rng, exact):
    b = rng.standard_normal((3, 1))
    assert _cause("Z2", exact, exact + b, {"b2": b}) == "b is not added: Z = W A_prev + b"
    W2, W3, dZ3 = (rng.standard_normal(shape) for shape in ((3, 3), (3, 3), (3, 4)))
    cause = _cause("dA2", W2.T @ dZ3, W3.T @ dZ3, {"W2": W2, "W3": W3, "dZ3": dZ3})
    assert cause.startswith("dA taken from the wrong layer's W: yours is W2^T dZ3")


def test_an_updates_sign_and_a_missing_learning_rate_are_named(rng):
    W, dW = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    right = W - 0.1 * dW
    before = {"W1": W}
    assert _cause("W1", W + 0.1 * dW, right, before=before, rate=0.1).startswith(
        "the update's sign"
    )
    assert _cause("W1", W - dW, right, before=before, rate=0.1).startswith(
        "the learning rate is missing from the step"
    )
    assert _cause("W1", W, right, before=before, rate=0.1).startswith("not updated")


def test_a_key_past_the_last_layer_is_a_loop_one_layer_too_far():
    call = Call(Case(), (), dict, [], {"W1": np.ones((2, 2)), "W2": np.ones((1, 2))})
    text = explain_exception(Failure("KeyError", "'W3'"), call)
    assert text.startswith("there is no W3: the network's layers are 1 to 2")


def test_shapes_in_an_exception_are_named_by_the_inputs_of_that_shape():
    call = Call(Case(), (), dict, [], {"W1": np.ones((4, 2)), "dZ2": np.ones((1, 4))})
    message = "matmul: Input operand 1 has a mismatch (size 4 is different from 1): (2, 4)"
    assert explain_exception(Failure("ValueError", message), call) == "(2, 4) is W1.T"
    assert named_shape((1, 4), call.inputs) == "dZ2"


def test_what_a_value_is_is_said_in_words():
    assert shape_of(np.zeros((2, 3))) == "an array of shape (2, 3)"
    assert shape_of((1, 2)) == "a tuple of 2"
    assert shape_of({"W1": 1}) == "a dict with keys W1"
    assert shape_of(None) == "None"
    assert shape_of(Opaque("Tensor", "tensor([1.])")) == "a Tensor (tensor([1.]))"


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
