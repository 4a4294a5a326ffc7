"""scripts/bench.py keeps working: a --quick run produces every figure it promises, as a table
and as JSON. Speed itself is measured by running the script, never asserted here."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from scripts import bench, bench_report, bench_timing, bench_workloads
from scripts.cores import cores_for

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
    cat = bench_workloads.QUICK_WORKLOADS["cat"]  # [768, 20, 7, 5, 1], m = 64
    numpy_products = bench_timing.step_products("numpy", cat, "float64")
    torch_products = bench_timing.step_products("torch", cat, "float64")
    # forward and dW for each of 4 layers, dA for layers 2 and 3 (layer 4 has one unit)
    assert len(numpy_products) == len(torch_products) == 4 * 2 + 2
    shapes = [product().shape for product in numpy_products]
    assert shapes[:3] == [(20, 64), (20, 768), (7, 64)]
    assert [tuple(p().shape) for p in torch_products][:3] == [(64, 20), (20, 768), (64, 7)]


def test_the_step_splits_into_products_and_the_rest(report):
    for row in report["rows"]:
        assert set(row["products_ms"]) == {"numpy", "torch"}
        assert all(ms > 0 for ms in row["products_ms"].values())
    assert "where the time goes" in bench_report.format_report(report)


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
    table = bench_report.format_report(report)
    for text in ("scratch", "lightning", "GFLOP/s", "peak resident memory", "targets", "cat"):
        assert text in table
    json.dumps(report)  # the --json output


def test_main_prints_json(capsys):
    argv = ["--quick", "--workloads", "planar", "--dtypes", "float64", "--sides", "scratch"]
    assert bench.main([*argv, "--no-memory", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"][0]["steps"]["scratch"]["median_ms"] > 0
    assert printed["memory"] == []


def row_of(step_ms: float, products_ms: float) -> dict:
    steps = {"median_ms": step_ms, "faults_per_step": 0.0}
    return {
        "workload": "cat",
        "dtype": "float64",
        "steps": {"scratch": steps, "torch": steps},
        "products_ms": {"numpy": products_ms, "torch": products_ms},
    }


def test_a_rest_below_zero_is_shown_clipped_with_a_footnote_not_as_a_negative_time():
    calm = bench_report.time_split_lines([row_of(2.0, 1.5)])
    assert "0.500" in calm[-1] and not any("*" in line for line in calm)
    loaded = bench_report.time_split_lines([row_of(2.0, 1.5), row_of(1.0, 1.25)])
    assert loaded[-1] == bench_report.LOADED and "loaded" in loaded[-1]
    assert loaded[-2].count("<0 *") == 2, loaded[-2]
    assert not any("-0.25" in line for line in loaded)
    assert "0.500" in loaded[-3] and "*" not in loaded[-3]


def test_the_report_names_no_internal_labels(report):
    table = bench_report.format_report(report)
    assert "issue" not in table.lower()


def test_every_side_takes_its_turn_through_the_shared_cores_helper():
    assert bench_timing.cores_for is cores_for
    assert set(bench_timing.CORES_OF) == set(SIDES)
    assert set(bench_timing.CORES_OF.values()) | set(bench_timing.SIDE_OF.values()) <= {
        "scratch",
        "torch",
    }


def test_settings_keep_every_flag_and_resolve_the_rounds():
    default = bench.parse_args([])
    assert (default.rounds, default.quick, default.no_memory, default.json) == (
        5,
        False,
        False,
        False,
    )
    assert default.workloads == list(bench_workloads.WORKLOADS) and default.sides == SIDES
    quick = bench.parse_args(["--quick", "--no-memory", "--json", "--sides", "torch"])
    assert (quick.rounds, quick.no_memory, quick.json, quick.sides) == (1, True, True, ["torch"])
    assert bench.parse_args(["--quick", "--rounds", "3"]).rounds == 3


@pytest.mark.parametrize("argv", [["--rounds", "0"], ["--workloads", "nope"], ["--dtypes"]])
def test_bad_settings_are_one_line_and_exit_2(argv, capsys):
    assert bench.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("bench: error: ") and err.count("\n") == 1


def test_the_benchmarks_class_names_are_its_own_in_scripts():
    scripts = Path(bench.__file__).parent

    def classes(path: Path) -> set[str]:
        tree = ast.parse(path.read_text())
        return {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}

    bench_files = set(scripts.glob("bench*.py"))
    ours = [name for path in sorted(bench_files) for name in classes(path)]
    assert len(ours) == len(set(ours)), ours
    for path in sorted(set(scripts.glob("*.py")) - bench_files):
        assert not classes(path) & set(ours), f"{path.name} shares a class name with the bench"
