"""``scratch.grading.language_model``: the course's own ``clip``, ``sample`` and ``optimize``
pass; ``sample``'s "course" case is the notebook's test and its draws its seed convention; each
likely mistake (clipping by norm, nothing clipped, another seeding, the clip after the update,
the parameters not updated in place) is named; ``optimize``'s parameters are read after the
call under the learner's own name for them, and its update is no note."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from inprocess_learner import InProcess, verdict

from scratch.course import language_model as course
from scratch.course.catalogue import WEEKS
from scratch.grading import language_model as grading
from scratch.grading.trial import Trial
from scratch.grading.weeks import CASES, CHECKS
from scratch.recurrent import sample_uniforms
from torch_impl import course as truth

pytestmark = pytest.mark.usefixtures("one_torch_thread")
WEEK = "language_model"


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_passes(name):
    assert verdict(WEEK, name, getattr(course, name)).status == "ok"


def test_the_sample_case_is_the_notebooks_test_and_draws_its_indices():
    parameters = grading._sample_parameters(24, 100)
    indices = truth.sampled(course.as_step_by_step(parameters), 0, sample_uniforms(0))
    assert indices[:6] == [23, 16, 26, 26, 24, 3]  # the notebook's expected
    assert course.sample(parameters, grading.CHAR_TO_IX, 0) == indices


def by_norm(gradients, maxValue):
    out = {}
    for key, gradient in gradients.items():
        norm = np.linalg.norm(gradient)
        out[key] = gradient * maxValue / norm if norm > maxValue else gradient
    return out


def rebinds(gradients, maxValue):
    gradients = copy.deepcopy(gradients)
    for gradient in gradients.values():
        gradient = np.clip(gradient, -maxValue, maxValue)
    return gradients


def sampler(seed_of):
    """The notebook's ``sample`` with its seeding replaced: ``seed_of(seed, t)`` before draw t."""

    def sample(parameters, char_to_ix, seed):
        p = course.as_step_by_step(parameters)
        x, a_prev, indices = np.zeros((p["by"].shape[0], 1)), np.zeros((p["Waa"].shape[0], 1)), []
        while len(indices) < 50 and (not indices or indices[-1] != char_to_ix["\n"]):
            a_prev = np.tanh(p["Wax"] @ x + p["Waa"] @ a_prev + p["ba"])
            y = course.softmax(p["Wya"] @ a_prev + p["by"])
            if seed_of(seed, len(indices)) is not None:
                np.random.seed(seed_of(seed, len(indices)))
            indices.append(int(np.random.choice(range(len(y)), p=y.ravel())))
            x = np.zeros_like(x)
            x[indices[-1]] = 1
        if len(indices) == 50:
            indices.append(char_to_ix["\n"])
        return indices

    return sample


def clipped_after_the_update(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = course.rnn_forward(X, Y, a_prev, parameters)
    gradients, a = course.rnn_backward(X, Y, parameters, cache)
    course.update_parameters(parameters, gradients, learning_rate)
    return loss, course.clip(gradients, 5), a[len(X) - 1]


def on_a_copy(X, Y, a_prev, parameters, learning_rate=0.01):
    return course.optimize(X, Y, a_prev, copy.deepcopy(parameters), learning_rate)


@pytest.mark.parametrize(
    ("name", "learner", "case", "shown", "cause"),
    [
        (
            "clip",
            by_norm,
            "course, maxValue 10",
            "gradients['dWax']",
            "each gradient clipped by its norm",
        ),
        ("clip", rebinds, "course, maxValue 10", "gradients['dWax']", "nothing is clipped"),
        (
            "clip",
            lambda gradients, maxValue: {k: np.minimum(g, maxValue) for k, g in gradients.items()},
            "course, maxValue 10",
            "gradients['dWax']",
            "only the entries above maxValue",
        ),
        ("sample", sampler(lambda seed, t: seed + t), "course", "", "step t seeds with seed + t"),
        (
            "sample",
            sampler(lambda seed, t: seed if t == 0 else None),
            "course",
            "",
            "one of 2 mistakes",
        ),
        ("sample", sampler(lambda seed, t: seed), "course", "", "one of 2 mistakes"),
        (
            "optimize",
            clipped_after_the_update,
            "course",
            "parameters['Wax']",
            "the clip after the update",
        ),
        (
            "optimize",
            on_a_copy,
            "course",
            "parameters['Wax']",
            "the parameters are not updated in place",
        ),
    ],
)
def test_each_likely_mistake_is_named_at_its_case_and_quantity(name, learner, case, shown, cause):
    found = verdict(WEEK, name, learner)
    assert found.status == "wrong", found.failure
    assert (found.failure.case, found.failure.quantity) == (case, shown), found.failure
    assert found.failure.cause.startswith(cause), found.failure.cause


def test_a_samples_first_differing_index_is_the_finding():
    found = verdict(WEEK, "sample", sampler(lambda seed, t: seed + t))
    assert found.failure.kind == "layout"
    assert found.failure.message == (
        "indices[2] is 8 where nn.RNN's draws give 26 (yours: 6 indices, the course's 22)"
    )


def test_mistakes_the_notebooks_near_one_hot_network_cannot_tell_apart_are_both_named():
    """Its n_a = 100 network of unit weights puts almost all of a softmax on one index: seeding
    once and seeding alike at every step draw the same six indices there."""
    found = verdict(WEEK, "sample", sampler(lambda seed, t: seed))
    assert found.failure.cause.startswith("one of 2 mistakes that draw these indices in this case")
    assert "(1) np.random.seed(seed) once" in found.failure.cause
    assert "(2) the same seed at every step" in found.failure.cause


def test_optimizes_parameters_are_judged_under_the_learners_name_and_their_update_is_no_note():
    def optimize(X, Y, a_prev, params, learning_rate=0.01):
        return course.optimize(X, Y, a_prev, params, learning_rate)

    names = ("X", "Y", "a_prev", "params", "learning_rate")
    calls = list(CHECKS[WEEK]["optimize"](CASES[WEEK](truth), names))
    assert [expect.shown for expect in calls[0].expect][-5:] == [
        f"params[{key!r}]" for key in ("Wax", "Waa", "Wya", "b", "by")
    ]
    found = Trial(InProcess(optimize=optimize), WEEK, "optimize", ()).run(calls)
    assert (found.status, found.notes) == ("ok", [])


def test_a_clip_in_place_as_v3a_did_passes_with_a_note_per_gradient():
    def in_place(gradients, maxValue):
        for gradient in gradients.values():
            np.clip(gradient, -maxValue, maxValue, out=gradient)
        return gradients

    found = verdict(WEEK, "clip", in_place)
    assert found.status == "ok" and len(found.notes) == 5
    assert all(note.startswith("it changes its argument gradients['") for note in found.notes)
