"""scripts/bench.py keeps working: a --quick run produces every figure it promises, as a table
and as JSON. Speed itself is measured by running the script, never asserted here."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

from scripts import bench
from scripts.benchmarks import figures as bench_figures
from scripts.benchmarks import report as bench_report
from scripts.benchmarks import timing as bench_timing
from scripts.benchmarks import updates as bench_updates
from scripts.benchmarks import workloads as bench_workloads
from scripts.runs.cores import cores_for

SIDES = ["scratch", "torch", "lightning"]


@pytest.fixture(scope="module")
def report() -> dict:
    args = bench.parse_args(["--quick", "--workloads", "planar", "cat", "--dtypes", "float32"])
    return bench.build_report(args)


@pytest.mark.slow  # a whole quick bench run
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


@pytest.mark.slow  # a whole quick bench run
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


@pytest.mark.slow  # a whole quick bench run
def test_the_step_splits_into_products_and_the_rest(report):
    for row in report["rows"]:
        assert set(row["products_ms"]) == {"numpy", "torch"}
        assert all(ms > 0 for ms in row["products_ms"].values())
    assert "where the time goes" in bench_report.format_report(report)


@pytest.mark.slow  # a whole quick bench run
def test_peak_memory_is_measured_per_side_in_its_own_process(report):
    (entry,) = report["memory"]
    assert (entry["workload"], entry["dtype"]) == ("cat", "float32")
    assert list(entry["sides"]) == SIDES
    scratch, torch = entry["sides"]["scratch"], entry["sides"]["torch"]
    assert 0 < scratch["before_mb"] <= scratch["peak_mb"]
    assert scratch["before_mb"] < torch["before_mb"], "the scratch process must not import torch"


@pytest.mark.slow  # a whole quick bench run
def test_targets_and_environment_are_reported(report):
    targets = {(t["where"], t["target"]): t["verdict"] for t in report["targets"]}
    assert ("cat float32", "Lightning <= plain PyTorch + 0.5 ms") in targets
    assert targets["planar float32", "scratch step <= plain PyTorch step"] in ("met", "missed")
    env = report["environment"]
    for key in ("numpy", "numpy_blas", "blas_pools", "torch", "lightning", "torch_threads"):
        assert key in env


@pytest.mark.slow  # a whole quick bench run
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


@pytest.mark.slow  # a whole quick bench run
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


def test_every_side_of_a_round_runs_on_the_rounds_one_thread_count(monkeypatch):
    counts = iter([2, 1])  # round 1's count, round 2's: each side would otherwise size its own
    monkeypatch.setattr(bench_timing, "round_threads", lambda data, libraries: next(counts))
    planar = bench_workloads.QUICK_WORKLOADS["planar"]
    timings = bench_timing.measure_steps([planar], ["float64"], SIDES, 2, (8, 8), lambda line: None)
    turns = timings.steps[("planar", "float64")]
    assert {side: [turn.threads for turn in turns[side]] for side in SIDES} == {
        side: [2, 1] for side in SIDES
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


ADAM_WORKLOADS = ["mnist-adam", "wide-adam"]


@pytest.fixture(scope="module")
def adam_report() -> dict:
    argv = ["--quick", "--workloads", *ADAM_WORKLOADS, "--dtypes", "float32", "--no-memory"]
    return bench.build_report(bench.parse_args(argv))


@pytest.mark.parametrize("quick", [False, True])
def test_mnist_and_wide_have_adam_twins_in_the_default_set(quick):
    table = bench_workloads.workload_table(quick)
    names = ["planar", "cat", "mnist", "mnist-adam", "wide", "wide-adam", "signs", "names"]
    assert list(table) == names
    assert bench.parse_args(["--quick"] if quick else []).workloads == list(table)
    for name in ADAM_WORKLOADS:
        adam, gd = table[name], table[name.removesuffix("-adam")]
        assert (adam.settings(3).optimizer, adam.settings(3).learning_rate) == ("adam", 0.001)
        assert gd.settings(3).optimizer == "gd" and adam.problem == gd.name
        assert (adam.sizes, adam.m, adam.batch) == (gd.sizes, gd.m, gd.batch)
        if quick:  # the same data (the full sizes take a while to draw)
            (X_adam, Y_adam), (X_gd, Y_gd) = adam.data("float32"), gd.data("float32")
            assert (X_adam == X_gd).all() and (Y_adam == Y_gd).all()


def test_the_update_timed_on_each_side_is_the_same_adam_step():
    wide_adam = bench_workloads.QUICK_WORKLOADS["wide-adam"]
    data = bench_workloads.WorkloadData.build(wide_adam, "float64")
    scratch_step, torch_step = (bench_updates.update_step(lib, data) for lib in ("numpy", "torch"))
    scratch_step(), torch_step()
    scratch_out = scratch_step.keywords["out"]  # written in place into the spare arrays
    torch_params = torch_step.__self__.param_groups[0]["params"]
    assert type(torch_step.__self__).__name__ == "Adam"
    for (key, new), p in zip(scratch_out.items(), torch_params, strict=True):
        torch_new = p.detach().numpy().reshape(new.shape)
        assert abs(new - torch_new).max() < 1e-12, key
        assert abs(new - data.params[key]).max() > 0, f"{key} did not move"


@pytest.mark.slow  # a whole quick bench run
def test_adam_rows_carry_every_sides_step_and_the_updates_share(adam_report):
    rows = adam_report["rows"]
    assert [row["workload"] for row in rows] == ADAM_WORKLOADS
    assert {row["optimizer"] for row in rows} == {"adam"}
    for row in rows:
        assert list(row["steps"]) == SIDES
        assert set(row["update_ms"]) == {"numpy", "torch"}
        assert all(ms > 0 for ms in row["update_ms"].values())
        assert list(row["update_share"]) == list(row["update_share_err"]) == SIDES
        for side, share in row["update_share"].items():
            library = bench_timing.LIBRARY_OF[side]
            step = row["steps"][side]["median_ms"]
            assert share == pytest.approx(row["update_ms"][library] / step)
    targets = {(t["where"], t["target"]) for t in adam_report["targets"]}
    assert ("mnist-adam float32", "Lightning <= 1.5x plain PyTorch") in targets
    assert not any("matmul" in target for _, target in targets)  # gradient descent's target
    json.dumps(adam_report)
    table = bench_report.format_report(adam_report)
    assert "the update's share of a step" in table
    lines = table.splitlines()
    for name in ADAM_WORKLOADS:
        assert sum(line.startswith(f"{name} ") for line in lines) >= 3, name  # steps, split, share


def test_the_updates_share_is_the_update_over_each_sides_step_starred_past_the_whole_step():
    median = {"scratch": 4.0, "torch": 8.0, "lightning": 10.0}
    per_round = {side: np.array([ms]) for side, ms in median.items()}
    figures = bench_figures.update_shares({"numpy": [1.0], "torch": [2.0]}, median, per_round)
    assert figures["update_ms"] == {"numpy": 1.0, "torch": 2.0}
    assert figures["update_share"] == {"scratch": 0.25, "torch": 0.25, "lightning": 0.2}
    steps = {side: {"median_ms": ms} for side, ms in median.items()}
    row = {"workload": "wide-adam", "dtype": "float64", "steps": steps, **figures}
    header, line = bench_report.update_lines([row, row_of(2.0, 1.0)])[-2:]
    assert header.split()[2:] == [word for side in SIDES for word in (side, "update", "share")]
    assert line.split()[:2] == ["wide-adam", "float64"]
    per_side = dict(zip(SIDES, (line.split()[i : i + 3] for i in (2, 5, 8)), strict=True))
    assert per_side["scratch"] == ["4.000", "1.000", "25.0%"], line  # step, update, share
    assert per_side["torch"] == ["8.000", "2.000", "25.0%"], line
    assert per_side["lightning"] == ["10.000", "2.000", "20.0%"], line  # torch's update
    assert bench_report.update_lines([row_of(2.0, 1.0)]) == []  # no update timed: no table
    assert bench_report.UPDATE_LOADED not in bench_report.update_lines([row])
    slow = {**row, "update_share": {**row["update_share"], "torch": 1.25}}
    *_, starred, footnote = bench_report.update_lines([slow])
    assert "125.0%*" in starred and footnote == bench_report.UPDATE_LOADED


@pytest.mark.slow  # compiles the planar net in both dtypes
def test_the_modes_bench_times_every_mode_of_a_workload_and_the_compile_apart(capsys):
    from torch._inductor import config as inductor

    from scripts.benchmarks import modes as bench_modes

    assert bench_modes.main(["--quick", "--workloads", "planar"]) == 0
    assert not inductor.force_disable_caches, "the bench left inductor's caches off"
    out = capsys.readouterr().out
    compiled = re.findall(r"^planar\s+(float\d\d)((?:\s+-?\d+\.\d+){4})$", out, re.MULTILINE)
    assert [dtype for dtype, _ in compiled] == ["float64", "float32"]
    for _, figures in compiled:
        eager, step, ratio, _ = map(float, figures.split())
        assert eager > 0 and step > 0 and ratio == pytest.approx(step / eager, abs=0.01)
    [mixed] = re.findall(r"^planar((?:\s+\d+\.\d+){3})$", out, re.MULTILINE)
    float32, bf16, ratio = map(float, mixed.split())
    assert ratio == pytest.approx(bf16 / float32, abs=0.01)


def test_the_modes_bench_refuses_an_unknown_workload_in_one_line(capsys):
    from scripts.benchmarks import modes as bench_modes

    assert bench_modes.main(["--workloads", "imagenet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no workload imagenet; there are planar" in err
