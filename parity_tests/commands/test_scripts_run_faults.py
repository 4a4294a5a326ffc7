"""The ``train`` command when its runs folder fails it or it is killed or interrupted: one line
naming the folder and the reason, no traceback, and no run lost or half published."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from scripts.train import main

REPO = Path(__file__).resolve().parents[2]
SMALL = ("--impl", "scratch", "--layers", "2", "1", "--quiet")


def train(runs: Path, *flags: str) -> int:
    return main(["--runs-dir", str(runs), *SMALL, *flags])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_runs_folder_that_is_a_file_is_one_line_and_exit_2(tmp_path, capsys):
    runs = tmp_path / "runs"
    runs.write_text("not a folder")
    assert train(runs, "--iterations", "2") == 2
    err = capsys.readouterr().err
    assert err == f"train: error: runs folder {runs} is a file, not a folder\n"
    assert runs.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_runs_folder_is_one_line_and_exit_2(tmp_path, capsys):
    runs = tmp_path / "runs"
    runs.mkdir(mode=0o555)
    try:
        assert train(runs, "--iterations", "2") == 2
    finally:
        runs.chmod(0o755)
    assert "Permission denied" in capsys.readouterr().err
    assert list(runs.iterdir()) == []


def test_a_runs_folder_refusing_a_new_folder_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    """The read-only case as root sees it: the folder's creation raises ``PermissionError``."""
    runs = tmp_path / "runs"
    runs.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(runs / ".x"))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    assert train(runs, "--iterations", "2") == 2
    err = capsys.readouterr().err
    assert err == f"train: error: cannot make a run in runs folder {runs}: Permission denied\n"
    assert list(runs.iterdir()) == []


def test_a_full_disk_mid_run_is_one_line_exit_1_and_the_earlier_run_is_intact(
    tmp_path, capsys, monkeypatch
):
    runs = tmp_path / "runs"
    assert train(runs, "--iterations", "2", "--name", "mine") == 0
    before = snapshot(runs / "mine")
    capsys.readouterr()
    replace = os.replace

    def full(src, dst, *args, **kwargs):
        if Path(dst).name == "results.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    assert train(runs, "--iterations", "3", "--name", "mine", "--overwrite") == 1
    err = capsys.readouterr().err
    assert err == (
        f"train: error: could not save run 'mine' in runs folder {runs}: No space left on "
        "device; no run was written or changed\n"
    )
    assert [p.name for p in runs.iterdir()] == ["mine"]
    assert snapshot(runs / "mine") == before


KILL_AT_STEP = """
import os, shutil, sys
import scripts.runs.folder as run_folder
from scripts.train import main

kill_at, swap, argv = int(sys.argv[1]), sys.argv[2] == "exchange", sys.argv[3:]
steps = 0

def step(call):
    def counted(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os._exit(137)
        return call(*args, **kwargs)
    return counted

os.replace, os.rename, shutil.rmtree = step(os.replace), step(os.rename), step(shutil.rmtree)
run_folder.exchange = step(run_folder.exchange) if swap else (lambda a, b: False)
code = main(argv)
print(steps, flush=True)
os._exit(code)
"""


def is_complete(folder: Path, runs: dict[int, dict[str, bytes]]) -> int:
    """Which of ``runs`` (by its iteration count) ``folder`` holds, whole."""
    held = snapshot(folder)
    done = json.loads(held["results.json"])["implementations"]["scratch"]["next_iteration"]
    assert held.keys() == runs[2].keys(), sorted(held)
    if done == 2:
        assert held == runs[2]
    return done


@pytest.mark.slow
@pytest.mark.parametrize("swap", ["exchange", "two-renames"])
def test_a_kill_at_each_step_of_saving_leaves_a_complete_run_under_its_name(tmp_path, capsys, swap):
    """A real ``--overwrite`` run killed at each rename, replace and removal of its saving:
    the name holds the earlier run or the new one, whole (with two renames, once the next run
    in the folder has put the earlier one back), and that next run leaves nothing hidden."""
    template = tmp_path / "template"
    assert train(template, "--iterations", "2", "--name", "mine") == 0
    runs_of = {2: snapshot(template / "mine")}
    seen, kill_at = set(), 1
    while True:
        runs = tmp_path / f"runs-{kill_at}"
        shutil.copytree(template, runs)
        argv = ["--runs-dir", str(runs), *SMALL, "--iterations", "3", "--name", "mine"]
        child = subprocess.run(
            [sys.executable, "-c", KILL_AT_STEP, str(kill_at), swap, *argv, "--overwrite"],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        assert child.returncode in (0, 137), child.stderr
        if swap == "exchange":
            seen.add(is_complete(runs / "mine", runs_of))
        assert train(runs, "--iterations", "2", "--name", "next") == 0  # the next start
        seen.add(is_complete(runs / "mine", runs_of))
        assert sorted(p.name for p in runs.iterdir()) == ["mine", "next"]
        assert train(runs, "--resume", str(runs / "mine"), "--iterations", "1") == 0
        if child.returncode == 0:
            break
        kill_at += 1
    capsys.readouterr()
    assert kill_at > 3 and seen == {2, 3}, (kill_at, seen)


@pytest.mark.slow
def test_ctrl_c_while_the_torch_side_trains_says_interrupted_exits_130_and_leaves_nothing(
    tmp_path,
):
    runs = tmp_path / "runs"
    command = [sys.executable, "-m", "scripts.train", "--impl", "torch", "--iterations", "100000"]
    child = subprocess.Popen(
        [*command, "--runs-dir", str(runs)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    err = bytearray()
    started = threading.Event()

    def read() -> None:
        while chunk := os.read(child.stderr.fileno(), 4096):
            err.extend(chunk)
            if b"cost=" in err:  # the bar after a step: fit is running
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(120), bytes(err).decode()
        child.send_signal(signal.SIGINT)
        assert child.wait(60) == 130, bytes(err).decode()
    finally:
        if child.poll() is None:
            child.kill()
    reader.join(10)
    text = bytes(err).decode()
    assert text.rstrip().endswith("train: interrupted") and "Traceback" not in text, text
    assert not runs.exists()  # the runs folder it made, empty, is gone too
