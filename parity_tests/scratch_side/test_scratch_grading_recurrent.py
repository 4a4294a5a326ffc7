"""``scratch.grading.recurrent``: the course's own RNN and LSTM functions pass; the "course"
cases are the notebook's tests; each likely mistake (the gates' weights swapped, ``[xt;
a_prev]``, ``tanh'`` from the wrong quantity, ``dc_next`` dropped, ``da_next`` not accumulated
over time, the cell state's gradient dropped, v3a's ``lstm_backward`` that carries neither) is
named at its function and quantity; the versions' names of the input's gradient are read."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import recurrent as course
from scratch.course.catalogue import WEEKS
from scratch.grading import recurrent as grading
from torch_impl import course as truth

pytestmark = pytest.mark.usefixtures("one_torch_thread")
WEEK = "recurrent"


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_passes(name):
    assert verdict(WEEK, name, getattr(course, name)).status == "ok"


def test_the_course_cases_are_the_notebooks_tests():
    """Its printed ``a_next[4]`` of ``rnn_cell_forward`` and ``a[4][1]`` of ``rnn_forward``."""
    cell = grading.sequences("rnn", False)[0]
    a_next = truth.recurrent_pass(cell.x, cell.a0, cell.parameters, "rnn")["a"][:, :, 0]
    np.testing.assert_allclose(a_next[4][:3], [0.59584544, 0.18141802, 0.61311866], rtol=1e-7)
    sequence = grading.sequences("rnn", True)[0]
    a = truth.recurrent_pass(sequence.x, sequence.a0, sequence.parameters, "rnn")["a"]
    np.testing.assert_allclose(
        a[4][1], [-0.99999375, 0.77911235, -0.99861469, -0.99833267], rtol=1e-7
    )


def swapped_gates(xt, a_prev, c_prev, parameters):
    p = dict(parameters)
    p["Wf"], p["bf"], p["Wi"], p["bi"] = p["Wi"], p["bi"], p["Wf"], p["bf"]
    *out, cache = course.lstm_cell_forward(xt, a_prev, c_prev, p)
    return (*out, (*cache[:9], parameters))


def reversed_concat(xt, a_prev, c_prev, parameters):
    n_x = xt.shape[0]
    p = {
        key: np.roll(value, -n_x, axis=1) if key[0] == "W" and key != "Wy" else value
        for key, value in parameters.items()
    }
    *out, cache = course.lstm_cell_forward(xt, a_prev, c_prev, p)
    return (*out, (*cache[:9], parameters))


def rnn_tanh_of_a_next(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    return course.rnn_cell_backward(da_next, (np.tanh(a_next), a_prev, xt, parameters))


def lstm_tanh_of_a_next(da_next, dc_next, cache):
    a_next, c_next, ot = cache[0], cache[1], cache[7]
    shift = da_next * ot * (np.tanh(c_next) ** 2 - a_next**2)
    return course.lstm_cell_backward(da_next, dc_next + shift, cache)


def through_time(cell_backward, carry_a: bool, carry_c: bool):
    """A learner's ``rnn_backward`` / ``lstm_backward`` that carries ``da_prevt`` and
    ``dc_prevt`` to the step before, or not."""

    def backward(da, caches):
        steps, x = caches
        n_a, m, T_x = da.shape
        da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
        dx, total = np.zeros(x.shape), {}
        for t in reversed(range(T_x)):
            lstm = len(steps[t]) == 10
            upstream = da[:, :, t] + (da_prevt if carry_a else 0)
            args = (upstream, dc_prevt if carry_c else 0 * dc_prevt) if lstm else (upstream,)
            step = cell_backward(*args, steps[t])
            dx[:, :, t], da_prevt = step["dxt"], step["da_prev"]
            dc_prevt = step.get("dc_prev", dc_prevt)
            for key, value in step.items():
                if key[:2] in ("dW", "db"):
                    total[key] = total.get(key, 0) + value
        return {"dx": dx, "da0": da_prevt, **total}

    return backward


@pytest.mark.parametrize(
    ("name", "learner", "case", "shown", "cause"),
    [
        (
            "lstm_cell_forward",
            swapped_gates,
            "course",
            "cache[4]",
            "the gates' weights swapped: the forget gate ft takes Wi, bi",
        ),
        ("lstm_cell_forward", reversed_concat, "course", "cache[4]", "concat = [xt; a_prev]"),
        (
            "rnn_cell_backward",
            rnn_tanh_of_a_next,
            "course",
            "gradients['dxt']",
            "tanh' from tanh(a_next)",
        ),
        (
            "lstm_cell_backward",
            lstm_tanh_of_a_next,
            "course",
            "gradients['dxt']",
            "tanh' from a_next",
        ),
        (
            "lstm_cell_backward",
            lambda da_next, dc_next, cache: course.lstm_cell_backward(da_next, 0 * dc_next, cache),
            "course",
            "gradients['dxt']",
            "dc_next dropped",
        ),
        (
            "rnn_backward",
            through_time(course.rnn_cell_backward, False, True),
            "course",
            "gradients['dx']",
            "da_next not accumulated over time",
        ),
        (
            "lstm_backward",
            through_time(course.lstm_cell_backward, True, False),
            "course",
            "gradients['dx']",
            "the cell state's gradient dropped",
        ),
        (
            "lstm_backward",
            through_time(course.lstm_cell_backward, False, False),
            "course",
            "gradients['dx']",
            "neither da_prevt nor dc_prevt carried",
        ),
    ],
)
def test_each_likely_mistake_is_named_at_its_case_and_quantity(name, learner, case, shown, cause):
    found = verdict(WEEK, name, learner)
    assert found.status == "wrong", found.failure
    assert (found.failure.case, found.failure.quantity) == (case, shown), found.failure
    assert found.failure.cause.startswith(cause), found.failure.cause


def test_dconcat_split_the_other_way_round_is_named():
    """``da_prev`` and ``dxt`` from the wrong ends of ``dconcat``: the shapes fit, the values
    do not."""

    def split_wrong(da_next, dc_next, cache):
        grads = course.lstm_cell_backward(da_next, dc_next, cache)
        n_x = cache[8].shape[0]
        dconcat = np.concatenate((grads["da_prev"], grads["dxt"]))
        return grads | {"da_prev": dconcat[n_x:], "dxt": dconcat[:n_x]}

    found = verdict(WEEK, "lstm_cell_backward", split_wrong)
    assert (found.failure.case, found.failure.quantity) == ("course", "gradients['dxt']")
    assert found.failure.cause.startswith("dconcat split the other way round")


def test_the_input_gradient_under_the_docstrings_name_is_read_with_a_note():
    def dx_key(da_next, cache):
        grads = course.rnn_cell_backward(da_next, cache)
        grads["dx"] = grads.pop("dxt")
        return grads

    found = verdict(WEEK, "rnn_cell_backward", dx_key)
    assert found.status == "ok" and found.notes[0].startswith("gradients['dx'] read as dxt")


def test_a_learners_lstm_backward_that_takes_T_x_from_da_as_the_notebook_does_passes():
    """The notebook's example hands ``da`` of 4 steps to the caches of 7; nn-check's ``da``
    covers every cached step, so taking T_x from ``da`` (the notebook's) or from ``x`` both
    pass."""

    def from_da(da, caches):
        steps, x = caches
        return course.lstm_backward(da, (steps[: da.shape[2]], x[:, :, : da.shape[2]]))

    assert verdict(WEEK, "lstm_backward", from_da).status == "ok"


def test_a_cache_that_is_not_the_courses_is_refused_in_its_words():
    def rnn_cell_forward(xt, a_prev, parameters):
        a_next, yt_pred, _ = course.rnn_cell_forward(xt, a_prev, parameters)
        return a_next, yt_pred, (a_prev, a_next, xt, parameters)

    found = verdict(WEEK, "rnn_cell_forward", rnn_cell_forward)
    assert found.failure.kind == "layout"
    assert found.failure.message.startswith("cache[0] is not the a_next it was given or returned")
