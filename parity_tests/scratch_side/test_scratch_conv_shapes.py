"""``scratch.conv_shapes``: the output size is the number of window positions that fit,
``floor((n + 2 pad - f) / stride) + 1``; the arguments a convolution or a pool takes are checked
in one line naming the function, the argument and its value; a layer computes in its inputs'
float type, float64 for integers."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.conv_shapes import (
    check_gradient,
    check_images,
    conv_hyperparameters,
    float_dtype,
    output_size,
    pool_hyperparameters,
)


@pytest.mark.parametrize(
    ("n", "f", "stride", "pad"),
    [
        (5, 3, 1, 0),
        (5, 3, 2, 0),
        (6, 3, 2, 0),
        (7, 2, 2, 1),
        (4, 4, 1, 0),
        (3, 3, 3, 2),
        (9, 1, 4, 0),
    ],
)
def test_the_output_size_counts_the_window_positions_that_fit(n, f, stride, pad):
    positions = [start for start in range(0, n + 2 * pad) if start + f <= n + 2 * pad][::stride]
    assert output_size(n, f, stride, pad) == len(positions)
    assert output_size(n, f, stride, pad) == (n + 2 * pad - f) // stride + 1


def test_a_valid_convolution_and_pool_give_back_their_settings():
    A = np.zeros((2, 5, 5, 3))
    W, b = np.zeros((3, 3, 3, 4)), np.zeros((1, 1, 1, 4))
    assert conv_hyperparameters("conv_forward", A, W, b, {"stride": 2, "pad": 1}) == (3, 2, 1)
    assert pool_hyperparameters("pool_forward", A, {"f": 2, "stride": 1}, "average") == (2, 1)
    assert check_images("conv_forward", "A_prev", A) == (2, 5, 5, 3)


A, W, B = np.zeros((2, 5, 5, 3)), np.zeros((3, 3, 3, 4)), np.zeros((1, 1, 1, 4))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: check_images("f", "A_prev", [[1]]),
            TypeError,
            "f: A_prev must be a NumPy array, got list",
        ),
        (
            lambda: check_images("f", "A_prev", np.zeros((2, 3, 3))),
            ValueError,
            "f: A_prev has shape (2, 3, 3)",
        ),
        (
            lambda: check_images("f", "A_prev", np.zeros((0, 3, 3, 1))),
            ValueError,
            "none of them empty",
        ),
        (
            lambda: check_images("f", "A_prev", np.zeros((1, 2, 2, 1), complex)),
            TypeError,
            "real numbers",
        ),
        (
            lambda: conv_hyperparameters(
                "c", A, np.zeros((3, 2, 3, 4)), B, {"stride": 1, "pad": 0}
            ),
            ValueError,
            "f x f filters",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, np.zeros((4,)), {"stride": 1, "pad": 0}),
            ValueError,
            "c: b has shape (4,); expected (1, 1, 1, n_C) = (1, 1, 1, 4)",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, B, {"pad": 0}),
            ValueError,
            "c: hparameters has no 'stride'",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, B, {"stride": 0, "pad": 0}),
            ValueError,
            "c: hparameters['stride'] must be a positive integer, got 0",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, B, {"stride": 1, "pad": -1}),
            ValueError,
            "hparameters['pad'] must be a non-negative integer, got -1",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, B, {"stride": True, "pad": 0}),
            ValueError,
            "got True",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, B, {"stride": 2.0, "pad": 0}),
            ValueError,
            "got 2.0",
        ),
        (
            lambda: conv_hyperparameters("c", A, W, B, [1, 0]),
            TypeError,
            "c: hparameters must be a dict, got list",
        ),
        (
            lambda: conv_hyperparameters(
                "c", A, np.zeros((3, 3, 2, 4)), B, {"stride": 1, "pad": 0}
            ),
            ValueError,
            "n_C_prev = 2 channels in, but A_prev (2, 5, 5, 3) has n_C_prev = 3",
        ),
        (
            lambda: conv_hyperparameters(
                "c", A, np.zeros((7, 7, 3, 4)), B, {"stride": 1, "pad": 0}
            ),
            ValueError,
            "the window f = 7 is larger than A_prev's padded n_H_prev = 5 + 2 * 0 = 5",
        ),
        (
            lambda: pool_hyperparameters("p", A, {"f": 2, "stride": 1}, "min"),
            ValueError,
            "p: mode must be 'max' or 'average', got 'min'",
        ),
        (
            lambda: pool_hyperparameters("p", A, {"f": 6, "stride": 1}, "max"),
            ValueError,
            "the window f = 6 is larger",
        ),
        (
            lambda: check_gradient("b", "dZ", np.zeros((2, 3)), (2, 4)),
            ValueError,
            "b: dZ has shape (2, 3); the forward pass's output (its cache's) has shape (2, 4)",
        ),
    ],
)
def test_an_argument_that_cannot_work_is_one_line_naming_the_function_and_the_value(
    call, error, message
):
    with pytest.raises(error) as raised:
        call()
    text = str(raised.value)
    assert message in text and "\n" not in text


def test_a_padding_that_makes_the_window_fit_is_accepted():
    conv_hyperparameters("c", A, np.zeros((7, 7, 3, 4)), B, {"stride": 1, "pad": 1})


@pytest.mark.parametrize(
    ("dtypes", "expected"),
    [
        (("float32", "float32"), "float32"),
        (("float32", "float64"), "float64"),
        (("int64",), "float64"),
        (("uint8", "float32"), "float32"),
        (("bool",), "float64"),
    ],
)
def test_a_layer_computes_in_its_inputs_float_type_and_float64_for_integers(dtypes, expected):
    assert float_dtype(*(np.zeros(1, dtype) for dtype in dtypes)) == np.dtype(expected)
