"""``scratch.grading.causes``: the likely cause of a difference with a recognisable shape: a
known mistake's values first, then NaN or all zeros, an update's sign or missing rate, a factor
read off by least squares (m, -1, 2), a transposed or (m, n) layout, ``b`` not added, ``dA``
from another layer's ``W``, keepdims missing, and last the call's own word; in an exception, a
key past the last layer or the inputs its shapes name."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import parity
from scratch.grading.causes import explain_exception, likely_cause, named_shape, ratio, shape_of
from scratch.grading.outcomes import Failure, Opaque
from scratch.grading.trial import Call, Expect


class Case:
    m = 4


def _cause(key, yours, exact, inputs=None, **call):
    """The likely cause of ``yours`` for ``exact`` as ``key`` in a call of a case of m = 4;
    ``call``: the rest of the ``Call`` (before, learning_rate, mistakes, explain)."""
    expect = Expect(key, key, exact, layer=None)
    result = parity.compare(key, yours, exact, dtype="float64")
    return likely_cause(
        expect, yours, result, Call(Case(), (), dict, [expect], inputs or {}, **call)
    )


@pytest.fixture
def exact(rng):
    return rng.standard_normal((3, 4))


def test_what_a_value_is_is_said_in_words():
    assert shape_of(np.zeros((2, 3))) == "an array of shape (2, 3)"
    assert shape_of((1, 2)) == "a tuple of 2"
    assert shape_of({"W1": 1}) == "a dict with keys W1"
    assert shape_of(None) == "None"
    assert shape_of(Opaque("Tensor", "tensor([1.])")) == "a Tensor (tensor([1.]))"


def test_a_known_mistakes_values_come_first_and_the_calls_own_word_last(exact):
    mistaken = [("the mistake", {"dW1": exact * 4})]
    assert _cause("dW1", exact * 4, exact, mistakes=lambda: mistaken) == "the mistake"
    odd = exact.copy()
    odd[0, 0] += 0.1
    assert _cause("dW1", odd, exact) is None
    assert _cause("dW1", odd, exact, explain=lambda key, yours: f"{key} explained") == (
        "dW1 explained"
    )


@pytest.mark.parametrize(
    ("made", "says"),
    [
        (lambda exact: np.full_like(exact, np.nan), "NaN where autograd's is finite"),
        (np.zeros_like, "all zeros where autograd's is not"),
    ],
)
def test_nan_and_all_zeros_where_autograds_values_are_finite_are_named(exact, made, says):
    assert _cause("dW1", made(exact), exact).startswith(says)


def test_an_updates_sign_and_a_missing_learning_rate_are_named(rng):
    W, dW = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    right = W - 0.1 * dW
    before = {"W1": W}
    assert _cause("W1", W + 0.1 * dW, right, before=before, learning_rate=0.1).startswith(
        "the update's sign"
    )
    assert _cause("W1", W - dW, right, before=before, learning_rate=0.1).startswith(
        "the learning rate is missing from the step"
    )
    assert _cause("W1", W, right, before=before, learning_rate=0.1).startswith("not updated")


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
    square, wide = rng.standard_normal((3, 3)), rng.standard_normal((2, 3))
    assert _cause("dW1", square.T, square) == "transposed: yours is autograd's transpose"
    assert _cause("dW1", wide.T, wide) == "transposed: (3, 2) for (2, 3)"
    assert _cause("A1", exact.T, exact).startswith("(m, n) for (n, m): (4, 3) puts one example")


def test_b_not_added_and_da_from_the_wrong_layers_w_are_named(rng, exact):
    b = rng.standard_normal((3, 1))
    assert _cause("Z2", exact, exact + b, {"b2": b}) == "b is not added: Z = W A_prev + b"
    W2, W3, dZ3 = (rng.standard_normal(shape) for shape in ((3, 3), (3, 3), (3, 4)))
    cause = _cause("dA2", W2.T @ dZ3, W3.T @ dZ3, {"W2": W2, "W3": W3, "dZ3": dZ3})
    assert cause.startswith("dA taken from the wrong layer's W: yours is W2^T dZ3")


def test_keepdims_missing_is_named(rng):
    db = rng.standard_normal((3, 1))
    assert _cause("db2", db[:, 0], db).startswith("keepdims missing: (n,) for (n, 1)")


def test_a_key_past_the_last_layer_is_a_loop_one_layer_too_far():
    call = Call(Case(), (), dict, [], {"W1": np.ones((2, 2)), "W2": np.ones((1, 2))})
    text = explain_exception(Failure("KeyError", "'W3'"), call)
    assert text.startswith("there is no W3: the network's layers are 1 to 2")


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("shapes (2,4) and (2,3) not aligned", "(2, 4) is W1.T; (2, 3) is X"),  # np.dot's
        (  # the @ operator's
            "matmul: Input operand 1 has a mismatch (size 4 is different from 1): (2, 4)",
            "(2, 4) is W1.T",
        ),
    ],
)
def test_shapes_in_an_exception_are_named_by_the_inputs_of_that_shape(message, says):
    inputs = {"W1": np.ones((4, 2)), "X": np.ones((2, 3)), "dZ2": np.ones((1, 4))}
    assert explain_exception(
        Failure("ValueError", message), Call(Case(), (), dict, [], inputs)
    ) == (says)
    assert named_shape((1, 4), inputs) == "dZ2" and named_shape((3, 2), inputs) == "X.T"
