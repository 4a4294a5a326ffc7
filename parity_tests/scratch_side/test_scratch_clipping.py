"""``scratch.clipping``: by value, the course's ``clip`` entry by entry; by norm, every gradient
scaled by ``min(1, clip / (||g|| + 1e-6))``; both in place, on the gradients named, in their
dtype."""

from __future__ import annotations

import numpy as np
import pytest
from recurrent_cases import language_model_case

from scratch.clipping import NORM_EPS, clip_gradients, gradient_norm
from scratch.course.language_model import clip, rnn_backward, rnn_forward


def course_gradients() -> dict[str, np.ndarray]:
    """A name's gradients, some entries past 5 and some inside (``language_model_case``)."""
    X, Y, a_prev, parameters = language_model_case()
    _, cache = rnn_forward(X, Y, a_prev, parameters, vocab_size=parameters["Wax"].shape[1])
    return rnn_backward(X, Y, parameters, cache)[0]


def test_clipping_by_value_is_the_courses_clip():
    gradients = course_gradients()
    keys = ["dWaa", "dWax", "dWya", "db", "dby"]
    expected = clip(gradients, 5)
    clip_gradients(gradients, keys, 5.0, "value")
    assert all(np.array_equal(gradients[key], expected[key]) for key in keys)
    assert any((np.abs(course_gradients()[key]) > 5).any() for key in keys)  # it clipped


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_clipping_by_norm_scales_every_gradient_by_the_bound_over_the_whole_norm(dtype):
    rng = np.random.default_rng(0)
    grads = {"dW1": rng.standard_normal((3, 4)).astype(dtype), "db1": np.ones((3, 1), dtype)}
    before = {key: value.copy() for key, value in grads.items()}
    norm = np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in before.values()))
    clip_gradients(grads, ["dW1", "db1"], 1.0, "norm")
    for key, value in grads.items():
        assert value.dtype == dtype
        expected = before[key] * (1.0 / (norm + NORM_EPS))
        np.testing.assert_allclose(value, expected, rtol=1e-6 if dtype == "float32" else 1e-15)
    assert gradient_norm(grads.values()) == pytest.approx(1.0, rel=1e-5)


def test_a_gradient_inside_the_bound_is_left_as_it_was():
    grads = {"dW1": np.array([[0.3, -0.4]]), "dW2": np.array([[0.1]])}
    before = {key: value.copy() for key, value in grads.items()}
    for clip_by in ("value", "norm"):
        clip_gradients(grads, list(grads), 5.0, clip_by)
        assert all(np.array_equal(grads[key], before[key]) for key in grads)


def test_only_the_gradients_named_are_clipped():
    grads = {"dW1": np.array([[9.0]]), "dA0": np.array([[9.0]])}
    clip_gradients(grads, ["dW1"], 1.0)
    assert grads["dW1"][0, 0] == 1.0 and grads["dA0"][0, 0] == 9.0
