"""The hidden work folders of a runs folder: ``.<name>.staging.<random>``, a run being written,
and ``.<name>.replaced.<random>``, an earlier run moved aside by ``--overwrite`` where the file
system cannot swap two folders in one step.

The process that makes one holds a lock on it (``flock``) for as long as it lives, so a work
folder whose lock is free is proved abandoned: its process was killed. ``clean_stale`` then puts
back a run that an interrupted replacement had moved aside and removes everything else; it never
touches a folder a live process holds.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import sys
from pathlib import Path

from scratch._atomic import temporary_folder

STAGING, REPLACED = "staging", "replaced"
_WORK = re.compile(r"\.(?P<name>.+)\.(?P<kind>staging|replaced)\.[a-z0-9_]{8}")
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_renameat2 = (
    getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if sys.platform == "linux"
    else None
)


class WorkFolder:
    """A new work folder of ``kind`` for run ``name`` in ``runs_dir``, locked until
    ``release()``."""

    def __init__(self, runs_dir: Path, name: str, kind: str):
        while True:
            path = temporary_folder(runs_dir, f".{name}.{kind}.")
            fd = os.open(path, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits while a cleaner that found it free removes it
            if _still_at(fd, path):
                break
            os.close(fd)
        self.path: Path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def clean_stale(runs_dir: Path) -> list[str]:
    """Put back or remove the work folders in ``runs_dir`` that no live process holds; one line
    per folder, saying what was done."""
    notes = []
    for entry in sorted(runs_dir.iterdir()):
        match = _WORK.fullmatch(entry.name)
        if match is None or entry.is_symlink() or not entry.is_dir():
            continue
        fd = os.open(entry, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its process is running
            if _still_at(fd, entry):
                notes.append(_recover(entry, runs_dir / match["name"], match["kind"]))
        finally:
            os.close(fd)
    return notes


def exchange(a: Path, b: Path) -> bool:
    """Swap the entries ``a`` and ``b`` in one step (Linux's ``renameat2(RENAME_EXCHANGE)``);
    ``False``, with nothing done, where the system or the file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _recover(work: Path, run: Path, kind: str) -> str:
    moved = work / run.name
    if kind == REPLACED and moved.is_dir() and not os.path.lexists(run):
        os.rename(moved, run)
        shutil.rmtree(work)
        return (
            f"restored {run}: the run replacing it (--overwrite) was killed before it was in place"
        )
    shutil.rmtree(work)
    return f"removed {work}: left by a run that was killed"


def _still_at(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False
