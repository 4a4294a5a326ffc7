"""Planted bugs a learner makes in the course's convolution and pooling loops, each caught by the
comparison against autograd on torch's own layers, and reported at the quantity it is in.

Each learner's function is the course's own (``scratch.course.convolution``) with one line of
its source changed, as a learner would write it, compiled beside the original: the test asserts
the line is there exactly once, so a bug that cannot be planted fails the test instead of
passing it. The clean functions agree; each planted one parts at its own quantity and no other.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest
from conv_cases import (
    ConvCase,
    PoolCase,
    centred_differences,
    differing,
    scratch_conv,
    scratch_pool,
    torch_conv,
    torch_pool,
)

import scratch.convolution as vectorised
import scratch.course.convolution as course
from scratch.course.mistakes import planted
from scratch.parity import Comparisons, compare, compare_all
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

# Stride 2 and pad 1: a slice that forgets the stride, or padding left on, shows.
CONV = ConvCase.draw((2, 6, 7, 2), 3, 3, 2, 1, seed=21)
POOL = PoolCase.draw((2, 6, 6, 2), 2, 2, "max", seed=21)


def learner(**functions: Callable) -> SimpleNamespace:
    """The course's layer functions, some replaced by a learner's."""
    names = ("conv_forward", "conv_backward", "pool_forward", "pool_backward")
    return SimpleNamespace(**({name: getattr(course, name) for name in names} | functions))


def failing(result: Comparisons) -> set[str]:
    return {comparison.quantity for comparison in result.failures}


def test_the_course_layers_agree_with_autograd():
    """The baseline: without a planted bug, both cases below agree."""
    assert compare_all(scratch_conv(CONV, course), torch_conv(CONV)).ok
    assert compare_all(scratch_pool(POOL, course), torch_pool(POOL)).ok


def test_the_bias_forgotten_is_reported_at_Z(monkeypatch):
    """``conv_single_step`` without ``+ b``: every Z is off by its filter's bias; the backward
    pass never reads Z, so the gradients still agree."""
    forgot = planted(course.conv_single_step, ("Z = Z + b.item()", "Z = Z"))
    monkeypatch.setattr(course, "conv_single_step", forgot)
    result = compare_all(scratch_conv(CONV, course), torch_conv(CONV))
    assert failing(result) == {"Z1"}
    assert "Z1 (layer 1), float64 forward differs" in result.message()


def test_h_for_h_times_stride_in_the_slice_is_reported_at_Z_from_row_1():
    """``vert_start = h``: row 0's windows start at 0 either way, so Z parts from row 1 on,
    in every row after it."""
    forward = planted(course.conv_forward, ("vert_start = h * stride", "vert_start = h"))
    mine = scratch_conv(CONV, learner(conv_forward=forward))
    theirs = torch_conv(CONV)
    result = compare_all(mine, theirs)
    assert failing(result) == {"Z1"}
    assert "Z1 (layer 1), float64 forward differs" in result.message()
    rows = {index[1] for index in differing(mine["Z1"], theirs["Z1"])}
    assert rows == set(range(1, theirs["Z1"].shape[1]))


NOT_ACCUMULATED = (
    "dW[:, :, :, c] += a_slice * dZ[i, h, w, c]",
    "dW[:, :, :, c] = a_slice * dZ[i, h, w, c]",
)


def test_dW_not_accumulated_is_reported_at_dW():
    """``dW[...] = ...`` for ``+=``: each filter keeps the last window's term alone."""
    backward = planted(course.conv_backward, NOT_ACCUMULATED)
    result = compare_all(scratch_conv(CONV, learner(conv_backward=backward)), torch_conv(CONV))
    assert failing(result) == {"dW1"}
    assert "dW1 (layer 1), float64 gradient differs" in result.message()


def test_centred_differences_blame_dW_not_accumulated_on_the_learner():
    """The three-way check says which side is wrong: the learner's dW parts from the centred
    differences of the course's forward pass, autograd's does not."""
    backward = planted(course.conv_backward, NOT_ACCUMULATED)
    A_prev, W, b, hparameters = CONV.args

    def J() -> float:
        return float(np.vdot(CONV.upstream, vectorised.conv_forward(A_prev, W, b, hparameters)[0]))

    numeric = centred_differences(J, W)
    tol = centred_difference_tolerance(J())
    mine = scratch_conv(CONV, learner(conv_backward=backward))["dW1"]
    assert not compare("dW1", mine, numeric, kind=CENTRED_DIFFERENCE, tol=tol).ok
    assert compare("dW1", torch_conv(CONV)["dW1"], numeric, kind=CENTRED_DIFFERENCE, tol=tol).ok


def test_the_padding_left_on_dA_prev_is_reported_as_a_shape():
    """``dA_prev`` returned with its padding: (2, 8, 9, 2) for the input's (2, 6, 7, 2)."""
    backward = planted(
        course.conv_backward,
        (
            "dA_prev = dA_prev_pad[:, pad : pad + n_H_prev, pad : pad + n_W_prev, :]",
            "dA_prev = dA_prev_pad",
        ),
    )
    result = compare_all(scratch_conv(CONV, learner(conv_backward=backward)), torch_conv(CONV))
    assert failing(result) == {"dA0"} and result["dA0"].problem == "shape"
    assert (
        "dA0 (layer 0, the input), float64 gradient: shape scratch (2, 8, 9, 2) != torch "
        "(2, 6, 7, 2)" in result.message()
    )


def test_the_pool_mask_taken_on_the_wrong_window_is_reported_at_dA():
    """The mask from the window at (h, w), not at (h stride, w stride): the gradient goes to
    the maximum of another window; the forward pass still agrees."""
    backward = planted(
        course.pool_backward,
        (
            "a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]",
            "a_prev_slice = A_prev[i, h : h + f, w : w + f, c]",
        ),
    )
    result = compare_all(scratch_pool(POOL, learner(pool_backward=backward)), torch_pool(POOL))
    assert failing(result) == {"dA0"}
    assert "dA0 (layer 0, the input), float64 gradient differs" in result.message()
