"""The command sweep of issue 11: every bad command line, config, spec, weights or data file and
run folder (``sweep_command_cases``) exits 2 with exactly one ``<prog>: error:`` line naming the
problem, prints no traceback, and writes or changes nothing: the case's folder (its runs, a
finished run and the bad files themselves) is byte-identical afterwards. A few runs of the real
entry point, ``python -m scripts.train``, check the same from outside (slow lane)."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from sweep_command_cases import DONE, TRAIN
from sweep_command_files import all_commands

from scripts import check, compare, gradcheck, train

PROGRAMS = {"train": train, "compare": compare, "gradcheck": gradcheck, "nn-check": check}
CASES = all_commands()
UNSAFE = re.compile(r"allow_pickle|weights_only|unpickl", re.IGNORECASE)
ROOT = Path(__file__).resolve().parents[2]


def representatives(cases) -> set[str]:
    """The fast lane's share: the first case of each cause, program and kind of input (a flag,
    a data, spec, config or weights file, a resumed run, a runs folder); the rest run slow."""
    first: dict[tuple, str] = {}
    for case in cases:
        parts = case.id.split("-")
        first.setdefault((case.cause, case.prog, parts[1] if len(parts) > 2 else "flag"), case.id)
    return set(first.values())


FAST = representatives(CASES)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """A finished 3-step scratch run to copy into each case's folder."""
    runs = tmp_path_factory.mktemp("finished")
    assert train.main([*TRAIN[:-1], str(runs), "--iterations", "3", "--name", "done"]) == 0
    return runs / "done"


@pytest.fixture
def workspace(tmp_path, monkeypatch, finished_run, capsys) -> Path:
    """The case's working folder: ``runs/done`` and ``runs/planar-scratch`` (finished runs) and
    ``in/`` for its bad files."""
    monkeypatch.chdir(tmp_path)
    for name in (DONE.name, "planar-scratch"):
        shutil.copytree(finished_run, tmp_path / "runs" / name)
    (tmp_path / "in").mkdir()
    capsys.readouterr()
    return tmp_path


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every path under ``folder`` with its mode and, for a file, its bytes."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mode, p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def argv_of(case, workspace: Path) -> list[str]:
    """The case's command line, its bad files written into ``workspace / "in"``."""
    args = case.args(workspace / "in") if callable(case.args) else list(case.args)
    return [*TRAIN, *args] if case.prog == "train" else args


def assert_one_error_line(prog: str, printed, pattern: str) -> None:
    lines = printed.err.splitlines()
    assert len(lines) == 1, printed.err
    assert lines[0].startswith(f"{prog}: error: "), lines[0]
    assert re.search(pattern, lines[0], re.IGNORECASE), (pattern, lines[0])
    assert not UNSAFE.search(lines[0]), lines[0]
    assert "Traceback" not in printed.out + printed.err


def marked(case):
    slow = case.id not in FAST
    return pytest.param(case, id=case.id, marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("case", [marked(case) for case in CASES])
def test_a_bad_command_is_one_line_exit_2_and_writes_nothing(case, workspace, capsys):
    argv = argv_of(case, workspace)
    before = snapshot(workspace)
    code = PROGRAMS[case.prog].main(argv)
    printed = capsys.readouterr()
    assert code == 2, (code, printed.err[-2000:])
    assert_one_error_line(case.prog, printed, case.match)
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    "error, code",
    [
        (PermissionError(errno.EACCES, "Permission denied"), 2),
        (OSError(errno.ENOSPC, "No space"), 2),
    ],
    ids=["read_only", "full_disk"],
)
def test_a_runs_folder_that_cannot_be_written_is_one_line(
    workspace, monkeypatch, capsys, error, code
):
    """Cause 9: making the run's folder fails (read-only, full disk); the runs kept as they were."""
    real_mkdir, runs = os.mkdir, workspace / "runs"

    def mkdir(path, *args, **kwargs):
        if Path(path).resolve().parent == runs:
            raise type(error)(error.errno, error.strerror, str(path))
        return real_mkdir(path, *args, **kwargs)

    before = snapshot(workspace)
    monkeypatch.setattr(os, "mkdir", mkdir)
    assert train.main(TRAIN) == code
    monkeypatch.undo()
    assert_one_error_line("train", capsys.readouterr(), "runs")
    assert snapshot(workspace) == before


@pytest.mark.slow
def test_a_disk_full_while_saving_fails_the_run_in_one_line(workspace, monkeypatch, capsys):
    """Cause 9: the disk fills while the run is saved: exit 1, one line, nothing written."""

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    before = snapshot(workspace)
    monkeypatch.setattr(os, "fsync", fsync)
    assert train.main(TRAIN) == 1
    monkeypatch.undo()
    assert_one_error_line("train", capsys.readouterr(), "space")
    assert snapshot(workspace) == before


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_a_gpu_asked_for_on_a_machine_without_one_is_one_line(workspace, capsys):
    """Cause 10: ``--accelerator gpu`` without a GPU."""
    before = snapshot(workspace)
    assert train.main([*TRAIN, "--impl", "torch", "--accelerator", "gpu"]) == 2
    assert_one_error_line("train", capsys.readouterr(), "gpu")
    assert snapshot(workspace) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["--config", "in/c.yaml"],
        ["--layers", "2", "0", "1"],
        ["--weights", "in/w.npz"],
        ["--impl", "torch", "--devices", "3"],
        ["--resume", "runs/done"],
    ],
    ids=["non_utf8_config", "zero_units", "text_weights", "devices_3", "resume_broken_results"],
)
def test_the_real_entry_point_exits_2_without_a_traceback(workspace, args):
    """``python -m scripts.train`` with bad input, from outside: exit 2, one line, no traceback
    (``--devices 3``: 320 examples do not split into 3, found before any process starts)."""
    (workspace / "in" / "c.yaml").write_bytes(b"\xff\xfe")
    (workspace / "in" / "w.npz").write_text("not weights\n")
    (workspace / DONE / "results.json").write_text('{"implementations": {"scratch": {}}}')
    before = snapshot(workspace)
    env = os.environ | {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "scripts.train", *TRAIN, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("train: error: ")
    assert snapshot(workspace) == before


@pytest.mark.slow
@pytest.mark.parametrize("args", [[], ["--config", "in/ok.yaml"], ["--layers", "2", "3", "1"]])
def test_a_good_command_line_makes_exactly_one_run(workspace, capsys, args):
    """The accepted side: a config with an alias key, layer sizes; exit 0, one new run."""
    (workspace / "in" / "ok.yaml").write_text("lr: 0.5\nbatch_size: 64\n")
    before = set(os.listdir(workspace / "runs"))
    assert train.main([*TRAIN, *args]) == 0, capsys.readouterr().err
    assert set(os.listdir(workspace / "runs")) - before == {"planar-scratch-2"}


def test_the_sweep_covers_the_issues_scale_and_causes():
    """About the 122 inputs the issue tried through the commands, and the commands' causes."""
    assert len(CASES) >= 122, len(CASES)
    assert len({case.id for case in CASES}) == len(CASES), "two cases share an id"
    assert {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 17} <= {case.cause for case in CASES}
