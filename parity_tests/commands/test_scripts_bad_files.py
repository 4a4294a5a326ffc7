"""A bad file given to ``train`` (config, spec, weights, data set, a run to resume): exit code
2, one line on stderr naming the file and what is wrong with it, no traceback, never advice to
unpickle, and nothing written into the runs folder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hostile_files import written

import scratch
from scripts import train

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_YAML = "[" * 700 + "]" * 700  # past the parser's recursion; YAML scans it slowly
Make = Callable[[Path], list[str]]


def refused(capsys, tmp_path: Path, flags: list[str]) -> str:
    """Run ``train`` on ``flags``; assert it refused them cleanly and return its one line."""
    runs = tmp_path / "runs"
    before = sorted(p.relative_to(runs) for p in runs.rglob("*")) if runs.exists() else []
    argv = ["--impl", "scratch", "--iterations", "1", "--quiet", "--runs-dir", str(runs)]
    code = train.main([*argv, *flags])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "pickle" not in err and "weights_only" not in err, err
    after = sorted(p.relative_to(runs) for p in runs.rglob("*")) if runs.exists() else []
    assert after == before, "the runs folder changed"
    return lines[0]


def _npz(name: str, **arrays: np.ndarray) -> Callable[[Path], Path]:
    def write(tmp_path: Path) -> Path:
        path = tmp_path / name
        np.savez(path, allow_pickle=True, **arrays)
        return path

    return write


def _npy(tmp_path: Path) -> Path:
    path = tmp_path / "a.npz"
    with path.open("wb") as fh:
        np.save(fh, np.zeros((2, 8)))
    return path


SPEC = scratch.build_spec([2, 3, 1], "tanh")


def _weights_with_spec(text: str) -> Callable[[Path], Path]:
    def write(tmp_path: Path) -> Path:
        path = tmp_path / "w.npz"
        np.savez(path, spec=np.array(text), **scratch.initialize_parameters(SPEC))
        return path

    return write


X8, Y8 = np.zeros((2, 8)), np.array([[0, 1] * 4])
BAD_FILES = {
    # flag, the file, what the line must say (after the file's name)
    "config not UTF-8": (
        "--config",
        written("b.yaml", b"\xff\xfe"),
        "is not UTF-8 text (byte 0 is 0xff)",
    ),
    "config nested deep": (
        "--config",
        written("deep.yaml", DEEP_YAML),
        "is nested too deeply to be a config file",
    ),
    "YAML spec not UTF-8": (
        "--spec",
        written("b.yaml", b"\xff\xfe"),
        "is not UTF-8 text (byte 0 is 0xff)",
    ),
    "JSON spec not UTF-8": (
        "--spec",
        written("b.json", b'{"a": "\xe9"}'),
        "is not UTF-8 text (byte 7 is 0xe9)",
    ),
    "JSON spec nested deep": (
        "--spec",
        written("s.json", DEEP),
        "is nested too deeply to be a spec",
    ),
    "YAML spec nested deep": (
        "--spec",
        written("s.yaml", DEEP_YAML),
        "is nested too deeply to be a spec",
    ),
    "weights text": (
        "--weights",
        written("w.npz", "W1 = 1\n"),
        "is not an .npz archive (it starts with text); expected the .npz of weights",
    ),
    "weights .npy": (
        "--weights",
        _npy,
        "is not an .npz archive (it is a single .npy array)",
    ),
    "weights empty": (
        "--weights",
        written("w.npz", b""),
        "is not an .npz archive (it is empty)",
    ),
    "weights object array": (
        "--weights",
        _npz("w.npz", W1=np.array([None, 1], dtype=object)),
        "array 'W1' holds Python objects (dtype object), not numbers; it was not loaded",
    ),
    "weights spec error": (
        "--weights",
        _weights_with_spec(SPEC.to_json().replace('"units": 3', '"units": 0')),
        "w.npz': layer 1: units must be a positive integer, got 0",
    ),
    "weights spec nested deep": (
        "--weights",
        _weights_with_spec(DEEP),
        "w.npz': spec is nested too deeply",
    ),
    "weights spec not a string": (
        "--weights",
        _npz("w.npz", spec=np.zeros(3)),
        "'spec' is a float64 array of shape (3,); expected a single string",
    ),
    "data text": (
        "--dataset",
        written("d.npz", "1,2,3\n"),
        "is not an .npz archive (it starts with text); --dataset expects an .npz holding X and Y",
    ),
    "data .npy": (
        "--dataset",
        _npy,
        "is not an .npz archive (it is a single .npy array)",
    ),
    "data object labels": (
        "--dataset",
        _npz("d.npz", X=X8, Y=np.array([["a"] * 8], dtype=object)),
        "array 'Y' holds Python objects",
    ),
    "data m = 1": (
        "--dataset",
        _npz("d.npz", X=np.zeros((2, 1)), Y=np.zeros((1, 1), int)),
        "X has 1 example(s); a split needs at least 2",
    ),
    "data m = 0": (
        "--dataset",
        _npz("d.npz", X=np.zeros((2, 0)), Y=np.zeros((1, 0), int)),
        "with m >= 1; got (2, 0) and (1, 0)",
    ),
    "data test m = 0": (
        "--dataset",
        _npz("d.npz", X=X8, Y=Y8, X_test=np.zeros((2, 0)), Y_test=np.zeros((1, 0), int)),
        "X_test and Y_test must be",
    ),
    "data complex X": (
        "--dataset",
        _npz("d.npz", X=X8 + 1j, Y=Y8),
        "X must hold real numbers, got dtype complex128",
    ),
    "data complex Y": (
        "--dataset",
        _npz("d.npz", X=X8, Y=Y8 + 0j),
        "Y must hold real numbers, got dtype complex128",
    ),
    "data text labels": (
        "--dataset",
        _npz("d.npz", X=X8, Y=np.array([["0", "1"] * 4])),
        "Y must hold real numbers, got dtype <U1",
    ),
    "data unseen test class": (
        "--dataset",
        _npz("d.npz", X=X8, Y=Y8, X_test=np.zeros((2, 2)), Y_test=np.array([[0, 5]])),
        "Y_test holds class 5, but Y's classes are 0 .. 1",
    ),
    "data labels and targets": (
        "--dataset",
        _npz("d.npz", X=X8, Y=Y8, X_test=np.zeros((2, 2)), Y_test=np.array([[0.5, 1.0]])),
        "Y is int64 but Y_test is float64",
    ),
    "data Y_test alone": (
        "--dataset",
        _npz("d.npz", X=X8, Y=Y8, Y_test=np.array([[0, 1]])),
        "holds Y_test but no X_test",
    ),
    "data X_test alone": (
        "--dataset",
        _npz("d.npz", X=X8, Y=Y8, X_test=np.zeros((2, 2))),
        "holds X_test but no Y_test",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_one_line_naming_it(case, capsys, tmp_path):
    flag, make, says = BAD_FILES[case]
    path = make(tmp_path)
    line = refused(capsys, tmp_path, [flag, str(path)])
    assert path.name in line and says in line, line


@pytest.fixture(scope="module")
def one_run(tmp_path_factory) -> Path:
    runs = tmp_path_factory.mktemp("one_run") / "runs"
    flags = ["--impl", "scratch", "--iterations", "1", "--quiet", "--runs-dir", str(runs)]
    assert train.main([*flags, "--name", "first"]) == 0
    return runs / "first"


@pytest.fixture
def finished_run(one_run, tmp_path) -> Path:
    """A copy of ``one_run`` in this test's runs folder."""
    return Path(shutil.copytree(one_run, tmp_path / "runs" / "first"))


BAD_RESULTS = {
    "not UTF-8": (b'{"implementations": "\xff"}', "is not UTF-8 text (byte 21 is 0xff)"),
    "nested deep": (DEEP.encode(), "is nested too deeply to be a run's results"),
    "not JSON": (b"{", "not valid JSON"),
    "a list": (b"[]", "lists no implementations"),
    "no implementations": (b"{}", "lists no implementations"),
    "no implementation": (b'{"implementations": {}}', "lists no implementations"),
    "an unknown one": (b'{"implementations": {"../x": {}}}', "implementation '../x' is none of"),
    "no next_iteration": (
        b'{"implementations": {"scratch": {}}}',
        "lacks implementations.scratch.next_iteration",
    ),
    "a text iteration": (
        b'{"implementations": {"scratch": {"next_iteration": "abc"}}}',
        "implementations.scratch.next_iteration is 'abc'; expected a whole number >= 0",
    ),
    "a negative iteration": (
        b'{"implementations": {"scratch": {"next_iteration": -1}}}',
        "next_iteration is -1",
    ),
    "a fraction": (
        b'{"implementations": {"scratch": {"next_iteration": 1.5}}}',
        "next_iteration is 1.5",
    ),
    "a bool": (b'{"implementations": {"scratch": {"next_iteration": true}}}', "is True"),
    "an entry not a mapping": (
        b'{"implementations": {"scratch": 3}}',
        "lacks implementations.scratch.next_iteration",
    ),
}


@pytest.mark.parametrize("case", BAD_RESULTS)
def test_resuming_a_run_with_bad_results_is_one_line_naming_the_field(
    case, finished_run, capsys, tmp_path
):
    content, says = BAD_RESULTS[case]
    (finished_run / "results.json").write_bytes(content)
    capsys.readouterr()
    line = refused(capsys, tmp_path, ["--resume", str(finished_run), "--name", "next"])
    assert "results.json" in line and says in line, line


def test_resuming_a_good_run_still_goes_on_from_its_iteration(finished_run, capsys, tmp_path):
    results = json.loads((finished_run / "results.json").read_text())
    assert results["implementations"]["scratch"]["next_iteration"] == 1
    flags = ["--impl", "scratch", "--iterations", "1", "--quiet"]
    runs = ["--runs-dir", str(tmp_path / "runs")]
    assert train.main([*flags, *runs, "--resume", str(finished_run), "--name", "next"]) == 0
    after = json.loads((tmp_path / "runs" / "next" / "results.json").read_text())
    assert after["implementations"]["scratch"]["start_iteration"] == 1
