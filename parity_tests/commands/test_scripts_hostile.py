"""Files and numbers that fight back (issue 20) at the commands: archives that lie about their
size or hide their members, YAML alias bombs and keys given twice, FIFOs and devices where a
file belongs, counts that would allocate petabytes, batch norm on a batch of one, and a resumed
optimizer state that is not one. Each is exit code 2 and one ``<prog>: error:`` line within
seconds, with nothing allocated beyond the machine and nothing written to the runs folder."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hostile_files import (
    HUGE,
    archive,
    fifo,
    laughs,
    npy,
    patched,
    weights_members,
    within,
    written,
)

import scratch
from scripts import compare, gradcheck, train

PROGRAMS = {"train": train, "compare": compare, "gradcheck": gradcheck}
pytestmark = pytest.mark.usefixtures("sixteen_gib")
TRAIN = ["--impl", "scratch", "--quiet"]
SPEC = scratch.build_spec([2, 4, 1], "tanh")  # the planar default


@pytest.fixture
def sixteen_gib(monkeypatch):
    """A machine of 16 GiB, whatever this one has: 357.6 GiB of one-hot targets is too much for
    it, but not for every machine."""
    import scratch.memory

    monkeypatch.setattr(scratch.memory, "available_memory", lambda: 16 * 2**30)


def refused(capsys, tmp_path: Path, prog: str, argv: list[str]) -> str:
    """Run ``prog`` on ``argv``; assert it refused in one line, exit 2, in seconds, writing
    nothing; return the line after ``<prog>: error: ``."""
    runs = tmp_path / "runs"
    before = sorted(runs.rglob("*")) if runs.exists() else []
    if prog == "train":
        length = [] if "--epochs" in argv else ["--iterations", "1"]  # one length, not two
        argv = [*TRAIN, *length, "--runs-dir", str(runs), *argv]
    with within(60):
        code = PROGRAMS[prog].main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"{prog}: error: ") and "Traceback" not in err, err
    assert (sorted(runs.rglob("*")) if runs.exists() else []) == before, "the runs folder changed"
    return lines[0].removeprefix(f"{prog}: error: ")


def _weights(**changes: object) -> bytes:
    params = scratch.initialize_parameters(SPEC)
    return archive(weights_members(params, SPEC.to_json()), **changes)


BOMB_WEIGHTS = archive([("spec.npy", npy(np.array(SPEC.to_json()))), ("W1.npy", npy(shape=HUGE))])
BOMB_DATA = archive([("X.npy", npy(shape=HUGE, data=bytes(64))), ("Y.npy", npy(np.zeros((1, 8))))])
LABELS = archive(
    [("X.npy", npy(np.zeros((2, 60)))), ("Y.npy", npy(np.array([[0] * 59 + [10**9]])))]
)
HOSTILE_FILES = {
    # name: (program, flag, the file, what the line says after the file's name)
    "weights header bomb at train": (
        "train",
        "--weights",
        written("w.npz", BOMB_WEIGHTS),
        "array 'W1' declares (2000000, 2000000) float64 (29.1 TiB), but the archive holds 0",
    ),
    "weights header bomb at compare": (
        "compare",
        "--weights",
        written("w.npz", BOMB_WEIGHTS),
        "array 'W1' declares (2000000, 2000000) float64 (29.1 TiB)",
    ),
    "weights header bomb at gradcheck": (
        "gradcheck",
        "--weights",
        written("w.npz", BOMB_WEIGHTS),
        "array 'W1' declares (2000000, 2000000) float64 (29.1 TiB)",
    ),
    "data header bomb": (
        "train",
        "--dataset",
        written("d.npz", BOMB_DATA),
        "array 'X' declares (2000000, 2000000) float64 (29.1 TiB), but the archive holds 64",
    ),
    "weights encrypted": (
        "train",
        "--weights",
        written("w.npz", patched(_weights(), flags=0x1)),
        "member 'spec.npy' is encrypted",
    ),
    "weights in bzip2": (
        "train",
        "--weights",
        written("w.npz", _weights(compression=zipfile.ZIP_BZIP2)),
        "member 'spec.npy' is compressed by method 12",
    ),
    "weights member named twice": (
        "train",
        "--weights",
        written("w.npz", archive([*weights_members({}, SPEC.to_json())] * 2)),
        "holds two members named 'spec.npy'",
    ),
    "labels of 10^9": (
        "train",
        "--dataset",
        written("d.npz", LABELS),
        "d (train set) does not fit the spec: Y's one-hot targets (1000000001 classes x 48 "
        "examples, float64; its largest label 1000000000) need 357.6 GiB",
    ),
    "config alias bomb": (
        "train",
        "--config",
        written("c.yaml", laughs()),
        "holds 490329064 values once its aliases are expanded; a config file may hold at most",
    ),
    "spec alias bomb": (
        "compare",
        "--spec",
        written("s.yaml", laughs()),
        "holds 490329064 values once its aliases are expanded; a spec may hold at most",
    ),
    "config key twice": (
        "train",
        "--config",
        written("c.yaml", "iterations: 1\nlr: 0.5\nlr: 0.1\n"),
        "gives the key 'lr' twice in one mapping (lines 2 and 3)",
    ),
    "JSON spec key twice": (
        "gradcheck",
        "--spec",
        written("s.json", SPEC.to_json().replace('"seed": 0', '"seed": 0, "seed": 1')),
        "gives the key 'seed' twice in one mapping",
    ),
    "config FIFO": ("train", "--config", lambda tmp: fifo(tmp, "c.yaml"), "is a FIFO"),
    "spec FIFO": ("compare", "--spec", lambda tmp: fifo(tmp, "s.json"), "is a FIFO"),
    "weights FIFO": ("train", "--weights", lambda tmp: fifo(tmp, "w.npz"), "is a FIFO"),
    "data FIFO": ("gradcheck", "--dataset", lambda tmp: fifo(tmp, "d.npz"), "is a FIFO"),
    "config /dev/zero": ("train", "--config", lambda tmp: "/dev/zero", "is a character device"),
    "spec /dev/zero": ("train", "--spec", lambda tmp: "/dev/zero", "is a character device"),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_file_is_one_line_naming_it(case, capsys, tmp_path):
    prog, flag, make, says = HOSTILE_FILES[case]
    path = make(tmp_path)
    line = refused(capsys, tmp_path, prog, [flag, str(path)])
    named = str(path) in line or says.startswith(f"{path.stem} (train set)")  # data set's name
    assert named and says in line, line


HOSTILE_COUNTS = {
    # name: (program, flags, what the line says)
    "iterations 10^15, scratch": (
        "train",
        ["--iterations", str(10**15)],
        "for 1000000000000000 iteration(s) (their weights alone 136 B, float64; the iterations' "
        "costs and learning rates 14.2 PiB)",
    ),
    "iterations 10^15, torch": (
        "train",
        ["--iterations", str(10**15), "--impl", "torch"],
        "need 14.2 PiB to train on batches of 320 example(s) with gd for 1000000000000000",
    ),
    "epochs 10^13 of batches of 1": (
        "train",
        ["--epochs", str(10**13), "--batch-size", "1"],
        "need 45.5 PiB to train on batches of 1 example(s) with gd for 3200000000000000",
    ),
    "devices 10^12": (
        "train",
        ["--devices", str(10**12), "--impl", "torch"],
        "devices 1000000000000: a batch of 320 examples cannot be split into 1000000000000 equal",
    ),
    "batch norm, batch size 1": (
        "train",
        ["--batch-norm", "--batch-size", "1"],
        "layer 1: batch norm in training needs at least 2 examples in a batch, but the batch "
        "size is 1: the variance of one example is 0",
    ),
    "batch norm, a last batch of 1": (
        "train",
        ["--batch-norm", "--batch-size", "29", "--impl", "torch"],
        "but the last batch of every epoch holds 1 example (m = 320 = 11 x batch_size 29 + 1)",
    ),
    "batch norm, gradcheck of one example": (
        "gradcheck",
        ["--batch-norm", "--examples", "1"],
        "layer 1: batch norm in training needs at least 2 examples in a batch, but --examples 1 "
        "checks 1 example",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_COUNTS)
def test_a_count_that_would_allocate_too_much_or_a_batch_of_one_is_one_line(case, capsys, tmp_path):
    prog, flags, says = HOSTILE_COUNTS[case]
    line = refused(capsys, tmp_path, prog, flags)
    assert says in line, line


def test_compare_on_one_training_example_with_batch_norm_is_one_line(capsys, tmp_path):
    path = tmp_path / "one.npz"
    X, Y = np.array([[0.1], [0.2]]), np.array([[1]])
    np.savez(path, X=X, Y=Y, X_test=np.hstack([X, X]), Y_test=np.array([[1, 0]]))
    line = refused(capsys, tmp_path, "compare", ["--batch-norm", "--dataset", str(path)])
    assert "but the training set of one holds 1 example: the variance of one" in line, line


@pytest.fixture(scope="module")
def adam_run(tmp_path_factory) -> Path:
    """A finished run of batch norm and Adam on mini-batches (its optimizer state saved)."""
    runs = tmp_path_factory.mktemp("runs")
    flags = ["--batch-norm", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "64"]
    argv = [*TRAIN, "--iterations", "1", "--runs-dir", str(runs), "--name", "base", *flags]
    assert train.main(argv) == 0
    return runs / "base"


@pytest.fixture
def run_copy(adam_run, tmp_path) -> Path:
    return Path(shutil.copytree(adam_run, tmp_path / "runs" / "first"))


STATE_CHANGES = {
    # name: (a change to the saved arrays, what the line says)
    "NaN second moment": (
        lambda a: a["s_dW1"].fill(np.nan),
        "the optimizer state's s_dW1[0, 0] is nan: its entries must be finite",
    ),
    "negative second moment": (
        lambda a: a["s_dgamma1"].fill(-0.5),
        "the optimizer state's s_dgamma1[0, 0] is -0.5: a second moment is a mean of squares",
    ),
    "t = -3": (
        lambda a: a.update(t=np.array(-3)),
        "the optimizer state's t (the steps taken) must be a whole number >= 0, got -3",
    ),
    "no s": (
        lambda a: [a.pop(key) for key in list(a) if key.startswith("s_")],
        "the optimizer state holds t, v, which is not the state of 'adam' (s, t, v)",
    ),
}


@pytest.mark.parametrize("case", STATE_CHANGES)
def test_resuming_a_state_that_is_not_one_is_one_line_naming_the_file_and_entry(
    case, run_copy, capsys, tmp_path
):
    change, says = STATE_CHANGES[case]
    path = run_copy / "weights-scratch.npz"
    with np.load(path) as saved:
        arrays = {key: saved[key] for key in saved.files}
    change(arrays)
    np.savez(path, **arrays)
    line = refused(capsys, tmp_path, "train", ["--resume", str(run_copy), "--name", "next"])
    assert line.startswith(f"weights file {str(path)!r}: ") and says in line, line


@pytest.mark.parametrize("name", ["config.yaml", "results.json"])
def test_resuming_a_run_whose_file_is_a_fifo_is_one_line(name, run_copy, capsys, tmp_path):
    (run_copy / name).unlink()
    fifo(run_copy, name)
    line = refused(capsys, tmp_path, "train", ["--resume", str(run_copy), "--name", "next"])
    assert f"{run_copy / name} is a FIFO (a named pipe), not a file" in line, line


def test_resuming_a_batch_norm_run_on_batches_of_one_is_one_line(run_copy, capsys, tmp_path):
    """A resumed run keeps its batch size (issue 25), so a batch of one cannot come in by
    resuming: the change itself is the one line."""
    argv = ["--resume", str(run_copy), "--name", "next", "--batch-size", "1"]
    line = refused(capsys, tmp_path, "train", argv)
    assert "batch_size is 64 there, 1 here (--batch-size)" in line, line
