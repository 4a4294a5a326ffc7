"""``scratch.grading.initialization``: a right scheme passes; each scheme's likely mistakes
(another scale, uniform draws, another seed, biases that are not zero) are named as such; what
is not a parameters dict is refused in the course's words."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import initialization
from scratch.course.catalogue import WEEKS

WEEK = "initialization"


def drawn(scale, draw=np.random.randn, seed: int | None = 3, bias=np.zeros):
    """An initialiser as a learner writes it: ``np.random.seed(seed)``, then each layer's W."""

    def initialize(layers_dims):
        if seed is not None:
            np.random.seed(seed)
        out = {}
        for l in range(1, len(layers_dims)):
            n, n_prev = layers_dims[l], layers_dims[l - 1]
            out[f"W{l}"] = draw(n, n_prev) * scale(n, n_prev)
            out[f"b{l}"] = bias((n, 1))
        return out

    return initialize


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_function_passes_every_case(name):
    found = verdict(WEEK, name, getattr(initialization, name))
    assert found.status == "ok", found.failure


@pytest.mark.parametrize(
    ("scheme", "learner", "cause"),
    [
        ("he", drawn(lambda n, p: np.sqrt(1 / p)), "Xavier's scale, sqrt(1 / n[l-1])"),
        ("he", drawn(lambda n, p: np.sqrt(2 / n)), "the fan-out, sqrt(2 / n[l])"),
        ("he", drawn(lambda n, p: 2 / p), "the square root is missing"),
        ("he", drawn(lambda n, p: 0.01), "* 0.01, the first course's small scale"),
        ("random", drawn(lambda n, p: 1.0), "the * 10 is missing"),
        ("random", drawn(lambda n, p: 10.0, np.random.rand), "np.random.rand (uniform"),
        ("random", drawn(lambda n, p: 10.0, seed=4), "not the course's draws: np.random.seed(3)"),
        ("zeros", drawn(lambda n, p: 0.0, bias=np.ones), "the course starts every bias at zero"),
        ("zeros", drawn(lambda n, p: 1.0), "this scheme's weights are all zeros"),
    ],
)
def test_each_likely_mistake_is_named(scheme, learner, cause):
    found = verdict(WEEK, f"initialize_parameters_{scheme}", learner)
    assert found.status == "wrong" and found.failure.case == "layers_dims"
    assert cause in found.failure.cause, found.failure
    assert "torch.nn.init has" in found.failure.message or found.failure.kind != "values"


def test_a_transposed_W_and_a_value_that_is_not_a_dict_are_refused():
    transposed = verdict(
        WEEK,
        "initialize_parameters_he",
        lambda dims: {
            key: value.T if key[0] == "W" else value
            for key, value in initialization.initialize_parameters_he(dims).items()
        },
    )
    assert transposed.failure.message == "parameters['W1'] has shape (3, 2); the course's is (2, 3)"
    assert transposed.failure.cause.startswith("transposed")
    listed = verdict(WEEK, "initialize_parameters_he", lambda dims: [1, 2])
    assert listed.failure.message == "parameters is a list of 2; the course's is a dict"
