"""The command half of the sweep (issue 11), part two: config, spec and weights files, resumed
runs and run folders at ``train``, the other commands' bad input, and issue 25's settings that
would not count (``Command`` as in ``sweep_command_cases``); ``all_commands`` gathers both
parts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sweep_cases import names
from sweep_command_cases import DONE, Command, _data_cases, _file_arg, _flag_cases, _npz_arg
from sweep_files import data_npz, write

CONV_SPEC = Path(__file__).resolve().parents[2] / "scratch" / "specs" / "shapes-conv.yaml"
FILE_KINDS = {  # --spec, --config, --weights: kind -> (file name, cause)
    "spec": {
        "missing": ("s.json", None),
        "dir": ("s.json", None),
        "text": ("s.json", None),
        "non_utf8": ("s.json", 3),
        "latin1": ("s.yaml", 3),
        "deep_json": ("s.json", 3),
        "deep_dict": ("s.json", 3),
        "list_json": ("s.json", None),
        "random": ("s.yaml", None),
        "npy": ("s.json", None),
        "spec_huge": ("s.json", 2),
        "spec_slope_tanh": ("s.json", 15),
        "spec_unknown_field": ("s.json", None),
        "spec_units_zero": ("s.json", None),
    },
    "config": {
        "missing": ("c.yaml", None),
        "dir": ("c.yaml", None),
        "non_utf8": ("c.yaml", 3),
        "latin1": ("c.yaml", 3),
        "deep_json": ("c.json", 3),
        "deep_dict": ("c.json", 3),
        "random": ("c.yaml", None),
        "list_json": ("c.json", None),
        "text": ("c.yaml", None),
        "npy": ("c.yaml", None),
    },
    "weights": {
        "missing": ("w.npz", None),
        "dir": ("w.npz", None),
        "text": ("w.npz", 4),
        "npy": ("w.npz", 4),
        "random": ("w.npz", None),
        "empty": ("w.npz", None),
        "pickled_npz": ("w.npz", 4),
        "nan_weights": ("w.npz", 1),
        "inf_weights": ("w.npz", 1),
        "bad_spec_weights": ("w.npz", 17),
        "junk_spec_weights": ("w.npz", 17),
        "spec_not_utf8_weights": ("w.npz", 3),
        "no_spec_weights": ("w.npz", None),
        "shape_weights": ("w.npz", None),
    },
}
# Where the line names the problem rather than the file: a spec too large for the machine is
# refused by the memory it needs, wherever it came from.
SAYS = {"spec_huge": r"need [\d.]+ TiB .* available"}
CONFIG_TEXT = {  # a config whose keys hold the wrong type: text -> what the error line must name
    "lr: [1, 2]\n": "learning_rate|lr",
    "iterations: abc\n": "iterations",
    "layers: 5\n": "layers",
    "dataset: 3\n": "dataset",
    "quiet: maybe\n": "quiet",
    "batch_size: true\n": "batch_size",
    "iterations: 1.5\n": "iterations",
    "spec: 5\n": "spec",
    "keep_prob: [0, 2]\n": "keep_prob",
    "seed: 1e400\n": "seed",
    "lr: .nan\n": "learning_rate|lr",
    "devices: 0\n": "devices",
    "optimizer: {adam: 1}\n": "optimizer",
    "layers: [2, 0, 1]\n": "layers",
}


def _file_cases() -> list[Command]:
    cases = []
    for flag, kinds in FILE_KINDS.items():
        for kind, (name, cause) in kinds.items():
            cases.append(
                Command(
                    f"train-{flag}-{kind}",
                    cause,
                    "train",
                    _file_arg(f"--{flag}", kind, name),
                    names(SAYS.get(kind, name.replace(".", r"\."))),
                )
            )
    for i, (text, key) in enumerate(CONFIG_TEXT.items()):
        args = lambda inputs, t=text, i=i: ["--config", _text(inputs / f"k{i}.yaml", t)]  # noqa: E731
        cases.append(Command(f"train-config-{text.strip()}", None, "train", args, names(key)))
    return cases


def _text(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


RESULTS_BAD = {  # results.json of the run resumed: content -> cause
    "no_implementations": {"data": "planar"},
    "no_scratch": {"implementations": {}},
    "no_next_iteration": {"implementations": {"scratch": {"start_iteration": 0}}},
    "next_iteration_word": {"implementations": {"scratch": {"next_iteration": "abc"}}},
    "next_iteration_negative": {"implementations": {"scratch": {"next_iteration": -3}}},
    "next_iteration_float": {"implementations": {"scratch": {"next_iteration": 2.5}}},
    "next_iteration_bool": {"implementations": {"scratch": {"next_iteration": True}}},
    "next_iteration_null": {"implementations": {"scratch": {"next_iteration": None}}},
    "implementations_list": {"implementations": ["scratch"]},
    "a_list": [1, 2],
}


def _resume_with(results: bytes | None, remove: str | None = None) -> Callable[[Path], list[str]]:
    def args(inputs: Path) -> list[str]:
        if results is not None:
            (DONE / "results.json").write_bytes(results)
        if remove is not None:
            (DONE / remove).unlink()
        return ["--resume", str(DONE)]

    return args


def _resume_cases() -> list[Command]:
    cases = [
        Command(
            f"train-resume-{k}",
            8,
            "train",
            _resume_with(json.dumps(v).encode()),
            names("results|done"),
        )
        for k, v in RESULTS_BAD.items()
    ]
    raw = {"invalid_json": b"{", "non_utf8": b"\xff\xfe", "empty": b""}
    cases += [
        Command(f"train-resume-{k}", 8, "train", _resume_with(v), names("results|done"))
        for k, v in raw.items()
    ]
    for removed in ("results.json", "config.yaml", "weights-scratch.npz"):
        cases.append(
            Command(
                f"train-resume-no_{removed}", 8, "train", _resume_with(None, removed), names("done")
            )
        )
    cases.append(
        Command("train-resume-missing", 8, "train", ["--resume", "runs/nothing"], names("nothing"))
    )
    cases.append(
        Command(
            "train-resume-a_file",
            8,
            "train",
            lambda _: ["--resume", str(DONE / "costs.csv")],
            names("costs"),
        )
    )
    both = lambda inputs: ["--resume", str(DONE), "--weights", str(DONE / "weights-scratch.npz")]  # noqa: E731
    cases.append(Command("train-resume-and-weights", None, "train", both, names("weights")))
    return cases


def _run_folder_cases() -> list[Command]:
    """Cause 9: a runs folder that is a file, or under one."""

    def runs_in(where: str) -> Callable[[Path], list[str]]:
        def args(inputs: Path) -> list[str]:
            (inputs / "f").write_text("a file\n")
            return ["--runs-dir", str(inputs / where)]

        return args

    return [
        Command("train-runs_dir-a_file", 9, "train", runs_in("f"), names(r"\bf\b")),
        Command("train-runs_dir-under_a_file", 9, "train", runs_in("f/runs"), names(r"\bf\b")),
    ]


def _other_commands() -> list[Command]:
    cases = []
    for prog in ("compare", "gradcheck"):
        shared = {
            "layers_zero": (["--layers", "2", "0", "1"], "layers", None),
            "dtype": (["--dtype", "float16"], "dtype", None),
            "layers_huge": (["--layers", "2", str(10**12), "1"], "need|memory", 2),
            "lr": (["--lr", "0.1"], r"\blr\b", None),
            "weights_text": (_file_arg("--weights", "text", "w.npz"), r"w\.npz", 4),
            "weights_nan": (_file_arg("--weights", "nan_weights", "w.npz"), r"w\.npz", 1),
            "weights_bad_spec": (
                _file_arg("--weights", "bad_spec_weights", "w.npz"),
                r"w\.npz",
                17,
            ),
            "spec_non_utf8": (_file_arg("--spec", "non_utf8", "s.json"), r"s\.json", 3),
            "spec_deep": (_file_arg("--spec", "deep_json", "s.json"), r"s\.json", 3),
            "config_non_utf8": (_file_arg("--config", "non_utf8", "c.yaml"), r"c\.yaml", 3),
            "data_m1": (
                _npz_arg(X=np.zeros((2, 1)), Y=np.zeros((1, 1), np.int64)),
                r"\bmine\b",
                5,
            ),
            "data_complex": (_npz_arg(X=np.ones((2, 20)) + 1j), "complex", 6),
        }
        cases += [Command(f"{prog}-{k}", c, prog, a, names(m)) for k, (a, m, c) in shared.items()]
    for value in ("0", "-1", "1.5", "abc"):
        cases.append(
            Command(
                f"gradcheck-examples={value}",
                None,
                "gradcheck",
                ["--examples", value],
                names("examples"),
            )
        )
    cases.append(
        Command("compare-explain_word", None, "compare", ["--explain", "maybe"], names("maybe"))
    )
    check = {
        "missing": (["nothing.py"], "nothing"),
        "dir": (lambda d: [str(write(d, "dir", "week4.py"))], "week4"),
        "npz": (lambda d: [str(data_npz(d, "week4.npz"))], "week4"),
        "week": (["--week", "5", "x.py"], "week"),
        "time_limit_zero": (["--time-limit", "0", "x.py"], "time_limit"),
        "time_limit_nan": (["--time-limit", "nan", "x.py"], "time_limit"),
        "time_limit_word": (["--time-limit", "abc", "x.py"], "time_limit"),
        "unknown_flag": (["--weeek", "4", "x.py"], "weeek"),
    }
    return cases + [
        Command(f"check-{k}", None, "nn-check", a, names(m)) for k, (a, m) in check.items()
    ]


def _config(text: str, name: str = "c.yaml") -> Callable[[Path], list[str]]:
    return lambda inputs: ["--config", _text(inputs / name, text)]


def _cut_config(lines: int | None, extra: str = "") -> Callable[[Path], list[str]]:
    """The finished run's config.yaml cut to its first ``lines`` lines, ``extra`` added."""

    def args(inputs: Path) -> list[str]:
        path = DONE / "config.yaml"
        kept = path.read_text().splitlines(keepends=True)[:lines]
        path.write_text("".join(kept) + extra)
        return ["--resume", str(DONE)]

    return args


def _uncounted_cases() -> list[Command]:
    """Issue 25: settings that would not count (two config files, two names of one setting, a
    file naming another, both ways to give the run's length, a hyperparameter, device or data
    setting the run does not read, a mode no band was measured for), and a resumed run that
    would be another run, or whose config.yaml is cut short or holds what nn-train does not
    write: one line naming them."""
    two = lambda inputs: [  # noqa: E731
        *("--config", _text(inputs / "a.yaml", "lr: 0.5\n")),
        *("--config", _text(inputs / "b.yaml", "lr: 0.7\n")),
    ]
    train = {
        "config_twice": (two, (r"a\.yaml", r"b\.yaml")),
        "alias_twice": (_config("lr: 0.5\nlearning_rate: 0.5\n"), (r"\blr\b", "learning_rate")),
        "dashed_twice": (_config("batch-size: 8\nbatch_size: 8\n"), ("batch-size", "batch_size")),
        "config_key": (_config("config: other.yaml\n"), ("config", r"other\.yaml")),
        "epochs_and_iterations": (["--epochs", "1"], ("iterations", "epochs")),
        "length_in_one_file": (_config("iterations: 3\nepochs: 1\n"), ("iterations", "epochs")),
        "accelerator_scratch": (["--accelerator", "gpu"], ("accelerator", "scratch")),
        "devices_scratch": (["--devices", "1"], ("devices", "scratch")),
        "decay_interval_alone": (["--decay-interval", "2"], ("decay.interval", "decay_rate")),
        "data_dir_builtin": (["--data-dir", "d"], ("data.dir", "planar")),
        "data_dir_in_a_file": (_config("data_dir: d\n"), (r"c\.yaml", "data_dir")),
        "test_fraction_npz_test_set": (
            lambda inputs: [
                "--dataset",
                str(data_npz(inputs, X_test=np.zeros((2, 4)), Y_test=np.zeros((1, 4), int))),
                "--test-fraction",
                "0.3",
            ],
            ("test_fraction", "X_test"),
        ),
        "test_fraction_mnist": (
            ["--dataset", "mnist", "--test-fraction", "0.3"],
            ("test.fraction", "mnist"),
        ),
        "compile_conv_both": (
            [
                "--impl",
                "both",
                "--dataset",
                "shapes",
                "--spec",
                str(CONV_SPEC),
                "--compile",
            ],
            ("compile", "convolutional"),
        ),
    }
    for optimizer, unread in {
        "gd": ("beta", "beta1", "beta2", "epsilon"),
        "momentum": ("beta1", "beta2", "epsilon"),
        "rmsprop": ("beta", "beta1"),
        "adam": ("beta",),
    }.items():
        for name in unread:
            flags = ["--optimizer", optimizer, f"--{name}", "0.5" if name != "epsilon" else "1e-3"]
            train[f"{name}_with_{optimizer}"] = (flags, (f"--{name}", optimizer))
        train[f"{optimizer}_file_beta"] = (
            _config(f"optimizer: {optimizer}\nbeta: 0.5\nbeta1: 0.5\n"),
            (r"c\.yaml", "beta"),
        )
    train.pop("momentum_file_beta")  # momentum reads beta: its file refuses beta1 instead
    resumed = ["--resume", str(DONE)]
    changes = {  # the finished run is gradient descent on planar's [2, 4, 1], float64
        "dtype": ["--dtype", "float32"],
        "optimizer": ["--optimizer", "adam"],
        "batch_norm": ["--batch-norm"],
        "keep_prob": ["--keep-prob", "0.8"],
        "learning_rate": ["--lr", "0.5"],
        "seed": ["--seed", "1"],
        "layers": ["--layers", "2", "5", "1"],
        "batch_size": ["--batch-size", "64"],
    }
    for setting, flags in changes.items():
        train[f"resume_changes_{setting}"] = ([*resumed, *flags], (setting, r"runs/done"))
    for lines in (1, 6, 20, 40):
        train[f"resume_config_cut_at_{lines}"] = (_cut_config(lines), (r"config\.yaml", "lacks"))
    train["resume_config_unknown"] = (_cut_config(None, "lr: 0.3\n"), (r"config\.yaml", r"\blr\b"))
    cases = [
        Command(f"train-uncounted-{key}", None, "train", args, names(*parts))
        for key, (args, parts) in train.items()
    ]
    others = {
        "compare": _config("seed: 1\nseed-: 2\n"),
        "gradcheck": _config("examples: 3\nconfig: x.yaml\n"),
        "nn-check": lambda inputs: ["x.py", *_config("time-limit: 3\ntime_limit: 3\n")(inputs)],
    }
    parts = {
        "compare": (r"seed-",),
        "gradcheck": ("config",),
        "nn-check": ("time-limit", "time_limit"),
    }
    cases += [
        Command(
            f"{prog.removeprefix('nn-')}-uncounted-config", None, prog, args, names(*parts[prog])
        )
        for prog, args in others.items()
    ]
    return cases


def all_commands() -> list[Command]:
    groups = (
        _flag_cases,
        _data_cases,
        _file_cases,
        _resume_cases,
        _run_folder_cases,
        _other_commands,
        _uncounted_cases,
    )
    return [case for group in groups for case in group()]
