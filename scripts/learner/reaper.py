"""The learner's process's descendants, ended with it: what its process group's ``SIGKILL`` does
not reach.

A learner's code can start a process that leaves the group (``os.setsid()``, a daemon's double
fork) and outlives nn-check's kill. On Linux, nn-check makes itself a child subreaper
(``prctl(PR_SET_CHILD_SUBREAPER)``): a descendant whose parent ends is then re-parented to
nn-check instead of to init, so every process the learner's code started, in whatever session,
is nn-check's own or a descendant of one. When the learner's process ends, ``end_orphans``
kills each child of nn-check it did not start itself, and reaps it, until none is left (a
killed process's own children come to nn-check in turn). Elsewhere, or where ``/proc`` cannot
be read, only the process group is ended.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
SWEEP = 2.0  # seconds end_orphans keeps finding new orphans before it gives up


def adopt_orphans() -> bool:
    """Make this process a child subreaper; whether it is one (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux, or no prctl
        return False


def children(pid: int | None = None) -> set[int]:
    """The processes whose parent is ``pid`` (default: this one), zombies too, from ``/proc``;
    empty where it cannot be read."""
    pid = os.getpid() if pid is None else pid
    found = set()
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def end_orphans(spared: set[int]) -> None:
    """Kill and reap every child of this process that is not in ``spared`` (the children it
    started itself, the ones it had before), again as their own children come to it."""
    deadline = time.monotonic() + SWEEP
    while time.monotonic() < deadline:
        orphans = children() - spared
        if not orphans:
            return
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for pid in orphans:
            _reap(pid, deadline)


def _reap(pid: int, deadline: float) -> None:
    """Wait for the killed child ``pid`` to end, until ``deadline``."""
    while True:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] or time.monotonic() > deadline:
                return
        except ChildProcessError:  # not (or no longer) a child of this process
            return
        time.sleep(0.005)
