"""The command half of the sweep (issue 11), part one: bad flags and data files at ``train``
(part two, ``sweep_command_files``: config, spec and weights files, resumed runs, run folders,
and ``compare``, ``gradcheck`` and ``nn-check``).

A ``Command`` case is a program, its arguments (a list, or a function of the folder ``inputs``
where its bad files are written, relative paths from the case's working folder) and the pattern
its one ``<prog>: error:`` line must match (``names`` as in ``sweep_cases``); ``cause`` is the
issue's cause number. ``train`` cases get ``TRAIN`` in front (a 2-step scratch run into
``runs/``, beside a finished run ``runs/done`` to resume and a run ``runs/planar-scratch``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sweep_cases import names
from sweep_files import data_npz, write

TRAIN = ["--impl", "scratch", "--iterations", "2", "--quiet", "--runs-dir", "runs"]
DONE = Path("runs") / "done"  # a finished run (module fixture), to resume
Args = list[str] | Callable[[Path], list[str]]


class Command(NamedTuple):
    id: str
    cause: int | None
    prog: str
    args: Args
    match: str


def _flag_cases() -> list[Command]:
    bad = {  # id: (flags, what the error line must name)
        "layers_zero": (["--layers", "2", "0", "1"], "layers"),
        "layers_negative": (["--layers", "2", "-1", "1"], "layers"),
        "layers_float": (["--layers", "2", "1.5", "1"], "layers"),
        "layers_word": (["--layers", "2", "many", "1"], "layers"),
        "layers_bool": (["--layers", "2", "true", "1"], "layers"),
        "layers_input": (["--layers", "3", "4", "1"], r"input size|features"),
        "layers_one": (["--layers", "2"], "layers|layer"),
        "activation": (["--activation", "tanhh"], "tanhh"),
        "activation_softmax": (["--activation", "softmax"], "softmax"),
        "init": (["--init", "heh"], "init"),
        "loss": (["--loss", "msee"], "loss"),
        "dtype": (["--dtype", "float16"], "dtype"),
        "l2_negative": (["--l2", "-1"], "l2"),
        "l2_nan": (["--l2", "nan"], "l2"),
        "l2_inf": (["--l2", "inf"], "l2"),
        "seed_negative": (["--seed", "-1"], "seed"),
        "seed_float": (["--seed", "1.5"], "seed"),
        "seed_word": (["--seed", "abc"], "seed"),
        "keep_zero": (["--keep-prob", "0"], "keep_prob"),
        "keep_big": (["--keep-prob", "1.5"], "keep_prob"),
        "keep_nan": (["--keep-prob", "nan"], "keep_prob"),
        "keep_two_for_one": (["--keep-prob", "0.5", "0.5"], "keep_prob"),
        "lr_zero": (["--lr", "0"], "learning_rate"),
        "lr_negative": (["--lr", "-1"], "learning_rate"),
        "lr_nan": (["--lr", "nan"], "learning_rate"),
        "lr_inf": (["--lr", "inf"], "learning_rate"),
        "lr_word": (["--lr", "abc"], "learning_rate"),
        "lr_empty": (["--lr", ""], "learning_rate"),
        "iterations_zero": (["--iterations", "0"], "iterations"),
        "iterations_negative": (["--iterations", "-1"], "iterations"),
        "iterations_float": (["--iterations", "1.5"], "iterations"),
        "iterations_bool": (["--iterations", "true"], "iterations"),
        "epochs_zero": (["--epochs", "0"], "epochs"),
        "batch_zero": (["--batch-size", "0"], "batch_size"),
        "batch_float": (["--batch-size", "1.5"], "batch_size"),
        "print_every_zero": (["--print-every", "0"], "print_every"),
        "optimizer": (["--optimizer", "sgdx"], "optimizer"),
        "beta_one": (["--beta", "1"], "beta"),
        "beta1_negative": (["--beta1", "-0.1"], "beta1"),
        "beta2_big": (["--beta2", "1.5"], "beta2"),
        "epsilon_zero": (["--epsilon", "0"], "epsilon"),
        "decay_negative": (["--decay-rate", "-1"], "decay_rate"),
        "decay_interval_zero": (["--decay-interval", "0"], "decay_interval"),
        "impl": (["--impl", "numpy"], "impl"),
        "test_fraction_zero": (["--test-fraction", "0"], "test_fraction"),
        "test_fraction_one": (["--test-fraction", "1"], "test_fraction"),
        "test_fraction_nan": (["--test-fraction", "nan"], "test_fraction"),
        "positive_absent": (["--positive", "7"], r"\b7\b"),
        "positive_word": (["--positive", "abc"], "positive"),
        "negative_alone": (["--negative", "1"], "positive"),
        "unknown_flag": (["--lrr", "0.1"], "lrr"),
        "stray_argument": (["foo"], "foo"),
        "name_slash": (["--name", "a/b"], "a/b"),
        "name_hidden": (["--name", ".hidden"], "hidden"),
        "name_taken": (["--name", "planar-scratch"], "planar-scratch"),
        "dataset_unknown": (["--dataset", "flower"], "flower"),
        "devices_zero": (["--impl", "torch", "--devices", "0"], "devices"),
        "devices_word": (["--impl", "torch", "--devices", "abc"], "devices"),
        "accelerator_unknown": (["--impl", "torch", "--accelerator", "tpux"], "tpux"),
    }
    cause = {
        "layers_bool": 14,
        "iterations_bool": 14,
        "devices_zero": 10,
        "accelerator_unknown": 10,
    }
    return [Command(f"train-{k}", cause.get(k), "train", a, names(m)) for k, (a, m) in bad.items()]


def _npz_arg(**arrays) -> Callable[[Path], list[str]]:
    return lambda inputs: ["--dataset", str(data_npz(inputs, **arrays))]


def _file_arg(flag: str, kind: str, name: str) -> Callable[[Path], list[str]]:
    return lambda inputs: [flag, str(write(inputs, kind, name))]


def _data_cases() -> list[Command]:
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((2, 20)), (np.arange(20) % 2).reshape(1, 20)
    arrays = {  # id: (npz arrays, what the error line must name besides the file, cause)
        "m0": ({"X": np.zeros((2, 0)), "Y": np.zeros((1, 0), np.int64)}, "example", 5),
        "m1": ({"X": np.zeros((2, 1)), "Y": np.zeros((1, 1), np.int64)}, "example", 5),
        "no_Y": ({"Y": None}, r"\bY\b", None),
        "X_1d": ({"X": X[0]}, r"\bX\b", None),
        "X_nan": ({"X": np.where(X > 1, np.nan, X)}, "nan|finite", None),
        "X_inf": ({"X": np.where(X > 1, np.inf, X)}, "inf|finite", None),
        "X_complex": ({"X": X + 1j}, "complex", 6),
        "Y_complex": ({"Y": Y + 0j}, "complex", 6),
        "Y_str": ({"Y": Y.astype(str)}, r"\bY\b", 6),
        "Y_bytes": ({"Y": Y.astype("S1")}, r"\bY\b", 6),
        "X_str": ({"X": X.astype(str)}, r"\bX\b", 6),
        "Y_short": ({"Y": Y[:, :19]}, r"\bY\b", None),
        "Y_test_class_5": (
            {"X_test": X[:, :5], "Y_test": np.array([[0, 1, 5, 1, 0]])},
            r"\b5\b|Y_test",
            7,
        ),
        "Y_test_alone": ({"Y_test": Y[:, :5]}, "X_test", 7),
        "X_test_alone": ({"X_test": X[:, :5]}, "Y_test", None),
        "X_test_features": (
            {"X_test": np.zeros((3, 5)), "Y_test": Y[:, :5]},
            "X_test|feature",
            None,
        ),
    }
    cases = [
        Command(f"train-data-{k}", c, "train", _npz_arg(**a), names(r"\bmine\b", m))
        for k, (a, m, c) in arrays.items()
    ]
    for kind, cause in {
        "missing": None,
        "dir": None,
        "text": 4,
        "npy": 4,
        "random": None,
        "empty": None,
        "pickled_npz": 4,
    }.items():
        args = _file_arg("--dataset", kind, "d.npz")
        cases.append(Command(f"train-data-file-{kind}", cause, "train", args, names(r"d\.npz")))
    return cases
