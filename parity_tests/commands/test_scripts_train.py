"""The ``train`` command end to end, in-process on small data: what it prints, the files each
run writes, configs, resume, real-data sources, and one clear line for each user error."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
import yaml
from test_scripts_data import write_cat, write_mnist

import scratch
from scripts.train import main

REPO = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def train(tmp_path: Path, *flags: str) -> int:
    return main(["--runs-dir", str(tmp_path / "runs"), "--quiet", *flags])


def run_folder(tmp_path: Path, name: str) -> Path:
    return tmp_path / "runs" / name


def read_costs(folder: Path) -> list[dict[str, str]]:
    with open(folder / "costs.csv", newline="") as file:
        return list(csv.DictReader(file))


def column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([float(row[name]) for row in rows])


def assert_valid_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and min(image.shape[:2]) > 100, f"{path.name}: {image.shape}"


def test_both_sides_train_from_the_same_weights_and_the_run_keeps_every_output(tmp_path, capsys):
    assert train(tmp_path, "--iterations", "6") == 0
    out = capsys.readouterr().out
    assert "training scratch and torch from the same initial weights" in out
    assert "scratch cost" in out and "torch cost" in out and "largest so far" in out
    assert "train accuracy" in out and "parity (float64): all 6 costs agree within" in out
    assert "final weights agree within" in out
    folder = run_folder(tmp_path, "planar-both")
    assert f"saved to {folder}/" in out

    rows = read_costs(folder)
    assert [int(row["iteration"]) for row in rows] == list(range(6))
    assert rows[0].keys() == {"iteration", "scratch", "torch", "abs_difference"}
    scratch_costs, torch_costs = column(rows, "scratch"), column(rows, "torch")
    np.testing.assert_allclose(torch_costs, scratch_costs, rtol=1e-12)
    np.testing.assert_array_equal(
        column(rows, "abs_difference"), np.abs(scratch_costs - torch_costs)
    )

    spec = scratch.NetworkSpec.from_dict(
        yaml.safe_load((folder / "config.yaml").read_text())["spec"]
    )
    X, Y, _, _ = scratch.train_test_split(*scratch.load_dataset("planar"))
    expected = scratch.train(spec, X, Y, learning_rate=1.2, num_iterations=6)
    np.testing.assert_array_equal(scratch_costs, expected.costs)
    for impl in ("scratch", "torch"):
        params, stored_spec = scratch.load_weights(folder / f"weights-{impl}.npz")
        assert stored_spec == spec
        np.testing.assert_allclose(params["W1"], expected.params["W1"], rtol=1e-12)
    assert (folder / "torch.ckpt").stat().st_size > 0
    assert_valid_png(folder / "cost.png")
    assert_valid_png(folder / "decision_boundary.png")
    results = json.loads((folder / "results.json").read_text())["implementations"]
    assert results["torch"]["next_iteration"] == 6
    assert results["scratch"]["train_accuracy"] == scratch.accuracy(X, Y, expected.params, spec)


def test_a_torch_curve_that_parts_from_scratch_is_reported_where_it_parts(
    tmp_path, monkeypatch, capsys
):
    import torch_impl

    real = torch_impl.train

    def parted(*args, **kwargs):
        result = real(*args, **kwargs)
        result.costs[3] *= 1.001
        return result

    monkeypatch.setattr(torch_impl, "train", parted)
    assert train(tmp_path, "--iterations", "5") == 0
    out = capsys.readouterr().out
    assert "parity (float64): the two sides part at cost, float64 curve differs" in out
    assert "final weights agree within" in out  # reported whether or not the costs part
    assert "cost[3]" in out


def test_the_lightning_checkpoint_holds_the_torch_weights(tmp_path):
    import torch_impl

    assert train(tmp_path, "--impl", "torch", "--iterations", "3") == 0
    folder = run_folder(tmp_path, "planar-torch")
    torch_impl.checkpoint_to_weights(folder / "torch.ckpt", tmp_path / "from_checkpoint.npz")
    from_checkpoint, _ = scratch.load_weights(tmp_path / "from_checkpoint.npz")
    saved, _ = scratch.load_weights(folder / "weights-torch.npz")
    for key in saved:
        np.testing.assert_array_equal(from_checkpoint[key], saved[key])


def test_a_saved_config_repeats_the_run(tmp_path):
    flags = ["--impl", "scratch", "--dataset", "moons", "--layers", "2", "3", "1"]
    flags += ["--activation", "relu", "--lr", "0.3", "--iterations", "5", "--seed", "3"]
    assert train(tmp_path, *flags) == 0
    first = run_folder(tmp_path, "moons-scratch")
    assert train(tmp_path, "--config", str(first / "config.yaml")) == 0
    again = run_folder(tmp_path, "moons-scratch-2")
    assert (again / "costs.csv").read_bytes() == (first / "costs.csv").read_bytes()
    assert (again / "config.yaml").read_text() == (first / "config.yaml").read_text()


def test_the_config_of_a_named_run_repeats_it_into_a_folder_of_its_own(tmp_path):
    flags = ["--impl", "scratch", "--dataset", "moons", "--iterations", "3", "--name", "first"]
    assert train(tmp_path, *flags) == 0
    first = run_folder(tmp_path, "first")
    saved = yaml.safe_load((first / "config.yaml").read_text())
    assert "name" not in saved and "overwrite" not in saved
    assert train(tmp_path, "--config", str(first / "config.yaml")) == 0
    again = run_folder(tmp_path, "moons-scratch")
    assert (again / "costs.csv").read_bytes() == (first / "costs.csv").read_bytes()


def test_flags_override_the_config_file_which_overrides_the_defaults(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("impl: scratch\nlearning_rate: 0.5\niterations: 4\nlayers: [2, 3, 1]\n")
    assert train(tmp_path, "--config", str(config), "--lr", "0.7") == 0
    saved = yaml.safe_load((run_folder(tmp_path, "planar-scratch") / "config.yaml").read_text())
    assert saved["learning_rate"] == 0.7
    assert saved["iterations"] == 4
    assert saved["spec"]["layers"][0] == {"units": 3, "activation": "tanh"}
    assert saved["batch_size"] is None


def test_epochs_are_turned_into_iterations_over_mini_batches(tmp_path):
    # planar's 320 training examples in batches of 100: 4 steps an epoch.
    flags = ["--impl", "scratch", "--batch-size", "100", "--epochs", "2"]
    assert train(tmp_path, *flags) == 0
    folder = run_folder(tmp_path, "planar-scratch")
    assert len(read_costs(folder)) == 8
    assert yaml.safe_load((folder / "config.yaml").read_text())["iterations"] == 8


def test_runs_never_overwrite_each_other_unless_asked(tmp_path, capsys):
    quick = ["--impl", "scratch", "--iterations", "2"]
    assert train(tmp_path, *quick) == 0
    assert train(tmp_path, *quick) == 0
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "planar-scratch",
        "planar-scratch-2",
    ]
    assert train(tmp_path, *quick, "--name", "mine") == 0
    capsys.readouterr()
    assert train(tmp_path, *quick, "--name", "mine", "--iterations", "3") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mine already exists" in err and "--overwrite" in err
    assert len(read_costs(run_folder(tmp_path, "mine"))) == 2

    assert train(tmp_path, *quick, "--name", "mine", "--iterations", "3", "--overwrite") == 0
    assert len(read_costs(run_folder(tmp_path, "mine"))) == 3
    assert not any(p.name.startswith(".") for p in (tmp_path / "runs").iterdir())


def test_overwrite_without_a_name_replaces_the_default_named_run(tmp_path):
    quick = ["--impl", "scratch", "--iterations"]
    assert train(tmp_path, *quick, "2") == 0
    assert train(tmp_path, *quick, "3", "--overwrite") == 0
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["planar-scratch"]
    assert len(read_costs(run_folder(tmp_path, "planar-scratch"))) == 3


# A config.yaml as the train command wrote it before its settings came from scripts.cli.parser:
# every train setting but name and overwrite, the spec written out, its fields null.
EARLIER_CONFIG = """\
dataset: moons
data_dir: data
test_fraction: 0.2
positive: null
negative: null
spec:
  input_size: 2
  layers:
  - units: 5
    activation: relu
  - units: 3
    activation: tanh
  - units: 1
    activation: sigmoid
  init: small_random
  loss: binary_cross_entropy
  l2: 0.1
  dtype: float64
  seed: 3
layers: null
activation: null
init: null
loss: null
l2: null
dtype: null
seed: null
weights: null
impl: both
learning_rate: 0.3
iterations: 3
epochs: null
batch_size: 50
print_every: null
quiet: true
accelerator: cpu
devices: 1
runs_dir: RUNS
resume: null
"""


def test_a_config_written_before_the_new_parser_still_repeats_its_run(tmp_path):
    runs = tmp_path / "runs"
    (tmp_path / "earlier.yaml").write_text(EARLIER_CONFIG.replace("RUNS", str(runs)))
    assert main(["--config", str(tmp_path / "earlier.yaml")]) == 0
    saved = yaml.safe_load((runs / "moons-both" / "config.yaml").read_text())
    earlier = yaml.safe_load(EARLIER_CONFIG.replace("RUNS", str(runs)))
    optimizer = {"optimizer": "gd", "beta": 0.9, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    # what it held, and the settings added since at their defaults: plain gradient descent
    layers = {"keep_prob": None, "batch_norm": False}
    modes = {"compile": False, "precision": None}
    decay = {"decay_rate": 0.0, "decay_interval": 1}
    assert saved == earlier | layers | optimizer | modes | decay | {"text": None}
    flags = ["--dataset", "moons", "--layers", "2", "5", "3", "1", "--activation", "relu", "tanh"]
    flags += ["--l2", "0.1", "--seed", "3", "--lr", "0.3", "--iterations", "3"]
    assert train(tmp_path, *flags, "--batch-size", "50", "--name", "again") == 0
    again = read_costs(run_folder(tmp_path, "again"))
    assert read_costs(runs / "moons-both") == again


@pytest.mark.parametrize(
    ("impl", "extra"),
    [pytest.param("both", [], marks=pytest.mark.slow), ("scratch", ["--batch-size", "128"])],
    ids=["both-full-batch", "scratch-mini-batches-across-epochs"],
)
def test_resuming_4_then_3_iterations_equals_7_in_one_go(tmp_path, impl, extra):
    common = ["--impl", impl, *extra]
    assert train(tmp_path, *common, "--iterations", "7", "--name", "straight") == 0
    assert train(tmp_path, *common, "--iterations", "4", "--name", "first") == 0
    first = str(run_folder(tmp_path, "first"))
    assert train(tmp_path, "--resume", first, "--iterations", "3", "--name", "rest") == 0

    straight, rest = run_folder(tmp_path, "straight"), run_folder(tmp_path, "rest")
    sides = ["scratch", "torch"] if impl == "both" else ["scratch"]
    assert [int(row["iteration"]) for row in read_costs(rest)] == [4, 5, 6]
    for side in sides:
        np.testing.assert_array_equal(
            column(read_costs(rest), side), column(read_costs(straight), side)[4:]
        )
        resumed, _ = scratch.load_weights(rest / f"weights-{side}.npz")
        in_one_go, _ = scratch.load_weights(straight / f"weights-{side}.npz")
        for key in in_one_go:
            np.testing.assert_array_equal(resumed[key], in_one_go[key])
    assert yaml.safe_load((rest / "config.yaml").read_text())["resume"] == first


@pytest.mark.parametrize("optimizer", [pytest.param("gd", marks=pytest.mark.slow), "adam"])
def test_the_same_command_twice_writes_the_same_costs_weights_and_state(tmp_path, optimizer):
    """Mini-batches and dropout masks drawn from the seed: the files of two runs are equal."""
    flags = ["--impl", "both", "--iterations", "12", "--batch-size", "64", "--keep-prob", "0.8"]
    flags += ["--optimizer", optimizer, "--lr", "0.05"]
    for name in ("one", "two"):
        assert train(tmp_path, *flags, "--name", name) == 0
    one, two = run_folder(tmp_path, "one"), run_folder(tmp_path, "two")
    assert (one / "costs.csv").read_bytes() == (two / "costs.csv").read_bytes()
    for side in ("scratch", "torch"):
        with np.load(one / f"weights-{side}.npz") as a, np.load(two / f"weights-{side}.npz") as b:
            assert sorted(a.files) == sorted(b.files)
            for key in a.files:
                np.testing.assert_array_equal(a[key], b[key], err_msg=f"{side}: {key}")


def test_a_diverging_cost_stops_says_where_and_keeps_the_last_good_weights(tmp_path, capsys):
    flags = ["--impl", "scratch", "--dataset", "housing", "--lr", "50", "--iterations", "100"]
    assert train(tmp_path, *flags, "--name", "boom") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "scratch: the cost stopped being finite at iteration 62" in err[0]
    folder = run_folder(tmp_path, "boom")
    rows = read_costs(folder)
    assert int(rows[-1]["iteration"]) == 61 and np.isfinite(column(rows, "scratch")).all()
    kept, spec = scratch.load_weights(folder / "weights-scratch.npz")
    X, Y, _, _ = scratch.train_test_split(*scratch.load_dataset("housing"))
    _, caches = scratch.L_model_forward(X, kept, spec)
    assert scratch.compute_cost(caches[-1].activation_cache.Z, Y, spec, kept) == float(
        rows[-1]["scratch"]
    )
    assert (
        json.loads((folder / "results.json").read_text())["implementations"]["scratch"][
            "diverged_at"
        ]
        == 62
    )


def test_the_progress_bar_shows_unless_quiet(tmp_path, capsys):
    flags = ["--runs-dir", str(tmp_path), "--impl", "scratch", "--iterations", "5"]
    assert main(flags) == 0
    assert "scratch: 100%" in capsys.readouterr().err
    assert main([*flags, "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_lightnings_bar_counts_a_full_batch_run_and_shows_its_last_cost_on_stderr(tmp_path, capsys):
    assert main(["--runs-dir", str(tmp_path / "runs"), "--impl", "torch", "--iterations", "7"]) == 0
    results = json.loads((run_folder(tmp_path, "planar-torch") / "results.json").read_text())
    printed = capsys.readouterr()
    bar = printed.err
    assert "Epoch 0" not in printed.out  # a log of stdout holds the report, not 7 redraws
    assert "Epoch 0: 100%" in bar and "7/7" in bar
    assert f"cost={results['implementations']['torch']['final_cost']:.6f}" in bar


def test_mnist_as_a_binary_task_and_as_ten_classes(tmp_path):
    write_mnist(tmp_path / "data", m=20)
    data = ["--dataset", "mnist", "--data-dir", str(tmp_path / "data"), "--iterations", "3"]
    assert train(tmp_path, *data, "--impl", "scratch", "--positive", "3", "--negative", "5") == 0
    binary = yaml.safe_load((run_folder(tmp_path, "mnist-scratch") / "config.yaml").read_text())
    assert [layer["units"] for layer in binary["spec"]["layers"]] == [4, 1]
    assert binary["spec"]["input_size"] == 784

    assert train(tmp_path, *data, "--impl", "both") == 0
    folder = run_folder(tmp_path, "mnist-both")
    ten = yaml.safe_load((folder / "config.yaml").read_text())["spec"]
    assert ten["loss"] == "cross_entropy" and ten["layers"][-1] == {
        "units": 10,
        "activation": "softmax",
    }
    assert len(read_costs(folder)) == 3
    assert not (folder / "decision_boundary.png").exists()


def test_the_cat_files_train_end_to_end(tmp_path):
    write_cat(tmp_path)
    flags = ["--impl", "scratch", "--dataset", "cat", "--data-dir", str(tmp_path), "--lr", "0.005"]
    assert train(tmp_path, *flags, "--layers", "12288", "7", "1", "--iterations", "2") == 0
    assert len(read_costs(run_folder(tmp_path, "cat-scratch"))) == 2


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--dataset", "flowers"], "data set 'flowers' is unknown"),
        (["--activation", "tanhh"], "activation 'tanhh' is unknown"),
        (["--dataset", "missing.npz"], "data file missing.npz does not exist"),
        (["--dataset", "cat", "--data-dir", "nowhere"], "train_catvnoncat.h5 does not exist"),
        (["--layers", "3", "4", "1"], "input size is 3 but planar has 2 features"),
        (["--config", "nowhere.yaml"], "config file nowhere.yaml does not exist"),
        (["--resume", "nowhere"], "nowhere/config.yaml does not exist"),
        (["--lr", "-1"], "learning_rate must be a positive number"),
        (["--impl", "jax"], "impl must be one of both, scratch, torch, got 'jax'"),
        (["--positive", "3"], "class 3 does not exist in planar"),
    ],
)
def test_user_errors_are_one_line_and_a_non_zero_exit(tmp_path, capsys, flags, message):
    assert train(tmp_path, *flags) == 2
    err = capsys.readouterr().err
    assert err.startswith("train: error: ") and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_config_file_errors_name_the_file_and_the_setting(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text("learning_rat: 0.5\n")
    assert train(tmp_path, "--config", str(config)) == 2
    assert (
        "unknown setting 'learning_rat'; did you mean 'learning_rate'?" in capsys.readouterr().err
    )
    config.write_text("learning_rate: fast\n")
    assert train(tmp_path, "--config", str(config)) == 2
    assert (
        f"{config}: learning_rate must be a positive number, got 'fast'" in capsys.readouterr().err
    )


def test_weights_of_another_network_are_refused(tmp_path, capsys):
    spec = scratch.build_spec([2, 5, 1], "relu")
    scratch.save_weights(tmp_path / "w.npz", scratch.initialize_parameters(spec), spec)
    assert train(tmp_path, "--weights", str(tmp_path / "w.npz"), "--layers", "2", "4", "1") == 2
    assert "holds weights of [2, 5, 1] relu/sigmoid" in capsys.readouterr().err


@pytest.mark.slow  # two fresh interpreters
def test_the_script_runs_as_a_file_and_as_a_module(tmp_path):
    help_text = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "train.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert "--impl {both,scratch,torch}" in help_text and "--config FILE" in help_text
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.train",
            "--impl",
            "scratch",
            "--iterations",
            "2",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "runs" / "planar-scratch" / "costs.csv").exists()


@pytest.mark.slow
def test_the_main_job_with_no_arguments(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "2000 iterations" in out and "saved to runs/planar-both/" in out
    rows = read_costs(tmp_path / "runs" / "planar-both")
    assert len(rows) == 2_000
    assert column(rows, "abs_difference").max() < 1e-10
