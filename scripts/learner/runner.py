"""The parent's side of nn-check's child process (``scripts.learner.child``): start it, load the
learner's file, call their functions with a time limit, and start a fresh child after one had
to be stopped.

A child process rather than a thread, because a thread stuck in a learner's loop cannot be
stopped, while a process can be killed. A fresh interpreter (not a fork: the parent holds
torch's threads; not multiprocessing's spawn, which would run the parent's main module again),
joined by a socket pair that ``multiprocessing.connection`` pickles over. The arguments travel
pickled, so the learner's function gets NumPy arrays of its own and the parent's stay as they
were. Its output goes nowhere: what a learner prints reaches nn-check counted, not shown.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from scratch.course.helpers import describe
from scratch.grading.outcomes import Failure, Loaded, Result, Stopped
from scripts.cli.errors import UserError
from scripts.learner.loading import Source
from scripts.learner.transfer import Shared, replace

SHARE_BYTES = 1 << 20  # an array this large travels to the child once, and back as a reference
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
    or ``Stopped``; ``close`` ends the child."""

    def __init__(self, source: Source, time_limit: float):
        self.source, self.time_limit = source, time_limit
        self._process: subprocess.Popen | None = None
        self._held: dict[int, np.ndarray] = {}
        self._in_child: set[int] = set()
        self._conn: Connection | None = None
        self.loaded: Loaded | None = None

    @property
    def solution(self) -> str:
        """The file or module, as the learner named it."""
        return self.source.target

    def load(self) -> Loaded:
        """Start the child and load the file; a ``UserError`` (one line) when it cannot."""
        reply = self._start()
        if isinstance(reply, Stopped):
            raise UserError(
                f"loading {self.source.target} {reply.reason} (does its top-level code train "
                "or load data? --definitions-only skips it)"
            )
        if reply.failure is not None:
            self.close()
            raise UserError(load_failure(self.source, reply.failure))
        self.loaded = reply
        return reply

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
        self._conn.send((name, args, substitutes, arrays))
        reply = self._reply(
            f"stopped after {self.time_limit:g} s, the time limit (--time-limit): a loop over "
            "the examples? The course's functions work on whole matrices"
        )
        if isinstance(reply, Result):
            reply.value = replace(reply.value, Shared, lambda shared: self._held[shared.key])
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
        if self._process is None:
            return
        try:
            self._conn.send(None)
            self._process.wait(1)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        self._conn.close()
        self._process = self._conn = None

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
        )
        theirs.close()
        self._conn = Connection(ours.detach())
        self._conn.send(self.source)
        return self._reply(f"took longer than {self.time_limit:g} s, the time limit")

    def _reply(self, too_long: str) -> Any:
        reason = too_long
        try:
            if self._conn.poll(self.time_limit):
                return self._conn.recv()
        except (EOFError, OSError):
            code = self._process.wait()
            reason = f"it ended its process (exit code {code}): os._exit(), or a crash"
        self._process.kill()
        self._process.wait()
        self._conn.close()
        self._process = self._conn = None
        return Stopped(reason)


def load_failure(source: Source, failure: Failure) -> str:
    """One line: why the file did not load, and what would make it load."""
    shown = source.target
    if failure.kind == "SyntaxError" or failure.kind == "IndentationError":
        return f"{shown} cannot be read: {failure.one_line()}"
    if failure.missing is not None:
        what = describe(failure.missing.split(".")[0])
        module = failure.missing
        if what is None:
            return (
                f"{shown} imports {module}, which is not installed (pip install {module}), "
                f"{failure.where or 'at import'}"
            )
        return (
            f"{shown} imports {module} ({failure.where}), which is not beside it: {what}; "
            "put the course's file beside yours, or run nn-check with --provide-helpers to use "
            "nn-check's own"
        )
    hint = "its top-level code raised: --definitions-only runs only its imports and definitions"
    if "get_ipython" in failure.message:
        hint = "a notebook export: get_ipython() is IPython's; --definitions-only skips it"
    return f"{shown} did not load: {failure.one_line()}; {hint}"
