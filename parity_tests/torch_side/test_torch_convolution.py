"""``torch_impl.convolution`` and the convolution block of ``torch_impl.transfer``: images,
filters, biases and the dense layer after a flatten cross between the course's layouts and
torch's bit for bit both ways, in either dtype; torch's own layers are built from course weights
without a draw from torch's random generator, with the course's hyperparameters; weights that
cannot fit are refused naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from torch_impl import transfer
from torch_impl.convolution import (
    conv2d,
    export_conv2d,
    export_linear_after_flatten,
    linear_after_flatten,
    pool2d,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

DTYPES = ["float64", "float32"]
SAME = {"stride": 1, "pad": 1}


def drawn(shape: tuple[int, ...], dtype: str, seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("to_torch", "to_course", "shape"),
    [
        (transfer.images_to_torch, transfer.images_to_course, (2, 5, 4, 3)),
        (transfer.conv_weights_to_torch, transfer.conv_weights_to_course, (3, 3, 2, 4)),
        (transfer.conv_bias_to_torch, transfer.conv_bias_to_course, (1, 1, 1, 4)),
    ],
    ids=["images", "conv-weights", "conv-bias"],
)
def test_conv_layouts_round_trip_bit_exact(dtype, to_torch, to_course, shape):
    course = drawn(shape, dtype)
    tensor = to_torch(course)
    assert tensor.dtype == transfer.TORCH_DTYPES[dtype] and tensor.is_contiguous()
    back = to_course(tensor)
    assert same_bits(back, course)
    tensor += 1
    assert same_bits(to_course(to_torch(course)), course), "the maps must copy, not alias"
    assert not np.shares_memory(back, course)


@pytest.mark.parametrize(
    ("to_torch", "shape"),
    [
        (transfer.images_to_torch, (2, 5, 4, 1)),
        (transfer.conv_weights_to_torch, (3, 3, 1, 4)),
        (transfer.conv_weights_to_torch, (1, 1, 2, 1)),
    ],
    ids=["one-channel-images", "one-channel-filters", "1x1-filters-one-out"],
)
def test_maps_to_torch_copy_into_standard_strides_even_for_a_size_1_axis(to_torch, shape):
    """NumPy calls the transpose of (m, n_H, n_W, 1) contiguous and ``np.ascontiguousarray``
    would hand it over uncopied, its size-1 axis keeping a stride torch's float32 CPU conv2d
    backward (oneDNN) segfaults on; the maps copy instead."""
    course = drawn(shape, "float32")
    tensor = to_torch(course)
    assert tensor.stride() == torch.empty(tensor.shape).stride()
    assert not np.shares_memory(tensor.numpy(), course)


def test_images_map_to_torch_by_moving_channels_first():
    A = drawn((2, 5, 4, 3), "float64")
    T = transfer.images_to_torch(A)
    assert T.shape == (2, 3, 5, 4)
    i, h, w, c = 1, 3, 2, 1
    assert T[i, c, h, w].item() == A[i, h, w, c]


def test_conv_weights_map_to_conv2d_by_a_transpose():
    """``weight[c, k, a, b] = W[a, b, k, c]``: output channel first, then input channel."""
    W = drawn((3, 3, 2, 4), "float64")
    weight = transfer.conv_weights_to_torch(W)
    assert weight.shape == (4, 2, 3, 3)
    a, b, k, c = 2, 0, 1, 3
    assert weight[c, k, a, b].item() == W[a, b, k, c]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dense_weights_after_a_flatten_have_their_columns_permuted(dtype):
    """The course's column ``h n_W n_C + w n_C + c`` is torch's column ``c H W + h W + w``, and
    the round trip is bit-exact."""
    n_H, n_W, n_C = 3, 4, 2
    W = drawn((5, n_H * n_W * n_C), dtype)
    weight = transfer.flattened_weights_to_torch(W, (n_H, n_W, n_C))
    for h, w, c in np.ndindex(n_H, n_W, n_C):
        assert weight[:, c * n_H * n_W + h * n_W + w].numpy().tobytes() == (
            W[:, h * n_W * n_C + w * n_C + c].tobytes()
        )
    assert same_bits(transfer.flattened_weights_to_course(weight, (n_H, n_W, n_C)), W)


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv2d_holds_the_course_weights_and_draws_nothing(dtype):
    W, b = drawn((3, 3, 2, 4), dtype), drawn((1, 1, 1, 4), dtype, seed=6)
    state = torch.random.get_rng_state()
    conv = conv2d(W, b, {"stride": 2, "pad": 1})
    assert torch.equal(torch.random.get_rng_state(), state), "building drew from torch's RNG"
    assert isinstance(conv, nn.Conv2d) and conv.weight.dtype == transfer.TORCH_DTYPES[dtype]
    assert (conv.in_channels, conv.out_channels, conv.kernel_size) == (2, 4, (3, 3))
    assert (conv.stride, conv.padding, conv.padding_mode) == ((2, 2), (1, 1), "zeros")
    assert (conv.dilation, conv.groups) == ((1, 1), 1)
    exported = export_conv2d(conv)
    assert same_bits(exported[0], W) and same_bits(exported[1], b)


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_after_flatten_holds_the_course_weights_and_draws_nothing(dtype):
    W, b = drawn((5, 24), dtype), drawn((5, 1), dtype, seed=6)
    state = torch.random.get_rng_state()
    linear = linear_after_flatten(W, b, (3, 4, 2))
    assert torch.equal(torch.random.get_rng_state(), state), "building drew from torch's RNG"
    assert (linear.in_features, linear.out_features) == (24, 5)
    exported = export_linear_after_flatten(linear, (3, 4, 2))
    assert same_bits(exported[0], W) and same_bits(exported[1], b)


def test_pool2d_takes_the_course_hyperparameters_and_torchs_defaults():
    pool = pool2d({"f": 3, "stride": 2})
    assert isinstance(pool, nn.MaxPool2d)
    assert (pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode) == (3, 2, 0, False)
    pool = pool2d({"f": 2, "stride": 1}, mode="average")
    assert isinstance(pool, nn.AvgPool2d)
    assert (pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode) == (2, 1, 0, False)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda: conv2d(np.zeros((3, 3, 2, 4), int), np.zeros((1, 1, 1, 4), int), SAME),
            TypeError,
            "conv2d: W is int64 and b int64; both must be float64 or float32",
        ),
        (
            lambda: conv2d(np.zeros((3, 2, 2, 4)), np.zeros((1, 1, 1, 4)), {}),
            ValueError,
            "conv2d: W has shape (3, 2, 2, 4); expected (f, f, n_C_prev, n_C)",
        ),
        (
            lambda: conv2d(np.zeros((3, 3, 2, 4)), np.zeros((1, 1, 1, 4)), {"stride": 0, "pad": 0}),
            ValueError,
            "conv2d: hparameters['stride'] must be a positive integer, got 0",
        ),
        (
            lambda: pool2d({"f": 2, "stride": 2}, mode="mean"),
            ValueError,
            "pool2d: mode must be 'max' or 'average', got 'mean'",
        ),
        (
            lambda: linear_after_flatten(np.zeros((5, 20)), np.zeros((5, 1)), (3, 4, 2)),
            ValueError,
            "linear_after_flatten: W has shape (5, 20) and b (5, 1); after a flatten of "
            "(3, 4, 2) images expected W (n, 24) and b (n, 1)",
        ),
    ],
    ids=["integer-weights", "filters-not-square", "stride-0", "pool-mode-unknown", "dense-width"],
)
def test_weights_that_cannot_fit_are_refused_naming_the_argument(build, error, message):
    with pytest.raises(error) as raised:
        build()
    assert str(raised.value).startswith(message)
