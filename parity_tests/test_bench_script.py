"""scripts/bench.py keeps working: a --quick run produces every figure it promises, as a table
and as JSON. Speed itself is measured by running the script, never asserted here."""

from __future__ import annotations

import json

import pytest

from scripts import bench

SIDES = ["scratch", "torch", "lightning"]


@pytest.fixture(scope="module")
def report() -> dict:
    args = bench.parse_args(["--quick", "--workloads", "planar", "cat", "--dtypes", "float32"])
    return bench.build_report(args)


def test_every_side_has_a_step_time_for_every_workload(report):
    assert [(row["workload"], row["dtype"]) for row in report["rows"]] == [
        ("planar", "float32"),
        ("cat", "float32"),
    ]
    for row in report["rows"]:
        assert list(row["steps"]) == SIDES
        for side in SIDES:
            steps = row["steps"][side]
            assert steps["steps"] > 0 and 0 < steps["median_ms"] <= steps["p90_ms"]
            assert steps["faults_per_step"] >= 0
        for key in ("scratch_over_torch", "lightning_over_torch", "scratch_of_matmul"):
            assert row[key] > 0 and row[f"{key}_err"] == 0  # one round: no spread to estimate


def test_flops_and_matmul_rates_are_recorded(report):
    cat = report["rows"][1]
    n = (768 * 20 + 20 * 7 + 7 * 5 + 5 * 1, 768 * 20)  # quick cat sizes, m = 64
    assert cat["flops_per_step"] == (6 * n[0] - 2 * n[1]) * 64
    assert set(report["matmul_gflops"]) == {"numpy", "torch"}
    assert cat["scratch_gflops"] > 0 and cat["numpy_matmul_gflops"] > 0


def test_each_library_times_the_same_products_of_a_step():
    cat = bench.QUICK_WORKLOADS["cat"]  # [768, 20, 7, 5, 1], m = 64
    numpy_products = bench.step_products("numpy", cat, "float64")
    torch_products = bench.step_products("torch", cat, "float64")
    # forward and dW for each of 4 layers, dA for layers 2 and 3 (layer 4 has one unit)
    assert len(numpy_products) == len(torch_products) == 4 * 2 + 2
    shapes = [product().shape for product in numpy_products]
    assert shapes[:3] == [(20, 64), (20, 768), (7, 64)]
    assert [tuple(p().shape) for p in torch_products][:3] == [(64, 20), (20, 768), (64, 7)]


def test_the_step_splits_into_products_and_the_rest(report):
    for row in report["rows"]:
        assert set(row["products_ms"]) == {"numpy", "torch"}
        assert all(ms > 0 for ms in row["products_ms"].values())
    assert "where the time goes" in bench.format_report(report)


def test_peak_memory_is_measured_per_side_in_its_own_process(report):
    (entry,) = report["memory"]
    assert (entry["workload"], entry["dtype"]) == ("cat", "float32")
    assert list(entry["sides"]) == SIDES
    scratch, torch = entry["sides"]["scratch"], entry["sides"]["torch"]
    assert 0 < scratch["before_mb"] <= scratch["peak_mb"]
    assert scratch["before_mb"] < torch["before_mb"], "the scratch process must not import torch"


def test_targets_and_environment_are_reported(report):
    targets = {(t["where"], t["target"]): t["verdict"] for t in report["targets"]}
    assert ("cat float32", "Lightning <= plain PyTorch + 0.5 ms") in targets
    assert targets["planar float32", "scratch step <= plain PyTorch step"] in ("met", "missed")
    env = report["environment"]
    for key in ("numpy", "numpy_blas", "blas_pools", "torch", "lightning", "torch_threads"):
        assert key in env


def test_table_names_every_figure(report):
    table = bench.format_report(report)
    for text in ("scratch", "lightning", "GFLOP/s", "peak resident memory", "targets", "cat"):
        assert text in table
    json.dumps(report)  # the --json output


def test_main_prints_json(capsys):
    argv = ["--quick", "--workloads", "planar", "--dtypes", "float64", "--sides", "scratch"]
    assert bench.main([*argv, "--no-memory", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"][0]["steps"]["scratch"]["median_ms"] > 0
    assert printed["memory"] == []
