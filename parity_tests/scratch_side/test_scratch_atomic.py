"""``scratch._atomic``: a file is replaced in one step or not at all, and what is made here gets
the modes the user's umask gives (``tempfile`` alone would give 0600 and 0700)."""

from __future__ import annotations

import os
import stat

import pytest

from scratch._atomic import atomic_write, atomic_write_bytes, temporary_folder, umask


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_reading_the_umask_leaves_it_as_it_was(umask_022):
    assert umask() == 0o022
    assert umask() == 0o022


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "weights.npz"
    path.write_bytes(b"the good one")

    def half_then_fail(fh):
        fh.write(b"half a fi")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"the good one"
    assert [p.name for p in tmp_path.iterdir()] == ["weights.npz"]


def test_a_write_makes_the_parent_folders_and_replaces_the_file_whole(tmp_path):
    path = tmp_path / "runs" / "a" / "costs.csv"
    atomic_write_bytes(path, b"first")
    atomic_write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in path.parent.iterdir()] == ["costs.csv"]


def test_a_new_file_gets_the_mode_the_umask_gives_and_a_replaced_one_keeps_its_own(
    tmp_path, umask_022
):
    new = tmp_path / "new.json"
    atomic_write_bytes(new, b"{}")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    kept = tmp_path / "kept.json"
    kept.write_bytes(b"{}")
    kept.chmod(0o600)
    atomic_write_bytes(kept, b"[]")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_temporary_folder_gets_the_mode_the_umask_gives(tmp_path, umask_022):
    folder = temporary_folder(tmp_path, ".run.staging.")
    assert folder.parent == tmp_path and folder.name.startswith(".run.staging.")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
