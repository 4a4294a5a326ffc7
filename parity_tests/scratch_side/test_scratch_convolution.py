"""``scratch.course.convolution`` and ``scratch.convolution``: the course's functions give the
notebook's own outputs on the notebook's own inputs; the vectorised forms equal the loop forms on
every layer, forward and backward; arguments that cannot work are refused in one line; the
``shapes`` image set is seeded and in course layout."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conv_cases import ConvCase, PoolCase, conv_cases, pool_cases, scratch_conv, scratch_pool
from hypothesis import given

import scratch.convolution as vectorised
import scratch.course.convolution as course
from scratch import DATASETS, load_dataset
from scratch.datasets import IMAGE_DATASETS, SHAPE_CLASSES
from scratch.parity import assert_parity, compare_all

LOOP_AND_VECTORISED = ("loop", "vectorised")


def notebook_draw(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    """The notebook's inputs: ``np.random.seed(1)`` then ``np.random.randn`` of each shape, in
    order (a ``RandomState(1)`` of our own draws the same numbers, leaving the global one be)."""
    rng = np.random.RandomState(1)
    return [rng.randn(*shape) for shape in shapes]


# The notebook's expected outputs (course 4, week 1, "Convolutional Model: Step by Step").


def test_zero_pad_pads_height_and_width_only():
    (x,) = notebook_draw((4, 3, 3, 2))
    x_pad = course.zero_pad(x, 3)
    assert x_pad.shape == (4, 9, 9, 2) and x_pad.dtype == x.dtype
    np.testing.assert_allclose(
        x[1, 1],
        [[0.90085595, -0.68372786], [-0.12289023, -0.93576943], [-0.26788808, 0.53035547]],
        atol=5e-9,
    )
    assert not x_pad[1, 1].any() and not x_pad[:, :3].any() and not x_pad[:, :, 6:].any()
    np.testing.assert_array_equal(x_pad[:, 3:6, 3:6, :], x)


def test_conv_single_step_gives_the_notebooks_number():
    Z = course.conv_single_step(*notebook_draw((4, 4, 3), (4, 4, 3), (1, 1, 1)))
    assert isinstance(Z, np.float64) and Z == pytest.approx(-6.999089450680221, rel=1e-14)  # noqa: SIM300


def test_conv_forward_gives_the_notebooks_outputs():
    A_prev, W, b = notebook_draw((2, 5, 7, 4), (3, 3, 4, 8), (1, 1, 1, 8))
    Z, cache = course.conv_forward(A_prev, W, b, {"pad": 1, "stride": 2})
    assert Z.shape == (2, 3, 4, 8)
    assert np.mean(Z) == pytest.approx(0.5511276474566768, rel=1e-13)
    np.testing.assert_allclose(
        Z[0, 2, 1],
        [
            -2.17796037,
            8.07171329,
            -0.5772704,
            3.36286738,
            4.48113645,
            -2.89198428,
            10.99288867,
            3.03171932,
        ],
        atol=5e-9,
    )
    np.testing.assert_allclose(
        cache[0][1][2][3], [-1.1191154, 1.9560789, -0.3264995, -1.34267579], atol=5e-9
    )
    assert cache[1] is W and cache[2] is b and cache[3] == {"pad": 1, "stride": 2}


@pytest.mark.parametrize(
    ("hparameters", "shape"),
    [({"pad": 3, "stride": 1}, (2, 9, 11, 8)), ({"pad": 0, "stride": 2}, (2, 2, 3, 8))],
)
def test_conv_forward_output_size_is_the_floor_rule(hparameters, shape):
    """The notebook's shape checks: ``floor((n + 2 pad - f) / stride) + 1`` on 5 x 7 inputs."""
    A_prev, W, b = notebook_draw((2, 5, 7, 4), (3, 3, 4, 8), (1, 1, 1, 8))
    for module in (course, vectorised):
        assert module.conv_forward(A_prev, W, b, hparameters)[0].shape == shape


def test_pool_forward_gives_the_notebooks_outputs():
    (A_prev,) = notebook_draw((2, 5, 5, 3))
    A, cache = course.pool_forward(A_prev, {"stride": 1, "f": 3}, mode="max")
    assert A.shape == (2, 3, 3, 3) and cache[0] is A_prev
    np.testing.assert_allclose(
        A[1, 1],
        [
            [1.96710175, 0.84616065, 1.27375593],
            [1.96710175, 0.84616065, 1.23616403],
            [1.62765075, 1.12141771, 1.2245077],
        ],
        atol=5e-9,
    )
    A, _ = course.pool_forward(A_prev, {"stride": 1, "f": 3}, mode="average")
    np.testing.assert_allclose(
        A[1, 1],
        [
            [0.44497696, -0.00261695, -0.31040307],
            [0.50811474, -0.23493734, -0.23961183],
            [0.11872677, 0.17255229, -0.22112197],
        ],
        atol=5e-9,
    )
    A, _ = course.pool_forward(A_prev, {"stride": 2, "f": 3})
    np.testing.assert_allclose(
        A[0],
        [
            [[1.74481176, 0.90159072, 1.65980218], [1.74481176, 1.6924546, 1.65980218]],
            [[1.13162939, 1.51981682, 2.18557541], [1.13162939, 1.6924546, 2.18557541]],
        ],
        atol=5e-9,
    )
    A, _ = course.pool_forward(A_prev, {"stride": 2, "f": 3}, mode="average")
    np.testing.assert_allclose(
        A[1],
        [
            [[-0.17313416, 0.32377198, -0.34317572], [0.02030094, 0.14141479, -0.01231585]],
            [[0.42944926, 0.08446996, -0.27290905], [0.15077452, 0.28911175, 0.00123239]],
        ],
        atol=5e-9,
    )


def test_conv_backward_gives_the_notebooks_means():
    A_prev, W, b = notebook_draw((10, 4, 4, 3), (2, 2, 3, 8), (1, 1, 1, 8))
    Z, cache = course.conv_forward(A_prev, W, b, {"pad": 2, "stride": 2})
    dA, dW, db = course.conv_backward(Z, cache)
    assert (dA.shape, dW.shape, db.shape) == ((10, 4, 4, 3), (2, 2, 3, 8), (1, 1, 1, 8))
    assert np.mean(dA) == pytest.approx(1.4524377775388075, rel=1e-13)
    assert np.mean(dW) == pytest.approx(1.7269914583139097, rel=1e-13)
    assert np.mean(db) == pytest.approx(7.839232564616838, rel=1e-13)


def test_create_mask_from_window_marks_the_maximum():
    (x,) = notebook_draw((2, 3))
    assert course.create_mask_from_window(x).tolist() == [[True, False, False], [False] * 3]
    x = np.array([[-1, 2, 3], [2, -3, 2], [1, 5, -2]])
    assert np.argwhere(course.create_mask_from_window(x)).tolist() == [[2, 1]]


def test_distribute_value_spreads_evenly():
    np.testing.assert_array_equal(course.distribute_value(2, (2, 2)), np.full((2, 2), 0.5))
    assert course.distribute_value(100, (10, 10)).sum() == 100


def test_pool_backward_gives_the_notebooks_outputs():
    A_prev, dA = notebook_draw((5, 5, 3, 2), (5, 4, 2, 2))
    A, cache = course.pool_forward(A_prev, {"stride": 1, "f": 2})
    assert A.shape == dA.shape and np.mean(dA) == pytest.approx(0.14571390272918056, rel=1e-14)
    dA_prev = course.pool_backward(dA, cache, mode="max")
    np.testing.assert_allclose(
        dA_prev[1, 1], [[0, 0], [5.05844394, -1.68282702], [0, 0]], atol=5e-9
    )
    dA_prev = course.pool_backward(dA, cache, mode="average")
    np.testing.assert_allclose(
        dA_prev[1, 1],
        [[0.08485462, 0.2787552], [1.26461098, -0.25749373], [1.17975636, -0.53624893]],
        atol=5e-9,
    )


# The vectorised forms against the loop forms.


@given(case=conv_cases())
def test_vectorised_conv_is_the_course_loop(case: ConvCase):
    loop, fast = scratch_conv(case, course), scratch_conv(case, vectorised)
    assert_parity(compare_all(loop, fast, names=LOOP_AND_VECTORISED))


@given(case=pool_cases())
def test_vectorised_pool_is_the_course_loop_without_ties(case: PoolCase):
    loop, fast = scratch_pool(case, course), scratch_pool(case, vectorised)
    assert_parity(compare_all(loop, fast, names=LOOP_AND_VECTORISED))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_vectorised_forms_keep_the_dtype(dtype):
    conv = ConvCase.draw((2, 5, 4, 3), 3, 2, 2, 1, dtype=dtype)
    pool = PoolCase.draw((2, 5, 4, 3), 2, 2, "average", dtype=dtype)
    for value in (*scratch_conv(conv).values(), *scratch_pool(pool).values()):
        assert value.dtype == dtype


TIED = np.array([[1, 3, 3], [3, 0, 3], [2, 3, 1]], dtype=np.float64).reshape(1, 3, 3, 1)


def test_max_pool_sends_each_gradient_to_the_first_maximum_of_its_window():
    """Four 2 x 2 windows with stride 1, each holding tied 3s; every dA is 1. The vectorised
    form (torch's rule) gives each window's 1 to its first 3 in row-major order, the course's
    mask to every 3 of the window."""
    cache, dA = (TIED, {"f": 2, "stride": 1}), np.ones((1, 2, 2, 1))
    first = vectorised.pool_backward(dA, cache)[0, :, :, 0]
    every = course.pool_backward(dA, cache)[0, :, :, 0]
    np.testing.assert_array_equal(first, [[0, 2, 0], [1, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(every, [[0, 2, 1], [2, 0, 2], [0, 2, 0]])


def test_flatten_takes_each_example_in_h_w_c_order():
    A = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    A_flat, cache = vectorised.flatten_forward(A)
    assert A_flat.shape == (60, 2)
    h, w, c = 2, 1, 3
    assert A_flat[h * 4 * 5 + w * 5 + c, 1] == A[1, h, w, c]
    np.testing.assert_array_equal(A_flat, A.reshape(2, -1).T)  # the course's reshape(m, -1).T
    np.testing.assert_array_equal(vectorised.flatten_backward(A_flat, cache), A)


# Arguments that cannot work: one line naming the function, the argument and its value.

A4 = np.zeros((2, 4, 4, 3))
W3, B3 = np.zeros((3, 3, 3, 2)), np.zeros((1, 1, 1, 2))
SAME = {"stride": 1, "pad": 1}


@pytest.mark.parametrize("module", [course, vectorised], ids=["loop", "vectorised"])
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda mod: mod.conv_forward(A4, np.zeros((5, 5, 3, 2)), B3, {"stride": 1, "pad": 0}),
            "conv_forward: the window f = 5 is larger than A_prev's padded n_H_prev = 4 + 2 * 0",
        ),
        (
            lambda mod: mod.conv_forward(A4, W3, B3, {"stride": 1.5, "pad": 0}),
            "conv_forward: hparameters['stride'] must be a positive integer, got 1.5",
        ),
        (
            lambda mod: mod.conv_forward(A4, W3, B3, {"stride": -1, "pad": 0}),
            "conv_forward: hparameters['stride'] must be a positive integer, got -1",
        ),
        (
            lambda mod: mod.conv_forward(A4, W3, B3, {"stride": 1, "pad": True}),
            "conv_forward: hparameters['pad'] must be a non-negative integer, got True",
        ),
        (
            lambda mod: mod.conv_forward(A4, W3, B3, {"stride": 1}),
            "conv_forward: hparameters has no 'pad'",
        ),
        (
            lambda mod: mod.conv_forward(A4, np.zeros((3, 3, 4, 2)), B3, {"stride": 1, "pad": 0}),
            "conv_forward: W has shape (3, 3, 4, 2), n_C_prev = 4 channels in, but A_prev "
            "(2, 4, 4, 3) has n_C_prev = 3",
        ),
        (
            lambda mod: mod.conv_forward(A4, W3, np.zeros((1, 2)), {"stride": 1, "pad": 0}),
            "conv_forward: b has shape (1, 2); expected (1, 1, 1, n_C) = (1, 1, 1, 2)",
        ),
        (
            lambda mod: mod.conv_forward(A4[0], W3, B3, {"stride": 1, "pad": 0}),
            "conv_forward: A_prev has shape (4, 4, 3); expected (m, n_H, n_W, n_C)",
        ),
        (
            lambda mod: mod.conv_backward(
                np.zeros((2, 2, 2, 2)), (A4, W3, B3, {"stride": 1, "pad": 1})
            ),
            "conv_backward: dZ has shape (2, 2, 2, 2); the forward pass's output (its cache's) "
            "has shape (2, 4, 4, 2)",
        ),
        (
            lambda mod: mod.pool_forward(A4, {"f": 2, "stride": 2}, mode="min"),
            "pool_forward: mode must be 'max' or 'average', got 'min'",
        ),
        (
            lambda mod: mod.pool_forward(A4, {"f": 5, "stride": 1}),
            "pool_forward: the window f = 5 is larger than A_prev's padded n_H_prev = 4 + 2 * 0",
        ),
        (
            lambda mod: mod.pool_backward(np.zeros((2, 2, 2, 3)), (A4, {"f": 2, "stride": 1})),
            "pool_backward: dA has shape (2, 2, 2, 3); the forward pass's output (its cache's) "
            "has shape (2, 3, 3, 3)",
        ),
        (lambda mod: mod.zero_pad(A4, -1), "zero_pad: pad must be a non-negative integer, got -1"),
    ],
    ids=[
        "window-larger-than-the-padded-input",
        "stride-not-an-integer",
        "stride-negative",
        "pad-a-bool",
        "pad-missing",
        "n_C_prev-disagrees",
        "bias-shape",
        "A_prev-of-three-axes",
        "dZ-shape",
        "pool-mode-unknown",
        "pool-window-too-large",
        "dA-shape",
        "zero_pad-negative",
    ],
)
def test_arguments_that_cannot_work_are_refused_in_one_line(module, call, message):
    with pytest.raises(ValueError) as error:
        call(module)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_the_convolution_modules_never_import_torch():
    code = (
        "import scratch.convolution, scratch.course.convolution, sys; "
        "assert 'torch' not in sys.modules, 'a convolution module imported torch'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# The image data set.


def test_shapes_is_seeded_in_course_image_layout_with_six_balanced_classes():
    X, Y = load_dataset("shapes")
    assert X.shape == (600, 16, 16, 3) and X.dtype == np.float64 and np.isfinite(X).all()
    assert Y.shape == (1, 600) and Y.dtype == np.int64
    assert np.bincount(Y[0]).tolist() == [100] * len(SHAPE_CLASSES) == [100] * 6
    again_X, again_Y = load_dataset("shapes")
    np.testing.assert_array_equal(X, again_X)
    np.testing.assert_array_equal(Y, again_Y)
    assert not np.array_equal(load_dataset("shapes", seed=99)[0], X)
    X, Y = load_dataset("shapes", m=13, size=8, noise=0.0)
    assert X.shape == (13, 8, 8, 3) and np.bincount(Y[0]).tolist() == [3, 2, 2, 2, 2, 2]
    assert X.min() >= 0 and X.max() <= 1  # a bright colour on a dark one, without noise


def test_shapes_classes_draw_what_they_are_named():
    """Without noise every pixel is the foreground colour (each channel >= 0.5) or the
    background's (each <= 0.4): horizontal stripes are constant along each row, vertical ones
    along each column, and stripes cover a fair share of the image, a shape less than half."""
    X, Y = load_dataset("shapes", noise=0.0)
    drawn = X.sum(axis=-1) > 1.35  # foreground sums to >= 1.5, background to <= 1.2
    label = Y[0]
    assert (drawn[label == 0] == drawn[label == 0][:, :, :1]).all()
    assert (drawn[label == 1] == drawn[label == 1][:, :1, :]).all()
    share = drawn.mean(axis=(1, 2))
    assert share[label < 3].min() > 0.25 and share[label < 3].max() < 0.75
    assert share[label >= 3].min() > 0 and share[label >= 3].max() < 0.5


def test_image_sets_stay_out_of_the_dense_table_and_bad_options_are_refused():
    assert "shapes" in IMAGE_DATASETS and "shapes" not in DATASETS
    with pytest.raises(ValueError, match=r"built-in ones are planar, .*, housing, shapes"):
        load_dataset("signs")
    with pytest.raises(ValueError, match=r"shapes: noise must be a finite number >= 0, got -1"):
        load_dataset("shapes", noise=-1)
    with pytest.raises(ValueError, match="m must be an integer >= 6, got 5"):
        load_dataset("shapes", m=5)
