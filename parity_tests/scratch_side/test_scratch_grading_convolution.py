"""``scratch.grading.convolution``: the course's own convolution and pooling functions pass; its
"course" cases are the notebook's tests; each likely mistake (the bias forgotten, ``h`` for ``h *
stride``, a gradient not accumulated, the padding left on or the notebook's ``pad:-pad`` at pad
0, the pool's mask on the wrong window, a loop over ``n_H_prev``, ``distribute_value``'s window
transposed) is named at its function and quantity; the max pool's tie rule is never judged."""

from __future__ import annotations

import numpy as np
import pytest
from inprocess_learner import verdict

from scratch.course import convolution as course
from scratch.course.catalogue import WEEKS
from scratch.course.mistakes import planted
from scratch.grading import convolution as grading
from torch_impl import course as truth

pytestmark = pytest.mark.usefixtures("one_torch_thread")
WEEK = "convolution"


@pytest.mark.parametrize("name", WEEKS[WEEK].checked)
def test_the_courses_own_passes(name):
    assert verdict(WEEK, name, getattr(course, name)).status == "ok"


def test_the_course_cases_are_the_notebooks_tests():
    """Its printed numbers: ``conv_single_step`` -6.999089450680221, ``conv_forward``'s mean
    0.5511276474566768, ``conv_backward``'s means (``dZ = Z``)."""
    rng = np.random.RandomState(1)
    a_slice, W, b = rng.randn(4, 4, 3), rng.randn(4, 4, 3), rng.randn(1, 1, 1)
    assert np.isclose(course.conv_single_step(a_slice, W, b), -6.999089450680221, rtol=1e-15)
    layer, backward = grading.conv_layers()[:2]
    Z = truth.convolution(layer.A_prev, layer.W, layer.b, layer.hparameters)["Z"]
    assert np.isclose(Z.mean(), 0.5511276474566768, rtol=1e-14)
    args = (backward.A_prev, backward.W, backward.b, backward.hparameters)
    Z = truth.convolution(*args)["Z"]
    o = truth.convolution(*args, Z)
    means = [o[key].mean() for key in ("dA_prev", "dW", "db")]
    np.testing.assert_allclose(means, [1.4524377775388075, 1.7269914583139097, 7.839232564616838])


def test_no_max_window_nn_check_pools_has_a_tie():
    """Where a window's maximum ties, the course's mask and torch's max pool part (each tied
    entry, or one): nn-check's windows never tie, so either rule passes."""
    for layer in grading.pool_layers():
        f, stride = layer.hparameters["f"], layer.hparameters["stride"]
        windows = np.lib.stride_tricks.sliding_window_view(layer.A_prev, (f, f), axis=(1, 2))
        windows = windows[:, ::stride, ::stride].reshape(-1, f * f)
        top = windows.max(axis=1, keepdims=True)
        assert ((windows == top).sum(axis=1) == 1).all(), layer.name


def test_torchs_one_entry_rule_at_a_max_passes_too():
    def argmax_mask(x):
        mask = np.zeros(x.shape, dtype=bool)
        mask[np.unravel_index(np.argmax(x), x.shape)] = True
        return mask

    assert verdict(WEEK, "create_mask_from_window", argmax_mask).status == "ok"


def forgot_bias(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W)


STRIDE = (
    ("vert_start = h * stride", "vert_start = h"),
    ("horiz_start = w * stride", "horiz_start = w"),
)
ACCUMULATE = (
    "dW[:, :, :, c] += a_slice * dZ[i, h, w, c]",
    "dW[:, :, :, c] = a_slice * dZ[i, h, w, c]",
)
UNPADDED = "dA_prev = dA_prev_pad[:, pad : pad + n_H_prev, pad : pad + n_W_prev, :]"
MASK = (
    "a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]",
    "a_prev_slice = A_prev[i, h : h + f, w : w + f, c]",
)


def transposed_spread(dz, shape):
    return np.full(shape[::-1], dz / (shape[0] * shape[1]))


@pytest.mark.parametrize(
    ("name", "learner", "case", "shown", "cause"),
    [
        ("conv_single_step", forgot_bias, "course", "Z", "the bias is not added"),
        (
            "conv_single_step",
            lambda a, W, b: np.sum(a * W) + b,
            "course",
            "Z",
            "Z is an array of b's shape (1, 1, 1)",
        ),
        ("zero_pad", lambda X, pad: np.pad(X, pad), "course", "X_pad", "every axis padded"),
        (
            "conv_forward",
            planted(course.conv_forward, STRIDE[0]),
            "course",
            "Z",
            "h for h * stride",
        ),
        (
            "conv_forward",
            planted(course.conv_forward, *STRIDE),
            "course",
            "Z",
            "h and w for h * stride",
        ),
        (
            "conv_backward",
            planted(course.conv_backward, ACCUMULATE),
            "course",
            "dW",
            "dW not accumulated",
        ),
        (
            "conv_backward",
            planted(course.conv_backward, (UNPADDED, "dA_prev = dA_prev_pad")),
            "course",
            "dA_prev",
            "the padding is not removed from dA_prev",
        ),
        (
            "conv_backward",
            planted(
                course.conv_backward, (UNPADDED, "dA_prev = dA_prev_pad[:, pad:-pad, pad:-pad, :]")
            ),
            "pad 0",
            "dA_prev",
            "dA_prev is empty at pad 0: the notebook's hint X[pad:-pad, pad:-pad, :]",
        ),
        (
            "pool_backward",
            planted(course.pool_backward, MASK),
            "stride 2, max",
            "dA_prev",
            "the mask taken on the wrong window",
        ),
        (
            "pool_forward",
            planted(course.pool_forward, *STRIDE),
            "stride 2, max",
            "A",
            "h and w for h * stride",
        ),
        (
            "distribute_value",
            transposed_spread,
            "shape (2, 3)",
            "a",
            "the window's shape transposed",
        ),
        (
            "create_mask_from_window",
            lambda x: x == np.max(x, axis=0),
            "course",
            "mask",
            "the maximum of each column",
        ),
    ],
)
def test_each_likely_mistake_is_named_at_its_case_and_quantity(name, learner, case, shown, cause):
    found = verdict(WEEK, name, learner)
    assert found.status == "wrong", found.failure
    assert (found.failure.case, found.failure.quantity) == (case, shown), found.failure
    assert found.failure.cause.startswith(cause), found.failure.cause


def test_the_notebooks_pad_hint_in_its_loop_raises_at_pad_0_and_is_named():
    """``dA_prev[i, :, :, :] = da_prev_pad[pad:-pad, pad:-pad, :]``, as the notebook's hint
    says: right at pad 1 and 2, a broadcast of an empty slice at pad 0."""

    def conv_backward(dZ, cache):
        A_prev, _, _, hparameters = cache
        pad = hparameters["pad"]
        dA_prev, dW, db = course.conv_backward(dZ, cache)
        padded = course.zero_pad(dA_prev, pad)
        for i in range(A_prev.shape[0]):
            dA_prev[i, :, :, :] = padded[i][pad:-pad, pad:-pad, :]
        return dA_prev, dW, db

    found = verdict(WEEK, "conv_backward", conv_backward)
    assert (found.status, found.failure.case) == ("error", "pad 0")
    assert found.failure.message.startswith("ValueError: could not broadcast input array from")
    assert found.failure.cause.startswith("an empty dA_prev slice: the notebook's hint")


def test_a_loop_over_the_inputs_rows_is_named_where_it_runs_past_the_output():
    def pool_backward(dA, cache, mode="max"):
        A_prev = cache[0]
        for h in range(A_prev.shape[1]):  # n_H_prev, where dA has n_H
            dA[0, h, 0, 0]
        return course.pool_backward(dA, cache, mode)

    found = verdict(WEEK, "pool_backward", pool_backward)
    assert found.status == "error" and "IndexError" in found.failure.message
    assert "not over the input's n_H_prev, n_W_prev" in found.failure.cause


def test_float_of_b_is_named_where_this_numpy_refuses_it_and_explained_where_it_warns():
    """The notebook's "cast b to a float()": NumPy 1.25 deprecated ``float()`` of an array of
    ndim > 0, and a later NumPy refuses it."""

    def conv_single_step(a_slice_prev, W, b):
        return np.sum(a_slice_prev * W) + float(b)

    found = verdict(WEEK, "conv_single_step", conv_single_step)
    if found.status == "error":
        assert found.failure.cause.startswith("float() of an array of one number, b (1, 1, 1)")
        assert "b.item() (or np.squeeze(b))" in found.failure.cause
    else:
        assert found.status == "ok"
        assert any("b.item() or np.squeeze(b)" in note for note in found.notes), found.notes


def test_a_cache_that_is_not_the_courses_is_refused_in_its_words():
    def conv_forward(A_prev, W, b, hparameters):
        Z, _ = course.conv_forward(A_prev, W, b, hparameters)
        return Z, (W, A_prev, b, hparameters)

    found = verdict(WEEK, "conv_forward", conv_forward)
    assert found.failure.kind == "layout"
    assert found.failure.message.startswith("cache[0] is not the A_prev it was given")
    assert "(A_prev, W, b, hparameters)" in found.failure.message
