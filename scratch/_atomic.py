"""No torch twin: atomic file writes, so a crash mid-write never leaves a half file where a good
one was; files and folders made here get the modes the user's umask gives, as ``open`` and
``mkdir`` would (``tempfile`` alone makes them 0600 and 0700)."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask. POSIX reads it only by setting it, so it is set and put back at
    once, under a lock, here and nowhere else."""
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def temporary_folder(parent: str | Path, prefix: str) -> Path:
    """A new folder ``parent/<prefix><random>`` with mode ``0o777 & ~umask``."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(path, 0o777 & ~umask())
    return path


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(fileobj)`` on a temporary file beside ``path``, flush it to disk, then
    rename it over ``path`` in one step (``os.replace``). The file keeps the mode of the one it
    replaces, or gets ``0o666 & ~umask``. On any error the temporary file is removed and ``path``
    keeps its old contents."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    atomic_write(path, lambda fh: fh.write(data))
