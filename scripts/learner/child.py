"""The learner's side of nn-check: a child process that loads the learner's file and runs its
functions on request, so that a function that raises, prints, hangs or exits cannot take the
tool down with it (``scripts.learner.runner`` is the parent's side). What it sends back is
plain data (``scripts.learner.wire``), never a pickle.

Each call gets the arguments the parent sent, is timed by the parent, and reports besides its
value what it printed, what NumPy warned, and which of its arguments it changed (an array
modified in place, a dict entry replaced). Nothing is written: bytecode is off before the
learner's folder goes on ``sys.path``, and the file itself is compiled from its source.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import socket
import sys
import warnings
from collections.abc import Iterator
from functools import partial
from typing import Any

import numpy as np

from scratch.course.catalogue import ALL_NAMES
from scratch.grading.outcomes import Change, Loaded, Output, Result
from scripts.learner.loading import Source, failure_of, folder_of, load
from scripts.learner.transfer import RECORDS, Shared, portable, replace, shared_copy, shared_key
from scripts.learner.wire import WireError, receive, send


def serve(fd: int) -> None:
    """The child's loop on the socket ``fd``: say it is ready, receive the ``Source`` (as a
    dict), load it, reply ``Loaded``, then answer each ``(name, args, substitutes, arrays)``
    (``arrays``: the large ones sent for the first time) with ``"taken"`` once it holds them,
    then a ``Result``, until the parent
    sends ``None`` or goes away. A process the learner's code forks stops at once."""
    sys.dont_write_bytecode = True
    from scratch.course.catalogue import REFERENCE  # before the learner's folder shadows names

    sock = socket.socket(fileno=fd)
    os.register_at_fork(after_in_child=lambda: os._exit(0))
    send(sock, "ready")
    loaded = Loaded()
    with captured(loaded.output):
        module, loaded.failure, loaded.functions = load(Source(**_receive(sock)), loaded.notes)
    send(sock, loaded)
    store: dict[int, np.ndarray] = {}
    while module is not None:
        try:
            request = _receive(sock)
        except (EOFError, WireError):
            return
        if request is None:
            return
        name, args, substitutes, arrays = request
        store.update(arrays)
        given: dict[int, int] = {}
        args = replace(args, Shared, partial(shared_copy, store, given))
        send(sock, "taken")  # the parent's clock for the call starts here
        result = call(module, REFERENCE, name, args, substitutes)
        result.value = replace(result.value, np.ndarray, partial(shared_key, store, given))
        send(sock, result)


def _receive(sock: socket.socket) -> Any:
    return receive(sock, None, RECORDS)


@contextlib.contextmanager
def captured(output: Output) -> Iterator[None]:
    """Count what is printed (the first line kept) and keep NumPy's warnings, one line each."""
    buffer = io.StringIO()
    with (
        contextlib.redirect_stdout(buffer),
        contextlib.redirect_stderr(buffer),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        try:
            yield
        finally:
            lines = buffer.getvalue().splitlines()
            output.printed += len(lines)
            output.first_line = output.first_line or (lines[0][:80] if lines else "")
            for warning in caught:
                text = f"{warning.category.__name__}: {warning.message}"
                if text not in output.warnings:
                    output.warnings.append(text)


def call(module: Any, reference: dict, name: str, args: tuple, substitutes: tuple) -> Result:
    """``module.name(*args)``, with the course functions in ``substitutes`` (``(week, name)``)
    replaced by nn-check's own in the function's globals for the call."""
    function = getattr(module, name)
    names = argument_names(function, len(args))
    before = copy.deepcopy(args)
    identities: dict[str, int] = {}
    for label, arg in zip(names, args, strict=True):
        _identities(arg, label, identities)
    scopes = _scopes(module, function) if substitutes else []
    saved = [{key: scope[key] for _, key in substitutes if key in scope} for scope in scopes]
    result = Result()
    try:
        for scope in scopes:
            scope.update({key: reference[week][key] for week, key in substitutes})
        with captured(result.output):
            result.value = portable(function(*args))
    except (Exception, SystemExit) as err:  # the learner's exception, KeyboardInterrupt aside
        result.failure = failure_of(err, folder_of(module))
    finally:
        for scope, kept in zip(scopes, saved, strict=True):
            for _, key in substitutes:
                scope.pop(key, None)
            scope.update(kept)
    for label, old, new in zip(names, before, args, strict=True):
        _changes(label, old, new, identities, result.changes)
    return result


def _scopes(module: Any, function: Any) -> list[dict]:
    """The global namespaces a substitute goes into: the function's, and those of the course
    functions its module holds (one imported from a helper module of the learner's has its
    own)."""
    found = {id(function.__globals__): function.__globals__}
    for name in ALL_NAMES:
        scope = getattr(getattr(module, name, None), "__globals__", None)
        if isinstance(scope, dict):
            found.setdefault(id(scope), scope)
    return list(found.values())


def argument_names(function: Any, count: int) -> list[str]:
    try:
        code = function.__code__
        names = list(code.co_varnames[: code.co_argcount])
    except AttributeError:
        names = []
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]


def _identities(args: Any, path: str, out: dict[str, int]) -> None:
    if isinstance(args, np.ndarray):
        out[path] = id(args)
    elif isinstance(args, dict):
        for key, item in args.items():
            _identities(item, f"{path}[{key!r}]", out)
    elif isinstance(args, list | tuple):
        for i, item in enumerate(args):
            _identities(item, f"{path}[{i}]", out)


def _changes(path: str, old: Any, new: Any, identities: dict, out: list[Change]) -> None:
    if isinstance(old, np.ndarray) and isinstance(new, np.ndarray):
        moved = identities.get(path) != id(new)
        if old.shape != new.shape or old.dtype != new.dtype:
            out.append(Change(path, "replaced" if moved else "reshaped", value=new))
        elif not np.array_equal(old, new, equal_nan=old.dtype.kind == "f"):
            same = (
                (old == new) | (np.isnan(old) & np.isnan(new))
                if old.dtype.kind == "f"
                else old == new
            )
            at = np.unravel_index(np.flatnonzero(~same)[0], old.shape)
            how = "replaced" if moved else "in place"
            out.append(Change(path, how, tuple(map(int, at)), float(old[at]), float(new[at]), new))
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() - new.keys():
            out.append(Change(f"{path}[{key!r}]", "removed"))
        for key in new.keys() - old.keys():
            out.append(Change(f"{path}[{key!r}]", "added"))
        for key in old.keys() & new.keys():
            _changes(f"{path}[{key!r}]", old[key], new[key], identities, out)
    elif isinstance(old, list | tuple) and isinstance(new, list | tuple) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _changes(f"{path}[{i}]", a, b, identities, out)
