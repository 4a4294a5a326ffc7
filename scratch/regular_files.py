"""No torch twin (both sides open the files a user names through it): a file opened for
reading only when it is a regular file, and read within a size limit.

A FIFO that nobody writes blocks the first read (and the open, without ``O_NONBLOCK``), a
terminal waits for a line, ``/dev/zero`` never ends: each is refused by what it is, from
``os.stat``, before it is opened. The open itself does not block either (``O_NONBLOCK``), and
what it opened is checked again, so a file swapped for a FIFO in between is refused too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

KINDS = {  # what a path that is not a regular file is, by its mode
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a FIFO (a named pipe)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def open_regular(path: str | Path, label: str) -> BinaryIO:
    """``path`` opened for binary reading. A missing file is a ``FileNotFoundError`` and
    anything but a regular file (followed through links) a ``ValueError``, each one line that
    starts with ``label``."""
    try:
        _refuse_other_kinds(os.stat(path).st_mode, label)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileNotFoundError(f"{label} does not exist") from None
    except OSError as err:
        raise ValueError(f"{label} cannot be read: {err.strerror or err}") from None
    try:
        _refuse_other_kinds(os.fstat(fd).st_mode, label)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular(path: str | Path, label: str, limit: int, too_large: str) -> bytes:
    """The bytes of the regular file at ``path`` (``open_regular``), at most ``limit`` of them:
    a longer file (or one that grows while it is read) is a ``ValueError`` starting with
    ``label`` and ending ``too_large``."""
    with open_regular(path, label) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{label} {too_large}")
    return data


def _refuse_other_kinds(mode: int, label: str) -> None:
    for is_kind, kind in KINDS.items():
        if is_kind(mode):
            raise ValueError(f"{label} is {kind}, not a file")
    if not stat.S_ISREG(mode):
        raise ValueError(f"{label} is not a regular file")
