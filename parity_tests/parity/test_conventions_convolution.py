"""Where torch's convolutional layers part from the course's conventions: each mapping the torch
side uses is shown to compute the course's rule, and the naive mapping is shown to differ, at
the entries where it first parts (or, where it never parts, why).

Cross-correlation on both sides; the layouts of images and filters; the flatten's order and the
dense weights' column permutation; ``padding=p`` against ``zero_pad``; the output size and a
remainder; max pool's gradient at ties; average pool's ``count_include_pad``."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conv_cases import ConvCase, ConvNet, PoolCase, differing, scratch_pool, torch_pool
from torch import nn

import scratch.convolution as vectorised
import scratch.course.convolution as course
from scratch.conv_shapes import output_size
from scratch.parity import assert_parity, compare, compare_all
from torch_impl.convolution import conv2d, linear_after_flatten
from torch_impl.transfer import images_to_course, images_to_torch, to_course

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

Array = np.ndarray


def torch_forward(layer: nn.Module, A: Array) -> Array:
    """A torch layer on course images, its output in course layout."""
    with torch.no_grad():
        return images_to_course(layer(images_to_torch(A)))


def windows_reaching_the_padding(
    sides: tuple[int, int], f: int, stride: int, pad: int, out: Array
) -> set[tuple[int, ...]]:
    """The entries (i, h, w, c) of the output ``out`` of an f x f, ``stride``, ``pad`` layer on
    inputs of ``sides`` (n_H, n_W) whose window takes a padded row or column."""
    reach = []
    for n, n_out in zip(sides, out.shape[1:3], strict=True):
        start = np.arange(n_out) * stride
        reach.append((start < pad) | (start + f > pad + n))
    border = reach[0][:, None] | reach[1][None, :]
    return {index for index in np.ndindex(out.shape) if border[index[1], index[2]]}


# Cross-correlation on both sides.

IMAGE = np.arange(16.0).reshape(1, 4, 4, 1)  # whole numbers: every sum below is exact
KERNEL = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
NO_BIAS = np.zeros((1, 1, 1, 1))
PLAIN = {"stride": 1, "pad": 0}


def test_conv2d_is_the_courses_cross_correlation():
    """``Z[0, 0] = 0*1 + 1*2 + 4*3 + 5*4 = 34``: the filter slides as it is, unflipped."""
    Z, _ = course.conv_forward(IMAGE, KERNEL, NO_BIAS, PLAIN)
    assert Z[0, 0, 0, 0] == 34
    np.testing.assert_array_equal(torch_forward(conv2d(KERNEL, NO_BIAS, PLAIN), IMAGE), Z)


def test_a_true_convolution_flips_the_kernel_and_parts_at_once():
    """The signal-processing convolution, ``sum A[h + a, w + b] W[f-1-a, f-1-b]``, is the
    correlation with the flipped filter: ``Z[0, 0] = 0*4 + 1*3 + 4*2 + 5*1 = 16``, not 34."""
    flipped, _ = course.conv_forward(IMAGE, KERNEL[::-1, ::-1], NO_BIAS, PLAIN)
    assert flipped[0, 0, 0, 0] == 16
    torch_side = torch_forward(conv2d(KERNEL, NO_BIAS, PLAIN), IMAGE)
    assert compare("Z1", flipped, torch_side).problem == "values"
    assert differing(flipped, torch_side) == set(np.ndindex(flipped.shape))  # every entry


# The layouts of images and filters.

CASE = ConvCase.draw((2, 5, 4, 3), 3, 4, 1, 1, seed=11)


def test_conv_weights_and_images_cross_by_transposes():
    Z, _ = vectorised.conv_forward(*CASE.args)
    assert_parity(
        compare("Z1", Z, torch_forward(conv2d(CASE.W, CASE.b, CASE.hparameters), CASE.A_prev))
    )


def test_filters_reshaped_instead_of_transposed_part():
    """``W.reshape(n_C, n_C_prev, f, f)`` keeps the shape torch wants and scrambles the
    filters: every output channel parts."""
    conv = conv2d(CASE.W, CASE.b, CASE.hparameters)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(CASE.W.reshape(conv.weight.shape)))
    Z, _ = vectorised.conv_forward(*CASE.args)
    naive = torch_forward(conv, CASE.A_prev)
    assert compare("Z1", Z, naive).problem == "values"
    assert {index[3] for index in differing(Z, naive)} == set(range(CASE.W.shape[3]))


def test_images_reshaped_instead_of_transposed_part_unless_one_channel():
    """``A.reshape(m, n_C, n_H, n_W)`` has the shape torch wants, and reads the course's
    channel-last numbers as if they were channel-first: the output parts. With one channel the
    two orders are one, and the reshape is the transpose."""
    m, n_H, n_W, n_C = CASE.A_prev.shape
    conv = conv2d(CASE.W, CASE.b, CASE.hparameters)
    with torch.no_grad():
        naive = images_to_course(conv(torch.from_numpy(CASE.A_prev.reshape(m, n_C, n_H, n_W))))
    Z, _ = vectorised.conv_forward(*CASE.args)
    assert compare("Z1", Z, naive).problem == "values"
    grey = ConvCase.draw((2, 5, 4, 1), 3, 4, 1, 1, seed=11)
    conv = conv2d(grey.W, grey.b, grey.hparameters)
    with torch.no_grad():
        reshaped = images_to_course(conv(torch.from_numpy(grey.A_prev.reshape(2, 1, 5, 4))))
    assert_parity(compare("Z1", vectorised.conv_forward(*grey.args)[0], reshaped))


# The flatten's order and the dense weights' column permutation.


def dense_after_flatten(A: Array, W: Array, b: Array, *, permute: bool) -> tuple[Array, Array]:
    """``Z = W flatten(A) + b`` by scratch (course order) and by ``nn.Flatten`` and ``nn.Linear``
    loaded with the columns permuted (``linear_after_flatten``) or as they are."""
    A_flat, _ = vectorised.flatten_forward(A)
    linear = linear_after_flatten(W, b, A.shape[1:])
    if not permute:
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
    with torch.no_grad():
        Z = to_course(linear(nn.Flatten()(images_to_torch(A))))
    return W @ A_flat + b, Z


def test_flatten_then_dense_agrees_with_the_columns_permuted():
    rng = np.random.default_rng(2)
    A, W, b = rng.standard_normal((3, 2, 3, 4)), rng.standard_normal((5, 24)), np.ones((5, 1))
    assert_parity(compare("Z3", *dense_after_flatten(A, W, b, permute=True)))


@pytest.mark.parametrize(
    ("image", "parts"),
    [((2, 3, 4), True), ((2, 3, 1), False), ((1, 1, 4), False)],
    ids=["several-channels-and-positions", "one-channel", "one-position"],
)
def test_flatten_without_the_permutation_parts_unless_one_order(image, parts):
    """Without the permutation the dense layer reads torch's (c, h, w) entries with weights
    meant for the course's (h, w, c) ones. The two orders are one when there is one channel or
    one position (1 x 1 images), and only then do the unpermuted weights agree."""
    rng = np.random.default_rng(2)
    A = rng.standard_normal((3, *image))
    W, b = rng.standard_normal((5, int(np.prod(image)))), np.ones((5, 1))
    result = compare("Z3", *dense_after_flatten(A, W, b, permute=False))
    assert result.ok != parts


# Padding.

PADDED = ConvCase.draw((2, 5, 6, 2), 3, 3, 2, 1, seed=4)


def test_conv2d_padding_is_zero_pad():
    """``nn.Conv2d(padding=p)`` on A is the unpadded convolution of ``zero_pad(A, p)``."""
    padded = course.zero_pad(PADDED.A_prev, 1)
    unpadded = conv2d(PADDED.W, PADDED.b, {"stride": 2, "pad": 0})
    within = torch_forward(conv2d(PADDED.W, PADDED.b, PADDED.hparameters), PADDED.A_prev)
    assert_parity(compare("Z1", torch_forward(unpadded, padded), within))
    assert_parity(compare("Z1", vectorised.conv_forward(*PADDED.args)[0], within))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_other_padding_modes_part_at_the_windows_reaching_the_padding(mode):
    conv = conv2d(PADDED.W, PADDED.b, PADDED.hparameters)
    conv.padding_mode = mode
    other = torch_forward(conv, PADDED.A_prev)
    Z, _ = vectorised.conv_forward(*PADDED.args)
    assert differing(Z, other) == windows_reaching_the_padding((5, 6), 3, 2, 1, Z)


# The output size, and a remainder.

REMAINDER = PoolCase.draw((2, 7, 6, 2), 3, 2, "max", seed=4)  # 7 - 3 = 4 fits; 6 - 3 = 3 does not


def test_the_output_size_floors_a_remainder_as_torch_does():
    """``floor((n + 2 pad - f) / s) + 1``: the last column of the 6-wide input is in no window
    of f = 3, s = 2 (6 - 3 = 3 leaves a remainder of 1); torch's layers floor too."""
    assert output_size(7, 3, 2) == 3 and output_size(6, 3, 2) == 2
    assert_parity(compare_all(scratch_pool(REMAINDER), torch_pool(REMAINDER)))
    assert not scratch_pool(REMAINDER)["dA0"][:, :, 5, :].any()  # the remainder: no gradient
    conv = ConvCase.draw((2, 7, 6, 2), 3, 2, 2, 0, seed=4)
    assert vectorised.conv_forward(*conv.args)[0].shape == (2, 3, 2, 2)


@pytest.mark.parametrize("pool", [nn.MaxPool2d, nn.AvgPool2d])
def test_ceil_mode_parts_only_where_there_is_a_remainder(pool):
    """``ceil_mode=True`` adds a last, partial window where the stride leaves a remainder: the
    6-wide axis gets 3 windows instead of 2, the 7-high one (no remainder) keeps its 3."""
    mode, hparameters = "max" if pool is nn.MaxPool2d else "average", REMAINDER.hparameters
    A, _ = vectorised.pool_forward(REMAINDER.A_prev, hparameters, mode)
    ceiling = torch_forward(pool(3, stride=2, ceil_mode=True), REMAINDER.A_prev)
    assert compare("A1", A, ceiling).problem == "shape" and ceiling.shape == (2, 3, 3, 2)
    square = REMAINDER.A_prev[:, :, :5, :]  # 5 - 3 = 2: no remainder either way
    A, _ = vectorised.pool_forward(square, hparameters, mode)
    assert_parity(compare("A1", A, torch_forward(pool(3, stride=2, ceil_mode=True), square)))


# Max pool's gradient at ties.

TIES = PoolCase(
    np.random.default_rng(8).integers(0, 3, (2, 4, 4, 2)).astype(np.float64),  # pixel-like values
    {"f": 2, "stride": 2},
    "max",
    np.random.default_rng(9).standard_normal((2, 2, 2, 2)),
)


def tied_windows(case: PoolCase) -> set[tuple[int, ...]]:
    """The windows (i, h, w, c) holding two or more entries equal to their maximum."""
    view = vectorised.windows(case.A_prev, case.hparameters["f"], case.hparameters["stride"])
    count = (view == view.max(axis=(3, 4), keepdims=True)).sum(axis=(3, 4))
    return {tuple(int(i) for i in index) for index in np.argwhere(count > 1)}


def test_max_pool_ties_go_to_every_tied_entry_in_the_course_and_to_one_in_torch():
    """Whole-number inputs tie for real. Torch gives each window's dA to one entry, so its
    dA_prev sums to sum(dA); the course's mask gives it to each of the k tied entries. They part
    exactly in the tied windows; the vectorised forms follow torch."""
    torch_side, course_side = torch_pool(TIES), scratch_pool(TIES, course)
    assert_parity(compare_all(scratch_pool(TIES, vectorised), torch_side))
    assert torch_side["dA0"].sum() == pytest.approx(TIES.upstream.sum(), rel=1e-14)
    assert compare("dA0", course_side["dA0"], torch_side["dA0"]).problem == "values"
    ties = tied_windows(TIES)
    assert ties, "the case must hold ties"
    parted = {
        (i, h // 2, w // 2, c) for i, h, w, c in differing(course_side["dA0"], torch_side["dA0"])
    }
    assert parted == ties


def test_without_ties_the_course_mask_and_torch_agree():
    case = PoolCase.draw((2, 4, 4, 2), 2, 2, "max", seed=8)
    assert not tied_windows(case)
    assert_parity(compare_all(scratch_pool(case, course), torch_pool(case)))


def test_ties_at_zero_after_relu_part_in_dA_and_die_at_dZ():
    """Conv, ReLU, max pool: a window of dead ReLUs ties at 0, so the course's mask sends its
    dA to all four entries (torch to one), and dA1 parts there; but relu'(Z) = 0 at each of
    them, so dZ1 agrees, and so do dW1, db1 and dA0."""
    net = ConvNet.draw(bias=-1.0)
    A1 = net.scratch()["A1"]
    dead = (vectorised.windows(A1, 2, 2).max(axis=(3, 4)) == 0).sum()
    assert dead > 0, "the net must have a window of dead ReLUs"
    result = compare_all(net.scratch(course), net.torch())
    assert {failure.quantity for failure in result.failures} == {"dA1"}


# Average pool's count_include_pad (the course's pool has no padding).

AVERAGE = PoolCase.draw((2, 5, 6, 2), 3, 2, "average", seed=5)


def test_average_pool_with_padding_counts_the_padded_zeros_by_default():
    """``nn.AvgPool2d(padding=p)`` (``count_include_pad=True``) divides by f^2 whatever the
    window holds: the course's average pool of ``zero_pad(A, p)``."""
    padded, _ = course.pool_forward(
        course.zero_pad(AVERAGE.A_prev, 1), AVERAGE.hparameters, "average"
    )
    within = torch_forward(nn.AvgPool2d(3, stride=2, padding=1), AVERAGE.A_prev)
    assert_parity(compare("A1", padded, within))


def test_count_include_pad_false_parts_at_the_windows_reaching_the_padding():
    """``count_include_pad=False`` divides by the number of real entries in the window: it
    parts exactly where a window takes a padded row or column."""
    padded, _ = course.pool_forward(
        course.zero_pad(AVERAGE.A_prev, 1), AVERAGE.hparameters, "average"
    )
    real = torch_forward(
        nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), AVERAGE.A_prev
    )
    assert differing(padded, real) == windows_reaching_the_padding((5, 6), 3, 2, 1, padded)
