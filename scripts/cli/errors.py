"""How a command fails: a mistake the user can fix is one line on stderr and a non-zero exit.

Exit codes: 0 success; 1 the command ran but its verdict is bad (the cost diverged, the two
implementations disagree, the gradient check failed); 2 it could not run (bad flags, config, spec
or data); 130 interrupted with Ctrl-C; 141 (128 + SIGPIPE, what a shell shows for a tool a
closed pipe ended) the reader of its output went away (``nn-train | head``): what the command
had finished (a run folder published) is kept, the rest of its output is dropped, silently.
"""

from __future__ import annotations

import functools
import gc
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from scratch import BatchOfOneError, InsufficientMemoryError, SpecError
from scratch.course.catalogue import NothingToCheckError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_READER_GONE = 0, 1, 2, 130, 141

Main = Callable[[Sequence[str] | None], int]


class UserError(Exception):
    """Something the user asked for cannot be done; the message says what and how to fix it."""


class RunError(Exception):
    """The command started but could not finish (a file it had to write could not be); the
    message says what failed and what was kept."""


def reports_user_errors(prog: str) -> Callable[[Main], Main]:
    """Wrap a command's ``main(argv) -> exit code`` so that a ``UserError``, a ``SpecError``, a
    learner's file with nothing to check (``NothingToCheckError``), a network, a run or a file
    too large for the machine's memory, or batch norm on a batch of one example
    (``BatchOfOneError``) prints ``prog: error: <message>`` and returns 2, a ``RunError`` prints
    it and returns 1, and Ctrl-C prints ``prog: interrupted`` and returns 130, and a closed
    output pipe returns 141 (the module docstring), with no
    traceback. From ``main``'s first instruction Ctrl-C is Python's ``KeyboardInterrupt``
    (in place of the handler ``scripts`` installs while a command starts), so that what
    ``main`` opened is closed and a run folder half written is removed first; a second Ctrl-C
    while that one is reported is ignored. Called with no ``argv`` (the process's own command
    line: the console script, or ``python scripts/<name>.py``), the process ends when ``main``
    returns, so everything it made is frozen out of the garbage collector (``gc.freeze``): the
    interpreter's exit then frees it without first searching it for cycles, which with torch
    loaded took longer than most of the command (the performance document has the figures)."""

    def wrap(main: Main) -> Main:
        @functools.wraps(main)
        def wrapper(argv: Sequence[str] | None = None) -> int:
            previous = None
            try:
                previous = _on_interrupt(signal.default_int_handler)
                return _run(main, argv)
            except (
                UserError,
                SpecError,
                InsufficientMemoryError,
                BatchOfOneError,
                NothingToCheckError,
            ) as err:
                print(f"{prog}: error: {err}", file=sys.stderr)
                return EXIT_USAGE
            except RunError as err:
                print(f"{prog}: error: {err}", file=sys.stderr)
                return EXIT_FAILED
            except KeyboardInterrupt:
                _on_interrupt(signal.SIG_IGN)
                print(f"{prog}: interrupted", file=sys.stderr)
                return EXIT_INTERRUPTED
            except BrokenPipeError:
                if not _reader_gone():
                    raise
                return EXIT_READER_GONE
            finally:
                if previous is not None:
                    _on_interrupt(previous)

        return wrapper

    return wrap


def _on_interrupt(handler: Callable | int) -> Callable | int | None:
    """Set SIGINT's ``handler``, returning the one before; ``None`` (and nothing set) outside
    the main thread, where Python cannot set one."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, handler)


def _reader_gone() -> bool:
    """Whether the pipe that broke is standard output's: its end polls as an error, the
    reader gone. If so, standard output becomes ``os.devnull``, so that nothing written after
    (the interpreter's own flush at exit) has a pipe to fail on."""
    try:
        fd, poller = sys.stdout.fileno(), select.poll()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture); no poll
        return False
    poller.register(fd, select.POLLOUT)
    if not any(events & select.POLLERR for _, events in poller.poll(0)):
        return False
    os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    return True


def _run(main: Main, argv: Sequence[str] | None) -> int:
    try:
        code = main(argv)
        if argv is None:  # flushed here, not at exit, so that a reader gone is seen above
            sys.stdout.flush()
        return code
    finally:
        if argv is None:  # the process's own command line: it ends now
            gc.freeze()
