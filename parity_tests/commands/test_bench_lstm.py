"""The benchmark's language-model rows (scripts/benchmarks/workloads.py's ``names``): the LSTM of
``scratch/specs/names-lstm.yaml`` on the built-in names corpus, timed on every side with its
gates' products counted and timed as the dense layers' are, and a row that says why sklearn has
no cell. Structure only: speed is measured by running the benchmark."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scratch import threads
from scratch.losses import PAD
from scratch.spec_files import load_spec
from scripts import bench
from scripts.benchmarks import peer
from scripts.benchmarks import report as bench_report
from scripts.benchmarks import timing as bench_timing
from scripts.benchmarks.workloads import LSTM_SPEC, QUICK_WORKLOADS, WORKLOADS

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SIDES = ["scratch", "torch", "lightning"]
NAMES, QUICK_NAMES = WORKLOADS["names"], QUICK_WORKLOADS["names"]


def test_names_is_the_lstm_spec_on_the_built_in_names_corpus_the_whole_corpus_a_step():
    spec = NAMES.spec("float32")
    assert spec.to_dict() == load_spec(LSTM_SPEC).to_dict() | {"dtype": "float32", "seed": 1}
    assert [layer.kind for layer in spec.layers] == ["lstm", "dense"] and spec.clip == 5.0
    X, Y = QUICK_NAMES.data("float32")
    n_x, m, T_x = X.shape
    assert (n_x, m, X.dtype) == (27, QUICK_NAMES.m, np.float32) and Y.shape == (1, m, T_x)
    assert set(np.unique(X)) == {0, 1} and set(X.sum(axis=0).ravel()) == {0, 1}  # one-hot
    assert (Y == PAD).any() and (Y[:, :, 0] != PAD).all()  # ragged words, padded after
    assert (NAMES.m, NAMES.batch, NAMES.optimizer) == (1500, 1500, "gd")


def test_an_lstm_layers_products_are_its_gates_at_every_time_step_as_the_thread_rule_counts():
    spec = QUICK_NAMES.spec("float64")
    T_x, m = QUICK_NAMES.data("float64")[0].shape[2], QUICK_NAMES.batch
    lstm, output = QUICK_NAMES.products()
    assert lstm == (1, m * T_x, 50 + 27, 4 * 50, "lstm", T_x)  # four gates over [a<t-1>; x<t>]
    assert output == (2, m * T_x, 50, 27, "dense", T_x)  # W_y a<t> at every step
    work = sum(p.rows * p.n_in * p.n_out for p in (lstm, output))
    assert work == threads.multiply_adds(spec, m) * T_x  # the rule counts one time step
    assert lstm.input_grad and output.input_grad  # the course forms d[a<t-1>; x<t>] at layer 1
    assert QUICK_NAMES.flops_per_step() == 3 * 2 * work


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("library", ["numpy", "torch"])
def test_each_library_times_the_lstms_products_in_its_own_form(library, dtype):
    products = bench_timing.step_products(library, QUICK_NAMES, dtype)
    results = [product() for product in products]
    T_x, m = QUICK_NAMES.data("float64")[0].shape[2], QUICK_NAMES.batch
    if library == "numpy":  # the course's cell: W[g] concat, dg concat^T, W[g]^T dg, per step
        assert len(products) == 3 + 3
        dense = [(27, m * T_x), (27, 50), (50, m * T_x)]
    else:  # ATen's loop: x W_ih^T at once, h W_hh^T per step; dW_ih, dW_hh, dh
        assert len(products) == 5 + 3
        assert tuple(results[0].shape) == (T_x * m, 4 * 50)
        assert tuple(results[2].shape) == (4 * 50, 27)
        dense = [(m * T_x, 27), (27, 50), (m * T_x, 50)]
    assert [tuple(result.shape) for result in results[-3:]] == dense


def test_sklearn_says_it_cannot_train_a_recurrent_net():
    reason = peer.unlike(NAMES.spec("float64"), NAMES.settings(1), NAMES.m)
    assert reason == "a recurrent net (lstm): sklearn's MLP has dense layers only"


@pytest.fixture(scope="module")
def report() -> dict:
    argv = ["--quick", "--workloads", "names", "--dtypes", "float64", "--no-memory"]
    return bench.build_report(bench.parse_args(argv))


@pytest.mark.slow  # a whole quick bench run
def test_the_names_row_has_every_sides_step_and_its_products_share(report):
    (row,) = report["rows"]
    assert (row["workload"], row["dtype"], list(row["steps"])) == ("names", "float64", SIDES)
    assert all(row["steps"][side]["median_ms"] > 0 for side in SIDES)
    assert set(row["products_ms"]) == {"numpy", "torch"}
    assert all(ms > 0 for ms in row["products_ms"].values())
    assert row["flops_per_step"] == QUICK_NAMES.flops_per_step() and row["scratch_gflops"] > 0
    assert "sklearn" not in row and row["peer_unlike"].startswith("a recurrent net (lstm)")
    assert not row.get("loops")  # no conv or pool layer to time in loops
    json.dumps(report)
    table = bench_report.format_report(report)
    assert "sklearn -: it cannot train the same steps (a recurrent net (lstm)" in table
    assert sum(line.startswith("names ") for line in table.splitlines()) >= 2
