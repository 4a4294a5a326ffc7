"""The README's "repeat a run": ``nn-train --config runs/<name>/config.yaml`` trains the run the
file names again, field for field. One test per key of ``config.yaml``: a run with that setting
away from its default, then its repeat, whose ``config.yaml``, costs and final weights and
optimizer state are the first run's, byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from test_scripts_data import write_mnist

import scratch
from scripts.runs.files import SAVED
from scripts.runs.resumed import DEFAULTS
from scripts.train import main

SPEC = scratch.NetworkSpec.from_dict(  # every field a spec file has, away from its default
    {
        "input_size": 2,
        "layers": [
            {"units": 6, "activation": "leaky_relu", "negative_slope": 0.2, "keep_prob": 0.8},
            {"units": 1, "activation": "sigmoid"},
        ],
        "init": "he",
        "l2": 0.05,
        "seed": 2,
    }
).with_hidden_layers(batch_norm=True)
SPEC = SPEC.replace(batch_norm_momentum=0.3, batch_norm_eps=1e-3)
# key -> the flags that move it away from its default ("SPEC", "WEIGHTS", "DIR": files made
# for the test); slow: the torch side trains
FIELDS: dict[str, list[str]] = {
    "dataset": ["--dataset", "moons"],
    "data_dir": ["--dataset", "mnist", "--data-dir", "DIR"],  # MNIST's files, written there
    "test_fraction": ["--test-fraction", "0.3"],
    "positive": ["--dataset", "spiral", "--positive", "1"],
    "negative": ["--dataset", "spiral", "--positive", "1", "--negative", "2"],
    "text": ["--text", "TEXT", "--spec", "RECURRENT"],
    "spec": ["--spec", "SPEC", "--batch-size", "64"],
    "layers": ["--layers", "2", "3", "1"],
    "activation": ["--activation", "relu"],
    "init": ["--init", "he"],
    "loss": ["--loss", "mse"],
    "l2": ["--l2", "0.1"],
    "dtype": ["--dtype", "float32"],
    "seed": ["--seed", "5"],
    "keep_prob": ["--keep-prob", "0.8"],
    "batch_norm": ["--batch-norm"],
    "weights": ["--weights", "WEIGHTS"],
    "impl": ["--impl", "torch"],
    "learning_rate": ["--lr", "0.3"],
    "iterations": ["--iterations", "5"],
    "epochs": ["--epochs", "2", "--batch-size", "100"],
    "batch_size": ["--batch-size", "50"],
    "print_every": ["--print-every", "1"],
    "quiet": [],
    "accelerator": ["--impl", "torch", "--accelerator", "auto"],
    "devices": ["--impl", "torch", "--devices", "1"],
    "compile": ["--impl", "torch", "--compile"],
    "precision": ["--impl", "torch", "--dtype", "float32", "--precision", "bf16-mixed"],
    "optimizer": ["--optimizer", "rmsprop"],
    "beta": ["--optimizer", "momentum", "--beta", "0.7"],
    "beta1": ["--optimizer", "adam", "--beta1", "0.8", "--lr", "0.01"],
    "beta2": ["--optimizer", "rmsprop", "--beta2", "0.99", "--lr", "0.01"],
    "epsilon": ["--optimizer", "adam", "--epsilon", "1e-6", "--lr", "0.01"],
    "decay_rate": ["--decay-rate", "0.5", "--batch-size", "100"],
    "decay_interval": ["--decay-rate", "0.5", "--decay-interval", "2", "--batch-size", "100"],
    "runs_dir": [],
    "resume": ["--resume", "FIRST"],
}
TORCH = {"impl", "accelerator", "devices", "compile", "precision"}
FAST = {"spec", "dataset", "beta", "epochs", "keep_prob", "weights", "resume", "quiet", "text"}
IN_THE_SPEC = {  # a spec-field setting is saved as the spec written out: where it shows there
    "layers": lambda spec: [layer["units"] for layer in spec["layers"]] == [3, 1],
    "activation": lambda spec: spec["layers"][0]["activation"] == "relu",
    "init": lambda spec: spec["init"] == "he",
    "loss": lambda spec: spec["loss"] == "mse",
    "l2": lambda spec: spec["l2"] == 0.1,
    "dtype": lambda spec: spec["dtype"] == "float32",
    "seed": lambda spec: spec["seed"] == 5,
    "keep_prob": lambda spec: spec["layers"][0]["keep_prob"] == 0.8,
    "batch_norm": lambda spec: spec["layers"][0]["batch_norm"] is True,
}
AT_ITS_DEFAULT = {"quiet", "devices"}  # the others' runs are quiet; one device is all there is


def test_every_key_of_a_saved_config_has_its_case():
    assert sorted(FIELDS) == sorted(SAVED)


def files_of(folder: Path) -> dict[str, object]:
    """What makes the run: its settings, costs, and every array of each weights file."""
    out: dict[str, object] = {
        name: (folder / name).read_bytes() for name in ("config.yaml", "costs.csv")
    }
    for path in sorted(folder.glob("weights-*.npz")):
        with np.load(path) as arrays:
            out[path.name] = {key: arrays[key] for key in arrays.files}
    return out


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name, value in a.items():
        if isinstance(value, dict):
            assert value.keys() == b[name].keys(), name
            for key in value:
                np.testing.assert_array_equal(value[key], b[name][key], err_msg=f"{name}: {key}")
        else:
            assert value == b[name], name


def flags_for(key: str, tmp_path: Path, runs: Path) -> list[str]:
    made = {"DIR": str(tmp_path / "data"), "SPEC": str(tmp_path / "net.json")}
    made["WEIGHTS"] = str(tmp_path / "w.npz")
    scratch.save_spec(SPEC, tmp_path / "net.json")
    (tmp_path / "pets.txt").write_text("rex\nbella\nmax\nluna\nmilo\n")  # 12 characters
    recurrent = {"input_size": 12, "loss": "cross_entropy", "clip": 1.0}
    recurrent["layers"] = [{"kind": "lstm", "units": 3}, {"units": 12, "activation": "softmax"}]
    scratch.save_spec(scratch.NetworkSpec.from_dict(recurrent), tmp_path / "rnn.json")
    made |= {"TEXT": str(tmp_path / "pets.txt"), "RECURRENT": str(tmp_path / "rnn.json")}
    start = scratch.build_spec([2, 4, 1], "tanh", seed=7)
    params = scratch.initialize_parameters(start)
    params["W1"] += 0.5
    scratch.save_weights(tmp_path / "w.npz", params, start)
    if key == "data_dir":
        write_mnist(tmp_path / "data", m=20)
    if key == "resume":
        first = ["--impl", "scratch", "--quiet", "--iterations", "3", "--name", "first"]
        assert main([*first, "--runs-dir", str(runs)]) == 0
        made["FIRST"] = str(runs / "first")
    return [made.get(flag, flag) for flag in FIELDS[key]]


def marked(key: str):
    slow = key in TORCH or key not in FAST
    return pytest.param(key, id=key, marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("key", [marked(key) for key in FIELDS])
def test_a_saved_config_repeats_its_run_field_for_field(tmp_path, key):
    runs = tmp_path / f"runs-{key}"
    base = [] if key in ("impl", *TORCH) else ["--impl", "scratch"]
    base += [] if key == "quiet" else ["--quiet"]
    base += [] if key in ("iterations", "epochs") else ["--iterations", "3"]
    flags = [*base, *flags_for(key, tmp_path, runs), "--runs-dir", str(runs), "--name", "run"]
    assert main(flags) == 0
    saved = yaml.safe_load((runs / "run" / "config.yaml").read_text())
    if key in IN_THE_SPEC:
        assert IN_THE_SPEC[key](saved["spec"]), saved["spec"]
    elif key == "spec":
        assert saved["spec"] == SPEC.to_dict()
    elif key == "epochs":  # saved as the iterations they make: 320 examples, 4 batches an epoch
        assert (saved["epochs"], saved["iterations"]) == (None, 8)
    else:
        assert (saved[key] == DEFAULTS[key]) == (key in AT_ITS_DEFAULT), (key, saved[key])
    assert main(["--config", str(runs / "run" / "config.yaml"), "--name", "again"]) == 0
    assert_same(files_of(runs / "run"), files_of(runs / "again"))
