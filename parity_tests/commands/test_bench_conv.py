"""The benchmark's convolutional rows (scripts/benchmarks/workloads.py's ``signs``,
scripts/benchmarks/loops.py): the course's SIGNS network on images of the SIGNS shapes, timed on
every side with its conv layers' im2col products counted and timed as the dense layers' are, a
row that says why sklearn has no cell, and its conv and pool layers in the course's loops beside
the vectorised forms. Structure only: speed is measured by running the benchmark."""

from __future__ import annotations

import json

import numpy as np
import pytest

import scratch.convolution as vectorised
import scratch.course.convolution as course
from scratch import threads
from scratch.parity import assert_parity, compare_all
from scripts import bench
from scripts.benchmarks import figures as bench_figures
from scripts.benchmarks import loops as bench_loops
from scripts.benchmarks import peer
from scripts.benchmarks import report as bench_report
from scripts.benchmarks import timing as bench_timing
from scripts.benchmarks.workloads import QUICK_WORKLOADS, WORKLOADS, WorkloadData

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SIDES = ["scratch", "torch", "lightning"]
SIGNS, QUICK_SIGNS = WORKLOADS["signs"], QUICK_WORKLOADS["signs"]
PASSES = ["forward", "backward"]


def test_signs_is_the_courses_sign_network_on_images_of_the_signs_shapes():
    spec = SIGNS.spec("float64")
    kinds = [layer.kind for layer in spec.layers]
    assert kinds == ["conv", "pool", "conv", "pool", "flatten", "dense"]
    assert spec.shapes == ((64, 64, 3), (64, 64, 8), (8, 8, 8), (8, 8, 16), (2, 2, 16), (64,), (6,))
    assert (spec.loss, spec.layers[-1].activation) == ("cross_entropy", "softmax")
    assert (SIGNS.m, SIGNS.batch, SIGNS.optimizer) == (1080, 64, "gd")  # SIGNS' training set
    X, Y = QUICK_SIGNS.data("float32")  # the same draw, on the quick images
    assert X.shape == (QUICK_SIGNS.m, *QUICK_SIGNS.sizes) and X.dtype == np.float32
    assert X.min() >= 0 and X.max() < 1
    assert Y.shape == (1, QUICK_SIGNS.m) and set(np.unique(Y)) == set(range(6))


def test_a_conv_layers_products_are_its_im2col_products_counted_as_the_thread_rule_counts():
    spec = SIGNS.spec("float64")
    conv1, conv3, dense6 = SIGNS.products()
    assert conv1 == (1, 64 * 64 * 64, 3 * 3 * 3, 8, "conv", 1)  # a row per window of the batch
    assert conv3 == (3, 64 * 8 * 8, 3 * 3 * 8, 16, "conv", 1)
    assert dense6 == (6, 64, 64, 6, "dense", 1)  # a row per example
    work = sum(p.rows * p.n_in * p.n_out for p in SIGNS.products())
    assert work == threads.multiply_adds(spec, SIGNS.batch)
    forward_and_dW, dA = 2 * work, work - 64 * 64 * 64 * 27 * 8  # no dA for layer 1
    assert SIGNS.flops_per_step() == 2 * (forward_and_dW + dA)


def shape_of(result) -> tuple[int, ...]:
    """The shape of a product's output (of the one gradient ``convolution_backward`` gives)."""
    if isinstance(result, tuple):
        (result,) = (array for array in result if array is not None)
    return tuple(result.shape)


@pytest.mark.parametrize("library", ["numpy", "torch"])
def test_each_library_times_the_conv_layers_products_on_their_shapes(library):
    # quick signs: conv 8@3x3 on 32x32x3 images, conv 16@3x3 on 4x4x8, dense 16 -> 6; batch 32
    products = bench_timing.step_products(library, QUICK_SIGNS, "float64")
    shapes = [shape_of(product()) for product in products]
    rows1, rows3 = 32 * 32 * 32, 32 * 4 * 4
    if library == "numpy":  # scratch.convolution's: cols W, cols^T dZ, dZ W[a, b]^T per (a, b)
        conv1 = [(rows1, 8), (27, 8)]
        conv3 = [(rows3, 16), (72, 16), (3, 3, rows3, 8)]
        dense = [(6, 32), (6, 16), (16, 32)]
    else:  # torch's own convolutions: Z, dW, dA in its layout; dense as nn.Linear's
        conv1 = [(32, 8, 32, 32), (8, 3, 3, 3)]
        conv3 = [(32, 16, 4, 4), (16, 8, 3, 3), (32, 8, 4, 4)]
        dense = [(32, 6), (6, 16), (32, 16)]
    assert shapes == conv1 + conv3 + dense


def test_sklearn_says_it_cannot_train_a_conv_net():
    reason = peer.unlike(SIGNS.spec("float64"), SIGNS.settings(1), SIGNS.m)
    assert reason == "a conv net: sklearn's MLP has dense layers only"


def layer_outputs(l: int, kind: str, direction: str, result) -> dict[str, np.ndarray]:
    """A pass's arrays by the referee's names: conv Z, dA, dW, db; pool A, dA."""
    if direction == "forward":
        return {f"{'Z' if kind == 'conv' else 'A'}{l}": result[0]}
    if kind == "conv":
        return dict(zip((f"dA{l - 1}", f"dW{l}", f"db{l}"), result, strict=True))
    return {f"dA{l - 1}": result}


def test_the_loops_and_the_vectorised_forms_time_the_same_passes_of_every_layer():
    data = WorkloadData.build(QUICK_SIGNS, "float64")
    loops = bench_loops.layer_passes(data, course, 1)
    fast = bench_loops.layer_passes(data, vectorised, 1)
    layers = [(l, layer.kind) for l, layer in enumerate(data.spec.layers, 1)]
    timed = [(l, kind) for l, kind in layers if kind in ("conv", "pool")]
    assert list(loops) == list(fast) and len(loops) == 2 * len(timed) == 8
    for (name, direction), (l, kind) in zip(loops, [t for t in timed for _ in PASSES], strict=True):
        assert name.startswith(f"{l} {kind if kind == 'conv' else 'max pool'}"), name
        # random inputs in [0, 1): no two entries of a max pool's window tie
        ours = layer_outputs(l, kind, direction, fast[name, direction]())
        theirs = layer_outputs(l, kind, direction, loops[name, direction]())
        assert_parity(compare_all(theirs, ours, names=("loop", "vectorised")))


def test_the_loop_figures_are_each_passes_median_over_the_rounds():
    def passes(loops_ms: float, vectorised_ms: float) -> list[bench_loops.LayerPass]:
        return [
            bench_loops.LayerPass("1 conv", "forward", loops_ms, vectorised_ms, 0.5),
            bench_loops.LayerPass("1 conv", "backward", 2 * loops_ms, vectorised_ms, 0.5),
        ]

    forward, backward = bench_figures.loop_figures([passes(90, 1), passes(100, 2), passes(10, 2)])
    assert (forward["layer"], forward["direction"], backward["direction"]) == (
        "1 conv",
        "forward",
        "backward",
    )
    assert (forward["loops_ms"], forward["vectorised_ms"], forward["batch_ms"]) == (90, 2, 0.5)
    assert forward["loops_over_vectorised"] == 45 and backward["loops_over_vectorised"] == 90
    row = {"workload": "signs", "dtype": "float64", "loops": [forward, backward]}
    header, first, second = bench_report.loop_lines([row])[-3:]
    assert header.split()[2:] == ["layer", "pass", "loops", "vectorised", "loops/vec", "batch"]
    assert first.split() == [
        "signs",
        "float64",
        "1",
        "conv",
        "forward",
        "90.000",
        "2.000",
        "45",
        "0.500",
    ]
    assert second.split()[4:] == ["backward", "180.000", "2.000", "90", "0.500"]
    assert bench_report.loop_lines([{**row, "loops": []}]) == []


@pytest.fixture(scope="module")
def report() -> dict:
    argv = ["--quick", "--workloads", "signs", "--dtypes", "float32", "--no-memory"]
    return bench.build_report(bench.parse_args(argv))


@pytest.mark.slow  # a whole quick bench run
def test_the_signs_row_has_every_sides_step_its_products_and_its_layers_loops(report):
    (row,) = report["rows"]
    assert (row["workload"], row["dtype"], list(row["steps"])) == ("signs", "float32", SIDES)
    assert all(row["steps"][side]["median_ms"] > 0 for side in SIDES)
    assert set(row["products_ms"]) == {"numpy", "torch"}
    assert all(ms > 0 for ms in row["products_ms"].values())
    assert row["flops_per_step"] == QUICK_SIGNS.flops_per_step() and row["scratch_gflops"] > 0
    assert "sklearn" not in row and row["peer_unlike"].startswith("a conv net")
    layers = [(p["layer"].split()[0], p["direction"]) for p in row["loops"]]
    assert layers == [(str(l), direction) for l in (1, 2, 3, 4) for direction in PASSES]
    for figures in row["loops"]:
        for key in ("loops_ms", "vectorised_ms", "batch_ms", "loops_over_vectorised"):
            assert figures[key] > 0, (figures["layer"], key)
    json.dumps(report)
    table = bench_report.format_report(report)
    assert "sklearn -: it cannot train the same steps (a conv net" in table
    assert "the course's loops against the vectorised forms" in table
    assert sum(line.startswith("signs ") for line in table.splitlines()) >= 2 + 8
