"""``scratch.course.helpers``: the stand-ins for the course's helper modules compute what the
course's helpers compute (an activation and its cache ``Z``; the backward maps of ``dA``)."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course.helpers import ACTIVATIONS, MODULES, PLANAR, describe


def test_an_activation_helper_returns_the_activation_and_z_as_its_cache():
    Z = np.array([[-2.0, 0.0, 3.0]])
    A, cache = ACTIVATIONS["relu"](Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    assert cache is Z
    A, cache = ACTIVATIONS["sigmoid"](Z)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z)), rtol=1e-15)
    assert cache is Z


def test_the_backward_helpers_follow_the_course_relu_prime_of_0_is_0(rng):
    Z = np.array([[-2.0, 0.0, 3.0]])
    dA = np.array([[5.0, 6.0, 7.0]])
    np.testing.assert_array_equal(ACTIVATIONS["relu_backward"](dA, Z), [[0.0, 0.0, 7.0]])
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(ACTIVATIONS["sigmoid_backward"](dA, Z), dA * s * (1 - s), rtol=1e-15)


def test_the_planar_helpers_load_the_flower_and_draw_nothing():
    X, Y = PLANAR["load_planar_dataset"]()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert PLANAR["plot_decision_boundary"](lambda x: x, X, Y) is None


def test_a_helper_that_would_need_the_courses_files_says_how_to_do_without():
    with pytest.raises(RuntimeError, match="--definitions-only"):
        MODULES["lr_utils"][1]["load_dataset"]()


def test_a_helper_module_is_described_by_what_it_provides():
    assert describe("dnn_utils") == (
        "dnn_utils is the course's activation helpers (sigmoid, relu, sigmoid_backward, "
        "relu_backward)"
    )
    assert describe("testCases_v4a") == (
        "testCases_v4a is the course's test cases, which nn-check does not need"
    )
    assert describe("numpy") is None
