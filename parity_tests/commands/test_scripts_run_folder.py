"""Run folders (``scripts.runs.folder``, ``scripts.runs.staging``) never lose a finished run: a run
is published whole or not at all, replaces an earlier one only when asked, leaves nothing hidden
that the next run does not clean (and never a live run's), and gets the modes the umask gives."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scratch._atomic import atomic_write_bytes
from scripts.cli.errors import UserError
from scripts.runs import folder as run_folder
from scripts.runs.folder import RunFolder


def test_an_unfinished_run_leaves_no_folder_behind(tmp_path):
    with pytest.raises(KeyboardInterrupt), RunFolder(tmp_path, None, "run", False) as folder:
        folder.file("costs.csv").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_an_earlier_run_only_once_the_new_one_is_complete(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "costs.csv").write_text("old")
    (tmp_path / "mine" / "torch.ckpt").write_text("old")
    with RunFolder(tmp_path, "mine", "unused", True) as folder:
        folder.file("costs.csv").write_text("new")
        assert (tmp_path / "mine" / "costs.csv").read_text() == "old"
        folder.publish()
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["costs.csv"]
    assert (tmp_path / "mine" / "costs.csv").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


@pytest.mark.parametrize(("overwrite", "published"), [(False, "run-2"), (True, "run")])
def test_without_a_name_a_run_is_numbered_unless_it_overwrites_the_default_name(
    tmp_path, overwrite, published
):
    (tmp_path / "run").mkdir()
    with RunFolder(tmp_path, None, "run", overwrite) as folder:
        folder.file("costs.csv").write_text("new")
        assert folder.publish() == tmp_path / published
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"run", published})


def test_a_name_taken_while_the_run_was_going_is_not_overwritten(tmp_path):
    with RunFolder(tmp_path, "mine", "unused", False) as folder:
        (tmp_path / "mine").mkdir()
        (tmp_path / "mine" / "theirs").write_text("keep")
        assert folder.publish() == tmp_path / "mine-2"
    assert (tmp_path / "mine" / "theirs").read_text() == "keep"


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", ".."])
def test_a_run_name_must_be_a_plain_folder_name(tmp_path, name):
    with pytest.raises(UserError, match="must be a plain folder name"):
        RunFolder(tmp_path, name, "unused", False)


@pytest.mark.parametrize("mask", [0o022, 0o002], ids=["umask-022", "umask-002"])
def test_run_folders_and_files_get_the_modes_the_umask_gives(tmp_path, mask):
    old = os.umask(mask)
    try:
        with RunFolder(tmp_path, "mine", "unused", False) as folder:
            atomic_write_bytes(folder.file("costs.csv"), b"new")
            assert stat.S_IMODE(folder.staging.stat().st_mode) == 0o777 & ~mask
            path = folder.publish()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((path / "costs.csv").stat().st_mode) == 0o666 & ~mask


def test_an_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "weights.npz"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write_bytes(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_bytes() == b"new"


@pytest.mark.parametrize("swap", [True, False], ids=["exchange", "two-renames"])
def test_overwrite_leaves_one_complete_run_under_the_name_and_nothing_hidden(
    tmp_path, monkeypatch, swap
):
    if not swap:
        monkeypatch.setattr(run_folder, "exchange", lambda a, b: False)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "costs.csv").write_text("old")
    with RunFolder(tmp_path, "mine", "unused", True) as folder:
        folder.file("costs.csv").write_text("new")
        folder.publish()
    assert (tmp_path / "mine" / "costs.csv").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_the_staging_folder_of_a_killed_run_is_removed_by_the_next_run_which_says_so(
    tmp_path, capsys
):
    stale = tmp_path / ".mine.staging.abcd_123"  # no process holds its lock
    stale.mkdir()
    (stale / "costs.csv").write_text("half")
    (tmp_path / ".hidden.by.the.user").mkdir()
    with RunFolder(tmp_path, "other", "unused", False):
        pass
    assert [p.name for p in tmp_path.iterdir()] == [".hidden.by.the.user"]
    assert capsys.readouterr().err == f"removed {stale}: left by a run that was killed\n"


def test_a_run_moved_aside_by_a_killed_overwrite_is_put_back(tmp_path, capsys):
    aside = tmp_path / ".mine.replaced.abcd_123"  # as the kill between two renames leaves it
    (aside / "mine").mkdir(parents=True)
    (aside / "mine" / "costs.csv").write_text("old")
    with RunFolder(tmp_path, "other", "unused", False):
        pass
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]
    assert (tmp_path / "mine" / "costs.csv").read_text() == "old"
    assert capsys.readouterr().err.startswith(f"restored {tmp_path / 'mine'}: ")


def test_the_staging_folder_of_a_live_run_is_never_removed(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_STAGING_FOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        live = Path(holder.stdout.readline().strip())
        assert live.is_dir(), live
        with RunFolder(tmp_path, "other", "unused", False):
            pass
        assert live.is_dir() and (live / "costs.csv").read_text() == "half"
    finally:
        holder.communicate("")
    assert holder.returncode == 0


HOLD_A_STAGING_FOLDER = """
import sys
from pathlib import Path
from scripts.runs.staging import STAGING, WorkFolder
folder = WorkFolder(Path(sys.argv[1]), "mine", STAGING)
(folder.path / "costs.csv").write_text("half")
print(folder.path, flush=True)
sys.stdin.read()
"""
