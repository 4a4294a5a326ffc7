"""The parent's side of nn-check's child process (``scripts.learner.child``): start it, load the
learner's file, call their functions with a time limit, and start a fresh child after one had
to be stopped.

A child process rather than a thread, because a thread stuck in a learner's loop cannot be
stopped, while a process can be killed. A fresh interpreter (not a fork: the parent holds
torch's threads; not multiprocessing's spawn, which would run the parent's main module again),
in a session and process group of its own, joined by a socket pair that carries plain data only
(``scripts.learner.wire``: nothing the child sends can run code here), read with a deadline.
The watchdog is the deadline: whatever the learner's code does to its descriptors, signals or
children, at the limit its whole process group is killed (``SIGKILL``, which no handler
catches), and with it, on Linux, every process it started that left the group
(``scripts.learner.reaper``: nn-check is their subreaper). Its output goes nowhere: what a
learner prints reaches nn-check counted, not shown.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from scratch.grading.outcomes import Failure, Loaded, Result, Stopped
from scripts.cli.errors import UserError
from scripts.learner.imports import missing_text
from scripts.learner.loading import Source
from scripts.learner.reaper import adopt_orphans, children, end_orphans
from scripts.learner.transfer import RECORDS, Shared, replace
from scripts.learner.wire import WireError, receive, send

SHARE_BYTES = 1 << 20  # an array this large travels to the child once, and back as a reference
STARTUP = 60.0  # seconds for a fresh interpreter to import NumPy and say it is ready
GRACE = 1.0  # seconds a child that closed its connection gets to end by itself
TRANSFER = 30.0  # seconds a call's arguments may take to reach the child and be read there
# no bytecode written; plt.show() draws nothing; one BLAS thread, which leaves the cores to
# the oracle between calls and spends nothing spinning while it waits for the next call
CHILD_ENVIRONMENT = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLBACKEND": "Agg",
    **{name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
}
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds scripts/ and scratch/
BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); "
    "from scripts.learner.child import serve; serve(int(sys.argv[1]))"
)


class Learner:
    """The learner's file, loaded in a child process. ``call`` returns the child's ``Result``,
    or ``Stopped``; ``close`` ends the child and everything it started."""

    def __init__(self, source: Source, time_limit: float):
        self.source, self.time_limit = source, time_limit
        self._process: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._held: dict[int, np.ndarray] = {}
        self._in_child: set[int] = set()
        self.loaded: Loaded | None = None
        adopt_orphans()
        self._spared = children()  # this process's own children, which are not the learner's

    @property
    def solution(self) -> str:
        """The file or module, as the learner named it."""
        return self.source.target

    def load(self) -> Loaded:
        """Start the child and load the file; a ``UserError`` (one line) when it cannot."""
        reply = self._start()
        if isinstance(reply, Stopped):
            raise UserError(f"loading {self.source.target} {reply.reason}{self._load_hint()}")
        if reply.failure is not None:
            self.close()
            raise UserError(load_failure(self.source, reply.failure))
        self.loaded = reply
        return reply

    def _load_hint(self) -> str:
        if self.source.definitions_only or self.source.is_notebook:
            return ""
        return " (does its top-level code train or load data? --definitions-only skips it)"

    def call(self, name: str, args: tuple, substitutes: tuple = ()) -> Result | Stopped:
        if self._process is None:
            restarted = self._start()
            if isinstance(restarted, Stopped):
                return restarted
            if restarted.failure is not None:
                self.close()
                return Stopped(f"the file did not load again: {restarted.failure.one_line()}")
        arrays: dict[int, np.ndarray] = {}
        args = replace(args, np.ndarray, lambda array: self._share(array, arrays))
        too_long = (
            f"stopped after {self.time_limit:g} s, the time limit (--time-limit): a loop over "
            "the examples? The course's functions work on whole matrices"
        )
        try:  # the time limit is the function's: it starts once the child has its arguments
            send(self._sock, (name, args, substitutes, arrays), TRANSFER)
        except WireError:
            return self._stop("it did not take its arguments")
        taken = self._reply(time.monotonic() + TRANSFER, "it did not take its arguments", str)
        if isinstance(taken, Stopped):
            return taken
        reply = self._reply(time.monotonic() + self.time_limit, too_long, Result)
        if isinstance(reply, Result):
            try:
                reply.value = replace(reply.value, Shared, lambda shared: self._held[shared.key])
            except KeyError:  # a key nn-check never sent
                return self._stop("it sent back an array nn-check never gave it")
        return reply

    def _share(self, array: np.ndarray, arrays: dict[int, np.ndarray]) -> Any:
        """A large array as a ``Shared``, sent (in ``arrays``) the first time only; the array is
        held so that its id names it for as long as this runs."""
        if array.nbytes < SHARE_BYTES:
            return array
        key = id(array)
        self._held[key] = array
        if key not in self._in_child:
            arrays[key] = array
            self._in_child.add(key)
        return Shared(key)

    def close(self) -> None:
        """Ask the child to end, then end its process group whatever it answered."""
        if self._process is None:
            return
        with contextlib.suppress(WireError, subprocess.TimeoutExpired):
            send(self._sock, None, GRACE)
            self._process.wait(GRACE)
        self._end()

    def __enter__(self) -> Learner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _start(self) -> Loaded | Stopped:
        self._in_child = set()
        ours, theirs = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-c", BOOT, str(theirs.fileno()), str(ROOT)],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **CHILD_ENVIRONMENT},
            start_new_session=True,
        )
        theirs.close()
        self._sock = ours
        ready = self._reply(time.monotonic() + STARTUP, "did not start", str)
        if isinstance(ready, Stopped):
            return ready
        try:
            send(self._sock, vars(self.source), self.time_limit)
        except WireError:
            return self._stop("did not take the file to load")
        deadline = time.monotonic() + self.time_limit
        too_long = f"took longer than {self.time_limit:g} s, the time limit"
        return self._reply(deadline, too_long, Loaded)

    def _reply(self, deadline: float, too_long: str, kind: type) -> Any:
        """The child's next message, of type ``kind``, by ``deadline``; else the child's process
        group ended and a ``Stopped`` saying why."""
        try:
            reply = receive(self._sock, deadline, RECORDS)
        except EOFError:
            try:
                code = self._process.wait(max(0.0, min(GRACE, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                return self._stop(
                    "it closed its connection to nn-check and went on running (its file "
                    "descriptors closed?)"
                )
            return self._stop(f"it ended its process (exit code {code}): os._exit(), or a crash")
        except WireError as err:
            if str(err) == "no answer in time":
                return self._stop(too_long)
            return self._stop(f"it sent nn-check something that is not plain data ({err})")
        if type(reply) is not kind:
            return self._stop(f"it sent nn-check a {type(reply).__name__} it did not ask for")
        return reply

    def _stop(self, reason: str) -> Stopped:
        self._end()
        return Stopped(reason)

    def _end(self) -> None:
        """Kill the child's whole process group (what it forked or spawned too) and reap it,
        then what it started that left the group and came to this process."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            end_orphans(self._spared)
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def load_failure(source: Source, failure: Failure) -> str:
    """One line: why the file did not load, and what would make it load."""
    shown = source.target
    if failure.kind in ("SyntaxError", "IndentationError", "NotANotebookError"):
        return f"{shown} cannot be read: {failure.one_line()}"
    if failure.missing is not None:
        where = f" ({failure.where})" if failure.where else ""
        return f"{shown} needs {failure.missing}{where}: {missing_text(failure.missing)}"
    hint = "its top-level code raised: --definitions-only runs only its imports and definitions"
    if source.is_notebook:
        hint = (
            "its cells raised: without --run-cells only their imports and definitions run"
            if not source.definitions_only
            else "its imports and definitions raised"
        )
    elif source.definitions_only:
        hint = "its imports and definitions raised"
    return f"{shown} did not load: {failure.one_line()}; {hint}"
