"""The benchmark's NumPy peer (scripts/benchmarks/peer.py): scikit-learn's MLPClassifier trains
the very steps scratch and torch take, from the same weights, so that its column times the same
computation; the report carries its column and the ratio scratch/sklearn, why it has no cell
where it cannot train the same steps, and one line when scikit-learn is missing. Speed itself is
measured by running the benchmark, never asserted here."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
import torch_impl
from scratch.parity import assert_parity, compare_training
from scripts import bench
from scripts.benchmarks import figures as bench_figures
from scripts.benchmarks import peer
from scripts.benchmarks import report as bench_report
from scripts.benchmarks.timing import Timings, Turn
from scripts.benchmarks.workloads import QUICK_WORKLOADS

pytestmark = pytest.mark.usefixtures("one_torch_thread")

BCE, CE = "binary_cross_entropy", "cross_entropy"
# sizes, hidden activation, loss, m, batch size, shuffle, L2
CASES = {
    "full batch, tanh": ((2, 4, 1), "tanh", BCE, 60, None, True, 0.0),
    "full batch, sigmoid hidden layers, L2": ((4, 5, 3, 1), "sigmoid", BCE, 30, None, True, 0.7),
    "batches in order, relu, softmax": ((5, 7, 6, 3), "relu", CE, 50, 16, False, 0.0),
    "batches in scratch's orders, relu, L2": ((5, 7, 1), "relu", BCE, 50, 16, True, 0.3),
}


def runs(case: str, dtype: str, steps: int = 11) -> dict[str, scratch.TrainResult]:
    """Scratch, plain torch and sklearn's MLP trained through ``steps`` steps of ``case``."""
    sizes, hidden, loss, m, batch_size, shuffle, l2 = CASES[case]
    spec = scratch.build_spec(sizes, hidden, loss=loss, init="he", seed=1, l2=l2, dtype=dtype)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((sizes[0], m))
    Y = rng.integers(0, max(2, sizes[-1]), (1, m))
    settings = scratch.TrainingSettings(0.1, steps, batch_size, shuffle)
    params = scratch.initialize_parameters(spec)
    return {
        name: train(spec, X, Y, settings, params=params)
        for name, train in (
            ("scratch", scratch.train),
            ("torch", torch_impl.train_plain),
            ("sklearn", peer.train),
        )
    }


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES)
def test_sklearn_takes_the_same_steps_as_scratch_and_torch(case, dtype):
    results = runs(case, dtype)
    assert len(results["sklearn"].costs) == 11  # a run that ends inside an epoch stops there
    for side in ("scratch", "torch"):
        assert_parity(compare_training(results[side], results["sklearn"], names=(side, "sklearn")))


def test_the_same_steps_mean_the_same_order_of_examples():
    """The check above can fail: sklearn's own order, not scratch's, parts at the second batch."""
    sizes, hidden, loss, m, batch_size, _, l2 = CASES["batches in scratch's orders, relu, L2"]
    spec = scratch.build_spec(sizes, hidden, loss=loss, init="he", seed=1, l2=l2)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (1, m))
    params = scratch.initialize_parameters(spec)
    shuffled = scratch.train(
        spec, X, Y, scratch.TrainingSettings(0.1, 4, batch_size, True), params=params
    )
    in_order = peer.train(
        spec, X, Y, scratch.TrainingSettings(0.1, 4, batch_size, False), params=params
    )
    assert shuffled.costs[0] != pytest.approx(in_order.costs[0], rel=1e-6)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"optimizer": "adam"}, "Adam: sklearn adds epsilon before the bias correction"),
        ({"optimizer": "momentum"}, "momentum: sklearn's MLP has sgd and adam"),
        ({"decay_rate": 0.1}, "learning-rate decay"),
        ({"start_iteration": 3}, "a resumed run"),
    ],
)
def test_sklearn_says_why_it_cannot_take_other_optimizers_steps(change, why):
    spec = scratch.build_spec((2, 4, 1), "tanh")
    settings = scratch.TrainingSettings(**{"learning_rate": 0.1, "num_iterations": 5, **change})
    assert why in peer.unlike(spec, settings, 40)
    with pytest.raises(ValueError, match="cannot train these steps"):
        peer.train(spec, np.zeros((2, 40)), np.zeros((1, 40)), settings, params={})


def test_sklearn_refuses_labels_that_miss_a_class_of_the_output_layer():
    spec = scratch.build_spec((2, 4, 3), "relu", loss=CE)
    X, Y = np.zeros((2, 4)), np.array([[0, 1, 1, 0]])  # no example of class 2
    params = scratch.initialize_parameters(spec)
    with pytest.raises(ValueError, match="holds 2 of the 3"):
        peer.train(spec, X, Y, scratch.TrainingSettings(0.1, 2), params=params)


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        (scratch.build_spec((2, 4, 2), "relu", loss=CE), "a softmax of 2 units"),
        (scratch.build_spec((2, 4, 1), "relu", loss="mse"), "loss mse"),
        (scratch.build_spec((2, 4, 1), "leaky_relu"), "leaky_relu: no such sklearn activation"),
        (
            scratch.NetworkSpec(
                2,
                (scratch.Layer(4, "relu"), scratch.Layer(3, "tanh"), scratch.Layer(1, "sigmoid")),
            ),
            "different activations",
        ),
        (
            scratch.NetworkSpec(
                2, (scratch.Layer(4, "relu", keep_prob=0.8), scratch.Layer(1, "sigmoid"))
            ),
            "dropout or batch norm",
        ),
    ],
)
def test_sklearn_says_why_it_cannot_build_other_networks(spec, why):
    assert why in peer.unlike(spec, scratch.TrainingSettings(0.1, 5), 40)


def test_sklearn_can_train_every_dense_gradient_descent_workload_and_no_adam_conv_or_lstm_one():
    for name, workload in QUICK_WORKLOADS.items():
        spec, m = workload.spec("float64"), workload.m
        reason = peer.unlike(spec, workload.settings(1), m)
        dense = not (spec.images or spec.sequences)
        dense_gd = workload.optimizer == "gd" and dense
        assert (reason is None) == dense_gd, (name, reason)


def turns(*medians_ms: float, threads: int = 1) -> list[Turn]:
    return [Turn(np.full(3, ms / 1e3), 0.0, threads) for ms in medians_ms]


def fake_timings() -> Timings:
    """Two rounds of planar (every side and the peer) and mnist-adam (no peer)."""
    steps = {
        ("planar", "float64"): {
            "scratch": turns(1.0, 2.0),
            "torch": turns(2.0, 4.0),
            "lightning": turns(3.0, 6.0),
            "sklearn": turns(2.0, 2.0),
        },
        ("mnist-adam", "float64"): {side: turns(1.0, 1.0) for side in ("scratch", "torch")},
    }
    products = {key: {"numpy": [0.5, 0.5], "torch": [0.5, 0.5]} for key in steps}
    updates = {("mnist-adam", "float64"): {"numpy": [0.1, 0.1], "torch": [0.1, 0.1]}}
    unlike = {("mnist-adam", "float64"): "Adam: sklearn adds epsilon before the bias correction"}
    matmul = {"numpy": {"float64": [10.0, 10.0]}, "torch": {"float64": [10.0, 10.0]}}
    return Timings(steps, products, matmul, updates, unlike, {})


def fake_rows() -> list[dict]:
    timings = fake_timings()
    workloads = [QUICK_WORKLOADS["planar"], QUICK_WORKLOADS["mnist-adam"]]
    return bench_figures.results_table(workloads, ["float64"], timings)


def test_the_row_holds_sklearns_step_and_the_ratio_scratch_over_sklearn():
    planar, adam = fake_rows()
    assert list(planar["steps"]) == ["scratch", "torch", "lightning"]  # the peer is no side
    assert planar["sklearn"]["median_ms"] == pytest.approx(2.0)
    assert planar["scratch_over_sklearn"] == pytest.approx(1.0 / 2.0)  # the fastest rounds
    assert planar["scratch_over_sklearn_err"] == pytest.approx(0.25)  # rounds: 0.5 and 1.0
    assert planar["sklearn_floor"] == pytest.approx(0.5 / 2.0)  # NumPy's products alone
    assert "sklearn" not in adam and "scratch_over_sklearn" not in adam
    assert adam["peer_unlike"].startswith("Adam")
    targets = {t["target"] for t in bench_figures.check_targets([planar, adam])}
    assert "scratch step <= sklearn MLP step" in targets


def test_the_table_has_the_sklearn_column_its_ratio_and_why_a_cell_is_empty():
    rows = fake_rows()
    report = {"rows": rows, "matmul_gflops": fake_timings().matmul, "matmul_shape": [2, 2]}
    header, _, planar, adam, *notes = bench_report.step_lines(report)
    columns = header.replace("scr GFLOP/s", "GFLOP/s").split()
    assert columns[2:7] == ["scratch", "torch", "lightning", "sklearn", "scr/torch"]
    cells = dict(zip(columns, planar.split(), strict=True))
    assert (cells["sklearn"], cells["scr/skl"]) == ("2.000", "0.50")
    assert cells["threads"] == "1/1/1/1"  # scratch, torch, lightning, sklearn
    adam_cells = dict(zip(columns, adam.split(), strict=True))
    assert (adam_cells["sklearn"], adam_cells["scr/skl"]) == ("-", "-")
    [why] = [note for note in notes if note.startswith("sklearn -")]
    assert "Adam: sklearn adds epsilon" in why and why.endswith("mnist-adam float64")


def test_without_scikit_learn_the_report_says_so_in_one_line(monkeypatch):
    monkeypatch.setattr(peer, "available", lambda: False)
    argv = ["--quick", "--workloads", "planar", "--dtypes", "float64", "--sides", "scratch"]
    report = bench.build_report(bench.parse_args([*argv, "--no-memory"]))
    assert report["peer_missing"] == peer.MISSING
    assert "sklearn" not in report["rows"][0] and "peer_unlike" not in report["rows"][0]
    lines = bench_report.format_report(report).splitlines()
    assert [line for line in lines if "scikit-learn" in line] == [peer.MISSING]
    assert 'pip install -e ".[bench]"' in peer.MISSING


def test_a_quick_run_times_sklearn_beside_scratch_where_it_can():
    argv = ["--quick", "--workloads", "planar", "mnist-adam", "--dtypes", "float64"]
    report = bench.build_report(bench.parse_args([*argv, "--sides", "scratch", "--no-memory"]))
    planar, adam = report["rows"]
    assert planar["sklearn"]["median_ms"] > 0 and planar["scratch_over_sklearn"] > 0
    assert planar["sklearn"]["threads"] == planar["steps"]["scratch"]["threads"]
    assert "sklearn" not in adam and adam["peer_unlike"].startswith("Adam")
    assert "peer_missing" not in report and "sklearn" in report["environment"]
    assert bench.parse_args([*argv, "--no-peer"]).no_peer
